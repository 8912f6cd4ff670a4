import { sql } from 'kysely';
import type { Db } from '../db/index.ts';
import { canSeePublication, visibilityKey, type Viewer } from '../access.ts';
import { clock } from '../clock.ts';
import { isOnline } from '../catalog/availability.ts';
import type { AvailabilityFilter, FacetCount, PublicationType } from '../../types.ts';
import { fold } from './analyze.js';

/**
 * What search needs to know about every record to filter, count and facet its candidates: the
 * access facts the policy decides on, and the facet fields. Kept in memory per catalog version
 * (the counter every catalog write bumps, migration 0005) and read again, whole, when it changes:
 * a search then checks the policy and counts facets over thousands of candidates without asking
 * SQLite for each — the cost that grew with the number of matching records (issue #12).
 *
 * The policy is not copied here: visibility is `canSeePublication` of the access module, asked
 * for each candidate with these facts, so the rule stays in one place.
 */
export interface RecordFacts {
	id: number;
	type: PublicationType;
	year: number | null;
	language: string;
	access: 'public' | 'internal' | 'restricted';
	status: 'draft' | 'published' | 'withdrawn';
	embargo_until: string | null;
	digital_copies: number;
	published_date: string | null;
	series_slug: string | null;
	series_title: string | null;
	/** Has a current file (availability: readable online when the policy also lets the viewer). */
	has_file: boolean;
	downloadable: number;
	subjects: string[];
	/** The subjects folded, for the subject filter. */
	subjectKeys: string[];
}

/** The filters of a search (the facets a reader chose). */
export interface Filters {
	types?: PublicationType[];
	yearFrom?: number;
	yearTo?: number;
	subjectFilter?: string;
	series?: string;
	language?: string;
	access?: string;
	availability?: AvailabilityFilter;
}

export type FacetName =
	'type' | 'year' | 'subject' | 'series' | 'language' | 'access' | 'availability';

/**
 * The availability of a record for the viewer who searches: `online` — readable online
 * (catalog/availability.ts isOnline); `shelf` — a copy available now (`shelfCounts`).
 */
export interface AvailabilityTests {
	online: (r: RecordFacts) => boolean;
	shelf: (r: RecordFacts) => boolean;
}

const NO_AVAILABILITY: AvailabilityTests = { online: () => false, shelf: () => false };

let cache: { version: number; byId: Map<number, RecordFacts> } | null = null;
let loading: Promise<Map<number, RecordFacts>> | null = null;

/** The facts of every record, as of the current catalog version. */
export async function recordFacts(db: Db): Promise<Map<number, RecordFacts>> {
	const row = await db
		.selectFrom('catalog_version')
		.select('version')
		.where('id', '=', 1)
		.executeTakeFirst();
	const version = row?.version ?? 0;
	if (cache && cache.version === version) return cache.byId;
	// Concurrent searches after a change share one read.
	loading ??= load(db, version).finally(() => (loading = null));
	return loading;
}

async function load(db: Db, version: number): Promise<Map<number, RecordFacts>> {
	const rows = await db
		.selectFrom('publications')
		.leftJoin('series', 'series.id', 'publications.series_id')
		.select([
			'publications.id',
			'publications.type',
			'publications.year',
			'publications.language',
			'publications.access',
			'publications.status',
			'publications.embargo_until',
			'publications.digital_copies',
			'publications.published_date',
			'publications.downloadable',
			'series.slug as series_slug',
			'series.title as series_title'
		])
		.execute();
	const withFile = new Set(
		(
			await db.selectFrom('files').select('publication_id').where('is_current', '=', 1).execute()
		).map((f) => f.publication_id)
	);
	const byId = new Map<number, RecordFacts>();
	for (const r of rows)
		byId.set(r.id, {
			...r,
			has_file: withFile.has(r.id),
			subjects: [],
			subjectKeys: []
		});
	const subjects = await db
		.selectFrom('publication_subjects as ps')
		.innerJoin('subjects as s', 's.id', 'ps.subject_id')
		.select(['ps.publication_id', 's.name'])
		.orderBy(sql`ps.publication_id, ps.position`)
		.execute();
	for (const s of subjects) {
		const f = byId.get(s.publication_id);
		if (!f) continue;
		f.subjects.push(s.name);
		f.subjectKeys.push(fold(s.name));
	}
	cache = { version, byId };
	return byId;
}

let shelfCache: { version: number; counts: Map<number, number> } | null = null;
let shelfLoading: Promise<Map<number, number>> | null = null;

/**
 * Copies available now, per record that has any — kept per circulation version (migration 0015:
 * bumped by every write to items, loans and holds, inside that write's transaction), so a checkout
 * or return reloads only this one grouped query over the indexed `items`, not the record facts.
 */
