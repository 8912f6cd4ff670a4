import { describe, expect, it } from 'vitest';
import {
	forPage,
	highwireTags,
	jsonLd,
	openGraphTags,
	scriptSafeJson
} from '../../src/lib/server/interop/structured-data.ts';
import type { Publication } from '../../src/lib/types.ts';

function pub(over: Partial<Publication> = {}): Publication {
	return {
		id: 12,
		type: 'book',
		title: 'Pengelolaan Barang Milik Negara',
		subtitle: null,
		authors: ['Budi Santoso', 'Direktorat Jenderal Kekayaan Negara'],
		publisher: 'DJKN',
		place: 'Jakarta',
		year: 2023,
		publishedDate: '2023-05-02',
		language: 'id',
		abstract: 'Ringkasan buku.',
		subjects: ['Barang Milik Negara', 'Lelang'],
		isbn: '978-602-1234-56-7',
		issn: null,
		regulationNumber: null,
		edition: null,
		series: null,
		volume: null,
		issue: null,
		callNumber: null,
		access: 'public',
		status: 'published',
		embargoUntil: null,
		downloadable: true,
		pages: 120,
		hasFile: true,
		hasTextLayer: true,
		cover: '/publications/12/cover',
		copies: 0,
		digitalCopies: 0,
		regulation: null,
		availability: { online: true, download: true, shelf: null, loanOnly: false },
		createdAt: '2024-01-01T00:00:00Z',
		updatedAt: '2024-01-01T00:00:00Z',
		...over
	};
}
const ctx = { origin: 'https://lib.example', siteName: 'Perpustakaan DJKN', mayDownload: true };
const series = { id: 1, slug: 'media-kekayaan-negara', title: 'Media Kekayaan Negara' };
const tag = (tags: { key: string; content: string }[], key: string) =>
	tags.filter((t) => t.key === key).map((t) => t.content);

describe('Highwire citation tags', () => {
	it('names title, each author, date, publisher, ISBN, language, page and PDF', () => {
		const tags = highwireTags(pub(), ctx);
		expect(tag(tags, 'citation_title')).toEqual(['Pengelolaan Barang Milik Negara']);
		expect(tag(tags, 'citation_author')).toEqual([
			'Santoso, Budi',
			'Direktorat Jenderal Kekayaan Negara'
		]);
		expect(tag(tags, 'citation_publication_date')).toEqual(['2023/05/02']);
		expect(tag(tags, 'citation_publisher')).toEqual(['DJKN']);
		expect(tag(tags, 'citation_isbn')).toEqual(['978-602-1234-56-7']);
		expect(tag(tags, 'citation_language')).toEqual(['id']);
		expect(tag(tags, 'citation_abstract_html_url')).toEqual([
			'https://lib.example/publications/12'
		]);
		expect(tag(tags, 'citation_pdf_url')).toEqual([
			'https://lib.example/api/v1/publications/12/file'
		]);
	});

	it('gives a magazine issue its journal title, volume and issue; no PDF link unless downloadable', () => {
		const tags = highwireTags(
			pub({ type: 'magazine_issue', series, volume: 3, issue: 45, issn: '2087-1234', isbn: null }),
			{ ...ctx, mayDownload: false }
		);
		expect(tag(tags, 'citation_journal_title')).toEqual(['Media Kekayaan Negara']);
		expect(tag(tags, 'citation_volume')).toEqual(['3']);
		expect(tag(tags, 'citation_issue')).toEqual(['45']);
		expect(tag(tags, 'citation_issn')).toEqual(['2087-1234']);
		expect(tag(tags, 'citation_pdf_url')).toEqual([]);
	});
});

describe('Open Graph', () => {
	it('describes the page for link previews, with the cover only when the public may see it', () => {
		const og = openGraphTags(pub(), ctx);
		expect(tag(og, 'og:title')).toEqual(['Pengelolaan Barang Milik Negara']);
		expect(tag(og, 'og:type')).toEqual(['book']);
		expect(tag(og, 'og:url')).toEqual(['https://lib.example/publications/12']);
		expect(tag(og, 'og:site_name')).toEqual(['Perpustakaan DJKN']);
		expect(tag(og, 'og:description')).toEqual(['Ringkasan buku.']);
		expect(tag(og, 'og:image')).toEqual(['https://lib.example/publications/12/cover']);
		expect(tag(og, 'twitter:card')).toEqual(['summary']);
		// An employee looking at an internal record: no cover in the card a preview bot fetches.
		expect(tag(openGraphTags(pub({ access: 'internal' }), ctx), 'og:image')).toEqual([]);
	});
});

describe('schema.org JSON-LD', () => {
	it('describes a magazine issue as a PublicationIssue within a volume of its Periodical', () => {
		const doc = jsonLd(
			pub({ type: 'magazine_issue', series, volume: 3, issue: 45, issn: '2087-1234' }),
			ctx
		);
		expect(doc).toMatchObject({
			'@context': 'https://schema.org',
			'@type': 'PublicationIssue',
			'@id': 'https://lib.example/publications/12',
			issueNumber: '45',
			isPartOf: {
				'@type': 'PublicationVolume',
				volumeNumber: '3',
				isPartOf: { '@type': 'Periodical', name: 'Media Kekayaan Negara', issn: '2087-1234' }
			}
		});
	});

	it('uses Legislation, Report and Book with their own properties', () => {
		expect(
			jsonLd(pub({ type: 'regulation', regulationNumber: '122/PMK.06/2023', isbn: null }), ctx)
		).toMatchObject({
			'@type': 'Legislation',
			legislationIdentifier: '122/PMK.06/2023',
			legislationDate: '2023-05-02'
		});
		expect(jsonLd(pub({ type: 'report' }), ctx)['@type']).toBe('Report');
		expect(jsonLd(pub(), ctx)).toMatchObject({
			'@type': 'Book',
			name: 'Pengelolaan Barang Milik Negara',
			isbn: '978-602-1234-56-7',
			numberOfPages: 120,
			inLanguage: 'id',
			datePublished: '2023-05-02',
			isAccessibleForFree: true,
			author: [
				{ '@type': 'Person', name: 'Budi Santoso', familyName: 'Santoso', givenName: 'Budi' },
				{ '@type': 'Organization', name: 'Direktorat Jenderal Kekayaan Negara' }
			],
			publisher: { '@type': 'Organization', name: 'DJKN' }
		});
	});

	it('escapes </script> and friends so the JSON cannot end its script element', () => {
		const title = 'Evil </script><script>alert(1)</script> & <!-- x';
		const { jsonLd: text } = forPage(pub({ title }), ctx);
		expect(text).not.toMatch(/[<>]/);
		expect(text).not.toContain('&');
		expect(JSON.parse(text).name).toBe(title);
		expect(scriptSafeJson({ s: '\u2028' })).toBe('{"s":"\\u2028"}');
	});
});
