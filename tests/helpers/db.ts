import path from 'node:path';
import SQLite from 'better-sqlite3';

/** Opens a data directory's database read-only, to look up ids and check invariants. */
export function openReadOnly(dataDir: string): SQLite.Database {
	return new SQLite(path.join(dataDir, 'perpustakaan.sqlite'), {
		readonly: true,
		fileMustExist: true
	});
}

/** The id of the first record matching a SQL condition on `publications` (test fixtures). */
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
