import { sql, type Kysely } from 'kysely';
import { bumpTrigger, isPostgres, nowIso } from './dialect.ts';

/**
 * Regulations as the national legal documentation network (JDIHN) describes them: the kind of
 * instrument (UU, PP, PMK, ...), when and where it was enacted, when it was promulgated, its
 * field of law, an optional status set by a librarian (berlaku / dicabut / diubah), and the
 * "amends" / "revokes" relations between regulation records.
 *
 * The relation table is a catalog table like the others: its writes bump `catalog_version`
 * (see 0005) so cached public pages showing a relation or a derived status are invalidated.
 * A relation joins two regulation records (checked by a trigger, so raw SQL and imports
 * cannot break it) and never a record to itself.
 * Frozen in time like every migration: `Kysely<any>`, no application imports.
 */

const COLUMNS = [
	'regulation_kind',
	'enacted_date',
	'promulgated_date',
	'enacted_place',
	'legal_field',
	'regulation_status'
];

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
	const pg = isPostgres(db);
	for (const column of COLUMNS.slice(0, -1))
		await db.schema.alterTable('publications').addColumn(column, 'text').execute();
	await db.schema
		.alterTable('publications')
		.addColumn('regulation_status', 'text', (c) =>
			c.check(sql`regulation_status in ('berlaku', 'dicabut', 'diubah')`)
		)
		.execute();

	await db.schema
		.createTable('regulation_relations')
		.addColumn('id', 'integer', (c) =>
			pg ? c.primaryKey().generatedByDefaultAsIdentity() : c.primaryKey().autoIncrement()
		)
		.addColumn('source_id', 'integer', (c) =>
			c.notNull().references('publications.id').onDelete('cascade')
		)
		.addColumn('target_id', 'integer', (c) =>
			c.notNull().references('publications.id').onDelete('cascade')
		)
		.addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('amends', 'revokes')`))
		.addColumn('note', 'text')
		.addColumn('created_at', 'text', (c) =>
			c.notNull().defaultTo(pg ? nowIso(db) : sql`(strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))`)
		)
		.addUniqueConstraint('regulation_relations_unique', ['source_id', 'target_id', 'kind'])
		.addCheckConstraint('regulation_relations_not_self', sql`source_id <> target_id`)
		.execute();
	// "Amended by" / "revoked by" read the relation from its target.
	await db.schema
		.createIndex('regulation_relations_target')
		.on('regulation_relations')
		.columns(['target_id'])
		.execute();
	if (pg) {
		// PostgreSQL: one trigger function; `is distinct from` is SQLite's `is not`.
		await sql`create function regulation_relations_regulations_only() returns trigger
			language plpgsql as $$
			begin
				if (select type from publications where id = new.source_id) is distinct from 'regulation'
					or (select type from publications where id = new.target_id) is distinct from 'regulation'
				then
					raise exception 'regulation relations join regulation records only'
						using errcode = 'check_violation';
				end if;
				return new;
			end $$`.execute(db);
		for (const event of ['insert', 'update'])
			await sql
				.raw(
					`create trigger regulation_relations_${event}_regulations_only before ${event} on regulation_relations ` +
						`for each row execute function regulation_relations_regulations_only()`
				)
				.execute(db);
	} else
		for (const event of ['insert', 'update']) {
			await sql
				.raw(
					`create trigger regulation_relations_${event}_regulations_only before ${event} on regulation_relations ` +
						`when (select type from publications where id = new.source_id) is not 'regulation' ` +
						`or (select type from publications where id = new.target_id) is not 'regulation' ` +
						`begin select raise(abort, 'regulation relations join regulation records only'); end`
				)
				.execute(db);
		}
	for (const event of ['insert', 'update', 'delete'] as const)
		await bumpTrigger(
			db,
			`catalog_version_regulation_relations_${event}`,
			event,
			'regulation_relations',
			'catalog_version'
		);
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
	await db.schema.dropTable('regulation_relations').execute();
	if (isPostgres(db))
		await sql`drop function if exists regulation_relations_regulations_only()`.execute(db);
	for (const column of [...COLUMNS].reverse())
		await db.schema.alterTable('publications').dropColumn(column).execute();
}
