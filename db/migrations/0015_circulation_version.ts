import { sql, type Kysely } from 'kysely';
import { bumpTrigger, dropTrigger } from './dialect.ts';

/**
 * A second counter, `circulation_version`, for "a copy moved": every insert, update or delete of
 * `items`, `loans` and `holds` now adds one to it instead of to `catalog_version` (0005).
 *
 * Why: availability (issue #18) shows on every list and search hit whether a copy is on the shelf
 * now, so circulation must invalidate whatever shows it — and it did, through `catalog_version`,
 * but that counter also keys the search module's per-record facts and the OAI-PMH reconciliation:
 * every checkout and return threw those away and rebuilt them over the whole catalog. With its own
 * counter a checkout reloads only the copies-available counts (one grouped query over the indexed
 * `items.publication_id`), and the public page cache keys on both counters, so no page showing a
 * shelf is served stale. Triggers, as in 0005, so no writer — another worker, the CLI, raw SQL —
 * can forget it; they run inside the writing transaction.
 * Frozen in time like every migration: `Kysely<any>`, no application imports.
 */
const TABLES = ['items', 'loans', 'holds'];
const EVENTS = ['insert', 'update', 'delete'] as const;

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
	await sql`create table circulation_version (id integer primary key check (id = 1), version integer not null)`.execute(
		db
	);
	await sql`insert into circulation_version (id, version) values (1, 1)`.execute(db);
	for (const table of TABLES)
		for (const event of EVENTS) {
			await dropTrigger(db, `catalog_version_${table}_${event}`, table);
			await bumpTrigger(
				db,
				`circulation_version_${table}_${event}`,
				event,
				table,
				'circulation_version'
			);
		}
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
	for (const table of TABLES)
		for (const event of EVENTS) {
			await dropTrigger(db, `circulation_version_${table}_${event}`, table);
			await bumpTrigger(db, `catalog_version_${table}_${event}`, event, table, 'catalog_version');
		}
	await sql`drop table circulation_version`.execute(db);
}
