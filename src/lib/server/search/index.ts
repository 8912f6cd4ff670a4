import type lunr from 'lunr';
import { sql } from 'kysely';
import type { Db } from '../db/index.ts';
import { likeIgnoringCase, positionOf } from '../db/dialect.ts';
import { isStaff, visibleTo, type Viewer } from '../access.ts';
import { hydrate } from '../catalog/publications.ts';
import type { AvailabilityFilter, FacetCount, Publication, PublicationType } from '../../types.ts';
import { activeDigitalLoans, isOnline } from '../catalog/availability.ts';
import { clock } from '../clock.ts';
import { queryStems, STOP_WORDS, stemIndonesian } from './analyze.js';
import { FUZZY_MAX_LENGTH, plan, words } from './plan.ts';
import { hasTerm, nearTerms } from './metadata.ts';
import { ALL_TERMS_FIRST, hitTerms, score } from './rank.ts';
import {
	facetTable,
	passes,
	policySets,
	recordFacts,
	visibleFacts,
	type FacetName,
	shelfCounts,
	type AvailabilityTests,
	type RecordFacts
} from './facts.ts';
import { locate } from './snippets.ts';
import { currentIndex, engine } from './lifecycle.ts';

/**
 * Full-text search over metadata and PDF text, split by concern:
 *
 * - plan.ts — what was typed, as word groups (stems, prefix, typo variants, synonyms);
 * - metadata.ts — Lunr over the short fields; text-engine.ts — the long texts behind a small
 *   interface: SQLite FTS5, or PostgreSQL's tsvector tables (text-engine-pg.ts);
 * - rank.ts — candidates from both, scored, with the words each matched;
 * - facts.ts — every record's access and facet facts per catalog version: the policy check,
 *   filters, totals and facets over the candidates without a query per record;
 * - snippets.ts — pages and snippets, only for the hits on the page shown;
 * - lifecycle.ts — building, loading and following the indexes.
 *
 * Neither index decides what a caller sees. Which candidates a caller may see is asked of the
 * access policy (`canSeePublication`) for each candidate, so totals, facets, snippets and
 * spelling hints are computed only over visible records and nothing hidden leaks through search.
 */

export {
	CHECK_INTERVAL_MS,
	checkFreshness,
	deferRebuildsWhile,
	idle,
	init,
	rebuild,
	status,
	stop
} from './lifecycle.ts';
export { highlight, MAX_PAGES_PER_HIT, SNIPPET_CHARS } from './snippets.ts';
export {
	FUZZY_BOOST,
	FUZZY_MAX_LENGTH,
	FUZZY_MIN_LENGTH,
	MAX_WORD_LENGTH,
	MIN_PREFIX,
	SYNONYM_BOOST,
	words
} from './plan.ts';
export { ALL_TERMS_FIRST, TEXT_WEIGHTS, type Scored } from './rank.ts';

/** `readable`: readable online by the caller first, then by relevance. */
export type SearchSort = 'relevance' | 'newest' | 'oldest' | 'readable';

export interface SearchParams {
	q: string;
	title?: string;
	author?: string;
	subject?: string;
	number?: string;
	types?: PublicationType[];
	yearFrom?: number;
	yearTo?: number;
	subjectFilter?: string;
	series?: string;
	language?: string;
	access?: string;
	/** `online` (readable online by this caller) or `shelf` (a copy available now). */
	availability?: AvailabilityFilter;
	sort?: SearchSort;
	page?: number;
	pageSize?: number;
}

export interface SearchHit {
	id: number;
	title: string;
	type: PublicationType;
	year: number | null;
	access: string;
	/** How the caller can have it (catalog/availability.ts), as on the record. */
	availability: Publication['availability'];
	/** HTML: the text is escaped; matched words are wrapped in <mark>. */
	snippet: string;
	pages: number[];
	/** The first few pages with what each says around the word (a page link's title). */
	pageContext: { page: number; text: string }[];
	score: number;
	publication: Publication;
}

export interface SearchResult {
	total: number;
	page: number;
	pageSize: number;
	hits: SearchHit[];
	facets: Record<FacetName, FacetCount[]>;
	/**
	 * True when the results are the records matching every query word (after stemming, synonyms
	 * and typo tolerance); false when none does and the results are those matching some words.
	 */
	matchedAll: boolean;
	/** A corrected query when nothing was found and a correction finds something. */
	didYouMean: string | null;
	/** The query words the results were matched on (stems), for highlighting in the reader. */
	terms: string[];
}

/** Newest first by publication date (or year), as the sort options say. */
function date(r: RecordFacts): string {
	return r.published_date ?? (r.year ? `${r.year}-12-31` : '');
}

/**
 * Searches what the viewer may see. Totals, facets, snippets and spelling hints are computed
 * only over visible records.
 */
