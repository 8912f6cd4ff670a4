import { sql, type Kysely } from 'kysely';

/**
 * Imports from the browser and the API (src/lib/server/catalog/import-jobs.ts): one row per
 * uploaded file, from its preview to its report.
 *
 * `status`: preview (parsed, waiting for the librarian to confirm), queued, running (claimed by
 * one server process: `claimed_by`, `heartbeat_at`), done, failed, cancelled. `cancel_requested`
 * is set by whichever process answered the DELETE; the one running the job sees it between
 * batches. `upload_dir` is the job's folder under DATA_DIR (removed when the job ends).
 *
 * `import_job_rows` holds one outcome per row or file of the job, keyed by `item` (`L<line>` for a
 * row of a sheet, `F<path>` for a file of a ZIP). An imported row's outcome is written in the same transaction as its record, so
 * a job resumed after a crash starts from what was committed and imports nothing twice.
 * Frozen in time like every migration: `Kysely<any>`, no application imports.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
	await sql`create table import_jobs (
		id integer primary key,
		format text not null check (format in ('slims', 'metadata', 'zip')),
		file_name text not null,
		bytes integer not null default 0,
		upload_dir text not null,
		status text not null default 'preview'
			check (status in ('preview', 'queued', 'running', 'done', 'failed', 'cancelled')),
		mapping text,
		preview text,
		total integer not null default 0,
		error text,
		cancel_requested integer not null default 0 check (cancel_requested in (0, 1)),
		claimed_by text,
		heartbeat_at text,
		created_by integer references users (id) on delete set null,
		created_at text not null default (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
		started_at text,
		finished_at text
	)`.execute(db);
	await sql`create index import_jobs_status on import_jobs (status)`.execute(db);
	await sql`create table import_job_rows (
		job_id integer not null references import_jobs (id) on delete cascade,
		item text not null,
		line integer,
		name text not null default '',
		status text not null check (status in ('imported', 'skipped', 'failed')),
		publication_id integer,
		reason text,
		primary key (job_id, item)
	)`.execute(db);
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
	await sql`drop table if exists import_job_rows`.execute(db);
	await sql`drop table if exists import_jobs`.execute(db);
}
