import type { Kysely } from 'kysely';

/**
 * Where a record came from when it was imported from another system: `source` names the system
 * (`slims`, `csv`), `source_id` identifies the record there. The unique index makes re-running
 * an import skip what it already brought in. Both stay null for records catalogued here.
 * Frozen in time: it uses `Kysely<any>` and imports nothing from the application.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
	await db.schema.alterTable('publications').addColumn('source', 'text').execute();
	await db.schema.alterTable('publications').addColumn('source_id', 'text').execute();
	// SQLite treats nulls as distinct, so any number of records without a source may exist.
	await db.schema
		.createIndex('publications_source')
		.on('publications')
		.columns(['source', 'source_id'])
		.unique()
		.execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
	await db.schema.dropIndex('publications_source').ifExists().execute();
	await db.schema.alterTable('publications').dropColumn('source_id').execute();
	await db.schema.alterTable('publications').dropColumn('source').execute();
}
