import { sql, type Kysely } from 'kysely';
import { isPostgres } from './dialect.ts';

/**
 * Page hits at library scale, and long-text indexes without copies of their input.
 *
 * - `search_page_terms` replaces the FTS5 page index `search_pages`: one row per stem of a
 *   file, keyed (file, stem), with the pages holding it as a list of varint gaps. "On which pages
 *   of this file do these stems occur" — asked for each of the 20 hits shown — becomes one
 *   B-tree seek per stem (microseconds) instead of an FTS5 match over every page of the library
 *   restricted to a row-id range (about 0.7 ms per hit at 1,000 full texts, the largest single
 *   cost of a search, profiled). It is also smaller: FTS5 stored every page's stems twice (its
 *   content table and its index). A plain table, so a PostgreSQL text engine can use it as is.
 * - `search_text` is recreated contentless (`content=''`, `contentless_delete=1`): its stored
 *   copy of every record's stems was never read (matches need only the index), and was about a
 *   fifth of the search tables.
 * PostgreSQL (#16): only `search_page_terms` (FTS5 is SQLite's). Both are derived data: clearing `search_text_state` makes the index builder analyse every
 * record again, once. Frozen in time like every migration: `Kysely<any>`, no application imports.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
	// A plain table on both engines (bytea on PostgreSQL): the PostgreSQL text engine (#16)
	// reads page hits from it the same way.
	if (isPostgres(db)) {
		await sql`create table search_page_terms (
			file_id integer not null,
			term text not null,
			pages bytea not null,
			primary key (file_id, term)
		)`.execute(db);
		await sql`delete from search_text_state`.execute(db);
		return;
	}
	await sql`drop table if exists search_pages`.execute(db);
	await sql`create table search_page_terms (
		file_id integer not null,
		term text not null,
		pages blob not null,
		primary key (file_id, term)
	) without rowid`.execute(db);
	await sql`drop table if exists search_vocab`.execute(db);
	await sql`drop table if exists search_text`.execute(db);
	await sql`create virtual table search_text using fts5(abstract, body, tokenize = 'unicode61 remove_diacritics 0', prefix = '3 4 5', detail = column, content = '', contentless_delete = 1)`.execute(
		db
	);
	await sql`create virtual table search_vocab using fts5vocab(search_text, 'row')`.execute(db);
	await sql`delete from search_text_state`.execute(db);
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
	await sql`drop table if exists search_page_terms`.execute(db);
	if (isPostgres(db)) return;
	await sql`drop table if exists search_vocab`.execute(db);
	await sql`drop table if exists search_text`.execute(db);
	await sql`create virtual table search_text using fts5(abstract, body, tokenize = 'unicode61 remove_diacritics 0', prefix = '3 4 5', detail = column)`.execute(
		db
	);
	await sql`create virtual table search_vocab using fts5vocab(search_text, 'row')`.execute(db);
	await sql`create virtual table search_pages using fts5(stems, tokenize = 'unicode61 remove_diacritics 0', detail = none)`.execute(
		db
	);
	await sql`delete from search_text_state`.execute(db);
}