export async function shelfCounts(db: Db): Promise<Map<number, number>> {
	const row = await db
		.selectFrom('circulation_version')
		.select('version')
		.where('id', '=', 1)
		.executeTakeFirst();
	const version = row?.version ?? 0;
	if (shelfCache && shelfCache.version === version) return shelfCache.counts;
	shelfLoading ??= (async () => {
		const rows = await db
			.selectFrom('items')
			.select(['publication_id', (eb) => eb.fn.countAll<number>().as('n')])
			.where('status', '=', 'available')
			.groupBy('publication_id')
			.execute();
		const counts = new Map(rows.map((i) => [i.publication_id, Number(i.n)]));
		shelfCache = { version, counts };
		return counts;
	})().finally(() => (shelfLoading = null));
	return shelfLoading;
}

/**
 * The candidates the viewer may see, with their facts: the access policy asked for each one.
 * Records the facts do not know (created after the version was read) are left out, as if the
 * search had run a moment earlier.
 */
export function visibleFacts(
	facts: Map<number, RecordFacts>,
	viewer: Viewer,
	ids: Iterable<number>
): RecordFacts[] {
	const { visible } = policySets(facts, viewer);
	const out: RecordFacts[] = [];
	for (const id of ids) {
		const f = facts.get(id);
		if (f && visible.has(f)) out.push(f);
	}
	return out;
}

/** What the policy answers for every record of a facts snapshot, for one `visibilityKey`. */
export interface PolicySets {
	/** `canSeePublication`. */
	visible: Set<RecordFacts>;
	/** `isOnline` without digital loans: a current file the viewer may read. */
	readable: Set<RecordFacts>;
}

const policyCache = new WeakMap<Map<number, RecordFacts>, Map<string, PolicySets>>();

/**
 * The records of this facts snapshot the viewer may see and read online: the access policy
 * asked once per record for each role and day, not once per candidate per query (5,000 per
 * common word at library scale). A viewer's digital loans are applied by the caller on top.
 */
export function policySets(facts: Map<number, RecordFacts>, viewer: Viewer): PolicySets {
	const now = clock();
	const key = visibilityKey(viewer, now);
	let byKey = policyCache.get(facts);
	if (!byKey) policyCache.set(facts, (byKey = new Map()));
	let sets = byKey.get(key);
	if (!sets) {
		// A catalog unchanged for days must not collect sets per role and day.
		if (byKey.size >= 16) byKey.clear();
		sets = { visible: new Set(), readable: new Set() };
		const noLoans = new Set<number>();
		for (const f of facts.values()) {
			if (canSeePublication(viewer, f, now)) sets.visible.add(f);
			if (isOnline(viewer, f, noLoans, now)) sets.readable.add(f);
		}
		byKey.set(key, sets);
	}
	return sets;
}

/**
 * Does the record pass the chosen filters (all of them, or all but the facet `except`)?
 * `avail` answers the `availability` filter for the viewer (without it, nothing passes it).
 */
export function passes(
	r: RecordFacts,
	p: Filters,
	except?: FacetName,
	avail: AvailabilityTests = NO_AVAILABILITY
): boolean {
	if (except !== 'availability' && p.availability && !avail[p.availability](r)) return false;
	if (except !== 'type' && p.types?.length && !p.types.includes(r.type)) return false;
	if (except !== 'year' && p.yearFrom !== undefined && (r.year === null || r.year < p.yearFrom))
		return false;
	if (except !== 'year' && p.yearTo !== undefined && (r.year === null || r.year > p.yearTo))
		return false;
	if (except !== 'subject' && p.subjectFilter && !r.subjectKeys.includes(fold(p.subjectFilter)))
		return false;
	if (except !== 'series' && p.series && r.series_slug !== p.series) return false;
	if (except !== 'language' && p.language && r.language !== p.language) return false;
	if (except !== 'access' && p.access && r.access !== p.access) return false;
	return true;
}

const FACET_KEYS: Record<
	FacetName,
	(r: RecordFacts, avail: AvailabilityTests) => (string | null)[]
> = {
	type: (r) => [r.type],
	year: (r) => [r.year === null ? null : String(r.year)],
	subject: (r) => r.subjects,
	series: (r) => [r.series_slug],
	language: (r) => [r.language],
	access: (r) => [r.access],
	availability: (r, avail) => [avail.online(r) ? 'online' : null, avail.shelf(r) ? 'shelf' : null]
};

/**
 * The one facet whose filter the record fails, `null` when it passes every filter, `'several'`
 * when it fails more than one — the same tests as `passes`, made once per record for all facets.
 */
