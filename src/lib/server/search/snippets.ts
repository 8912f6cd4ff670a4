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

const stemCache = new Map<string, string[]>();
/** All stems a word of running text could be indexed under (memoised: texts repeat words). */
function stemsOf(word: string): string[] {
	let s = stemCache.get(word);
	if (!s) {
		s = [stemIndonesian(word), stemEnglish(word)];
		if (stemCache.size > 200_000) stemCache.clear();
		stemCache.set(word, s);
	}
	return s;
}

/**
 * The part of a stem every word stemmed to it contains: the stem without its first letter (a
 * nasal prefix may have replaced it: memukul → pukul) and its last (Porter: happy → happi).
 * Checking this substring first spares the stemmer almost every word of a page.
 */
function cores(terms: Set<string>): string[] {
	return [...terms].map((t) => (t.length >= 4 ? t.slice(1, -1) : t));
}

/** Could `word` (folded) be indexed under one of `terms`? Cheap test first, stemmer second. */
function matches(word: string, terms: Set<string>, core: string[]): boolean {
	return (
		!STOP_WORDS.has(word) &&
		core.some((c) => word.includes(c)) &&
		stemsOf(word).some((s) => terms.has(s))
	);
}

/** Highlights the words of `text` whose stems are among `terms`; everything else escaped. */
export function highlight(text: string, terms: Set<string>): { html: string; first: number } {
	let html = '';
	let last = 0;
	let first = -1;
	const core = cores(terms);
	for (const m of text.matchAll(/[\p{L}\p{N}]+/gu)) {
		const folded = fold(m[0]);
		if (!matches(folded, terms, core)) continue;
		if (first < 0) first = m.index!;
		html += `${escapeHtml(text.slice(last, m.index))}<mark>${escapeHtml(m[0])}</mark>`;
		last = m.index! + m[0].length;
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
export function dropTocNoise(text: string): string {
	return text
		.replace(/(?:[.…·_‧⋯]\s*){3,}\s*(?:[ivxlc]+\b|\d+\b)?/giu, ' ')
		.replace(/(?:\b\d{1,4}\b[\s,.–-]*){3,}/gu, ' ')
		.replace(/\s+/g, ' ')
		.trim();
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
}

/**
 * The passages (sentences, or cuts of long ones) of a page that contain a matched word, scored
 * by distinct matched words and by how much they read like prose.
 */
function passages(text: string, terms: Set<string>): Passage[] {
	// A page with several leader runs is a table of contents (or an index): its passages are
	// chapter titles, kept only when no page has better.
	const toc = (text.match(LEADERS) ?? []).length >= 3 ? 0.2 : 1;
	const clean = dropTocNoise(text);
	const out: Passage[] = [];
	const core = cores(terms);
	let at = 0;
	for (const sentence of clean.split(/(?<=[.!?;:])\s+(?=\p{Lu}|\p{N})/u)) {
		const pos = at;
		at += sentence.length + 1;
		const words = new Set<string>();
		for (const m of sentence.matchAll(/[\p{L}\p{N}]+/gu)) {
			const f = fold(m[0]);
			if (matches(f, terms, core)) words.add(f);
		}
		if (!words.size) continue;
		const prose = proseScore(sentence) * toc;
		if (prose < 0.15) continue;
		out.push({ text: sentence, at: pos, score: (words.size + prose) * toc });
	}
	return out;
}

/** About `chars` characters of `text` around its first matched word, highlighted. */
function cutAround(text: string, terms: Set<string>, chars: number): string {
	const flat = text.replace(/\s+/g, ' ');
	const { first } = highlight(flat, terms);
	const start =
		first < 0 ? 0 : Math.max(0, flat.lastIndexOf(' ', Math.max(0, first - chars / 3)) + 1);
	let cut = flat.slice(start, start + chars);
	if (start + chars < flat.length)
		cut = cut.slice(0, cut.lastIndexOf(' ') > 0 ? cut.lastIndexOf(' ') : cut.length);
	const { html } = highlight(cut, terms);
	return `${start > 0 ? '… ' : ''}${html}${start + cut.length < flat.length ? ' …' : ''}`;
}

/** About SNIPPET_CHARS of text around the first matched word, highlighted. */
export function window(text: string, terms: Set<string>): string {
	return cutAround(text, terms, SNIPPET_CHARS);
}

/**
 * The best 1–3 passages of the given pages' text, in reading order, highlighted and joined
 * with "…" (about SNIPPET_CHARS in all), or '' when no page has a prose passage with a match.
 */
export function bestPassages(pages: string[], terms: Set<string>): string {
	const found = pages.flatMap((text, i) =>
		passages(text, terms).map((p) => ({ ...p, at: i * 1e7 + p.at }))
	);
	if (!found.length) return '';
	const best = found
		.sort((a, b) => b.score - a.score || a.at - b.at)
		.slice(0, MAX_PASSAGES)
		.sort((a, b) => a.at - b.at);
	const each = Math.floor(SNIPPET_CHARS / best.length) + (best.length > 1 ? 40 : 0);
	return best
		.map((p) => cutAround(p.text, terms, each))
		.reduce((all, cut) =>
			all.endsWith('…') || cut.startsWith('…') ? `${all} ${cut}` : `${all} … ${cut}`
		);
}

/** A short plain-text excerpt of a page around the first match (a page link's title). */
export function pageContext(text: string, terms: Set<string>): string {
	const html = cutAround(dropTocNoise(text), terms, CONTEXT_CHARS);
	return html
		.replace(/<\/?mark>/g, '')
		.replace(/&(amp|lt|gt|quot|#39);/g, (_m, e: string) =>
			e === 'amp' ? '&' : e === 'lt' ? '<' : e === 'gt' ? '>' : e === 'quot' ? '"' : "'"
		);
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
	terms: Set<string>
): Promise<{ pages: number[]; snippet: string; pageContext: { page: number; text: string }[] }> {
	const found = pub.hasFile ? await engine.pageHits(pub.id, [...terms], MAX_PAGES_PER_HIT + 1) : [];
	const texts = new Map<number, string>();
	const textOf = async (n: number) => {
		if (!texts.has(n)) texts.set(n, (await engine.pageText(pub.id, n)) ?? '');
		return texts.get(n)!;
	};
	const inner = found.filter((n) => n !== 1);
	const read = (inner.length ? inner : found).slice(0, PAGES_READ);
	let snippet = bestPassages(await Promise.all(read.map(textOf)), terms);
	if (!snippet && read.length) snippet = window(dropTocNoise(await textOf(read[0])), terms);
	if (!snippet) snippet = window(pub.abstract ?? pub.subtitle ?? pub.title, terms);
	const context = [];
	for (const page of found.slice(0, MAX_PAGE_LINKS)) {
		context.push({ page, text: pageContext(await textOf(page), terms) });
	}
	return { pages: found.slice(0, MAX_PAGES_PER_HIT), snippet, pageContext: context };
}
