import { queryStems, STOP_WORDS, stemEnglish, stemIndonesian, fold } from './analyze.js';
import { expansions } from './synonyms.ts';

/**
 * Query planning: what a person typed, turned once into word groups (stems, prefix, typo
 * variants, field scope) and synonym phrases, before any index is asked. Both candidate engines
 * (Lunr for metadata, the text engine for long texts) run the same plan.
 */

/** Typo tolerance: words this long get one edit of slack, weighted down. */
export const FUZZY_MIN_LENGTH = 5;
/**
 * Longer words are matched exactly only: Lunr's edit-distance automaton grows with the word,
 * and one 400-letter "word" with a typo allowance would hold the event loop for a minute.
 */
export const FUZZY_MAX_LENGTH = 24;
/** No real word is longer; anything beyond is cut so a pasted blob cannot cost more. */
export const MAX_WORD_LENGTH = 60;
export const FUZZY_BOOST = 0.2;
/** Synonym expansions weigh less than the words typed. */
export const SYNONYM_BOOST = 0.1;
/** A prefix query needs this many letters before `*` (shorter ones match half the vocabulary). */
export const MIN_PREFIX = 3;

/** The free-text and advanced-search fields a plan is made from. */
export interface PlanInput {
	q: string;
	title?: string;
	author?: string;
	subject?: string;
	number?: string;
}

export interface Group {
	/** Index terms that count as this word having matched. */
	exact: Set<string>;
	prefix: string | null;
	fuzzy: string[];
	/** A field-scoped word (advanced search) counts only when found in these metadata fields. */
	fields?: Field[];
}

/**
 * A synonym phrase of the query (`state property` for `barang milik negara`): a record that
 * matches every one of its words counts as matching the typed words it `covers`.
 */
export interface Synonym {
	words: Group[];
	covers: Group[];
}

/** Turns what a person typed into plain words: Lunr syntax (`:`, `~`, `^`, `+`, `-`) is not special. */
export function words(raw: string): { word: string; prefix: boolean }[] {
	const out: { word: string; prefix: boolean }[] = [];
	for (const m of fold(raw.slice(0, 500)).matchAll(/([\p{L}\p{N}]+(?:-[\p{L}\p{N}]+)*)(\*?)/gu)) {
		out.push({
			word: m[1].slice(0, MAX_WORD_LENGTH),
			prefix: m[2] === '*' && m[1].length >= MIN_PREFIX
		});
	}
	return out.slice(0, 12);
}

export function levenshtein1(a: string, b: string): boolean {
	if (Math.abs(a.length - b.length) > 1) return false;
	let i = 0;
	let j = 0;
	let edits = 0;
	while (i < a.length && j < b.length) {
		if (a[i] === b[j]) {
			i++;
			j++;
			continue;
		}
		if (++edits > 1) return false;
		if (a.length > b.length) i++;
		else if (a.length < b.length) j++;
		else {
			i++;
			j++;
		}
	}
	return edits + (a.length - i) + (b.length - j) <= 1;
}

export type Field = 'title' | 'authors' | 'subjects' | 'identifiers' | 'callnumber';

/** Lunr treats a present-but-undefined `fields` as "no field": leave the key out instead. */
export function scope(fields: Field[] | undefined): { fields?: Field[] } {
	return fields ? { fields } : {};
}

/** What a query asks for, word by word, before it is run against either index. */
export interface Plan {
	clauses: { fields?: Field[]; groups: Group[] }[];
	/** Synonym expansions of the free-text query: optional, weaker. */
	synonyms: Synonym[];
}

const queryStemCache = new Map<string, string[]>();
/** The stems of a typed word, memoised: the same words are searched again and again. */
function stemsOfQueryWord(word: string): string[] {
	let s = queryStemCache.get(word);
	if (!s) {
		s = queryStems(word);
		if (queryStemCache.size > 50_000) queryStemCache.clear();
		queryStemCache.set(word, s);
	}
	return s;
}

export function plan(params: PlanInput): Plan {
	const raw: { text: string; fields?: Field[] }[] = [];
	if (params.q.trim()) raw.push({ text: params.q });
	if (params.title) raw.push({ text: params.title, fields: ['title'] });
	if (params.author) raw.push({ text: params.author, fields: ['authors'] });
	if (params.subject) raw.push({ text: params.subject, fields: ['subjects'] });
	if (params.number) raw.push({ text: params.number, fields: ['identifiers', 'callnumber'] });
	const out: Plan = { clauses: [], synonyms: [] };
	for (const clause of raw) {
		const groups: Group[] = [];
		const ws = words(clause.text);
		const meaningful = ws.filter((w) => !STOP_WORDS.has(w.word) || w.prefix);
		const typed: { word: string; group: Group }[] = [];
		for (const { word, prefix } of meaningful.length ? meaningful : ws) {
			const group: Group = { exact: new Set(), prefix: null, fuzzy: [], fields: clause.fields };
			groups.push(group);
			typed.push({ word, group });
			if (prefix) {
				group.prefix = word;
				continue;
			}
			const stems = clause.fields?.includes('identifiers')
				? [word.replace(/-/g, '')]
				: [...stemsOfQueryWord(word)];
			if (word.includes('-')) stems.push(...word.split('-').map((p) => stemIndonesian(p)));
			// An ISBN or ISSN typed with hyphens is also indexed whole (see identifierTerms).
			if (word.includes('-') && /\d/.test(word)) stems.push(word.replace(/-/g, ''));
			for (const s of new Set(stems)) {
				group.exact.add(s);
				if (s.length >= FUZZY_MIN_LENGTH && s.length <= FUZZY_MAX_LENGTH && !/^\d+$/.test(s))
					group.fuzzy.push(s);
			}
		}
		out.clauses.push({ fields: clause.fields, groups });
		if (!clause.fields) {
			for (const { phrase, stands } of expansions(clause.text)) {
				const standing = new Set(stands.split(' '));
				const covers = typed.filter((t) => standing.has(t.word)).map((t) => t.group);
				const syn: Synonym = { words: [], covers };
				// `state-owned property` asks for state, owned and property, as Lunr and FTS5 split it.
				for (const w of words(phrase.replace(/-/g, ' '))) {
					if (STOP_WORDS.has(w.word)) continue;
					const exact = new Set([stemIndonesian(w.word), stemEnglish(w.word)]);
					syn.words.push({ exact, prefix: null, fuzzy: [] });
				}
				if (syn.words.length && covers.length) out.synonyms.push(syn);
			}
		}
	}
	return out;
}
