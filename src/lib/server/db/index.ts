import fs from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, SqliteDialect, sql } from 'kysely';
import { LRUCache } from 'lru-cache';
import { config } from '../config.ts';
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

let instance: Db | undefined;
let ready: Promise<Db> | undefined;
/** Set by `checkpointAndClose`: a request still running after shutdown must not reopen it. */
let stopped = false;

/** The application's one Kysely instance, opened on DATA_DIR and migrated on first use. */
export function getDb(): Promise<Db> {
	if (stopped)
		return Promise.reject(new Error('the database is closed: the server is shutting down'));
	ready ??= (async () => {
		const db = openDatabase(config.databaseFile);
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
 * result, or null when no database was open.
 */
export async function checkpointAndClose(): Promise<Checkpoint | null> {
	const db = instance;
	if (!db) return null;
	stopped = true;
	const { rows } = await sql<Checkpoint>`pragma wal_checkpoint(TRUNCATE)`.execute(db);
	await closeDb();
	return rows[0] ?? null;
}
