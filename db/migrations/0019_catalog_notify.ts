import { sql, type Kysely } from 'kysely';
import { isPostgres } from './dialect.ts';

/**
 * PostgreSQL only (#16, several servers on one database): every transaction that changes the
 * catalog tells the other servers at once. `catalog_version` (0005) is bumped by a trigger on
 * every catalog row a transaction touches; a trigger on that counter now also calls
 * `pg_notify('perpustakaan_catalog', '')`, and each server's leader LISTENs
 * (src/lib/server/db/notify.ts) and checks its search index immediately instead of at its next
 * poll. The payload is empty on purpose: PostgreSQL delivers identical notifications of one
 * transaction once, so a 500-row import batch is one notification, not 500 (with the version
 * as payload each bump would be its own); listeners read the state they need anyway.
 * Notifications are sent at commit, never for a rolled-back change. `circulation_version` gets
 * none: nothing a server keeps in memory depends on it (pages read it per request).
 * SQLite: nothing (one server per file; its processes learn of changes as before).
 * Frozen in time like every migration: `Kysely<any>`, no application imports.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
	if (!isPostgres(db)) return;
	await sql`create or replace function notify_catalog_changed() returns trigger language plpgsql as $$
		begin perform pg_notify('perpustakaan_catalog', ''); return null; end $$`.execute(db);
	await sql`create trigger catalog_version_notify after insert or update on catalog_version
		for each row execute function notify_catalog_changed()`.execute(db);
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
	if (!isPostgres(db)) return;
	await sql`drop trigger if exists catalog_version_notify on catalog_version`.execute(db);
	await sql`drop function if exists notify_catalog_changed()`.execute(db);
}
