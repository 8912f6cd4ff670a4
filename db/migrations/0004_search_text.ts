import { sql, type Kysely } from 'kysely';
import { isPostgres } from './dialect.ts';

/**
 * Search at library scale: the long texts of a record — the PDF's text and the abstract — are
 * indexed in SQLite FTS5 as the record's distinct stems (analysed by our Indonesian/English
 * pipeline in the index-builder worker), while Lunr keeps the short metadata fields. A Lunr
 * index holding 5,000 full texts needs many gigabytes and many minutes to build; FTS5 keeps
 * them on disk, updates one record at a time and answers in milliseconds.
 *
 * - `search_text`: rowid = publication id; columns of space-separated stems. `detail=column`
 *   keeps which column matched (for per-column weights) but no positions (stems are distinct,
 *   phrases are not searched), which keeps the table small. Prefix indexes serve `lela*`.
 * - `search_vocab`: the terms with their document counts (typo tolerance, spelling hints).
 * - `search_text_state`: what each row was built from (format, language, file, last update),
 *   so the worker re-analyses exactly the records that changed.
 * Derived data only: dropping these tables loses nothing the builder cannot recreate.
 * PostgreSQL (#16): FTS5 is SQLite's; there only `search_text_state` is created here, and the
 * PostgreSQL text engine (tsvector tables with GIN indexes, issue #16 slice 2) adds its own
 * tables in a later, PostgreSQL-only migration.
 * Frozen in time like every migration: `Kysely<any>`, no application imports.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
	if (!isPostgres(db)) await createFts(db);
	await db.schema
		.createTable('search_text_state')
		.addColumn('publication_id', 'integer', (c) => c.primaryKey())
		.addColumn('signature', 'text', (c) => c.notNull())
		.execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
async function createFts(db: Kysely<any>): Promise<void> {
	await sql`create virtual table search_text using fts5(abstract, body, tokenize = 'unicode61 remove_diacritics 0', prefix = '3 4 5', detail = column)`.execute(
		db
	);
	await sql`create virtual table search_vocab using fts5vocab(search_text, 'row')`.execute(db);
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
	await db.schema.dropTable('search_text_state').ifExists().execute();
	await sql`drop table if exists search_vocab`.execute(db);
	await sql`drop table if exists search_text`.execute(db);
}