export async function search(db: Db, viewer: Viewer, params: SearchParams): Promise<SearchResult> {
	const page = Math.max(1, params.page ?? 1);
	const pageSize = Math.min(Math.max(1, params.pageSize ?? 20), 100);
	if (!isStaff(viewer)) delete params.access;
	const empty: SearchResult = {
		total: 0,
		page,
		pageSize,
		hits: [],
		facets: {
			type: [],
			year: [],
			subject: [],
			series: [],
			language: [],
			access: [],
			availability: []
		},
		matchedAll: true,
		didYouMean: null,
		terms: []
	};
	const index = currentIndex();
	const hasQuery = [params.q, params.title, params.author, params.subject, params.number].some(
		(s) => s?.trim()
	);
	if (!index || !hasQuery) return empty;

	const now = clock();
	const [{ scored, termsOf }, facts, loans, shelf] = await Promise.all([
		score(index, engine, plan(params)),
		recordFacts(db),
		activeDigitalLoans(db, viewer, now),
		shelfCounts(db)
	]);
	const rows = visibleFacts(facts, viewer, scored.keys());
	// Readable online by this viewer: the policy's answers per record for such a viewer
	// (policySets), and the policy asked again only for records this viewer holds a digital loan of.
	const { readable } = policySets(facts, viewer);
	const online = (r: RecordFacts) =>
		readable.has(r) || (loans.has(r.id) && isOnline(viewer, r, loans, now));
	const avail: AvailabilityTests = { online, shelf: (r) => (shelf.get(r.id) ?? 0) > 0 };
	// A query's results are the records matching every word; only when no record the viewer may
	// see (with the filters chosen) does, those matching some words are shown, and labelled.
	const every = rows.filter((r) => scored.get(r.id)!.all);
	const matchedAll = every.some((r) => passes(r, params, undefined, avail));
	const visible = matchedAll ? every : rows;
	const sort = params.sort ?? 'relevance';
	// Sort keys computed once per record, not per comparison (thousands of candidates at 5,000
	// full texts: map look-ups and date strings inside the comparator showed in the profile).
	const keyed = visible
		.filter((r) => passes(r, params, undefined, avail))
		.map((r) => ({
			r,
			s: scored.get(r.id)!,
			date: sort === 'newest' || sort === 'oldest' ? date(r) : '',
			online: sort === 'readable' ? Number(online(r)) : 0
		}));
	keyed.sort((a, b) => {
		if (sort === 'newest') return b.date.localeCompare(a.date) || b.r.id - a.r.id;
		if (sort === 'oldest') return a.date.localeCompare(b.date) || a.r.id - b.r.id;
		const sa = a.s;
		const sb = b.s;
		return (
			b.online - a.online ||
			(ALL_TERMS_FIRST ? sb.covered - sa.covered || sb.direct - sa.direct : 0) ||
			sb.score - sa.score ||
			b.r.id - a.r.id
		);
	});
	const matching = keyed.map((k) => k.r);
	const facets = facetTable(
		visible,
		params,
		['type', 'year', 'subject', 'series', 'language', 'access', 'availability'],
		avail
	);
	if (!isStaff(viewer)) facets.access = [];
	const slice = matching.slice((page - 1) * pageSize, page * pageSize);
	const pubs = await hydrate(
		db,
		await db
			.selectFrom('publications')
			.selectAll()
			.where('id', 'in', slice.map((r) => r.id).concat(-1))
			.execute(),
		viewer
	);
	const byId = new Map(pubs.map((p) => [p.id, p]));
	const allTerms = new Set<string>();
	const hits: SearchHit[] = [];
	const matchers = new Map();
	for (const r of slice) {
		const pub = byId.get(r.id);
		if (!pub) continue; // removed since the facts were read
		const s = scored.get(r.id)!;
		const terms = hitTerms(s, termsOf, matchers, pub.language);
		for (const t of s.terms) allTerms.add(t);
		const { pages, snippet, pageContext } = await locate(engine, pub, terms);
		hits.push({
			id: pub.id,
			title: pub.title,
			type: pub.type,
			year: pub.year,
			access: pub.access,
			availability: pub.availability,
			snippet,
			pages,
			pageContext,
			score: Math.round(s.score * 1000) / 1000,
			publication: pub
		});
	}
	let didYouMean: string | null = null;
	// Offered when a typed word is not in the index at all, even if typo tolerance found
	// something: the reader should see the likely spelling.
	if (params.q.trim()) didYouMean = await correction(db, viewer, index, params);
	return {
		total: matching.length,
		page,
		pageSize,
		hits,
		facets,
		matchedAll: matchedAll || matching.length === 0,
		didYouMean,
		terms: [...allTerms]
	};
}

/** Is this stem in either index? */
function isKnown(index: lunr.Index, stem: string): boolean {
	return engine.hasTerm(stem) || hasTerm(index, stem);
}

