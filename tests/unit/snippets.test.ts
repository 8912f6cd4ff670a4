import { describe, expect, it } from 'vitest';
import {
	bestPassages,
	dropTocNoise,
	pageContext,
	SNIPPET_CHARS
} from '../../src/lib/server/search/snippets.ts';

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
});