function failedFacet(
	r: RecordFacts,
	p: Filters,
	avail: AvailabilityTests,
	subjectKey: string | null
): FacetName | null | 'several' {
	const year =
		(p.yearFrom !== undefined && (r.year === null || r.year < p.yearFrom)) ||
		(p.yearTo !== undefined && (r.year === null || r.year > p.yearTo));
	const tests: [FacetName, boolean][] = [
		['availability', !!p.availability && !avail[p.availability](r)],
		['type', !!p.types?.length && !p.types.includes(r.type)],
		['year', year],
		['subject', !!subjectKey && !r.subjectKeys.includes(subjectKey)],
		['series', !!p.series && r.series_slug !== p.series],
		['language', !!p.language && r.language !== p.language],
		['access', !!p.access && r.access !== p.access]
	];
	let failed: FacetName | null = null;
	let n = 0;
	for (const [name, fails] of tests)
		if (fails) {
			failed = name;
			n++;
		}
	return n > 1 ? 'several' : failed;
}

/**
 * Every facet's counts in one pass over the records (at 5,000 full texts a common word makes
 * every record a candidate: seven passes, each testing every filter, showed in the profile).
 * The same counts as `facetCounts` for each name: a record counts in a facet when it passes
 * every other chosen filter.
 */
export function facetTable(
	rows: RecordFacts[],
	p: Filters,
	names: FacetName[],
	avail: AvailabilityTests = NO_AVAILABILITY
): Record<FacetName, FacetCount[]> {
	const counts = new Map(names.map((n) => [n, new Map<string, number>()]));
	const labels = new Map<string, string>();
	const subjectKey = p.subjectFilter ? fold(p.subjectFilter) : null;
	const add = (c: Map<string, number> | undefined, k: string | null) => {
		if (c && k !== null) c.set(k, (c.get(k) ?? 0) + 1);
	};
	const [type, year, subject, series, language, access, availability] = (
		['type', 'year', 'subject', 'series', 'language', 'access', 'availability'] as const
	).map((n) => counts.get(n));
	// Most searches choose no filter: then every record counts in every facet.
	const filtered =
		!!p.availability ||
		!!p.types?.length ||
		p.yearFrom !== undefined ||
		p.yearTo !== undefined ||
		!!subjectKey ||
		!!p.series ||
		!!p.language ||
		!!p.access;
	for (const r of rows) {
		const failed = filtered ? failedFacet(r, p, avail, subjectKey) : null;
		if (failed === 'several') continue;
		// No closure per record: this loop runs for every candidate of every search.
		if (failed === null || failed === 'type') add(type, r.type);
		if (failed === null || failed === 'year') add(year, r.year === null ? null : String(r.year));
		if (subject && (failed === null || failed === 'subject'))
			for (const sub of r.subjects) add(subject, sub);
		if (failed === null || failed === 'series') {
			add(series, r.series_slug);
			if (r.series_slug && r.series_title) labels.set(r.series_slug, r.series_title);
		}
		if (failed === null || failed === 'language') add(language, r.language);
		if (failed === null || failed === 'access') add(access, r.access);
		if (availability && (failed === null || failed === 'availability')) {
			if (avail.online(r)) add(availability, 'online');
			if (avail.shelf(r)) add(availability, 'shelf');
		}
	}
	const out = {} as Record<FacetName, FacetCount[]>;
	for (const name of names) out[name] = ordered(name, counts.get(name)!, labels);
	return out;
}

/** A facet's counts as listed: years newest first, availability by value, the rest by count (30). */
function ordered(
	name: FacetName,
	counts: Map<string, number>,
	labels: Map<string, string>
): FacetCount[] {
	const list: FacetCount[] = [...counts].map(([value, count]) =>
		name === 'series' ? { value, count, label: labels.get(value) ?? value } : { value, count }
	);
	if (name === 'availability') return list.sort((a, b) => a.value.localeCompare(b.value));
	return name === 'year'
		? list.sort((a, b) => Number(b.value) - Number(a.value))
		: list.sort((a, b) => b.count - a.count || a.value.localeCompare(b.value)).slice(0, 30);
}

/**
 * One facet's counts over the records, each counted when it passes every other chosen filter
 * (so choosing a type still shows the other types' counts). Years newest first; the others by
 * count, at most 30.
 */
export function facetCounts(
	rows: RecordFacts[],
	p: Filters,
	name: FacetName,
	avail: AvailabilityTests = NO_AVAILABILITY
): FacetCount[] {
	const key = FACET_KEYS[name];
	const counts = new Map<string, number>();
	const labels = new Map<string, string>();
	for (const r of rows) {
		if (!passes(r, p, name, avail)) continue;
		for (const k of key(r, avail)) {
			if (k === null) continue;
			counts.set(k, (counts.get(k) ?? 0) + 1);
			if (name === 'series' && r.series_title) labels.set(k, r.series_title);
		}
	}
	return ordered(name, counts, labels);
}
