import type lunr from 'lunr';
import { FUZZY_BOOST, SYNONYM_BOOST, type Group, type Plan } from './plan.ts';
import { candidate, runLunr, type Candidate } from './metadata.ts';
import { Matcher, type HitTerms } from './snippets.ts';
import type { TextEngine } from './text-engine.ts';

/**
 * Candidates and their scores: the plan run against both engines. Scores add up (the text
 * engine's BM25 with TEXT_WEIGHTS next to Lunr's field boosts) and each record counts how many
 * typed words it matched, from either side.
 */

/** Results matching every query word rank before those matching fewer (then by score). */
export const ALL_TERMS_FIRST = true;

/**
 * Column weights of the long texts (abstract, PDF text). Lunr's metadata boosts (title 10,
 * identifiers 12, ...) are on the same scale, so a title word outranks a body word.
 */
export const TEXT_WEIGHTS = { abstract: 2, body: 1 };

export interface Scored {
	score: number;
	/** Query words matched as typed (or by stem, prefix or one typo). */
	direct: number;
	/** Query words matched directly or through a synonym phrase matched in full. */
	covered: number;
	/** Every query word is covered: the record counts towards the all-word total. */
	all: boolean;
	/** Metadata terms matched (highlighting adds the long-text terms of `groups`). */
	terms: Set<string>;
	groups: Set<Group>;
	/** How each group matched the long texts: as typed (stem, prefix, synonym) or by a typo. */
	textVia: Map<Group, 'direct' | 'near'>;
}

/**
 * The long-text terms each word group asked the text engine for (to find and highlight a hit's
 * pages): those of the word as typed (its stems, its prefix's most frequent completions) and its
 * one-edit neighbours, kept apart so a hit found by the word as typed is not located by typos.
 */
export type GroupTerms = Map<Group, { direct: string[]; near: string[]; prefix: string | null }>;

/**
 * The long texts: one engine call per word group, so every record knows which typed words it
 * contains. BM25 per group: the inverse document frequency of the group's matches times each
 * record's length factor, weighted by column (body stems are distinct, so term frequency is 1).
 */
async function runText(
	engine: TextEngine,
	p: Plan,
	into: Map<number, Candidate>,
	termsOf: GroupTerms
): Promise<void> {
	const records = engine.records();
	const ask = async (
		g: Group,
		terms: string[],
		prefix: string | null,
		weight: number,
		via: 'direct' | 'near'
	) => {
		const { abstract, body } = await engine.matching(terms, prefix);
		if (abstract.length === 0 && body.length === 0) return;
		const inAbstract = new Set(abstract);
		let n = abstract.length;
		for (const id of body) if (!inAbstract.has(id)) n++;
		const idf = Math.log(1 + (records - n + 0.5) / (n + 0.5));
		const matched = (c: Candidate) => {
			c.groups.add(g);
			if (via === 'direct' || !c.textVia?.has(g)) (c.textVia ??= new Map()).set(g, via);
		};
		for (const id of abstract) {
			const c = candidate(into, id);
			c.score += idf * weight * TEXT_WEIGHTS.abstract * engine.lengthNorm(id, 'abstract');
			matched(c);
		}
		for (const id of body) {
			const c = candidate(into, id);
			c.score += idf * weight * TEXT_WEIGHTS.body * engine.lengthNorm(id, 'body');
			matched(c);
		}
		const asked = termsOf.get(g) ?? { direct: [], near: [], prefix: null };
		if (via === 'near') asked.near.push(...terms);
		else asked.direct.push(...terms, ...(prefix ? await engine.prefixTerms(prefix) : []));
		asked.prefix ??= prefix;
		termsOf.set(g, asked);
	};
	for (const g of p.clauses.filter((c) => !c.fields).flatMap((c) => c.groups)) {
		await ask(g, [...g.exact], g.prefix, 1, 'direct');
		const near = g.fuzzy.flatMap((f) => engine.neighbours(f)).filter((t) => !g.exact.has(t));
		if (near.length) await ask(g, near, null, FUZZY_BOOST, 'near');
	}
	for (const syn of p.synonyms)
		for (const g of syn.words) await ask(g, [...g.exact], null, SYNONYM_BOOST, 'direct');
}

/** Scores every candidate record over both engines and counts the query words it matched. */
export async function score(
	index: lunr.Index,
	engine: TextEngine,
	p: Plan
): Promise<{ scored: Map<number, Scored>; termsOf: GroupTerms }> {
	const parts = new Map<number, Candidate>();
	const termsOf: GroupTerms = new Map();
	runLunr(index, p, parts);
	await runText(engine, p, parts, termsOf);
	const groups = p.clauses.flatMap((c) => c.groups);
	const scored = new Map<number, Scored>();
	for (const [id, hit] of parts) {
		let direct = 0;
		for (const g of groups) if (hit.groups.has(g)) direct++;
		let coveredCount = direct;
		// A synonym phrase matched in full stands in for the typed words it translates
		// (state property ↔ barang milik negara), but a record with the words as typed ranks first.
		if (p.synonyms.length) {
			const covered = new Set(groups.filter((g) => hit.groups.has(g)));
			for (const syn of p.synonyms)
				if (syn.words.every((w) => hit.groups.has(w))) for (const g of syn.covers) covered.add(g);
			coveredCount = covered.size;
		}
		scored.set(id, {
			score: hit.score,
			direct,
			covered: coveredCount,
			all: coveredCount === groups.length,
			terms: hit.terms,
			groups: hit.groups,
			textVia: hit.textVia ?? new Map()
		});
	}
	return { scored, termsOf };
}

/**
 * Terms per group a hit's pages are looked up with: each one is a seek in the page index for
 * each shown hit (about 0.1–0.4 ms), and a prefix or a short word with many one-edit neighbours
 * asked 30–70 of them, which made page look-ups the largest part of a search (profiled). The
 * most frequent completions of a prefix come first, so the cap keeps the likely ones.
 */
export const PAGE_TERMS_PER_GROUP = 8;

/**
 * How a hit is located and highlighted: the long-text terms of each group it matched in the
 * text — as typed when it contains the word as typed, else the typo neighbours that found it —
 * and, for highlighting, its metadata terms and prefixes too.
 */
export function hitTerms(
	s: Scored,
	termsOf: GroupTerms,
	matchers: Map<string, Matcher> = new Map(),
	language?: string
): HitTerms {
	const pages = new Set<string>();
	const prefixes: string[] = [];
	const highlight = new Set(s.terms);
	for (const g of s.groups) {
		const t = termsOf.get(g);
		if (!t) continue;
		if (t.prefix) prefixes.push(t.prefix);
		const via = s.textVia.get(g);
		const list = via === 'near' ? t.near : t.direct;
		// A prefix's completions are highlighted by the prefix itself: as terms, their cores (`ana`
		// of `kanan` for `kan*`) would put most words of a page through the stemmer.
		for (const term of list) if (!(t.prefix && term.startsWith(t.prefix))) highlight.add(term);
		if (via) for (const term of list.slice(0, PAGE_TERMS_PER_GROUP)) pages.add(term);
	}
	// Hits of one result list mostly share their terms: one matcher (and its memory of which
	// words matched) serves all of them.
	const key = `${[...highlight].sort().join(' ')}|${prefixes.sort().join(' ')}|${language ?? ''}`;
	let matcher = matchers.get(key);
	if (!matcher) matchers.set(key, (matcher = new Matcher(highlight, prefixes, language)));
	return { pages: [...pages], matcher };
}
