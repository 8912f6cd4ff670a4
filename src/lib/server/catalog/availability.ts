import { sql, type ExpressionBuilder, type ExpressionWrapper, type SqlBool } from 'kysely';
import type { Db } from '../db/index.ts';
import type { Database } from '../db/schema.ts';
import {
	canDownload,
	canReadContent,
	canSeePublication,
	contentReadableTo,
	isStaff,
	type AccessFacts,
	type Viewer
} from '../access.ts';
import { clock } from '../clock.ts';
import type { Availability, AvailabilityFilter, ShelfState } from '../../types.ts';

/**
 * Availability: how a record can be had by the person asking — read online, download, a copy on
 * the shelf (call number, location, copies available now of total), by digital loan only
 * (employees), or the catalogue record only. One module, used by the record shape (`hydrate`,
 * so every list, detail page and API answer carries it), the catalog's filter/facet/sort (SQL)
 * and search's filter/facet/sort (in memory over the per-version record facts).
 *
 * Nothing here decides access: "online" is `canReadContent` of the access policy (with the
 * viewer's active digital loans as its lending facts), "download" is `canDownload`, and nothing
 * is said about a record the viewer may not see (`canSeePublication` false → no availability).
 *
 * Shelf state changes with every checkout, return, hold and copy edit. Writes to `items`, `loans`
 * and `holds` bump `circulation_version` from triggers (migration 0015) in the same write
 * transaction; the public page cache keys on it (with `catalog_version`) and search keeps its
 * copies-available counts per that version (search/facts.ts `shelfCounts`), so nothing showing
 * a shelf is stale after circulation moves a copy.
 */

/** Item statuses that count as a copy in circulation (lost, damaged, withdrawn do not). */
export const CIRCULATING = ['available', 'on_loan', 'on_hold_shelf'] as const;

/** What `availabilityOf` needs about a record (a publications row has all of it). */
export interface AvailabilityFacts extends AccessFacts {
	id: number;
	downloadable: number;
	call_number?: string | null;
}

/**
 * The ids of the records the viewer holds an active (unreturned, unexpired) digital loan of —
 * the only thing that opens a lendable restricted record to a non-librarian. One indexed query
 * per request for a signed-in viewer; none for the public or staff (it changes nothing for them).
 */
export async function activeDigitalLoans(
	db: Db,
	viewer: Viewer,
	now = clock()
): Promise<Set<number>> {
	if (!viewer || isStaff(viewer)) return new Set();
	const rows = await db
		.selectFrom('loans')
		.select('publication_id')
		.where('user_id', '=', viewer.id)
		.where('kind', '=', 'digital')
		.where('returned_at', 'is', null)
		.where('due_at', '>', now.toISOString())
		.execute();
	return new Set(rows.map((r) => r.publication_id));
}

/**
 * Shelf state of each record that has circulating copies, in one grouped query over the
 * indexed `items.publication_id`. The location shown is one of an available copy when there is
 * one (that is where the reader will find it), else of any copy.
 */
export async function shelfStates(db: Db, ids: number[]): Promise<Map<number, ShelfState>> {
	if (ids.length === 0) return new Map();
	const rows = await db
		.selectFrom('items')
		.innerJoin('publications', 'publications.id', 'items.publication_id')
		.select([
			'items.publication_id',
			sql<number>`sum(case when items.status = 'available' then 1 else 0 end)`.as('available'),
			sql<number>`count(*)`.as('total'),
			sql<string | null>`coalesce(max(publications.call_number), max(items.call_number))`.as(
				'call_number'
			),
			sql<
				string | null
			>`coalesce(max(case when items.status = 'available' then items.location end), max(items.location))`.as(
				'location'
			)
		])
		.where('items.publication_id', 'in', ids)
		.where('items.status', 'in', [...CIRCULATING])
		.groupBy('items.publication_id')
		.execute();
	return new Map(
		rows.map((r) => [
			r.publication_id,
			{
				available: Number(r.available),
				total: Number(r.total),
				callNumber: r.call_number,
				location: r.location
			}
		])
	);
}

/**
 * A record's availability for the viewer, from its facts, whether it has a current file, its
 * shelf state and the viewer's active digital loans. A record the viewer may not see gets the
 * empty answer (callers never show one, but the shelf of a hidden record must not leak).
 */
export function availabilityOf(
	viewer: Viewer,
	pub: AvailabilityFacts,
	hasFile: boolean,
	shelf: ShelfState | null,
	loans: Set<number>,
	now = clock()
): Availability {
	if (!canSeePublication(viewer, pub, now))
		return { online: false, download: false, shelf: null, loanOnly: false };
	const online =
		hasFile && canReadContent(viewer, pub, now, { activeDigitalLoan: loans.has(pub.id) });
	return {
		online,
		download: online && canDownload(viewer, pub, now),
		shelf,
		// Seen but not readable: a lendable restricted record an employee may borrow.
		loanOnly: hasFile && !online && (pub.digital_copies ?? 0) > 0
	};
}

/**
 * Is the record readable online by the viewer? The in-memory twin of `readableOnline` for search's
 * record facts (`has_file` from the current file of the version read).
 */
export function isOnline(
	viewer: Viewer,
	pub: AccessFacts & { id: number; has_file: boolean },
	loans: Set<number>,
	now = clock()
): boolean {
	return pub.has_file && canReadContent(viewer, pub, now, { activeDigitalLoan: loans.has(pub.id) });
}

/**
 * SQL: the record has a current file the viewer may read (the policy's `contentReadableTo`,
 * with the viewer's active digital loans). For catalog filters, counts and "readable first".
 */
export function readableOnline(viewer: Viewer, loans: Set<number>, now = clock()) {
	return (
		eb: ExpressionBuilder<Database, 'publications'>
	): ExpressionWrapper<Database, 'publications', SqlBool> =>
		eb.and([
			contentReadableTo(viewer, { activeDigitalLoans: [...loans] }, now)(eb),
			eb.exists(
				eb
					.selectFrom('files')
					.select(sql`1`.as('one'))
					.whereRef('files.publication_id', '=', 'publications.id')
					.where('files.is_current', '=', 1)
			)
		]);
}

/** SQL: a copy of the record is on the shelf, available now. */
export function onShelfNow() {
	return (
		eb: ExpressionBuilder<Database, 'publications'>
	): ExpressionWrapper<Database, 'publications', SqlBool> =>
		eb.exists(
			eb
				.selectFrom('items')
				.select(sql`1`.as('one'))
				.whereRef('items.publication_id', '=', 'publications.id')
				.where('items.status', '=', 'available')
		);
}

/** SQL for one availability filter value (the catalog's `availability=` parameter). */
export function availabilityCondition(
	filter: AvailabilityFilter,
	viewer: Viewer,
	loans: Set<number>,
	now = clock()
) {
	return filter === 'online' ? readableOnline(viewer, loans, now) : onShelfNow();
}

/**
 * Stable order with readable records first (the public home and series pages lead with what a
 * reader can open right now); otherwise the given order is kept.
 */
export function readableFirst<T extends { availability: Availability }>(list: T[]): T[] {
	return list
		.map((p, i) => ({ p, i }))
		.sort((a, b) => Number(b.p.availability.online) - Number(a.p.availability.online) || a.i - b.i)
		.map((x) => x.p);
}
