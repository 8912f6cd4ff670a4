// The one write discipline for SQLite, for the server, the CLIs and the worker threads alike.
// Plain JavaScript typed with JSDoc so worker threads load it from disk without a build step.
//
// Why IMMEDIATE: SQLite's default BEGIN is deferred. In WAL mode a deferred transaction that has
// read from a snapshot and then tries to write after another connection committed cannot be
// upgraded, and fails at once with SQLITE_BUSY ("database is locked") — the busy timeout does not
// help, because waiting would not make its snapshot current. `BEGIN IMMEDIATE` takes the write
// lock before the first read, waiting up to busy_timeout for it, so the transaction's reads are
// always of the latest data and its writes can never fail that way. Imports, uploads, loans and
// the index builder run at the same time in real use; every one of them writes through here.
//
// PostgreSQL (DATABASE_URL set, issue #16): the same guarantee, across every server sharing the
// database. `writeTransaction` there runs `BEGIN` (READ COMMITTED) and then takes one
// transaction-scoped advisory lock, `pg_advisory_xact_lock(WRITE_LOCK_KEY)`, before `fn` reads
// anything: exactly one writeTransaction runs at a time, on every server, as with SQLite's write
// lock; readers are never blocked (MVCC). Because the lock is taken before the first read and
// READ COMMITTED gives each statement a fresh snapshot, `fn` reads the latest committed data and
// nothing another writeTransaction does can interleave — the circulation "last copy" race has
// exactly one winner, the login budget cannot be overspent.
// Why not SERIALIZABLE with retry: every catalog and circulation write also bumps one counter row
// (catalog_version / circulation_version, migrations 0005 and 0015), so concurrent writers
// would conflict on it anyway and SERIALIZABLE would turn that into aborts and re-runs of `fn`;
// several callers do work outside the database inside `fn` (storing files, in-memory learning)
// that is not safe to run twice. One write lock keeps today's semantics and today's callers.
// What it costs: writes are serialized as they are on SQLite — the ceiling is the same, not
// lower; narrowing the lock (per publication, per table) is later work once measured.
// A writer waits at most WRITE_LOCK_TIMEOUT for the lock (PostgreSQL's `lock_timeout`, local to
// the transaction), then fails like a SQLite writer that stayed busy.
import { PostgresAdapter, sql } from 'kysely';

/** How many times a BEGIN that still found the database busy after busy_timeout is retried. */
export const WRITE_RETRIES = 6;

/**
 * The error SQLite gives when another connection holds the write lock past the busy timeout.
 * @param {unknown} err
 */
export function isBusy(err) {
	const code = /** @type {{ code?: unknown }} */ (err)?.code;
	return typeof code === 'string' && code.startsWith('SQLITE_BUSY');
}

/**
 * Wait before retry `attempt` (1-based): grows with each attempt, jittered so that writers that
 * collided do not collide again in step.
 * @param {number} attempt
 */
export function backoffMs(attempt) {
	return Math.min(2000, 50 * 2 ** attempt) * (0.5 + Math.random());
}

/** The advisory-lock key of "the database's write side" on PostgreSQL (any fixed 64-bit number). */
export const WRITE_LOCK_KEY = 7_316_042_016;

/** How long a PostgreSQL writer waits for the write lock before failing. */
export const WRITE_LOCK_TIMEOUT = '30s';

/**
 * Whether a Kysely instance (or a connection it handed out) talks to PostgreSQL.
 * @param {import('kysely').Kysely<any>} db
 */
function isPostgres(db) {
	return db.getExecutor().adapter instanceof PostgresAdapter;
}

/**
 * SQLite: `BEGIN IMMEDIATE`, retried with back-off while the write lock stays busy.
 * @param {import('kysely').Kysely<any>} conn
 */
async function beginImmediate(conn) {
	for (let attempt = 1; ; attempt++) {
		try {
			await sql`begin immediate`.execute(conn);
			return;
		} catch (err) {
			if (!isBusy(err) || attempt > WRITE_RETRIES) throw err;
			await new Promise((r) => setTimeout(r, backoffMs(attempt)));
		}
	}
}

