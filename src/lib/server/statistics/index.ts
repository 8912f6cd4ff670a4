import { sql } from 'kysely';
import type { Db } from '../db/index.ts';
import { monthAt } from '../db/dialect.ts';
import { isStaff, visibleTo, type Viewer } from '../access.ts';
import { Forbidden, Invalid } from '../errors.ts';
import { clock } from '../clock.ts';
import { WIB_OFFSET_MS } from '../../format.ts';
import type { AccessLevel, PublicationStatus } from '../db/schema.ts';

/**
 * Statistics for librarians: figures per month over a period, the most used records, use per
 * series and per publication type, and what is searched (lib/server/statistics/search-log.ts).
 *
 * Months are Jakarta calendar months (UTC+7), like the circulation charts; instants are stored in
 * UTC. Views and downloads come from `usage_monthly`, the roll-up of `usage_events` kept exact by
 * triggers (migration 0011), so a year's figures read a few thousand rows however many millions
 * of events were counted. The counting rules themselves (robots not counted, a repeat by the
 * same visitor within 30 seconds counted once) are applied when an event is recorded
 * (lib/server/reader/usage.ts); nothing here counts differently.
 *
 * Who may see what: the whole report is for staff (librarians and admins), who may see every
 * record. Record-level figures are filtered through the access policy (`visibleTo`) all the same,
 * so a record can only ever appear to a viewer who may see it, whoever calls this module later.
 */

/** A period of whole Jakarta months, inclusive: `from` and `to` are `YYYY-MM`. */
export interface Period {
	from: string;
	to: string;
	/** Every month of the period, oldest first. */
	months: string[];
}

/** The longest period one report covers (ten years). */
export const MAX_MONTHS = 120;
const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;

/** The Jakarta month (`YYYY-MM`) of an instant. */
export function monthOf(at: Date): string {
	return new Date(at.getTime() + WIB_OFFSET_MS).toISOString().slice(0, 7);
}

function addMonths(month: string, n: number): string {
	const [y, m] = month.split('-').map(Number);
	return new Date(Date.UTC(y, m - 1 + n, 1)).toISOString().slice(0, 7);
}

/** The UTC instant (ISO) a Jakarta month begins. */
export function monthStart(month: string): string {
	const [y, m] = month.split('-').map(Number);
	return new Date(Date.UTC(y, m - 1, 1) - WIB_OFFSET_MS).toISOString();
}

/**
 * The period asked for: `from`/`to` as `YYYY-MM` (either may be omitted). Default: the last 12
 * months up to the current one. A malformed month, `from` after `to` or more than MAX_MONTHS
 * months is 400 `invalid_period`.
 */
export function parsePeriod(
	from: string | null | undefined,
	to: string | null | undefined,
	now: Date = clock()
): Period {
	const bad = () => new Invalid('stats.invalidPeriod', {}, { max: MAX_MONTHS }, 'invalid_period');
	const f = from?.trim() || '';
	const t = to?.trim() || '';
	if ((f && !MONTH.test(f)) || (t && !MONTH.test(t))) throw bad();
	const end = t || (f ? addMonths(f, 11) : monthOf(now));
	const start = f || addMonths(end, -11);
	if (start > end) throw bad();
	const months: string[] = [];
	for (let m = start; m <= end; m = addMonths(m, 1)) {
		months.push(m);
		if (months.length > MAX_MONTHS) throw bad();
	}
	return { from: start, to: end, months };
}

/** One month's figures. */
export interface MonthFigures {
	month: string;
	views: number;
	downloads: number;
	newRecords: number;
	loans: number;
	returns: number;
	/** Loans not returned and past due at the end of the month (for the current month: now). */
	overdue: number;
	/** Members who borrowed at least once in the month (physical or digital). */
	activeBorrowers: number;
	searches: number;
	zeroResultSearches: number;
}

/** A record among the most viewed or downloaded. */
export interface TopRecord {
	id: number;
	title: string;
	type: string;
	series: string | null;
	access: AccessLevel;
	status: PublicationStatus;
	count: number;
}

/** Use of one group of records (a series or a publication type). */
export interface GroupFigures {
	/** Series title or publication type; null for records in no series. */
	key: string | null;
	records: number;
	newRecords: number;
	views: number;
	downloads: number;
}

/** A query and how often it was searched in the period. */
export interface QueryFigures {
	query: string;
	searches: number;
	/** Of those, how many found nothing. */
	zeroResults: number;
}

/** Everything the statistics page shows. */
export interface Report {
	period: Period;
	monthly: MonthFigures[];
	totals: Omit<MonthFigures, 'month' | 'overdue' | 'activeBorrowers'> & { activeBorrowers: number };
	topViewed: TopRecord[];
	topDownloaded: TopRecord[];
	bySeries: GroupFigures[];
	byType: GroupFigures[];
	topQueries: QueryFigures[];
	/** Staff only (the access rules of the issue): empty for anyone else. */
	zeroResultQueries: QueryFigures[];
}

/** The report's sections, as the API and the CSV downloads name them. */
export const SECTIONS = [
	'monthly',
	'top-views',
	'top-downloads',
	'series',
	'types',
	'queries',
	'zero-queries'
] as const;
export type Section = (typeof SECTIONS)[number];

