import { describe, expect, it } from 'vitest';
import {
	parseFormat,
	parseIds,
	parseName,
	render,
	toCsl
} from '../../src/lib/server/interop/citation.ts';
import type { Publication } from '../../src/lib/types.ts';

/** A catalog record as the API gives it, with overrides per case. */
function pub(over: Partial<Publication> = {}): Publication {
	return {
		id: 12,
		type: 'book',
		title: 'Pengelolaan Barang Milik Negara',
		subtitle: 'Teori dan Praktik',
		authors: ['Budi Santoso', 'Sukarno'],
		publisher: 'Direktorat Jenderal Kekayaan Negara',
		place: 'Jakarta',
		year: 2023,
		publishedDate: '2023-05-02',
		language: 'id',
		abstract: 'Ringkasan.',
		subjects: ['Barang Milik Negara'],
		isbn: '978-602-1234-56-7',
		issn: null,
		regulationNumber: null,
		edition: '2',
		series: null,
		volume: null,
		issue: null,
		callNumber: '351.7 SAN p',
		access: 'public',
		status: 'published',
		embargoUntil: null,
		downloadable: true,
		pages: 120,
		hasFile: true,
		hasTextLayer: true,
		cover: '/publications/12/cover',
		copies: 1,
		digitalCopies: 0,
		regulation: null,
		availability: { online: true, download: true, shelf: null, loanOnly: false },
		createdAt: '2024-01-01T00:00:00Z',
		updatedAt: '2024-01-01T00:00:00Z',
		...over
	};
}
const origin = 'https://perpustakaan.example';
const magazine = pub({
	id: 7,
	type: 'magazine_issue',
	title: 'Media Kekayaan Negara Edisi 45',
	subtitle: null,
	authors: ['Redaksi Media Kekayaan Negara'],
	isbn: null,
	issn: '2087-1234',
	series: { id: 1, slug: 'media-kekayaan-negara', title: 'Media Kekayaan Negara' },
	volume: 12,
	issue: 45
});
const regulation = pub({
	id: 9,
	type: 'regulation',
	title: 'Peraturan Menteri Keuangan tentang Lelang',
	subtitle: null,
	authors: ['Menteri Keuangan Republik Indonesia'],
	isbn: null,
	regulationNumber: '122/PMK.06/2023'
});

describe('author names', () => {
	it('splits personal names, keeps single names and organisations whole', () => {
		expect(parseName('Budi Santoso')).toEqual({ family: 'Santoso', given: 'Budi' });
		expect(parseName('Sri Mulyani Indrawati')).toEqual({
			family: 'Indrawati',
			given: 'Sri Mulyani'
		});
		expect(parseName('Santoso, Budi')).toEqual({ family: 'Santoso', given: 'Budi' });
		expect(parseName('Sukarno')).toEqual({ literal: 'Sukarno' });
		expect(parseName('Direktorat Jenderal Kekayaan Negara')).toEqual({
			literal: 'Direktorat Jenderal Kekayaan Negara'
		});
		expect(parseName('Menteri Keuangan Republik Indonesia')).toEqual({
			literal: 'Menteri Keuangan Republik Indonesia'
		});
		// Degrees and honorifics are not part of the name.
		expect(parseName('Budi Santoso, S.E., M.M.')).toEqual({ family: 'Santoso', given: 'Budi' });
		expect(parseName('Dr. Budi Santoso')).toEqual({ family: 'Santoso', given: 'Budi' });
		expect(parseName('Dr. Sukarno')).toEqual({ literal: 'Sukarno' });
	});
});

describe('Publication → CSL-JSON', () => {
	it('maps a book with edition, place, ISBN, date, language and the detail page URL', () => {
		expect(toCsl(pub(), origin)).toMatchObject({
			id: 'djkn-12',
			type: 'book',
			title: 'Pengelolaan Barang Milik Negara: Teori dan Praktik',
			author: [{ family: 'Santoso', given: 'Budi' }, { literal: 'Sukarno' }],
			issued: { 'date-parts': [[2023, 5, 2]] },
			publisher: 'Direktorat Jenderal Kekayaan Negara',
			'publisher-place': 'Jakarta',
			edition: '2',
			ISBN: '978-602-1234-56-7',
			URL: 'https://perpustakaan.example/publications/12',
			language: 'id'
		});
	});

	it('maps a magazine issue into its series with volume, issue and ISSN', () => {
		expect(toCsl(magazine, origin)).toMatchObject({
			type: 'article-magazine',
			'container-title': 'Media Kekayaan Negara',
			volume: '12',
			issue: '45',
			ISSN: '2087-1234',
			author: [{ literal: 'Redaksi Media Kekayaan Negara' }]
		});
	});

	it('maps a regulation to legislation with its number, a report to report', () => {
		expect(toCsl(regulation, origin)).toMatchObject({
			type: 'legislation',
			number: '122/PMK.06/2023'
		});
		expect(toCsl(pub({ type: 'report', series: null }), origin).type).toBe('report');
		expect(toCsl(pub({ type: 'article' }), origin).type).toBe('article');
		expect(toCsl(pub({ publishedDate: null, year: 2019 }), origin).issued).toEqual({
			'date-parts': [[2019]]
		});
	});
});

