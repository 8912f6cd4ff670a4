import type { Kysely } from 'kysely';

/**
 * How many stems each record's abstract and text hold, next to the signature they were built
 * from: BM25's length factor, computed by the search module from these instead of FTS5's
 * `bm25()` (which visits every matching row and cost hundreds of milliseconds per common word at
 * 1,000 full texts). Filled by the index builder; the text format bump (text.js) re-analyses
 * every record once after this migration.
 * Frozen in time like every migration: `Kysely<any>`, no application imports.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
	await db.schema.alterTable('search_text_state').addColumn('abstract_terms', 'integer').execute();
	await db.schema.alterTable('search_text_state').addColumn('body_terms', 'integer').execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
	await db.schema.alterTable('search_text_state').dropColumn('body_terms').execute();
	await db.schema.alterTable('search_text_state').dropColumn('abstract_terms').execute();
}
