import { sql } from 'kysely';
import type { Db } from '../db/index.ts';
import { visibleTo } from '../access.ts';
import { clock } from '../clock.ts';
import { hydrate } from '../catalog/publications.ts';
import { availabilityOf } from '../catalog/availability.ts';
import { PUBLICATION_TYPES, type Publication, type PublicationType } from '../../types.ts';

/**
 * The public catalog as the machine-readable outputs see it (OPDS, the Atom feed, the sitemap):
 * what an anonymous reader may see, asked of the access policy (`visibleTo(null)`), whoever
 * calls. These outputs are shared by every caller and cached, so they never depend on a session;
 * a signed-in member finds internal records on the site itself.
 *
 * `acquirable` narrows a listing to records an anonymous reader may download — a current PDF and
 * `canDownload(null, …)` — for OPDS 2.0, whose schema wants an acquisition link on every
 * publication. The same rule is checked again per record by `isAcquirable`, so a link is never
 * offered on the strength of the SQL alone.
 */

/** Which shelf of the public catalog to list. */
export type Shelf =
	{ kind: 'new' } | { kind: 'series'; seriesId: number } | { kind: 'type'; type: PublicationType };

export interface ShelfQuery {
	page: number;
	pageSize: number;
	/** Only records an anonymous reader may download (a current file, download allowed). */
	acquirable?: boolean;
	now?: Date;
}

export interface ShelfPage {
	total: number;
	page: number;
	pageSize: number;
	items: Publication[];
}

/** Public records, optionally only the downloadable ones, as a Kysely query over publications. */
function publicRecords(db: Db, acquirable: boolean, now: Date) {
	let qb = db.selectFrom('publications').where(visibleTo(null, now));
	if (acquirable)
		qb = qb.where('publications.downloadable', '=', 1).where(({ exists, selectFrom }) =>
			exists(
				selectFrom('files')
					.select(sql`1`.as('one'))
					.whereRef('files.publication_id', '=', 'publications.id')
					.where('files.is_current', '=', 1)
			)
		);
	return qb;
}

/**
 * One page of a shelf, newest first: new arrivals by the date they entered the library, a type
 * likewise, a series by volume and issue (the order its readers browse it in).
 */
export async function listShelf(db: Db, shelf: Shelf, q: ShelfQuery): Promise<ShelfPage> {
	const now = q.now ?? clock();
	let base = publicRecords(db, q.acquirable ?? false, now);
	if (shelf.kind === 'series') base = base.where('publications.series_id', '=', shelf.seriesId);
	if (shelf.kind === 'type') base = base.where('publications.type', '=', shelf.type);
	const { total } = await base
		.select((eb) => eb.fn.countAll<number>().as('total'))
		.executeTakeFirstOrThrow();
	let rows = base.selectAll('publications');
	rows =
		shelf.kind === 'series'
			? rows
					.orderBy(sql`publications.volume is null`)
					.orderBy('publications.volume', 'desc')
					.orderBy('publications.issue_number', 'desc')
					.orderBy('publications.id', 'desc')
			: rows.orderBy('publications.created_at', 'desc').orderBy('publications.id', 'desc');
	const found = await rows
		.limit(q.pageSize)
		.offset((q.page - 1) * q.pageSize)
		.execute();
	return {
		total: Number(total),
		page: q.page,
		pageSize: q.pageSize,
		items: await hydrate(db, found, null)
	};
}

/** Every series with the number of its public (or public downloadable) records; empty ones left out. */
export async function seriesShelves(db: Db, acquirable = false, now = clock()) {
	const rows = await publicRecords(db, acquirable, now)
		.innerJoin('series', 'series.id', 'publications.series_id')
		.select([
			'series.id',
			'series.slug',
			'series.title',
			'series.description',
			(eb) => eb.fn.countAll<number>().as('count'),
			(eb) => eb.fn.max('publications.updated_at').as('updated')
		])
		.groupBy('series.id')
		.orderBy('series.title')
		.execute();
	return rows.map((r) => ({ ...r, count: Number(r.count), updated: String(r.updated) }));
}

/** A series by slug, or undefined. A series itself is not secret; its hidden issues are. */
export async function findSeries(db: Db, slug: string) {
	return db
		.selectFrom('series')
		.select(['id', 'slug', 'title', 'description'])
		.where('slug', '=', slug)
		.executeTakeFirst();
}

/** Every publication type with the number of its public (or public downloadable) records. */
export async function typeShelves(db: Db, acquirable = false, now = clock()) {
	const rows = await publicRecords(db, acquirable, now)
		.select([
			'publications.type',
			(eb) => eb.fn.countAll<number>().as('count'),
			(eb) => eb.fn.max('publications.updated_at').as('updated')
		])
		.groupBy('publications.type')
		.execute();
	// In the catalog's own order of types, not by count, so a client's menu stays put.
	return PUBLICATION_TYPES.flatMap((type) => {
		const r = rows.find((x) => x.type === type);
		return r ? [{ type, count: Number(r.count), updated: String(r.updated) }] : [];
	});
}

/**
 * When the public catalog last changed (the newest `updated_at` of a public record), for a
 * feed's `updated`: stable between edits, so answers and their ETags are too. Null when empty.
 */
export async function lastUpdated(db: Db, now = clock()): Promise<string | null> {
	const row = await publicRecords(db, false, now)
		.select((eb) => eb.fn.max('publications.updated_at').as('updated'))
		.executeTakeFirst();
	return row?.updated ? String(row.updated) : null;
}

/** Number of public records (sitemap paging). */
export async function countPublic(db: Db, now = clock()): Promise<number> {
	const row = await publicRecords(db, false, now)
		.select((eb) => eb.fn.countAll<number>().as('n'))
		.executeTakeFirstOrThrow();
	return Number(row.n);
}

/** A slice of public record ids with their last change, by id (sitemap pages; stable order). */
export async function publicIds(db: Db, offset: number, limit: number, now = clock()) {
	if (limit <= 0) return [];
	return publicRecords(db, false, now)
		.select(['publications.id', 'publications.updated_at'])
		.orderBy('publications.id')
		.limit(limit)
		.offset(offset)
		.execute();
}

/**
 * May an anonymous reader download this record's PDF? Its availability for the anonymous viewer
 * (catalog/availability.ts: a current file and the policy's `canDownload(null, …)`), computed
 * here from the record's own facts so it holds whoever the record was hydrated for: only then
 * does a feed carry an acquisition link.
 */
export function isAcquirable(pub: Publication, now = clock()): boolean {
	const facts = {
		id: pub.id,
		access: pub.access,
		status: pub.status,
		embargo_until: pub.embargoUntil,
		downloadable: pub.downloadable ? 1 : 0,
		digital_copies: pub.digitalCopies
	};
	return availabilityOf(null, facts, pub.hasFile, null, new Set(), now).download;
}
