import { sql, type Kysely } from 'kysely';
import { isPostgres } from './dialect.ts';

/**
 * OAI-PMH data provider state (src/lib/server/interop/oai.ts).
 *
 * `oai_records` is the provider's memory of what it has exposed to harvesters: one row per
 * publication that was ever visible to the anonymous public, with the UTC datestamp (to the
 * second) of its last change as harvesters see it, whether it is now deleted (withdrawn, hidden
 * or embargoed after having been exposed: `deletedRecord=persistent`), and a fingerprint of its
 * public Dublin Core so an edit that changes nothing public does not re-date it. Records never
 * exposed never enter it, so nothing about them can leak through the protocol.
 * `oai_record_sets` keeps each record's set membership as last exposed (parents included), so
 * a deleted record is still reported in the sets a selective harvester took it from.
 * `oai_state` holds the resumption-token signing key (shared by every process and surviving
 * restarts), the earliest datestamp, and what catalog version and UTC day were last reconciled.
 * No foreign key to `publications`: a deletion must outlive even a row removed by hand.
 * Frozen in time like every migration: `Kysely<any>`, no application imports.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
	// `without rowid` is a SQLite storage choice; PostgreSQL has no rowid to drop.
	const withoutRowid = isPostgres(db) ? sql`` : sql`without rowid`;
	await sql`create table oai_records (
		publication_id integer primary key,
		datestamp text not null,
		deleted integer not null default 0 check (deleted in (0, 1)),
		fingerprint text not null
	)`.execute(db);
	await sql`create index oai_records_datestamp on oai_records (datestamp, publication_id)`.execute(
		db
	);
	await sql`create table oai_record_sets (
		publication_id integer not null references oai_records (publication_id) on delete cascade,
		set_spec text not null,
		primary key (set_spec, publication_id)
	) ${withoutRowid}`.execute(db);
	await sql`create index oai_record_sets_publication on oai_record_sets (publication_id)`.execute(
		db
	);
	await sql`create table oai_state (key text primary key, value text not null)`.execute(db);
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
	await sql`drop table if exists oai_record_sets`.execute(db);
	await sql`drop table if exists oai_records`.execute(db);
	await sql`drop table if exists oai_state`.execute(db);
}
