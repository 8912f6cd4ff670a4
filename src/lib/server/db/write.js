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
import { sql } from 'kysely';

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

/** Connections (Kysely single-connection executors) currently inside `writeTransaction`. */
const inWrite = new WeakSet();

/**
 * Runs `fn` inside one `BEGIN IMMEDIATE … COMMIT` on the Kysely database, rolling back on any
 * error. Taking the write lock is retried (bounded, with back-off) when it stays busy past the
 * busy timeout. Called again with the `tx` it handed out, it simply runs `fn` in that same
 * transaction, so domain functions compose.
 * @template {import('kysely').Kysely<any>} D
 * @template T
 * @param {D} db
 * @param {(tx: D) => Promise<T>} fn
 * @returns {Promise<T>}
 */
export async function writeTransaction(db, fn) {
	if (inWrite.has(db)) return fn(db);
	return db.connection().execute(async (conn) => {
		for (let attempt = 1; ; attempt++) {
			try {
				await sql`begin immediate`.execute(conn);
				break;
			} catch (err) {
				if (!isBusy(err) || attempt > WRITE_RETRIES) throw err;
				await new Promise((r) => setTimeout(r, backoffMs(attempt)));
			}
		}
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
