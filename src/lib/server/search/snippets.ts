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

/** About SNIPPET_CHARS of text around the first matched word, highlighted. */
export function window(text: string, terms: Set<string>): string {
	const flat = text.replace(/\s+/g, ' ');
	const { first } = highlight(flat, terms);
	const start =
		first < 0 ? 0 : Math.max(0, flat.lastIndexOf(' ', Math.max(0, first - SNIPPET_CHARS / 3)) + 1);
	let cut = flat.slice(start, start + SNIPPET_CHARS);
	if (start + SNIPPET_CHARS < flat.length)
		cut = cut.slice(0, cut.lastIndexOf(' ') > 0 ? cut.lastIndexOf(' ') : cut.length);
	const { html } = highlight(cut, terms);
	return `${start > 0 ? '… ' : ''}${html}${start + cut.length < flat.length ? ' …' : ''}`;
}

/**
 * The pages of the record's current file where the matched terms occur (the engine's page-level
 * index, never re-analysing the text), and a snippet from the first of them — a page inside the
 * document rather than the cover, which repeats the title. Only that one page is read.
 */
export async function locate(
	engine: TextEngine,
	pub: Publication,
	terms: Set<string>
): Promise<{ pages: number[]; snippet: string }> {
	let snippet = '';
	const found = pub.hasFile ? await engine.pageHits(pub.id, [...terms], MAX_PAGES_PER_HIT + 1) : [];
	const at = found.find((n) => n !== 1) ?? found[0];
	if (at !== undefined) {
		const text = await engine.pageText(pub.id, at);
		if (text) snippet = window(text, terms);
	}
	if (!snippet) snippet = window(pub.abstract ?? pub.subtitle ?? pub.title, terms);
	return { pages: found.slice(0, MAX_PAGES_PER_HIT), snippet };
}
