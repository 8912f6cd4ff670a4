import { sql, type SelectQueryBuilder } from 'kysely';
import type { Db } from '../db/index.ts';
import { caseless, likeIgnoringCase } from '../db/dialect.ts';
import type { Database, PublicationRow } from '../db/schema.ts';
import { canSeePublication, isStaff, visibleTo, type Viewer } from '../access.ts';
import { NotFound } from '../errors.ts';
import { regulationFacts } from './regulations.ts';
import { clock } from '../clock.ts';
import {
	activeDigitalLoans,
	availabilityCondition,
	availabilityOf,
	onShelfNow,
	readableOnline,
	shelfStates
} from './availability.ts';
import * as covers from './covers.ts';
import type {
	AccessLevel,
	AvailabilityFilter,
	CatalogFacets,
	FacetCount,
	Page,
	Publication,
	PublicationStatus,
	PublicationType
} from '../../types.ts';

/** Largest page a caller may ask for; keeps one request from dumping the catalog. */
export const MAX_PAGE_SIZE = 100;
export const DEFAULT_PAGE_SIZE = 20;

export type CatalogSort = 'newest' | 'oldest' | 'title' | 'added' | 'year' | 'readable';

/** Filters shared by the browse page and `GET /api/v1/publications`. */
export interface CatalogQuery {
	q?: string;
	types?: PublicationType[];
	year?: number;
	yearFrom?: number;
	yearTo?: number;
	subject?: string;
	series?: string;
	access?: AccessLevel;
	/** Staff only: the policy already hides non-published records from everyone else. */
	status?: PublicationStatus;
	language?: string;
	/** `online`: readable online by this viewer; `shelf`: a copy available now (availability.ts). */
	availability?: AvailabilityFilter;
	sort?: CatalogSort;
	/** Direction for `title` (default asc), `added` and `year` (default desc). */
	dir?: 'asc' | 'desc';
	page?: number;
	pageSize?: number;
}

type PubQuery<O = object> = SelectQueryBuilder<Database, 'publications', O>;

/** Lower-cased trimmed key under which a subject name is unique. */
export function subjectKey(name: string): string {
	return name.normalize('NFKC').trim().replace(/\s+/g, ' ').toLowerCase();
}

function escapeLike(s: string): string {
	return s.replace(/[\\%_]/g, (c) => `\\${c}`);
}

type Facet = 'type' | 'year' | 'subject' | 'availability';

/**
 * Applies every filter of `q` except the facet named in `except` (facets count without their own
 * filter). `loans`: the viewer's active digital loans, for the availability filter.
 */
function applyFilters(
	query: PubQuery,
	viewer: Viewer,
	q: CatalogQuery,
	except?: Facet,
	loans: Set<number> = new Set()
): PubQuery {
	let qb = query.where(visibleTo(viewer));
	if (q.availability && except !== 'availability')
		qb = qb.where(availabilityCondition(q.availability, viewer, loans));
	if (q.types?.length && except !== 'type') qb = qb.where('publications.type', 'in', q.types);
	if (except !== 'year') {
		if (q.year !== undefined) qb = qb.where('publications.year', '=', q.year);
		if (q.yearFrom !== undefined) qb = qb.where('publications.year', '>=', q.yearFrom);
		if (q.yearTo !== undefined) qb = qb.where('publications.year', '<=', q.yearTo);
	}
	if (q.subject && except !== 'subject') {
		const key = subjectKey(q.subject);
		qb = qb.where(({ exists, selectFrom }) =>
			exists(
				selectFrom('publication_subjects as ps')
					.innerJoin('subjects as s', 's.id', 'ps.subject_id')
					.select(sql`1`.as('one'))
					.whereRef('ps.publication_id', '=', 'publications.id')
					.where('s.name_key', '=', key)
			)
		);
	}
	if (q.series) {
		const slug = q.series;
		qb = qb.where(({ exists, selectFrom }) =>
			exists(
				selectFrom('series as sr')
					.select(sql`1`.as('one'))
					.whereRef('sr.id', '=', 'publications.series_id')
					.where('sr.slug', '=', slug)
			)
		);
	}
	if (q.access) qb = qb.where('publications.access', '=', q.access);
	if (q.status) qb = qb.where('publications.status', '=', q.status);
	if (q.language) qb = qb.where('publications.language', '=', q.language);
	const text = q.q?.trim();
	if (text) {
		// Plain substring match over the main descriptive fields. Full-text search with stemming
		// and ranking lives in the search module; this keeps browse usable without it.
		for (const word of text.split(/\s+/).slice(0, 8)) {
			const like = `%${escapeLike(word)}%`;
			qb = qb.where(({ or, eb, exists, selectFrom }) =>
				or([
					likeIgnoringCase(sql.ref('publications.title'), like),
					likeIgnoringCase(sql.ref('publications.subtitle'), like),
					likeIgnoringCase(sql.ref('publications.abstract'), like),
					likeIgnoringCase(sql.ref('publications.regulation_number'), like),
					eb('publications.isbn', '=', word),
					exists(
						selectFrom('publication_authors as pa')
							.select(sql`1`.as('one'))
							.whereRef('pa.publication_id', '=', 'publications.id')
							.where(likeIgnoringCase(sql.ref('pa.name'), like))
					)
				])
			);
		}
	}
	return qb;
}

