import { sql, type Kysely } from 'kysely';
import { bumpTrigger, dropTrigger } from './dialect.ts';

/**
 * One counter for "the catalog changed": every insert, update or delete of a table a public page
 * or an anonymous API answer is built from adds one to `catalog_version.version`. The server's
 * workers (several processes over this one file) and their page caches read it once per request
 * — a one-row primary-key lookup — so an edit made through any worker, the import CLI or a
 * restore is seen by every worker on its next request. Triggers rather than application code:
 * no writer can forget it, including other processes and raw SQL.
 * Circulation tables count too: a detail page shows whether a copy is on the shelf and the
 * loan rules.
 * PostgreSQL (#16): the same row-level triggers, calling the `bump_version` trigger function.
 * Frozen in time like every migration: `Kysely<any>`, no application imports.
 */
export const TABLES = [
	'publications',
	'publication_authors',
	'publication_subjects',
	'subjects',
	'series',
	'files',
	'page_texts',
	'items',
	'loans',
	'holds',
	'loan_policies',
	'holidays'
];

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
	await sql`create table catalog_version (id integer primary key check (id = 1), version integer not null)`.execute(
		db
	);
	await sql`insert into catalog_version (id, version) values (1, 1)`.execute(db);
	for (const table of TABLES) {
		for (const event of ['insert', 'update', 'delete'] as const)
			await bumpTrigger(db, `catalog_version_${table}_${event}`, event, table, 'catalog_version');
	}
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
	for (const table of TABLES)
		for (const event of ['insert', 'update', 'delete'])
			await dropTrigger(db, `catalog_version_${table}_${event}`, table);
	await sql`drop table catalog_version`.execute(db);
}