/** Terms within two edits of `word` in the long-text vocabulary (only for unknown words). */
function neighbours2(word: string): string[] {
	const out = new Set<string>();
	for (const n of engine.neighbours(word)) {
		out.add(n);
		if (word.length >= 7) for (const m of engine.neighbours(n)) if (m !== word) out.add(m);
	}
	return [...out];
}

/**
 * The closest known term to a word (one edit, two for long words) in either index, preferring
 * the term found in most records.
 */
function closestTerm(index: lunr.Index, word: string): string | null {
	const seen = nearTerms(index, word, word.length >= 7 ? 2 : 1);
	for (const t of neighbours2(word)) seen.set(t, (seen.get(t) ?? 0) + engine.termDocs(t));
	let best: string | null = null;
	for (const [t, n] of seen) {
		if (t === word) continue;
		if (!best || n > (seen.get(best) ?? 0)) best = t;
	}
	return best;
}

/**
 * A spelling correction of the query, word by word. A corrected word is offered only if, on its
 * own, it finds something the viewer may see — so a word known only from internal records is
 * never suggested to the public.
 */
async function correction(
	db: Db,
	viewer: Viewer,
	index: lunr.Index,
	params: SearchParams
): Promise<string | null> {
	const ws = words(params.q).filter((w) => !w.prefix);
	if (ws.length === 0) return null;
	let changed = false;
	const fixed: string[] = [];
	for (const { word } of ws) {
		const known =
			word.length < 4 ||
			word.length > FUZZY_MAX_LENGTH ||
			STOP_WORDS.has(word) ||
			queryStems(word).some((s) => isKnown(index, s));
		const best = known
			? null
			: (closestTerm(index, stemIndonesian(word)) ?? closestTerm(index, word));
		if (best && (await visibleCount(db, viewer, index, { q: best }, params)) > 0) {
			fixed.push(best);
			changed = true;
		} else fixed.push(word);
	}
	if (!changed) return null;
	const q = fixed.join(' ');
	return (await visibleCount(db, viewer, index, { q }, params)) > 0 ? q : null;
}

/** How many records the viewer may see match the query (with the caller's filters). */
async function visibleCount(
	db: Db,
	viewer: Viewer,
	index: lunr.Index,
	query: { q: string },
	params: SearchParams
): Promise<number> {
	const { scored } = await score(index, engine, plan({ q: query.q }));
	const facts = await recordFacts(db);
	const now = clock();
	const loans = params.availability ? await activeDigitalLoans(db, viewer, now) : new Set<number>();
	const shelf = params.availability === 'shelf' ? await shelfCounts(db) : new Map<number, number>();
	const avail: AvailabilityTests = {
		online: (r) => isOnline(viewer, r, loans, now),
		shelf: (r) => (shelf.get(r.id) ?? 0) > 0
	};
	return visibleFacts(facts, viewer, scored.keys()).filter((r) =>
		passes(r, params, undefined, avail)
	).length;
}

/** Autocomplete: titles, subjects and series of records the viewer may see. */
export async function suggest(
	db: Db,
	viewer: Viewer,
	raw: string,
	limit = 8
): Promise<{ kind: 'title' | 'subject' | 'series'; value: string; id?: number; slug?: string }[]> {
	const q = raw.trim().slice(0, 100);
	if (q.length < 2) return [];
	const like = `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
	const titles = await db
		.selectFrom('publications')
		.select(['id', 'title'])
		.where(visibleTo(viewer))
		.where(likeIgnoringCase(sql.ref('title'), like))
		.orderBy(positionOf(db, sql`lower(title)`, sql`lower(${q})`))
		.limit(limit)
		.execute();
	const subjects = await db
		.selectFrom('subjects')
		.select('name')
		.where(likeIgnoringCase(sql.ref('name'), like))
		.where(({ exists, selectFrom }) =>
			exists(
				selectFrom('publication_subjects as ps')
					.innerJoin('publications', 'publications.id', 'ps.publication_id')
					.select(sql`1`.as('one'))
					.whereRef('ps.subject_id', '=', 'subjects.id')
					.where(visibleTo(viewer))
			)
		)
		.limit(4)
		.execute();
	const series = await db
		.selectFrom('series')
		.select(['slug', 'title'])
		.where(likeIgnoringCase(sql.ref('title'), like))
		.where(({ exists, selectFrom }) =>
			exists(
				selectFrom('publications')
					.select(sql`1`.as('one'))
					.whereRef('publications.series_id', '=', 'series.id')
					.where(visibleTo(viewer))
			)
		)
		.limit(2)
		.execute();
	return [
		...series.map((s) => ({ kind: 'series' as const, value: s.title, slug: s.slug })),
		...subjects.map((s) => ({ kind: 'subject' as const, value: s.name })),
		...titles.map((t) => ({ kind: 'title' as const, value: t.title, id: t.id }))
	].slice(0, limit);
}