function orderBy<O>(
	qb: PubQuery<O>,
	sort: CatalogSort,
	dir?: 'asc' | 'desc',
	viewer: Viewer = null,
	loans: Set<number> = new Set()
): PubQuery<O> {
	// A record without a full date sorts by its year as if published at the end of that year.
	const date = sql`coalesce(publications.published_date, publications.year || '-12-31', '')`;
	switch (sort) {
		case 'readable':
			// Readable online by this viewer first, then a copy on the shelf, then newest.
			return qb
				.orderBy((eb) => eb.case().when(readableOnline(viewer, loans)(eb)).then(0).else(1).end())
				.orderBy((eb) => eb.case().when(onShelfNow()(eb)).then(0).else(1).end())
				.orderBy(date, 'desc')
				.orderBy('publications.id', 'desc');
		case 'oldest':
			return qb.orderBy(date, 'asc').orderBy('publications.id', 'asc');
		case 'title':
			return qb
				.orderBy(caseless(sql.ref('publications.title')), dir ?? 'asc')
				.orderBy('publications.id', dir ?? 'asc');
		case 'added':
			return qb
				.orderBy('publications.created_at', dir ?? 'desc')
				.orderBy('publications.id', dir ?? 'desc');
		case 'year':
			return qb.orderBy(date, dir ?? 'desc').orderBy('publications.id', dir ?? 'desc');
		default:
			return qb.orderBy(date, 'desc').orderBy('publications.id', 'desc');
	}
}

/** Clamps paging input to sane bounds. */
export function paging(q: { page?: number; pageSize?: number }): {
	page: number;
	pageSize: number;
} {
	const pageSize = Math.min(Math.max(1, q.pageSize ?? DEFAULT_PAGE_SIZE), MAX_PAGE_SIZE);
	const page = Math.max(1, q.page ?? 1);
	return { page, pageSize };
}

/** Lists the publications the viewer may see, filtered, sorted and paginated. */
export async function list(
	db: Db,
	viewer: Viewer,
	q: CatalogQuery = {}
): Promise<Page<Publication>> {
	const { page, pageSize } = paging(q);
	const loans = await activeDigitalLoans(db, viewer);
	const base = applyFilters(db.selectFrom('publications'), viewer, q, undefined, loans);
	const { total } = await base
		.select((eb) => eb.fn.countAll<number>().as('total'))
		.executeTakeFirstOrThrow();
	const rows = await orderBy(
		base.selectAll('publications'),
		q.sort ?? 'newest',
		q.dir,
		viewer,
		loans
	)
		.limit(pageSize)
		.offset((page - 1) * pageSize)
		.execute();
	return { total: Number(total), page, pageSize, items: await hydrate(db, rows, viewer) };
}

/**
 * Counts per type, year, subject and availability over what the viewer may see, each without
 * its own filter. Availability counts `online` (readable online by this viewer) and `shelf` (a
 * copy available now), the same conditions the `availability` filter applies.
 */