/**
 * PostgreSQL: `BEGIN` (READ COMMITTED), then the one write lock, waiting at most
 * WRITE_LOCK_TIMEOUT; the transaction is rolled back if the lock is not had.
 * @param {import('kysely').Kysely<any>} conn
 */
async function beginPostgres(conn) {
	await sql`begin`.execute(conn);
	try {
		await sql`set local lock_timeout = ${sql.lit(WRITE_LOCK_TIMEOUT)}`.execute(conn);
		await sql`select pg_advisory_xact_lock(${sql.lit(WRITE_LOCK_KEY)})`.execute(conn);
	} catch (err) {
		await sql`rollback`.execute(conn).catch(() => {});
		throw err;
	}
}

/** Connections (Kysely single-connection executors) currently inside `writeTransaction`. */
const inWrite = new WeakSet();

/**
 * Runs `fn` inside one `BEGIN IMMEDIATE … COMMIT` on the Kysely database, rolling back on any
 * error. Taking the write lock is retried (bounded, with back-off) when it stays busy past the
 * busy timeout. On PostgreSQL: `BEGIN`, then the one write lock (see the top of this file).
 * Called again with the `tx` it handed out, it simply runs `fn` in that same
 * transaction, so domain functions compose.
 * @template {import('kysely').Kysely<any>} D
 * @template T
 * @param {D} db
 * @param {(tx: D) => Promise<T>} fn
 * @returns {Promise<T>}
 */
export async function writeTransaction(db, fn) {
	if (inWrite.has(db)) return fn(db);
	const postgres = isPostgres(db);
	return db.connection().execute(async (conn) => {
		if (postgres) await beginPostgres(conn);
		else await beginImmediate(conn);
		inWrite.add(conn);
		try {
			const result = await fn(/** @type {D} */ (/** @type {unknown} */ (conn)));
			await sql`commit`.execute(conn);
			return result;
		} catch (err) {
			await sql`rollback`.execute(conn).catch(() => {});
			throw err;
		} finally {
			inWrite.delete(conn);
		}
	});
}

/**
 * The PostgreSQL write discipline for a raw `pg` client (the index-builder worker thread, which
 * runs without Kysely): `fn(client)` runs between `BEGIN` and `COMMIT` after the one write lock
 * has been taken — the same statements as `writeTransaction`'s PostgreSQL branch, so the worker's
 * writes queue behind the site's and never interleave with them. Rolled back on any error.
 * @template T
 * @param {import('pg').ClientBase} client
 * @param {(client: import('pg').ClientBase) => Promise<T>} fn
 * @returns {Promise<T>}
 */
export async function writeTransactionPg(client, fn) {
	await client.query('begin');
	try {
		await client.query(`set local lock_timeout = '${WRITE_LOCK_TIMEOUT}'`);
		await client.query(`select pg_advisory_xact_lock(${WRITE_LOCK_KEY})`);
		const result = await fn(client);
		await client.query('commit');
		return result;
	} catch (err) {
		await client.query('rollback').catch(() => {});
		throw err;
	}
}

const sleeper = new Int32Array(new SharedArrayBuffer(4));

/**
 * The same discipline for a raw better-sqlite3 connection (worker threads and scripts that work
 * synchronously): `fn(...args)` runs in one IMMEDIATE transaction, retried with back-off when the
 * write lock stays busy past the busy timeout.
 * @template {unknown[]} A
 * @template T
 * @param {import('better-sqlite3').Database} sqlite
 * @param {(...args: A) => T} fn
 * @returns {(...args: A) => T}
 */
export function writeSync(sqlite, fn) {
	const tx = sqlite.transaction(fn);
	return (...args) => {
		for (let attempt = 1; ; attempt++) {
			try {
				return tx.immediate(...args);
			} catch (err) {
				if (!isBusy(err) || attempt > WRITE_RETRIES) throw err;
				Atomics.wait(sleeper, 0, 0, backoffMs(attempt));
			}
		}
	};
}
