import { describe, expect, it } from 'vitest';
import { decodePages, encodePages } from '../../src/lib/server/search/text.js';

// The page lists of `search_page_terms`: what a hit's page links are read from.
describe('page lists', () => {
	it('round-trip ascending pages, one byte per page when pages are close', () => {
		const pages = [1, 2, 3, 10, 40];
		const bytes = encodePages(pages);
		expect(bytes.length).toBe(5);
		expect(decodePages(bytes)).toEqual(pages);
	});

	it('keep large gaps and page numbers of long documents', () => {
		const pages = [1, 200, 5000, 70000, 2_000_000];
		expect(decodePages(encodePages(pages))).toEqual(pages);
		expect(decodePages(encodePages([]))).toEqual([]);
	});

	it('decode a stored Buffer (what better-sqlite3 returns for a blob)', () => {
		const stored = Buffer.from(encodePages([3, 4, 129, 300]));
		expect(decodePages(stored)).toEqual([3, 4, 129, 300]);
	});
});
