import { describe, expect, it } from 'vitest';
import {
	bestPassages,
	dropTocNoise,
	highlight,
	Matcher,
	pageContext,
	SNIPPET_CHARS
} from '../../src/lib/server/search/snippets.ts';
import { hitTerms, PAGE_TERMS_PER_GROUP, type Scored } from '../../src/lib/server/search/rank.ts';
import type { Group } from '../../src/lib/server/search/plan.ts';

/** Snippets read like the document, not like its table of contents (#15). */
const TOC =
	'DAFTAR ISI Kata Pengantar ……………… 2 Bab 1 Pendahuluan . . . . . . . . 4 Bab 2 Sejarah Lelang ....... 7 Bab 3 Lelang Online ____ 12 Lampiran 15 18 21';
const BODY =
	'Lelang adalah penjualan barang yang terbuka untuk umum. Penawaran harga dilakukan secara tertulis. ' +
	'Sejarah lelang di Indonesia dimulai pada tahun 1908 dengan Vendu Reglement yang mengatur pelaksanaan lelang oleh juru lelang.';
const lelang = new Set(['lelang']);

describe('snippets', () => {
	it('drops leader runs with their page numbers and runs of bare numbers', () => {
		const clean = dropTocNoise(TOC);
		expect(clean).not.toMatch(/[.…_]{3,}|\. \. \./);
		expect(clean).toBe(
			'DAFTAR ISI Kata Pengantar Bab 1 Pendahuluan Bab 2 Sejarah Lelang Bab 3 Lelang Online Lampiran'
		);
	});

	it('prefers prose passages to a contents page and keeps at most three, in reading order', () => {
		const s = bestPassages([TOC, BODY], lelang);
		expect(s).not.toMatch(/[.…]{3,}/);
		expect(s.startsWith('<mark>Lelang</mark> adalah penjualan')).toBe(true);
		expect(s).toContain('Sejarah <mark>lelang</mark> di Indonesia');
		expect(s).not.toContain('Penawaran harga'); // no matched word: not a passage
		expect(s.replace(/<\/?mark>/g, '').length).toBeLessThanOrEqual(SNIPPET_CHARS + 120);
	});

	it('finds no passage on a contents page alone (locate then cuts the cleaned page)', () => {
		expect(bestPassages([TOC], lelang)).toBe('');
		expect(bestPassages(['Tidak ada kata yang dicari di sini sama sekali.'], lelang)).toBe('');
	});

	it('gives a page link plain-text context around the word', () => {
		const c = pageContext(BODY + ' <b>&</b>', lelang);
		expect(c).toContain('Lelang adalah');
		expect(c).not.toContain('<mark>');
		expect(c.length).toBeLessThan(130);
	});

	it('highlights every form of a stem and, for a prefix query, every word it begins', () => {
		const stems = highlight('Pelelangan dan LELANG; lelah, melelangkan.', new Set(['lelang']));
		expect(stems.html).toBe(
			'<mark>Pelelangan</mark> dan <mark>LELANG</mark>; lelah, <mark>melelangkan</mark>.'
		);
		const prefix = highlight('lelang lelah lembaga', new Matcher([], ['lela']));
		expect(prefix.html).toBe('<mark>lelang</mark> <mark>lelah</mark> lembaga');
		expect(highlight('<b>&</b>', new Matcher([])).html).toBe('&lt;b&gt;&amp;&lt;/b&gt;');
	});

	it('locates a hit found by the word as typed with that word, not with its typo neighbours', () => {
		const g: Group = { exact: new Set(['pajak']), prefix: null, fuzzy: ['pajak'] };
		const p: Group = { exact: new Set(), prefix: 'lel', fuzzy: [] };
		const completions = Array.from({ length: 30 }, (_, i) => `lel${String(i).padStart(2, '0')}`);
		const termsOf = new Map([
			[g, { direct: ['pajak'], near: ['pajah', 'majak', 'pajat'], prefix: null }],
			[p, { direct: completions, near: [], prefix: 'lel' }]
		]);
		const scored = (via: 'direct' | 'near'): Scored => ({
			score: 1,
			direct: 1,
			covered: 1,
			all: true,
			terms: new Set(['judul']),
			groups: new Set([g, p]),
			textVia: new Map([
				[g, via],
				[p, 'direct']
			])
		});
		const asTyped = hitTerms(scored('direct'), termsOf);
		expect(asTyped.pages).toEqual(['pajak', ...completions.slice(0, PAGE_TERMS_PER_GROUP)]);
		expect(asTyped.matcher.test('Pajaknya')).toBe(true);
		expect(asTyped.matcher.test('pajah')).toBe(false);
		expect(asTyped.matcher.test('lel29')).toBe(true); // highlighted though not looked up
		expect(asTyped.matcher.test('judul')).toBe(true); // a metadata term
		const byTypo = hitTerms(scored('near'), termsOf);
		expect(byTypo.pages.slice(0, 3)).toEqual(['pajah', 'majak', 'pajat']);
		expect(byTypo.matcher.test('pajah')).toBe(true);
	});
});