export async function facets(db: Db, viewer: Viewer, q: CatalogQuery = {}): Promise<CatalogFacets> {
	const loans = await activeDigitalLoans(db, viewer);
	const toCounts = (
		rows: { value: string | number | null; count: number | bigint }[]
	): FacetCount[] =>
		rows
			.filter((r) => r.value !== null)
			.map((r) => ({ value: String(r.value), count: Number(r.count) }));
	const type = await applyFilters(db.selectFrom('publications'), viewer, q, 'type')
		.select(['publications.type as value', (eb) => eb.fn.countAll<number>().as('count')])
		.groupBy('publications.type')
		.orderBy('count', 'desc')
		.execute();
	const year = await applyFilters(db.selectFrom('publications'), viewer, q, 'year')
		.select(['publications.year as value', (eb) => eb.fn.countAll<number>().as('count')])
		.groupBy('publications.year')
		.orderBy('publications.year', 'desc')
		.execute();
	const subject = await applyFilters(db.selectFrom('publications'), viewer, q, 'subject')
		.innerJoin('publication_subjects as ps', 'ps.publication_id', 'publications.id')
		.innerJoin('subjects as s', 's.id', 'ps.subject_id')
		.select(['s.name as value', (eb) => eb.fn.countAll<number>().as('count')])
		.groupBy('s.id')
		.orderBy('count', 'desc')
		.orderBy('s.name')
		.limit(30)
		.execute();
	const availability: FacetCount[] = [];
	for (const value of ['online', 'shelf'] as const) {
		const { count } = await applyFilters(
			db.selectFrom('publications'),
			viewer,
			{ ...q, availability: value },
			undefined,
			loans
		)
			.select((eb) => eb.fn.countAll<number>().as('count'))
			.executeTakeFirstOrThrow();
		if (Number(count) > 0) availability.push({ value, count: Number(count) });
	}
	return {
		type: toCounts(type),
		year: toCounts(year),
		subject: toCounts(subject),
		availability
	};
}

/**
 * One publication, if the viewer may see it. Throws NotFound both when it does not exist and
 * when the viewer may not know it exists: the two must be indistinguishable.
 */
export async function findById(db: Db, viewer: Viewer, id: number): Promise<Publication> {
	const row = await db
		.selectFrom('publications')
		.selectAll()
		.where('id', '=', id)
		.executeTakeFirst();
	if (!row || !canSeePublication(viewer, row)) throw new NotFound('error.publicationNotFound');
	const [pub] = await hydrate(db, [row], viewer);
	return pub;
}

/**
 * The raw access facts of a publication, for whatever serves its content or acts on it (reader
 * routes, circulation): what the policy needs plus the few columns those callers use.
 */
export async function accessFacts(db: Db, id: number) {
	return db
		.selectFrom('publications')
		.select([
			'id',
			'type',
			'access',
			'status',
			'embargo_until',
			'downloadable',
			'digital_copies',
			'call_number',
			'title'
		])
		.where('id', '=', id)
		.executeTakeFirst();
}

/** The previous and next issues in the same series that the viewer may see. */
export async function seriesNeighbours(
	db: Db,
	viewer: Viewer,
	pub: Publication
): Promise<{ previous: Publication | null; next: Publication | null }> {
	if (!pub.series || pub.volume === null || pub.issue === null)
		return { previous: null, next: null };
	const seriesId = pub.series.id;
	const base = () =>
		db
			.selectFrom('publications')
			.selectAll('publications')
			.where(visibleTo(viewer))
			.where('publications.series_id', '=', seriesId)
			.where('publications.volume', 'is not', null)
			.where('publications.issue_number', 'is not', null);
	const vol = pub.volume;
	const iss = pub.issue;
	const prev = await base()
		.where((eb) =>
			eb.or([
				eb('publications.volume', '<', vol),
				eb.and([eb('publications.volume', '=', vol), eb('publications.issue_number', '<', iss)])
			])
		)
		.orderBy('publications.volume', 'desc')
		.orderBy('publications.issue_number', 'desc')
		.limit(1)
		.executeTakeFirst();
	const next = await base()
		.where((eb) =>
			eb.or([
				eb('publications.volume', '>', vol),
				eb.and([eb('publications.volume', '=', vol), eb('publications.issue_number', '>', iss)])
			])
		)
		.orderBy('publications.volume', 'asc')
		.orderBy('publications.issue_number', 'asc')
		.limit(1)
		.executeTakeFirst();
	const one = async (row: PublicationRow | undefined) =>
		row ? (await hydrate(db, [row], viewer))[0] : null;
	return { previous: await one(prev), next: await one(next) };
}

/** The cover file of a publication whose content the viewer may read, or null. */
export async function currentFile(db: Db, publicationId: number) {
	return db
		.selectFrom('files')
		.selectAll()
		.where('publication_id', '=', publicationId)
		.where('is_current', '=', 1)
		.executeTakeFirst();
}

/**
 * Maps rows to the `Publication` shape, loading authors, subjects, series, file facts and
 * regulation facts in batches. `viewer` decides which related regulations a regulation's
 * facts may name (default: the anonymous public view, which reveals the least).
 */
