import fs from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import pg from 'pg';
import { Kysely, PostgresDialect, SqliteDialect, sql } from 'kysely';
import { LRUCache } from 'lru-cache';
import { config } from '../config.ts';
import { databaseUrl, dialectOf } from './dialect.ts';
import type { Database } from './schema.ts';
import { migrateToLatest } from './migrate.ts';

export type { Database } from './schema.ts';
export type Db = Kysely<Database>;

/**
 * Opens a SQLite database file with the settings every connection needs: WAL so readers never
 * wait for the writer, foreign keys enforced, and a busy timeout so concurrent writers queue
 * instead of failing with SQLITE_BUSY.
 */
export function openDatabase(file: string): Db {
	fs.mkdirSync(path.dirname(file), { recursive: true });
	const sqlite = new SQLite(file);
	sqlite.pragma('journal_mode = WAL');
	sqlite.pragma('foreign_keys = ON');
	sqlite.pragma('busy_timeout = 5000');
	sqlite.pragma('synchronous = NORMAL');
	return new Kysely<Database>({
		dialect: new SqliteDialect({ database: withStatementCache(sqlite) })
	});
}

/** Prepared statements kept per connection (the app issues a few hundred distinct queries). */
const STATEMENT_CACHE = 1000;

/**
 * The connection as Kysely sees it, with `prepare` remembering its statements by SQL text.
 * Kysely's SQLite driver prepares every query anew, and parsing and planning was about a tenth
 * of a search's CPU time at 1,000 full texts (profiled), and as much again on catalog pages.
 * A statement still being iterated (a streamed query) is never handed out twice: a fresh one is
 * prepared instead. SQLite re-prepares a cached statement by itself after a schema change.
 */
function withStatementCache(sqlite: SQLite.Database): SQLite.Database {
	const cache = new LRUCache<string, SQLite.Statement>({ max: STATEMENT_CACHE });
	const prepare = (source: string) => {
		const cached = cache.get(source);
		if (cached && !cached.busy) return cached;
		const statement = sqlite.prepare(source);
		if (!cached) cache.set(source, statement);
		return statement;
	};
	return new Proxy(sqlite, {
		get(target, key) {
			if (key === 'prepare') return prepare;
			const value = Reflect.get(target, key, target);
			return typeof value === 'function' ? value.bind(target) : value;
		}
	});
}

/**
 * How pg turns PostgreSQL's 64-bit integers (`count(*)`, `sum()` of integers) and numerics into
 * JavaScript: as numbers, like better-sqlite3 does, instead of pg's default strings — domain code
 * compares and adds them. Counts, ids and rupiah amounts stay far below 2^53. Set per pool, not
 * on pg's global type table, so nothing else in the process is affected.
 */
const pgTypes = {
	getTypeParser(oid: number, format?: 'text' | 'binary') {
		if (oid === 20 || oid === 1700) return (v: string) => Number(v);
		// eslint-disable-next-line @typescript-eslint/no-explicit-any
		return (pg.types.getTypeParser as any)(oid, format);
	}
};

/** Connections a process's pool may hold (`DATABASE_POOL_SIZE`, default 10). */
function poolSize(): number {
	const n = Number(process.env.DATABASE_POOL_SIZE?.trim() || 10);
	if (!Number.isInteger(n) || n <= 0)
		throw new Error(`DATABASE_POOL_SIZE must be a positive integer, got "${n}"`);
	return n;
}

/**
 * Opens a PostgreSQL database (a `postgres://` URL) through Kysely's PostgreSQL dialect over a
 * `pg` connection pool. Every session runs in UTC so timestamp text the database writes (column
 * defaults, triggers) matches the ISO-8601 UTC strings the application writes.
 */
export function openPostgres(url: string): Db {
	const pool = new pg.Pool({
		connectionString: url,
		max: poolSize(),
		types: pgTypes,
		options: '-c TimeZone=UTC',
		application_name: 'perpustakaan'
	});
	const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
	pools.set(db, pool);
	return db;
}

/** The pg pool behind each PostgreSQL instance `openPostgres` made (Kysely does not expose it). */
const pools = new WeakMap<Db, pg.Pool>();

/** A connection pool's figures, as /readyz and /metrics report them. */
export interface PoolStats {
	/** Connections the pool may open (`DATABASE_POOL_SIZE`). */
	max: number;
	/** Connections open now (idle + in use). */
	total: number;
	idle: number;
	/** Checked out by a query or transaction. */
	inUse: number;
	/** Queries queued for a connection because all `max` are in use. */
	waiting: number;
}

/**
 * The figures of the PostgreSQL connection pool behind `db` (default: the application's shared
 * instance), or null on SQLite (one in-process connection, nothing to pool) and before the
 * shared instance is open. Operators watch `waiting`: above 0 for long means the pool (or the
 * database) is the bottleneck.
 */
export function poolStats(db: Db | undefined = instance): PoolStats | null {
	const pool = db && pools.get(db);
	if (!pool) return null;
	const total = pool.totalCount;
	const idle = pool.idleCount;
	return {
		max: pool.options.max ?? poolSize(),
		total,
		idle,
		inUse: total - idle,
		waiting: pool.waitingCount
	};
}

/** The configured database: PostgreSQL when DATABASE_URL is set, else DATA_DIR's SQLite file. */
export function openConfigured(): Db {
	const url = databaseUrl();
	return url ? openPostgres(url) : openDatabase(config.databaseFile);
}

let instance: Db | undefined;
let ready: Promise<Db> | undefined;
/** Set by `checkpointAndClose`: a request still running after shutdown must not reopen it. */
let stopped = false;

/**
 * The application's one Kysely instance — PostgreSQL when DATABASE_URL is set, else SQLite in
 * DATA_DIR — migrated on first use.
 */
export function getDb(): Promise<Db> {
	if (stopped)
		return Promise.reject(new Error('the database is closed: the server is shutting down'));
	ready ??= (async () => {
		const db = openConfigured();
		await migrateToLatest(db);
		instance = db;
		return db;
	})();
	return ready;
}

/** Closes the shared instance (tests and CLI scripts call this before exiting). */
export async function closeDb(): Promise<void> {
	const db = instance;
	instance = undefined;
	ready = undefined;
	if (db) await db.destroy();
}

/** What `PRAGMA wal_checkpoint` reports: busy = 1 when a reader kept it from finishing. */
export interface Checkpoint {
	busy: number;
	log: number;
	checkpointed: number;
}

/**
 * Server shutdown: copies the whole write-ahead log into the database file and truncates it
 * (`PRAGMA wal_checkpoint(TRUNCATE)`), then closes the shared instance — so a stopped server
 * leaves one self-contained database file, ready to copy or back up. Returns the checkpoint's
 * result, or null when no database was open. On PostgreSQL there is no file to checkpoint (the
 * server owns its log): the pool is closed and null returned.
 */
export async function checkpointAndClose(): Promise<Checkpoint | null> {
	const db = instance;
	if (!db) return null;
	stopped = true;
	if (dialectOf(db) === 'postgres') {
		await closeDb();
		return null;
	}
	const { rows } = await sql<Checkpoint>`pragma wal_checkpoint(TRUNCATE)`.execute(db);
	await closeDb();
	return rows[0] ?? null;
}
