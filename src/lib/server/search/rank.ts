import type lunr from 'lunr';
import { FUZZY_BOOST, SYNONYM_BOOST, type Group, type Plan } from './plan.ts';
import { candidate, runLunr, type Candidate } from './metadata.ts';
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
}

/** The long-text terms each word group asked the text engine for (to highlight a hit's text). */
export type GroupTerms = Map<Group, string[]>;

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
	const ask = async (g: Group, terms: string[], prefix: string | null, weight: number) => {
		const { abstract, body } = await engine.matching(terms, prefix);
		if (abstract.length === 0 && body.length === 0) return;
		const inAbstract = new Set(abstract);
		let n = abstract.length;
		for (const id of body) if (!inAbstract.has(id)) n++;
		const idf = Math.log(1 + (records - n + 0.5) / (n + 0.5));
		for (const id of abstract) {
			const c = candidate(into, id);
			c.score += idf * weight * TEXT_WEIGHTS.abstract * engine.lengthNorm(id, 'abstract');
			c.groups.add(g);
		}
		for (const id of body) {
			const c = candidate(into, id);
			c.score += idf * weight * TEXT_WEIGHTS.body * engine.lengthNorm(id, 'body');
			c.groups.add(g);
		}
		const asked = termsOf.get(g) ?? [];
		asked.push(...terms, ...(prefix ? await engine.prefixTerms(prefix) : []));
		termsOf.set(g, asked);
	};
	for (const g of p.clauses.filter((c) => !c.fields).flatMap((c) => c.groups)) {
		await ask(g, [...g.exact], g.prefix, 1);
		const near = g.fuzzy.flatMap((f) => engine.neighbours(f)).filter((t) => !g.exact.has(t));
		if (near.length) await ask(g, near, null, FUZZY_BOOST);
	}
	for (const syn of p.synonyms)
		for (const g of syn.words) await ask(g, [...g.exact], null, SYNONYM_BOOST);
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
		const covered = new Set(groups.filter((g) => hit.groups.has(g)));
		const direct = covered.size;
		// A synonym phrase matched in full stands in for the typed words it translates
		// (state property ↔ barang milik negara), but a record with the words as typed ranks first.
		for (const syn of p.synonyms)
			if (syn.words.every((w) => hit.groups.has(w))) for (const g of syn.covers) covered.add(g);
		scored.set(id, {
			score: hit.score,
			direct,
			covered: covered.size,
			all: covered.size === groups.length,
			terms: hit.terms,
			groups: hit.groups
		});
	}
	return { scored, termsOf };
}

/** The terms to highlight in a hit: its metadata terms and the long-text terms of its groups. */
export function hitTerms(s: Scored, termsOf: GroupTerms): Set<string> {
	const out = new Set(s.terms);
	for (const g of s.groups) for (const t of termsOf.get(g) ?? []) out.add(t);
	return out;
}
