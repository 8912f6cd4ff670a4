import { clock } from '../clock.ts';
import type { Db } from '../db/index.ts';
import { visibleTo, type Viewer } from '../access.ts';
import { DomainError, Invalid, NotFound } from '../errors.ts';
import * as publications from '../catalog/publications.ts';
import type { Publication } from '../../types.ts';
import { NoFile, readableFacts } from './open.ts';

/**
 * Where each member stopped reading: one row per (user, publication) in `reading_progress`,
 * overwritten as they read. Anonymous readers have no server-side progress.
 */

/** Saving progress needs an account: anonymous readers get 401, not a silent no-op. */
export class LoginRequired extends DomainError {
	constructor() {
		super(401, 'unauthorized', 'error.unauthorized');
	}
}

/**
 * Records that the viewer is on `page` of the publication. The viewer must be logged in and
 * allowed to read it (else 401 / 404), and `page` must be a whole number within the current
 * file's pages (else 400 `invalid`).
 */
export async function save(
	db: Db,
	viewer: Viewer,
	publicationId: number,
	page: unknown,
	now = clock()
): Promise<{ page: number; pages: number }> {
	if (!viewer) throw new LoginRequired();
	if (!(await readableFacts(db, viewer, publicationId, now)))
		throw new NotFound('error.publicationNotFound');
	const file = await publications.currentFile(db, publicationId);
	if (!file) throw new NoFile();
	if (typeof page !== 'number' || !Number.isInteger(page) || page < 1 || page > file.pages) {
		throw new Invalid(
			'reader.invalidPage',
			{ page: 'reader.invalidPageField' },
			{ pages: file.pages }
		);
	}
	const updatedAt = now.toISOString();
	await db
		.insertInto('reading_progress')
		.values({ user_id: viewer.id, publication_id: publicationId, page, updated_at: updatedAt })
		.onConflict((oc) =>
			oc.columns(['user_id', 'publication_id']).doUpdateSet({ page, updated_at: updatedAt })
		)
		.execute();
	return { page, pages: file.pages };
}

/**
 * The page the viewer last reached in a publication, or null (anonymous, never opened, or no
 * file). Clamped to the current file, which a librarian may have replaced with a shorter one.
 */
export async function lastPage(
	db: Db,
	viewer: Viewer,
	publicationId: number
): Promise<number | null> {
	if (!viewer) return null;
	const row = await db
		.selectFrom('reading_progress')
		.innerJoin('files', (j) =>
			j
				.onRef('files.publication_id', '=', 'reading_progress.publication_id')
				.on('files.is_current', '=', 1)
		)
		.select(['reading_progress.page', 'files.pages'])
		.where('reading_progress.user_id', '=', viewer.id)
		.where('reading_progress.publication_id', '=', publicationId)
		.executeTakeFirst();
	return row ? Math.min(row.page, row.pages) : null;
}

/** One entry of a member's "recently read" list. */
export interface RecentRead {
	publication: Publication;
	page: number;
	updatedAt: string;
}

/** Most recently read first. */
export const RECENT_LIMIT = 10;

/**
 * The viewer's recently read publications, newest first — only those they may still see (a
 * record withdrawn or made restricted since drops out of the list).
 */
export async function recent(db: Db, viewer: Viewer, limit = RECENT_LIMIT): Promise<RecentRead[]> {
	if (!viewer) return [];
	const rows = await db
		.selectFrom('reading_progress')
		.innerJoin('publications', 'publications.id', 'reading_progress.publication_id')
		.selectAll('publications')
		.select(['reading_progress.page as progress_page', 'reading_progress.updated_at as read_at'])
		.where('reading_progress.user_id', '=', viewer.id)
		.where(visibleTo(viewer))
		.orderBy('reading_progress.updated_at', 'desc')
		.limit(limit)
		.execute();
	const hydrated = await publications.hydrate(db, rows, viewer);
	return rows.map((r, i) => ({
		publication: hydrated[i],
		page: Math.min(r.progress_page, hydrated[i].pages ?? r.progress_page),
		updatedAt: r.read_at
	}));
}
