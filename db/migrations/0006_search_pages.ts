import { sql, type Kysely } from 'kysely';
import { isPostgres } from './dialect.ts';

/**
 * A page-level index for search results: one row per page of a file, holding that page's
 * distinct stems (analysed by the index-builder worker, like `search_text`). The row id encodes
 * the file and the page (`file_id * 65536 + page`), so "on which pages of this file do these
 * stems occur" is one FTS5 lookup restricted to a row-id range — instead of reading and
 * re-analysing a hit's whole text at query time, which cost hundreds of milliseconds per result
 * page at 20,000 words per record. `detail=none`: only which pages contain a stem is needed.
 * Derived data only: dropping it loses nothing the builder cannot recreate.
 * PostgreSQL (#16): not created there; the PostgreSQL text engine (slice 2) brings its own.
 * Frozen in time like every migration: `Kysely<any>`, no application imports.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
	if (!isPostgres(db))
		await sql`create virtual table search_pages using fts5(stems, tokenize = 'unicode61 remove_diacritics 0', detail = none)`.execute(
			db
		);
	// Every record's text is analysed again once, now page by page.
	await sql`delete from search_text_state`.execute(db);
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
	await sql`drop table if exists search_pages`.execute(db);
}
