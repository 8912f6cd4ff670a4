import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import { canSeePublication, type AccessFacts, type Viewer } from '../access.ts';
import { refused } from './tx.ts';
import { accessFacts } from '../catalog/publications.ts';

/**
 * Circulation asks the access policy (`canSeePublication`, nothing of its own) before it says
 * anything about a record: a record the viewer may not see is, for every circulation entry
 * point, exactly a record that does not exist — same status, code, message and body — so
 * reserving, borrowing or looking up copies can never be used to map drafts, withdrawn,
 * embargoed or restricted records. Staff see every record, so the desk acts on all of them.
 *
 * Loans and holds a member already has (a librarian lent them a copy at the desk, or the record
 * was hidden afterwards) stay theirs — listed, renewable, cancellable — but without the
 * record's title (`title: null`) while the member may not see the record.
 */

/** The one answer for a record that is missing or hidden: 404 `publication_not_found`. */
export function publicationNotFound() {
	return refused('publication_not_found', {}, 404);
}

/**
 * The acting user as the policy sees them, read in the caller's transaction: the role of an
 * active account, or the anonymous reader (no actor, a deleted or deactivated account).
 */
export async function actingViewer(db: Kysely<Database>, userId: number | null): Promise<Viewer> {
	if (userId === null) return null;
	const u = await db
		.selectFrom('users')
		.select(['id', 'role', 'active'])
		.where('id', '=', userId)
		.executeTakeFirst();
	return u && u.active === 1 ? { id: u.id, role: u.role } : null;
}

/**
 * The publication if the viewer may see it; otherwise the 404 a missing record gets. Circulation
 * entry points call this before any other check.
 */
export async function visiblePublication(
	db: Kysely<Database>,
	viewer: Viewer,
	publicationId: number,
	now: Date
) {
	const row = await accessFacts(db, publicationId);
	if (!row || !canSeePublication(viewer, row, now)) throw publicationNotFound();
	return row;
}

/** True when the publication exists and the viewer may see it. */
export async function isVisible(
	db: Kysely<Database>,
	viewer: Viewer,
	publicationId: number,
	now: Date
): Promise<boolean> {
	const row = await accessFacts(db, publicationId);
	return !!row && canSeePublication(viewer, row, now);
}

/** The record's title as the viewer may see it: null for a record hidden from them. */
export function titleFor(
	viewer: Viewer,
	row: AccessFacts & { title: string },
	now: Date
): string | null {
	return canSeePublication(viewer, row, now) ? row.title : null;
}
