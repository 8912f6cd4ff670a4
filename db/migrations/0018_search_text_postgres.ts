import { sql, type Kysely } from 'kysely';
import { isPostgres } from './dialect.ts';

/**
 * The PostgreSQL text engine's tables (#16). On SQLite this migration does nothing: FTS5
 * (`search_text`, `search_vocab`, migrations 0004 and 0017) is the SQLite text engine.
 *
 * - `search_text`: one row per record, its abstract's and its text's stems as `tsvector`s —
 *   our own Sastrawi/Porter stems (the index builder's analysis, text.js), stored as lexemes
 *   untouched (`array_to_tsvector`, i.e. the `simple` configuration without re-parsing), so both
 *   engines match exactly the same words. No positions: the stems are distinct and phrases are
 *   not searched (FTS5's `detail=column`). A GIN index per column answers `@@` and `term:*`.
 * - `search_vocab`: every stem with the number of records holding it — the vocabulary of typo
 *   and prefix expansion and of IDF, kept exact by the index builder as it rewrites a record's
 *   row (under the write lock). `ts_stat` would compute it from `search_text` but reads every
 *   row on each call. `collate "C"`: byte order, as SQLite's, so a prefix is a range scan.
 * - `search_page_terms` (page hits) is 0017's, on both engines.
 * Derived data: clearing `search_text_state` makes the builder analyse every record again.
 * Frozen in time like every migration: `Kysely<any>`, no application imports.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
	if (!isPostgres(db)) return;
	await sql`create table search_text (
		publication_id integer primary key,
		abstract tsvector not null,
		body tsvector not null
	)`.execute(db);
	await sql`create index search_text_abstract on search_text using gin (abstract)`.execute(db);
	await sql`create index search_text_body on search_text using gin (body)`.execute(db);
	await sql`create table search_vocab (
		term text collate "C" primary key,
		docs integer not null
	)`.execute(db);
	await sql`delete from search_text_state`.execute(db);
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
	if (!isPostgres(db)) return;
	await sql`drop table if exists search_vocab`.execute(db);
	await sql`drop table if exists search_text`.execute(db);
	await sql`delete from search_text_state`.execute(db);
}
