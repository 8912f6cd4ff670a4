import path from 'node:path';
import SQLite from 'better-sqlite3';
import { CompiledQuery } from 'kysely';
import { openDatabase, openPostgres, type Db } from '../../src/lib/server/db/index.ts';
import { databaseUrlOf } from './demo.ts';

/** Opens a data directory's database read-only, to look up ids and check invariants (SQLite only). */
export function openReadOnly(dataDir: string): SQLite.Database {
	return new SQLite(path.join(dataDir, 'perpustakaan.sqlite'), {
		readonly: true,
		fileMustExist: true
	});
}

/** The id of the first record matching a SQL condition on `publications` (SQLite only). */
export function publicationId(dataDir: string, where: string, ...params: unknown[]): number {
	const db = openReadOnly(dataDir);
	try {
		const row = db
			.prepare(`select id from publications where ${where} order by id limit 1`)
			.get(...params) as { id: number } | undefined;
		if (!row) throw new Error(`no publication where ${where}`);
		return row.id;
	} finally {
		db.close();
	}
}

/**
 * A test's direct line to a library's database, whichever engine it runs on (the `server` and
 * `server-pg` projects run the same suites): SQL with `?` placeholders, answered through the
 * application's own connection code (`openDatabase` / `openPostgres`: numbers for counts and
 * sums on both). Keep the SQL portable (no `json_extract`, `datetime()`…); where it cannot be,
 * branch on `engine`.
 */
export interface LibraryDb {
	engine: 'sqlite' | 'postgres';
	/** The Kysely instance, for calling domain modules directly. */
	kysely: Db;
	// Rows are what the test's SQL selects: typed by the caller, loosely by default.
	// eslint-disable-next-line @typescript-eslint/no-explicit-any
	all<T = any>(sql: string, ...params: unknown[]): Promise<T[]>;
	/** The first row, or undefined. */
	// eslint-disable-next-line @typescript-eslint/no-explicit-any
	get<T = any>(sql: string, ...params: unknown[]): Promise<T>;
	/** Runs a statement; resolves to the number of rows it changed. */
	run(sql: string, ...params: unknown[]): Promise<number>;
	close(): Promise<void>;
}

/** `?` → `$1, $2, …` outside string literals, for PostgreSQL. */
function numbered(sql: string): string {
	let n = 0;
	return sql.replace(/'(?:[^']|'')*'|\?/g, (m) => (m === '?' ? `$${++n}` : m));
}

/** Opens the database of a data directory made by copyDemoData()/emptyLibrary(). */
export function openLibraryDb(dataDir: string): LibraryDb {
	const url = databaseUrlOf(dataDir);
	const kysely = url ? openPostgres(url) : openDatabase(path.join(dataDir, 'perpustakaan.sqlite'));
	const query = async <T>(sql: string, params: unknown[]) =>
		kysely.executeQuery<T>(CompiledQuery.raw(url ? numbered(sql) : sql, params));
	return {
		engine: url ? 'postgres' : 'sqlite',
		kysely,
		all: async (sql, ...params) => (await query(sql, params)).rows as never,
		get: async (sql, ...params) => (await query(sql, params)).rows[0] as never,
		run: async (sql, ...params) => Number((await query(sql, params)).numAffectedRows ?? 0),
		close: () => kysely.destroy()
	};
}

/** Runs `fn` with a library's database open, then closes it. */
export async function withLibraryDb<T>(
	dataDir: string,
	fn: (db: LibraryDb) => Promise<T>
): Promise<T> {
	const db = openLibraryDb(dataDir);
	try {
		return await fn(db);
	} finally {
		await db.close();
	}
}

/** The id of the first record matching a SQL condition on `publications`, on either engine. */
export async function publicationIdOf(
	dataDir: string,
	where: string,
	...params: unknown[]
): Promise<number> {
	return withLibraryDb(dataDir, async (db) => {
		const row = await db.get<{ id: number }>(
			`select id from publications where ${where} order by id limit 1`,
			...params
		);
		if (!row) throw new Error(`no publication where ${where}`);
		return row.id;
	});
}
