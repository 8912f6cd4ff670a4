import lunr from 'lunr';
import { FUZZY_BOOST, levenshtein1, scope, SYNONYM_BOOST, type Group, type Plan } from './plan.ts';

/**
 * The metadata engine: Lunr over the short fields (title, subtitle, series, authors, subjects,
 * identifiers, publisher, place, edition, call number) with their boosts (build.js), fuzzy and
 * prefix matching. Built by the index-builder worker, loaded from its snapshot (lifecycle.ts).
 */

/** A record matched by either engine: its score so far, the word groups it matched, the terms. */
export interface Candidate {
	score: number;
	groups: Set<Group>;
	/** Metadata terms that matched (the long-text terms come from the groups, see rank.ts). */
	terms: Set<string>;
	/** Groups matched in the long texts, and whether as typed or by a typo (rank.ts). */
	textVia?: Map<Group, 'direct' | 'near'>;
}

/** The terms of a candidate no metadata matched: shared, never written to. */
export const NO_TERMS: ReadonlySet<string> = new Set();

export function candidate(map: Map<number, Candidate>, id: number): Candidate {
	let p = map.get(id);
	// At 5,000 full texts a common word makes every record a candidate: no Set for metadata
	// terms until metadata matched (allocation was a sixth of a search's time, profiled).
	if (!p) map.set(id, (p = { score: 0, groups: new Set(), terms: NO_TERMS as Set<string> }));
	return p;
}

/** Runs the plan against the metadata index, adding scores, groups and terms to `into`. */
export function runLunr(index: lunr.Index, p: Plan, into: Map<number, Candidate>): void {
	const all = [...p.clauses.flatMap((c) => c.groups), ...p.synonyms.flatMap((s) => s.words)];
	const results = index.query((query) => {
		for (const clause of p.clauses) {
			for (const g of clause.groups) {
				if (g.prefix) {
					query.term(g.prefix, {
						...scope(clause.fields),
						wildcard: lunr.Query.wildcard.TRAILING,
						boost: 1
					});
					continue;
				}
				for (const s of g.exact) query.term(s, { ...scope(clause.fields), boost: 1 });
				for (const s of g.fuzzy)
					query.term(s, { ...scope(clause.fields), editDistance: 1, boost: FUZZY_BOOST });
			}
		}
		for (const syn of p.synonyms)
			for (const g of syn.words) for (const s of g.exact) query.term(s, { boost: SYNONYM_BOOST });
	});
	for (const r of results) {
		const metadata = r.matchData.metadata as Record<string, Record<string, unknown>>;
		const matched = Object.keys(metadata);
		const hit = candidate(into, Number(r.ref));
		hit.score += r.score;
		if (hit.terms === NO_TERMS) hit.terms = new Set();
		for (const t of matched) hit.terms.add(t);
		for (const g of all)
			if (
				matched.some(
					(t) =>
						(!g.fields || g.fields.some((f) => Object.hasOwn(metadata[t], f))) &&
						(g.exact.has(t) ||
							(g.prefix && t.startsWith(g.prefix)) ||
							g.fuzzy.some((f) => levenshtein1(f, t)))
				)
			)
				hit.groups.add(g);
	}
}

/** Metadata terms within `distance` edits of `word`, with the number of records holding each. */
export function nearTerms(index: lunr.Index, word: string, distance: number): Map<string, number> {
	const seen = new Map<string, number>();
	for (const r of index.query((q) => q.term(word, { editDistance: distance })))
		for (const t of Object.keys(r.matchData.metadata)) seen.set(t, (seen.get(t) ?? 0) + 1);
	return seen;
}

/** Is the stem a metadata term? */
export function hasTerm(index: lunr.Index, stem: string): boolean {
	const terms = (index as unknown as { invertedIndex: Record<string, unknown> }).invertedIndex;
	return Object.hasOwn(terms, stem);
}
