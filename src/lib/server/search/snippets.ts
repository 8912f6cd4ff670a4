import { LRUCache } from 'lru-cache';
import type { Publication } from '../../types.ts';
import { fold, STOP_WORDS, stemEnglish, stemIndonesian } from './analyze.js';
import type { TextEngine } from './text-engine.ts';

/**
 * Result assembly for the hits on the page shown (never for every candidate): on which pages of
 * the file the matched words occur (from the text engine's page-level index) and a snippet with
 * the words highlighted.
 */

/** Page numbers reported per hit, and characters in a snippet. */
export const MAX_PAGES_PER_HIT = 20;
export const SNIPPET_CHARS = 240;

export function escapeHtml(s: string): string {
	return s.replace(
		/[&<>"']/g,
		(c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!
	);
}

/**
 * The stem a word of running text is indexed under, per language, remembered across searches:
 * texts repeat their words, and stemming a word Sastrawi does not know is the costliest step of
 * a snippet (profiled). Least recently used words go first, so the common ones stay however
 * large the library's vocabulary (several hundred thousand forms at 1,000 full texts).
 */
const stemCaches = {
	id: new LRUCache<string, string>({ max: 300_000 }),
	en: new LRUCache<string, string>({ max: 100_000 })
};
function stemOf(word: string, lang: 'id' | 'en'): string {
	const cache = stemCaches[lang];
	let s = cache.get(word);
	if (s === undefined) {
		s = lang === 'en' ? stemEnglish(word) : stemIndonesian(word);
		cache.set(word, s);
	}
	return s;
}

/**
 * The stemmers a record's text was indexed with (analyze.js `terms`: English for `en`, the
 * Indonesian one for every other language); both when the language is not known.
 */
function stemmersFor(language: string | undefined): ('id' | 'en')[] {
	if (language === undefined) return ['id', 'en'];
	return language === 'en' ? ['en'] : ['id'];
}

/**
 * The part of a stem every word stemmed to it contains. Sastrawi strips affixes but may restore
 * the first letter a nasal prefix replaced (memukul → pukul): all but the first letter. Porter
 * strips no prefix but may change the last letter (happy → happi): all but the last. Not knowing
 * the language, both: the stem without its first and last letters. Checking this substring
 * first spares the stemmer almost every word of a page.
 */
function core(term: string, stemmers: ('id' | 'en')[]): string {
	if (term.length < 4) return term;
	if (stemmers.length === 2) return term.slice(1, -1);
	return stemmers[0] === 'en' ? term.slice(0, -1) : term.slice(1);
}

/**
 * Which words of running text count as matched: those indexed under one of the hit's terms, or
 * starting with (or stemmed to a stem starting with) one of its prefixes (`lela*`). Answers are
 * remembered per word as written: the pages of one result list repeat the same words, and
 * folding and stemming each occurrence again was most of a search's time (profiled).
 */
/** The longest Indonesian prefix combination a stem can follow (memper-, diper-). */
const MAX_PREFIX_LETTERS = 6;

export class Matcher {
	readonly terms: Set<string>;
	readonly prefixes: string[];
	private readonly stemmers: ('id' | 'en')[];
	private readonly cores: string[];
	private readonly termCores: string[];
	/** Per prefix: the part a word must hold, and how far into the word it may start. */
	private readonly prefixCores: { core: string; within: number }[];
	private readonly seen = new Map<string, boolean>();
	/**
	 * The cores as one case-insensitive alternation of literals: the regular-expression engine
	 * finds them in a page far faster than a JavaScript step per word (profiled), and only the
	 * words around them are looked at. (A word whose core appears only once its accents are
	 * folded away is missed; Indonesian text has almost none.)
	 */
	private readonly candidates: RegExp;

	/**
	 * @param language the record's language, whose stemmer indexed its text (unknown: both are
	 *   tried — slower, since more words of a page must be stemmed)
	 */
	constructor(terms: Iterable<string>, prefixes: Iterable<string> = [], language?: string) {
		this.terms = new Set(terms);
		this.prefixes = [...new Set(prefixes)];
		this.stemmers = stemmersFor(language);
		const id = this.stemmers.includes('id');
		this.termCores = [...new Set([...this.terms].map((t) => core(t, this.stemmers)))].filter(
			Boolean
		);
		// A word whose stem starts with the prefix follows at most an Indonesian prefix
		// (memper-, diper-: 6 letters), and a nasal prefix may have replaced its first letter
		// (memukul for `puk*`). A 3-letter prefix keeps all its letters: two letters (`an` of
		// `tan*`) are in most words of a page, and stemming them all cost 250 ms per search.
		this.prefixCores = this.prefixes.map((p) => ({
			core: id && p.length >= 4 ? p.slice(1) : p,
			within: id ? MAX_PREFIX_LETTERS : 0
		}));
		this.cores = [...new Set([...this.termCores, ...this.prefixCores.map((p) => p.core)])];
		this.candidates = this.cores.length
			? new RegExp(this.cores.map((c) => c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'), 'gi')
			: /(?!)/g;
	}

	/** The matched words of `text`, in order, with their positions. */
	*words(text: string): Generator<{ word: string; index: number }> {
		const re = new RegExp(this.candidates);
		for (let w = re.exec(text); w; w = re.exec(text)) {
			let start = w.index;
			let end = start + w[0].length;
			while (start > 0 && isWordChar(text, start - 1)) start--;
			while (end < text.length && isWordChar(text, end)) end++;
			re.lastIndex = end;
			const word = text.slice(start, end);
			if (this.test(word)) yield { word, index: start };
		}
	}

	/** Is this word (as written in the text) a matched word? */
	test(word: string): boolean {
		let hit = this.seen.get(word);
		if (hit === undefined) {
			const f = fold(word);
			hit =
				!STOP_WORDS.has(f) &&
				(this.termCores.some((c) => f.includes(c)) ||
					this.prefixCores.some(({ core, within }) => {
						const at = f.indexOf(core);
						return at >= 0 && at <= within;
					})) &&
				(this.prefixes.some((p) => f.startsWith(p)) ||
					this.stemmers.some((lang) => {
						const s = stemOf(f, lang);
						return this.terms.has(s) || this.prefixes.some((p) => s.startsWith(p));
					}));
			if (this.seen.size > 100_000) this.seen.clear();
			this.seen.set(word, hit);
		}
		return hit;
	}
}

/** Is the character at `i` part of a word (a letter, mark or digit in any script)? */
function isWordChar(text: string, i: number): boolean {
	const c = text.charCodeAt(i);
	if (c < 128) return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
	return /[\p{L}\p{N}\p{M}]/u.test(text[i]);
}

type Terms = Set<string> | Matcher;
const matcher = (t: Terms): Matcher => (t instanceof Matcher ? t : new Matcher(t));

/** Position of the first matched word in `text`, or -1 (stops there: pages are long). */
function firstMatch(text: string, m: Matcher): number {
	for (const w of m.words(text)) return w.index;
	return -1;
}

/** Highlights the words of `text` whose stems are among `terms`; everything else escaped. */
export function highlight(text: string, terms: Terms): { html: string; first: number } {
	const m = matcher(terms);
	let html = '';
	let last = 0;
	let first = -1;
	for (const { word, index } of m.words(text)) {
		if (first < 0) first = index;
		html += `${escapeHtml(text.slice(last, index))}<mark>${escapeHtml(word)}</mark>`;
		last = index + word.length;
	}
	return { html: html + escapeHtml(text.slice(last)), first };
}

/** Page links shown per hit: a few, each a real touch target (#15); the reader's find goes on. */
export const MAX_PAGE_LINKS = 5;
/** Passages joined into one snippet, and characters of a page link's context. */
export const MAX_PASSAGES = 3;
export const CONTEXT_CHARS = 110;
/** Pages read to choose the snippet from (the first pages found are often a table of contents). */
const PAGES_READ = 4;

/**
 * Page text without table-of-contents noise: leader runs ("……", ". . . .", "____") with the
 * page number after them, and runs of bare numbers. Left in, they fill a snippet with dots.
 */
export function dropTocNoise(text: string, collapse = true): string {
	const cleaned = text
		.replace(/(?:[.…·_‧⋯]\s*){3,}\s*(?:[ivxlc]+\b|\d+\b)?/giu, ' ')
		.replace(/(?:\b\d{1,4}\b[\s,.–-]*){3,}/gu, ' ');
	// `collapse: false` leaves runs of spaces for the caller that splits and cuts the text anyway
	// (a page-long replace per page read was a measurable part of a snippet).
	return collapse ? cleaned.replace(/\s+/g, ' ').trim() : cleaned;
}

/** Leader runs: three or more dots (or ellipses, underscores) in a row, spaced or not. */
const LEADERS = /(?:[.…·_‧⋯]\s*){3,}/gu;

/**
 * How much a passage looks like prose: sentences of words, not numbers and headings (a list of
 * chapter titles is mostly Capitalised Words).
 */
function proseScore(p: string): number {
	const letters = (p.match(/\p{L}/gu) ?? []).length;
	const digits = (p.match(/\p{N}/gu) ?? []).length;
	if (letters < 20) return 0;
	const words = p.match(/\p{L}+/gu) ?? [];
	const capitalised = words.filter((w) => /^\p{Lu}/u.test(w)).length / words.length;
	return (1 - Math.max(0, capitalised - 0.3)) * (letters / (letters + 3 * digits));
}

interface Passage {
	text: string;
	at: number;
	score: number;
	/** From a page of prose (not a table of contents or an index). */
	prose: boolean;
}

/**
 * The passages (sentences, or cuts of long ones) of a page that contain a matched word, scored
 * by distinct matched words and by how much they read like prose.
 */
function passages(text: string, m: Matcher): Passage[] {
	// A page with several leader runs is a table of contents (or an index): its passages are
	// chapter titles, kept only when no page has better.
	const toc = (text.match(LEADERS) ?? []).length >= 3 ? 0.2 : 1;
	const clean = dropTocNoise(text, false);
	const out: Passage[] = [];
	let at = 0;
	for (const sentence of clean.split(/(?<=[.!?;:])\s+(?=\p{Lu}|\p{N})/u)) {
		const pos = at;
		at += sentence.length + 1;
		const words = new Set<string>();
		for (const w of m.words(sentence)) words.add(w.word.toLowerCase());
		if (!words.size) continue;
		const prose = proseScore(sentence) * toc;
		if (prose < 0.15) continue;
		out.push({ text: sentence, at: pos, score: (words.size + prose) * toc, prose: toc === 1 });
	}
	return out;
}

/**
 * About `chars` characters of `text` around its first matched word, highlighted. Only a window
 * around that word is flattened and highlighted, not the whole page.
 */
function cutAround(text: string, m: Matcher, chars: number): string {
	const hit = firstMatch(text, m);
	const from = hit < 0 ? 0 : Math.max(0, hit - chars);
	const to = Math.min(text.length, Math.max(hit, 0) + 2 * chars);
	const flat = text.slice(from, to).replace(/\s+/g, ' ');
	const at = hit < 0 ? -1 : firstMatch(flat, m);
	// Start at a word boundary about a third of the cut before the word (a window that begins
	// mid-text begins after its first space, never inside a word).
	let start = at < 0 ? 0 : Math.max(0, flat.lastIndexOf(' ', Math.max(0, at - chars / 3)) + 1);
	if (start === 0 && from > 0) start = flat.indexOf(' ') + 1;
	let cut = flat.slice(start, start + chars);
	if (start + chars < flat.length)
		cut = cut.slice(0, cut.lastIndexOf(' ') > 0 ? cut.lastIndexOf(' ') : cut.length);
	const { html } = highlight(cut, m);
	const before = from > 0 || start > 0;
	const after = to < text.length || start + cut.length < flat.trimEnd().length;
	return `${before ? '… ' : ''}${html.trim()}${after ? ' …' : ''}`;
}

/** About SNIPPET_CHARS of text around the first matched word, highlighted. */
export function window(text: string, terms: Terms): string {
	return cutAround(text, matcher(terms), SNIPPET_CHARS);
}

/**
 * The best 1–3 passages of the given pages' text, in reading order, highlighted and joined
 * with "…" (about SNIPPET_CHARS in all), or '' when no page has a prose passage with a match.
 */
export function bestPassages(pages: string[], terms: Terms): string {
	const m = matcher(terms);
	return joinPassages(
		pages.flatMap((text, i) => passages(text, m).map((p) => ({ ...p, at: i * 1e7 + p.at }))),
		m
	);
}

/** The best MAX_PASSAGES of `found`, in reading order, highlighted and joined with "…". */
function joinPassages(found: Passage[], m: Matcher): string {
	if (!found.length) return '';
	const best = found
		.sort((a, b) => b.score - a.score || a.at - b.at)
		.slice(0, MAX_PASSAGES)
		.sort((a, b) => a.at - b.at);
	const each = Math.floor(SNIPPET_CHARS / best.length) + (best.length > 1 ? 40 : 0);
	return best
		.map((p) => cutAround(p.text, m, each))
		.reduce((all, cut) =>
			all.endsWith('…') || cut.startsWith('…') ? `${all} ${cut}` : `${all} … ${cut}`
		);
}

/**
 * A short plain-text excerpt of a page around the first match (a page link's title). The
 * table-of-contents clean-up runs on a window around the word, not on the whole page.
 */
export function pageContext(text: string, terms: Terms): string {
	const m = matcher(terms);
	const hit = firstMatch(text, m);
	const from = Math.max(0, hit - 4 * CONTEXT_CHARS);
	const region = text.slice(from, Math.max(hit, 0) + 4 * CONTEXT_CHARS);
	// A window cut mid-word starts after its first space.
	const clean = dropTocNoise(from > 0 ? region.slice(region.search(/\s/) + 1) : region);
	const html = cutAround(clean, m, CONTEXT_CHARS);
	return html
		.replace(/<\/?mark>/g, '')
		.replace(/&(amp|lt|gt|quot|#39);/g, (_m, e: string) =>
			e === 'amp' ? '&' : e === 'lt' ? '<' : e === 'gt' ? '>' : e === 'quot' ? '"' : "'"
		);
}

/** What a hit is located by: the terms to look up pages with, and what to highlight. */
export interface HitTerms {
	/** Long-text terms whose pages are listed (the page index is asked for these only). */
	pages: string[];
	/** Words highlighted in snippets and page contexts. */
	matcher: Matcher;
}

/**
 * The pages of the record's current file where the matched terms occur (the engine's page-level
 * index, never re-analysing the text), a snippet of the best passages from the first few of
 * them (the cover repeats the title and a contents page is dots and numbers: both lose to prose)
 * and, for the first MAX_PAGE_LINKS pages, what the page says around the word.
 */
export async function locate(
	engine: TextEngine,
	pub: Publication,
	terms: HitTerms
): Promise<{ pages: number[]; snippet: string; pageContext: { page: number; text: string }[] }> {
	const m = terms.matcher;
	const found =
		pub.hasFile && terms.pages.length
			? await engine.pageHits(pub.id, terms.pages, MAX_PAGES_PER_HIT + 1)
			: [];
	const inner = found.filter((n) => n !== 1);
	const read = (inner.length ? inner : found).slice(0, PAGES_READ);
	// Every page this hit may need, in one read: those chosen for the snippet and for page links.
	const texts = await engine.pageTexts(pub.id, [
		...new Set([...read, ...found.slice(0, MAX_PAGE_LINKS)])
	]);
	const textOf = async (n: number) => texts.get(n) ?? '';
	// Pages are read in order until they hold enough prose passages: the first inner page
	// usually does, and each page read costs a scan of its whole text.
	const candidates: Passage[] = [];
	for (const [i, n] of read.entries()) {
		candidates.push(...passages(await textOf(n), m).map((p) => ({ ...p, at: i * 1e7 + p.at })));
		if (candidates.filter((p) => p.prose).length >= MAX_PASSAGES) break;
	}
	let snippet = joinPassages(candidates, m);
	if (!snippet && read.length) snippet = window(dropTocNoise(await textOf(read[0])), m);
	if (!snippet) snippet = window(pub.abstract ?? pub.subtitle ?? pub.title, m);
	const context = [];
	for (const page of found.slice(0, MAX_PAGE_LINKS)) {
		context.push({ page, text: pageContext(await textOf(page), m) });
	}
	return { pages: found.slice(0, MAX_PAGES_PER_HIT), snippet, pageContext: context };
}
