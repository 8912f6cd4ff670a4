import type { ExpressionBuilder, ExpressionWrapper, SqlBool } from 'kysely';
import type { AccessLevel, Database, PublicationStatus, Role } from './db/schema.ts';
import { clock } from './clock.ts';

/**
 * THE access policy. Every route that reveals a publication — page, API, cover, file, search
 * hit, feed — asks this module, so the rules live in exactly one place.
 *
 * - anonymous readers: published, public, not under embargo;
 * - employees: also internal;
 * - librarians and admins: everything, including drafts, withdrawn and embargoed records.
 *
 * "Now" defaults to the server's clock (lib/server/clock.ts: real time in production), so an
 * embargo lifts by the same clock the page cache keys its answers on.
 */

/** Who is asking. `null` is the anonymous public reader. */
export type Viewer = { id: number; role: Role } | null;

const ROLE_RANK: Record<Role, number> = { employee: 1, librarian: 2, admin: 3 };

/** The minimal facts about a publication the policy needs. */
export interface AccessFacts {
	access: AccessLevel;
	status: PublicationStatus;
	embargo_until: string | null;
	/** Concurrent digital copies lent (circulation); > 0 makes a restricted record lendable. */
	digital_copies?: number;
}

/**
 * A restricted record marked lendable (`digital_copies > 0`) is discoverable by employees so
 * they can borrow it; its content still opens only through an active digital loan.
 */
function lendableToEmployee(viewer: Viewer, pub: AccessFacts): boolean {
	return (
		hasRole(viewer, 'employee') && pub.access === 'restricted' && (pub.digital_copies ?? 0) > 0
	);
}

/** True when the viewer holds at least the given role (admin ⊃ librarian ⊃ employee). */
export function hasRole(viewer: Viewer, role: Role): boolean {
	return viewer !== null && ROLE_RANK[viewer.role] >= ROLE_RANK[role];
}

/** Staff (librarians and admins) see and manage every record. */
export function isStaff(viewer: Viewer): boolean {
	return hasRole(viewer, 'librarian');
}

/** Access levels whose published records the viewer may discover. */
export function visibleAccessLevels(viewer: Viewer): AccessLevel[] {
	if (isStaff(viewer)) return ['public', 'internal', 'restricted'];
	if (hasRole(viewer, 'employee')) return ['public', 'internal'];
	return ['public'];
}

/** Today's date as `YYYY-MM-DD` in UTC, the form embargo dates are stored in. */
export function today(now: Date = clock()): string {
	return now.toISOString().slice(0, 10);
}

/**
 * Everything `canSeePublication`'s and `canReadContent`'s answers depend on besides the record
 * (and the lending facts passed in): the viewer's role and today's date. Search remembers the
 * answers for every record per key (thousands of candidates per query); a change to either rule
 * that reads anything else of the viewer must extend this.
 */
export function visibilityKey(viewer: Viewer, now: Date = clock()): string {
	return `${viewer?.role ?? 'anonymous'}|${today(now)}`;
}

/** May the viewer know this publication exists and see its metadata? */
export function canSeePublication(viewer: Viewer, pub: AccessFacts, now = clock()): boolean {
	if (isStaff(viewer)) return true;
	if (pub.status !== 'published') return false;
	if (pub.embargo_until && pub.embargo_until > today(now)) return false;
	return visibleAccessLevels(viewer).includes(pub.access) || lendableToEmployee(viewer, pub);
}

/** What circulation knows about the viewer and this record (optional; see canReadContent). */
export interface LendingFacts {
	/** The viewer holds an active digital loan of the record (`hasActiveDigitalLoan`). */
	activeDigitalLoan?: boolean;
}

/**
 * May the viewer read the publication's content (file, cover, page text)? For a restricted
 * record a non-librarian reads only through an active digital loan — and nothing else: seeing
 * a lendable record's metadata does not open its file.
 */
export function canReadContent(
	viewer: Viewer,
	pub: AccessFacts,
	now = clock(),
	lending: LendingFacts = {}
): boolean {
	if (!canSeePublication(viewer, pub, now)) return false;
	if (!isStaff(viewer) && pub.access === 'restricted') return lending.activeDigitalLoan === true;
	return true;
}

/** The facts `canDownload` needs: the access facts plus the per-record download switch. */
export interface DownloadFacts extends AccessFacts {
	/** 1 = downloadable; 0 = "read online only" (only librarians may download or print). */
	downloadable: number;
}

/**
 * May the viewer download (and print) the publication's file, rather than only read it online?
 * Public records: everyone who may see them; internal: employees and up (seeing them already
 * requires that); restricted: staff only (likewise). A record switched to "read online only"
 * (`downloadable = 0`) may be downloaded by librarians and admins alone. Inline reading is
 * governed by `canReadContent`; this rule only decides the download and print buttons and
 * `?download=1`.
 */
export function canDownload(viewer: Viewer, pub: DownloadFacts, now = clock()): boolean {
	if (!canReadContent(viewer, pub, now)) return false;
	if (isStaff(viewer)) return true;
	return pub.downloadable === 1;
}

/** May the viewer catalogue (create, edit, publish, withdraw) publications? */
export function canEditCatalog(viewer: Viewer): boolean {
	return isStaff(viewer);
}

/** May the viewer manage accounts? */
export function canManageAccounts(viewer: Viewer): boolean {
	return hasRole(viewer, 'admin');
}

/**
 * The same rule as `canSeePublication`, as a SQL condition on the `publications` table, so
 * lists, counts and facets are computed only over what the viewer may see.
 */
export function visibleTo(viewer: Viewer, now = clock()) {
	return (
		eb: ExpressionBuilder<Database, 'publications'>
	): ExpressionWrapper<Database, 'publications', SqlBool> => {
		// `true`, not `1`: PostgreSQL takes only a boolean as a condition (SQLite reads it as 1).
		if (isStaff(viewer)) return eb.lit(true).$castTo<SqlBool>() as never;
		return eb.and([
			eb('publications.status', '=', 'published'),
			hasRole(viewer, 'employee')
				? eb.or([
						eb('publications.access', 'in', visibleAccessLevels(viewer)),
						eb.and([
							eb('publications.access', '=', 'restricted'),
							eb('publications.digital_copies', '>', 0)
						])
					])
				: eb('publications.access', 'in', visibleAccessLevels(viewer)),
			eb.or([
				eb('publications.embargo_until', 'is', null),
				eb('publications.embargo_until', '<=', today(now))
			])
		]);
	};
}

/**
 * The same rule as `canReadContent`, as a SQL condition on the `publications` table (on top of
 * `visibleTo`), so "readable online" can be filtered, counted and sorted on in SQL. A restricted
 * record opens to a non-librarian only through an active digital loan: the caller passes the ids
 * of the records the viewer holds such a loan of (`lending.activeDigitalLoans`), exactly what
 * `LendingFacts.activeDigitalLoan` says for one record.
 */
export function contentReadableTo(
	viewer: Viewer,
	lending: { activeDigitalLoans: number[] } = { activeDigitalLoans: [] },
	now = clock()
) {
	return (
		eb: ExpressionBuilder<Database, 'publications'>
	): ExpressionWrapper<Database, 'publications', SqlBool> => {
		const visible = visibleTo(viewer, now)(eb);
		if (isStaff(viewer)) return visible;
		return eb.and([
			visible,
			eb.or([
				eb('publications.access', '!=', 'restricted'),
				eb('publications.id', 'in', [...lending.activeDigitalLoans, -1])
			])
		]);
	};
}