/** How many rows the top lists have. */
export const TOP_N = 20;

function requireStaff(viewer: Viewer): void {
	// Statistics are a librarian's tool; hooks.server.ts guards /staff, and the API asks here.
	if (!isStaff(viewer)) throw new Forbidden();
}

/** Stored instants are UTC; the library's months are Jakarta months (UTC+7). */
const jakartaMonth = (db: Db, column: string) => monthAt(db, sql.ref(column), 7);

/** Figures per month of the period (empty months as zeros). */
export async function monthly(
	db: Db,
	viewer: Viewer,
	period: Period,
	now: Date = clock()
): Promise<MonthFigures[]> {
	requireStaff(viewer);
	const start = monthStart(period.from);
	const end = monthStart(addMonths(period.to, 1));
	const by = new Map<string, MonthFigures>(
		period.months.map((month) => [
			month,
			{
				month,
				views: 0,
				downloads: 0,
				newRecords: 0,
				loans: 0,
				returns: 0,
				overdue: 0,
				activeBorrowers: 0,
				searches: 0,
				zeroResultSearches: 0
			}
		])
	);
	// Staff see every record, so the month totals need no join with `publications`.
	const usage = await db
		.selectFrom('usage_monthly')
		.where('usage_monthly.month', '>=', period.from)
		.where('usage_monthly.month', '<=', period.to)
		.select(['usage_monthly.month', 'usage_monthly.kind'])
		.select((eb) => eb.fn.sum<number>('usage_monthly.n').as('n'))
		.groupBy(['usage_monthly.month', 'usage_monthly.kind'])
		.execute();
	for (const r of usage) {
		const m = by.get(r.month);
		if (m) m[r.kind === 'view' ? 'views' : 'downloads'] = Number(r.n);
	}
	const created = await db
		.selectFrom('publications')
		.where(visibleTo(viewer, now))
		.where('created_at', '>=', start)
		.where('created_at', '<', end)
		.select([jakartaMonth(db, 'created_at').as('month'), (eb) => eb.fn.countAll<number>().as('n')])
		.groupBy('month')
		.execute();
	for (const r of created) {
		const m = by.get(r.month);
		if (m) m.newRecords = Number(r.n);
	}
	const lent = await db
		.selectFrom('loans')
		.where('loaned_at', '>=', start)
		.where('loaned_at', '<', end)
		.select([
			jakartaMonth(db, 'loaned_at').as('month'),
			(eb) => eb.fn.countAll<number>().as('n'),
			sql<number>`count(distinct user_id)`.as('borrowers')
		])
		.groupBy('month')
		.execute();
	for (const r of lent) {
		const m = by.get(r.month);
		if (m) {
			m.loans = Number(r.n);
			m.activeBorrowers = Number(r.borrowers);
		}
	}
	const returned = await db
		.selectFrom('loans')
		.where('returned_at', '>=', start)
		.where('returned_at', '<', end)
		.select([jakartaMonth(db, 'returned_at').as('month'), (eb) => eb.fn.countAll<number>().as('n')])
		.groupBy('month')
		.execute();
	for (const r of returned) {
		const m = by.get(r.month);
		if (m) m.returns = Number(r.n);
	}
	const nowIso = now.toISOString();
	for (const m of by.values()) {
		const monthEnd = monthStart(addMonths(m.month, 1));
		const at = monthEnd < nowIso ? monthEnd : nowIso;
		if (at <= monthStart(m.month)) continue; // a month still to come
		const row = await db
			.selectFrom('loans')
			.where('loaned_at', '<', at)
			.where('due_at', '<', at)
			.where((eb) => eb.or([eb('returned_at', 'is', null), eb('returned_at', '>', at)]))
			.select((eb) => eb.fn.countAll<number>().as('n'))
			.executeTakeFirstOrThrow();
		m.overdue = Number(row.n);
	}
	const searches = await db
		.selectFrom('search_monthly')
		.where('month', '>=', period.from)
		.where('month', '<=', period.to)
		.select([
			'month',
			(eb) => eb.fn.sum<number>('n').as('n'),
			(eb) => eb.fn.sum<number>('zero').as('zero')
		])
		.groupBy('month')
		.execute();
	for (const r of searches) {
		const m = by.get(r.month);
		if (m) {
			m.searches = Number(r.n);
			m.zeroResultSearches = Number(r.zero ?? 0);
		}
	}
	return [...by.values()];
}

/** Members who borrowed at least once in the whole period (not the sum of the months). */
async function borrowersInPeriod(db: Db, period: Period): Promise<number> {
	const row = await db
		.selectFrom('loans')
		.where('loaned_at', '>=', monthStart(period.from))
		.where('loaned_at', '<', monthStart(addMonths(period.to, 1)))
		.select(sql<number>`count(distinct user_id)`.as('n'))
		.executeTakeFirstOrThrow();
	return Number(row.n);
}

/** The record-level figures of a period: the top lists and the per-series and per-type use. */
export interface RecordFigures {
	topViewed: TopRecord[];
	topDownloaded: TopRecord[];
	bySeries: GroupFigures[];
	byType: GroupFigures[];
}