describe('rendering through Citation.js', () => {
	it('writes BibTeX', () => {
		const bib = render([pub()], 'bibtex', { origin, lang: 'id' });
		expect(bib).toMatch(/^@book\{djkn12,$/m);
		expect(bib).toContain('author = {Santoso, Budi and {Sukarno}}');
		expect(bib).toContain('isbn = {978-602-1234-56-7}');
		expect(bib).toContain('url = {https://perpustakaan.example/publications/12}');
	});

	it('gives every record its own BibTeX key, even issues of one magazine in one year', () => {
		const next = { ...magazine, id: 8, issue: 46, title: 'Media Kekayaan Negara Edisi 46' };
		const bib = render([magazine, next], 'bibtex', { origin, lang: 'id' });
		expect(bib.match(/^@article\{[^,]+,$/gm)).toEqual(['@article{djkn7,', '@article{djkn8,']);
	});

	it('writes RIS', () => {
		const ris = render([pub(), magazine], 'ris', { origin, lang: 'id' });
		expect(ris).toContain('TY  - BOOK');
		expect(ris).toContain('AU  - Santoso, Budi');
		expect(ris).toContain('TY  - MGZN');
		expect(ris.match(/^ER {2}-/gm)).toHaveLength(2);
	});

	it('writes CSL-JSON that parses back to the mapped items', () => {
		const items = JSON.parse(render([pub(), regulation], 'csl-json', { origin, lang: 'id' }));
		expect(items.map((i: { id: string }) => i.id)).toEqual(['djkn-12', 'djkn-9']);
		expect(items[1].type).toBe('legislation');
	});

	it('formats APA and IEEE in the reader’s language', () => {
		expect(render([pub()], 'apa', { origin, lang: 'en' })).toBe(
			'Santoso, B. & Sukarno. (2023). Pengelolaan Barang Milik Negara: Teori dan Praktik (2nd ed.). Direktorat Jenderal Kekayaan Negara. https://perpustakaan.example/publications/12'
		);
		const ieee = render([magazine], 'ieee', { origin, lang: 'en' });
		expect(ieee).toMatch(/^\[1\] Redaksi Media Kekayaan Negara, “Media Kekayaan Negara Edisi 45,”/);
		expect(ieee).toContain('vol. 12, no. 45');
		expect(ieee).toContain('Available: https://perpustakaan.example/publications/7');
		const ieeeId = render([magazine], 'ieee', { origin, lang: 'id' });
		expect(ieeeId).toContain('Tersedia pada: https://perpustakaan.example/publications/7');
		expect(ieeeId).toContain('2 Mei 2023');
		// Several records: numbered references.
		const two = render([pub(), magazine], 'ieee', { origin, lang: 'en' });
		expect(two.split('\n').map((l) => l.slice(0, 3))).toEqual(['[1]', '[2]']);
	});
});

describe('input', () => {
	it('accepts the five formats and refuses anything else with a 400 naming them', () => {
		expect(parseFormat('BibTeX')).toBe('bibtex');
		expect(parseFormat('csl-json')).toBe('csl-json');
		for (const bad of ['xml', '', null]) {
			try {
				parseFormat(bad);
				expect.unreachable();
			} catch (err) {
				expect(err).toMatchObject({
					status: 400,
					code: 'invalid_format',
					params: { formats: 'bibtex, ris, csl-json, apa, ieee' }
				});
			}
		}
	});

	it('reads ids from a list or repeated parameters, at most 100', () => {
		expect(parseIds(['3,1', '2', '3'])).toEqual([3, 1, 2]);
		expect(() => parseIds([])).toThrow();
		expect(() => parseIds(['1,x'])).toThrow();
		expect(() => parseIds(['0'])).toThrow();
		expect(() => parseIds([Array.from({ length: 101 }, (_, i) => i + 1).join(',')])).toThrow();
		expect(parseIds([Array.from({ length: 100 }, (_, i) => i + 1).join(',')])).toHaveLength(100);
	});
});
