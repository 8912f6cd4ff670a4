import fs from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
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
	return new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) });
}

let instance: Db | undefined;
let ready: Promise<Db> | undefined;

/** The application's one Kysely instance, opened on DATA_DIR and migrated on first use. */
export function getDb(): Promise<Db> {
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
