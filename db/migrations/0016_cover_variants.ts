import { sql, type Kysely } from 'kysely';
import { bumpTrigger, dropTrigger } from './dialect.ts';

/**
 * Cover images in the sizes and formats browsers want (issue #18, "light pages"): for each
 * stored file's page-1 thumbnail (`files.thumbnail_key`, a 320 px PNG), its dimensions and its
 * WebP and AVIF renderings at a few widths, made with sharp at upload and by a one-time backfill
 * (`npm run covers:backfill`, also run in the background by the leader at start).
 *
 * One row per (file, format, width); `format = 'png'` records the original thumbnail itself
 * (its key is the file's `thumbnail_key`), so every cover's intrinsic size is known without
 * reading the image. Rows go with their file (`on delete cascade`). A change bumps
 * `catalog_version` like every table a public page is drawn from, so cached pages pick up the
 * new `srcset` at once.
 * Frozen in time like every migration: `Kysely<any>`, no application imports.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
	await sql`create table cover_variants (
		file_id integer not null references files(id) on delete cascade,
		format text not null check (format in ('png', 'webp', 'avif')),
		width integer not null check (width > 0),
		height integer not null check (height > 0),
		storage_key text not null,
		bytes integer not null,
		primary key (file_id, format, width)
	)`.execute(db);
	for (const event of ['insert', 'update', 'delete'] as const)
		await bumpTrigger(
			db,
			`catalog_version_cover_variants_${event}`,
			event,
			'cover_variants',
			'catalog_version'
		);
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
	for (const event of ['insert', 'update', 'delete'])
		await dropTrigger(db, `catalog_version_cover_variants_${event}`, 'cover_variants');
	await sql`drop table cover_variants`.execute(db);
}