/**
 * Views and downloads per record over the period, read once from the roll-up (one row per record
 * used), then joined in memory with the records the viewer may see (`visibleTo`): the TOP_N most
 * viewed and most downloaded, and records, new records, views and downloads per series and per
 * publication type. One pass each instead of four grouped joins keeps the page fast at scale.
 */
export async function recordFigures(
	db: Db,
	viewer: Viewer,
	period: Period,
	now: Date = clock()
): Promise<RecordFigures> {
	requireStaff(viewer);
	const start = monthStart(period.from);
	const end = monthStart(addMonths(period.to, 1));
	const used = await db
		.selectFrom('usage_monthly')
		.where('month', '>=', period.from)
		.where('month', '<=', period.to)
		.select([
			'publication_id',
			sql<number>`sum(case when kind = 'view' then n else 0 end)`.as('views'),
			sql<number>`sum(case when kind = 'download' then n else 0 end)`.as('downloads')
		])
		.groupBy('publication_id')
		.execute();
	const usage = new Map(used.map((u) => [u.publication_id, u]));
	const records = await db
		.selectFrom('publications')
		.leftJoin('series', 'series.id', 'publications.series_id')
		.where(visibleTo(viewer, now))
		.select([
			'publications.id',
			'publications.title',
			'publications.type',
			'publications.access',
			'publications.status',
			'publications.created_at',
			'series.title as series'
		])
		.execute();
	const rows = records.map((r) => ({
		...r,
		views: Number(usage.get(r.id)?.views ?? 0),
		downloads: Number(usage.get(r.id)?.downloads ?? 0),
		isNew: r.created_at >= start && r.created_at < end
	}));
	const topBy = (k: 'views' | 'downloads'): TopRecord[] =>
		rows
			.filter((r) => r[k] > 0)
			.sort((a, b) => b[k] - a[k] || a.id - b.id)
			.slice(0, TOP_N)
			.map((r) => ({
				id: r.id,
				title: r.title,
				type: r.type,
				series: r.series,
				access: r.access,
				status: r.status,
				count: r[k]
			}));
	const groupBy = (key: (r: (typeof rows)[number]) => string | null): GroupFigures[] => {
		const groups = new Map<string | null, GroupFigures>();
		for (const r of rows) {
			const k = key(r);
			let g = groups.get(k);
			if (!g) groups.set(k, (g = { key: k, records: 0, newRecords: 0, views: 0, downloads: 0 }));
			g.records++;
			if (r.isNew) g.newRecords++;
			g.views += r.views;
			g.downloads += r.downloads;
		}
		return [...groups.values()].sort(
			(a, b) =>
				b.views - a.views ||
				b.downloads - a.downloads ||
				b.records - a.records ||
				String(a.key ?? '').localeCompare(String(b.key ?? ''))
		);
	};
	return {
		topViewed: topBy('views'),
		topDownloaded: topBy('downloads'),
		bySeries: groupBy((r) => r.series),
		byType: groupBy((r) => r.type)
	};
}

/**
 * The TOP_N queries searched most in the period; with `zeroOnly`, those that found nothing
 * (staff only: a query that finds nothing may name a record the public cannot see).
 */
export async function queries(
	db: Db,
	viewer: Viewer,
	period: Period,
	zeroOnly = false
): Promise<QueryFigures[]> {
	requireStaff(viewer);
	let q = db
		.selectFrom('search_monthly')
		.where('month', '>=', period.from)
		.where('month', '<=', period.to);
	if (zeroOnly) q = q.where('zero', '>', 0);
	const rows = await q
		.select([
			'query',
			(eb) => eb.fn.sum<number>(zeroOnly ? 'zero' : 'n').as('searches'),
			(eb) => eb.fn.sum<number>('zero').as('zero')
		])
		.groupBy('query')
		.orderBy('searches', 'desc')
		.orderBy('query')
		.limit(TOP_N)
		.execute();
	return rows.map((r) => ({
		query: r.query,
		searches: Number(r.searches),
		zeroResults: Number(r.zero ?? 0)
	}));
}

/** The whole report for the statistics page and `GET /api/v1/statistics/summary`. */
export async function report(
	db: Db,
	viewer: Viewer,
	period: Period,
	now = clock()
): Promise<Report> {
	requireStaff(viewer);
	const months = await monthly(db, viewer, period, now);
	const sum = (k: keyof Omit<MonthFigures, 'month'>) => months.reduce((s, m) => s + m[k], 0);
	return {
		period,
		monthly: months,
		totals: {
			views: sum('views'),
			downloads: sum('downloads'),
			newRecords: sum('newRecords'),
			loans: sum('loans'),
			returns: sum('returns'),
			activeBorrowers: await borrowersInPeriod(db, period),
			searches: sum('searches'),
			zeroResultSearches: sum('zeroResultSearches')
		},
		...(await recordFigures(db, viewer, period, now)),
		topQueries: await queries(db, viewer, period),
		zeroResultQueries: await queries(db, viewer, period, true)
	};
}
