import { describe, expect, it } from 'vitest';
import { dublinCore } from '../../src/lib/server/interop/dublin-core.ts';
import type { Publication } from '../../src/lib/types.ts';

/** The Dublin Core mapping (README "OAI-PMH (Indonesia OneSearch)"), record by record. */
const base: Publication = {
	id: 42,
	type: 'magazine_issue',
	title: 'Lelang Melalui Internet',
	subtitle: 'Edisi 2 Tahun 2018',
	authors: ['Agus Prasetyo', 'Sri Wahyuningsih'],
	publisher: 'Direktorat Jenderal Kekayaan Negara',
	place: 'Jakarta',
	year: 2018,
	publishedDate: '2018-06-30',
	language: 'id',
	abstract: 'Ringkasan.',
	subjects: ['Lelang', 'Kekayaan Negara'],
	isbn: null,
	issn: '2338-5162',
	regulationNumber: null,
	edition: null,
	series: { id: 1, slug: 'media-kekayaan-negara', title: 'Media Kekayaan Negara' },
	volume: 9,
	issue: 2,
	callNumber: null,
	access: 'public',
	status: 'published',
	embargoUntil: null,
	downloadable: true,
	pages: 48,
	hasFile: true,
	hasTextLayer: true,
	cover: null,
	copies: 0,
	digitalCopies: 0,
	regulation: null,
	availability: { online: true, download: true, shelf: null, loanOnly: false },
	createdAt: '2026-01-01 00:00:00',
	updatedAt: '2026-01-01 00:00:00'
};
const ctx = { origin: 'https://perpustakaan.example.go.id/' };
const values = (pub: Publication, element: string) =>
	dublinCore(pub, ctx)
		.filter((s) => s.element === element)
		.map((s) => s.value);

describe('dublinCore', () => {
	it('maps a public magazine issue with its PDF', () => {
		const dc = dublinCore(base, ctx);
		expect(values(base, 'title')).toEqual(['Lelang Melalui Internet', 'Edisi 2 Tahun 2018']);
		expect(dc.find((s) => s.value === 'Edisi 2 Tahun 2018')?.term).toBe('alternative');
		expect(values(base, 'creator')).toEqual(base.authors);
		expect(values(base, 'subject')).toEqual(base.subjects);
		expect(values(base, 'description')).toEqual(['Ringkasan.']);
		expect(values(base, 'publisher')).toEqual([base.publisher]);
		expect(dc.filter((s) => s.element === 'date')).toEqual([
			{ element: 'date', term: 'issued', scheme: 'W3CDTF', value: '2018-06-30' }
		]);
		expect(values(base, 'type')).toEqual(['Text', 'Majalah', 'Magazine']);
		expect(values(base, 'format')).toEqual(['application/pdf', '48 halaman', '48 pages']);
		expect(values(base, 'identifier')).toEqual([
			'https://perpustakaan.example.go.id/publications/42',
			'https://perpustakaan.example.go.id/api/v1/publications/42/file',
			'urn:issn:2338-5162',
			'Media Kekayaan Negara, Vol. 9, No. 2, 2018'
		]);
		expect(values(base, 'language')).toEqual(['id']);
		expect(values(base, 'relation')).toEqual([
			'Media Kekayaan Negara',
			'https://perpustakaan.example.go.id/series/media-kekayaan-negara'
		]);
		expect(values(base, 'rights')[0]).toMatch(/^Akses terbuka/);
		expect(dc.filter((s) => s.element === 'rights').map((s) => s.lang)).toEqual(['id', 'en']);
	});

	it('a record without a file names no PDF and no format; rights follow the access level', () => {
		const pub: Publication = {
			...base,
			type: 'regulation',
			hasFile: false,
			pages: null,
			series: null,
			issn: null,
			regulationNumber: 'PMK 111/PMK.06/2016',
			access: 'internal',
			publishedDate: '2016-02-30',
			language: 'EN'
		};
		expect(values(pub, 'format')).toEqual([]);
		expect(values(pub, 'identifier')).toEqual([
			'https://perpustakaan.example.go.id/publications/42',
			'PMK 111/PMK.06/2016'
		]);
		// A date that does not exist falls back to the year.
		expect(values(pub, 'date')).toEqual(['2018']);
		expect(values(pub, 'language')).toEqual(['en']);
		expect(values(pub, 'relation')).toEqual([]);
		expect(values(pub, 'rights')).toEqual([
			'Akses internal: hanya untuk pegawai DJKN',
			'Internal access: DJKN employees only'
		]);
	});

	it('a read-online-only file says so in rights, and a restricted one is never given a PDF URL', () => {
		expect(values({ ...base, downloadable: false }, 'rights')).toContain(
			'Read online only; not downloadable or printable'
		);
		expect(values({ ...base, access: 'restricted' }, 'identifier')).not.toContain(
			'https://perpustakaan.example.go.id/api/v1/publications/42/file'
		);
	});
});