export async function hydrate(
	db: Db,
	rows: PublicationRow[],
	viewer: Viewer = null
): Promise<Publication[]> {
	if (rows.length === 0) return [];
	const ids = rows.map((r) => r.id);
	const regulationIds = rows.filter((r) => r.type === 'regulation').map((r) => r.id);
	const now = clock();
	const [authors, subjects, files, series, copies, regulations, shelves, loans] = await Promise.all(
		[
			db
				.selectFrom('publication_authors')
				.select(['publication_id', 'name'])
				.where('publication_id', 'in', ids)
				.orderBy('publication_id')
				.orderBy('position')
				.execute(),
			db
				.selectFrom('publication_subjects as ps')
				.innerJoin('subjects as s', 's.id', 'ps.subject_id')
				.select(['ps.publication_id', 's.name'])
				.where('ps.publication_id', 'in', ids)
				.orderBy('ps.publication_id')
				.orderBy('ps.position')
				.execute(),
			db
				.selectFrom('files')
				.select(['id', 'publication_id', 'pages', 'has_text_layer', 'thumbnail_key', 'sha256'])
				.where('publication_id', 'in', ids)
				.where('is_current', '=', 1)
				.execute(),
			db
				.selectFrom('series')
				.select(['id', 'slug', 'title'])
				.where(
					'id',
					'in',
					rows.map((r) => r.series_id ?? -1)
				)
				.execute(),
			db
				.selectFrom('items')
				.select(['publication_id', (eb) => eb.fn.countAll<number>().as('n')])
				.where('publication_id', 'in', ids)
				.where('status', '!=', 'withdrawn')
				.groupBy('publication_id')
				.execute(),
			regulationFacts(db, regulationIds, viewer),
			shelfStates(db, ids),
			activeDigitalLoans(db, viewer, now)
		]
	);
	const group = <T extends { publication_id: number }>(list: T[]) => {
		const m = new Map<number, T[]>();
		for (const x of list) m.set(x.publication_id, [...(m.get(x.publication_id) ?? []), x]);
		return m;
	};
	const authorsBy = group(authors);
	const subjectsBy = group(subjects);
	const fileBy = new Map(files.map((f) => [f.publication_id, f]));
	const variantsBy = await covers.variantsByFile(
		db,
		files.map((f) => f.id)
	);
	const seriesBy = new Map(series.map((s) => [s.id, s]));
	const copiesBy = new Map(copies.map((c) => [c.publication_id, Number(c.n)]));
	return rows.map((r) => {
		const file = fileBy.get(r.id);
		return {
			id: r.id,
			type: r.type,
			title: r.title,
			subtitle: r.subtitle,
			authors: (authorsBy.get(r.id) ?? []).map((a) => a.name),
			publisher: r.publisher,
			place: r.place,
			year: r.year,
			publishedDate: r.published_date,
			language: r.language,
			abstract: r.abstract,
			subjects: (subjectsBy.get(r.id) ?? []).map((s) => s.name),
			isbn: r.isbn,
			issn: r.issn,
			regulationNumber: r.regulation_number,
			edition: r.edition,
			series: r.series_id ? (seriesBy.get(r.series_id) ?? null) : null,
			volume: r.volume,
			issue: r.issue_number,
			callNumber: r.call_number,
			access: r.access,
			status: r.status,
			embargoUntil: r.embargo_until,
			downloadable: r.downloadable === 1,
			pages: file?.pages ?? null,
			hasFile: !!file,
			hasTextLayer: file ? file.has_text_layer === 1 : null,
			// The sha in the URL makes the cover cacheable forever and busts it on file replacement.
			cover: file?.thumbnail_key
				? `/publications/${r.id}/cover?v=${file.sha256.slice(0, 12)}`
				: null,
			coverImage: file?.thumbnail_key ? covers.coverImage(variantsBy.get(file.id) ?? []) : null,
			copies: copiesBy.get(r.id) ?? 0,
			digitalCopies: r.digital_copies,
			regulation: regulations.get(r.id) ?? null,
			availability: availabilityOf(viewer, r, !!file, shelves.get(r.id) ?? null, loans, now),
			createdAt: r.created_at,
			updatedAt: r.updated_at
		};
	});
}

/** True when the viewer is staff and so may filter by access level. */
export function mayFilterByAccess(viewer: Viewer): boolean {
	return isStaff(viewer);
}
