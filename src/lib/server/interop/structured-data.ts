import { canReadContent, type AccessFacts } from '../access.ts';
import { clock } from '../clock.ts';
import type { Publication } from '../../types.ts';
import {
	dateParts,
	detailUrl,
	fullTitle,
	invertedName,
	isOrganizationName,
	parseName
} from './citation.ts';

/**
 * Structured data of a record's detail page, for machines that read web pages: Highwire Press
 * `citation_*` meta tags (what Google Scholar and Zotero's page translator read), Open Graph
 * and Twitter tags (link previews when a page is shared) and a schema.org JSON-LD description
 * (search engines).
 *
 * Everything is computed for the viewer of the page, who has already been let through the
 * access policy: a record the viewer may not see never reaches this module. Links to content
 * follow the policy too: the PDF link only when this viewer may download it, the cover only
 * when anyone (a link-preview fetcher is anonymous) may see it.
 */

/** One `<meta>` tag: `name=` (Highwire, Twitter) or `property=` (Open Graph). */
export interface HeadTag {
	attr: 'name' | 'property';
	key: string;
	content: string;
}

export interface PageStructuredData {
	meta: HeadTag[];
	/** The JSON-LD document, already escaped for use as the text of a `<script>` element. */
	jsonLd: string;
}

export interface StructuredDataContext {
	/** The site's public origin, e.g. `https://perpustakaan.djkn.kemenkeu.go.id`. */
	origin: string;
	siteName: string;
	/** The current viewer may download the PDF (reader/summary.ts `mayDownload`). */
	mayDownload: boolean;
	now?: Date;
}

/** The policy's facts, from the record as the page has it. */
function factsOf(pub: Publication): AccessFacts {
	return {
		access: pub.access,
		status: pub.status,
		embargo_until: pub.embargoUntil,
		digital_copies: pub.digitalCopies
	};
}

/** Anyone, signed in or not, may see this record's content (cover, pages). */
function openToPublic(pub: Publication, now: Date): boolean {
	return canReadContent(null, factsOf(pub), now);
}

/** Where the PDF is served inline (the reader's file route). */
function pdfUrl(origin: string, id: number): string {
	return `${origin}/api/v1/publications/${id}/file`;
}

/** A short plain description: the abstract's start, or what the record is. */
function description(pub: Publication): string {
	if (pub.abstract) {
		const flat = pub.abstract.replace(/\s+/g, ' ').trim();
		return flat.length > 300 ? `${flat.slice(0, 297).trimEnd()}…` : flat;
	}
	return [pub.authors.join('; '), pub.publisher, pub.year?.toString()].filter(Boolean).join(' · ');
}

/** Highwire Press tags, in the order and date form (`YYYY/MM/DD`) Google Scholar documents. */
export function highwireTags(pub: Publication, ctx: StructuredDataContext): HeadTag[] {
	const tags: HeadTag[] = [];
	const add = (key: string, content: string | number | null | undefined) => {
		if (content !== null && content !== undefined && String(content).trim() !== '')
			tags.push({ attr: 'name', key, content: String(content) });
	};
	add('citation_title', fullTitle(pub));
	for (const a of pub.authors) add('citation_author', invertedName(parseName(a)));
	const parts = dateParts(pub);
	if (parts)
		add('citation_publication_date', parts.map((p) => String(p).padStart(2, '0')).join('/'));
	add('citation_publisher', pub.publisher);
	if (pub.series && (pub.type === 'magazine_issue' || pub.type === 'article')) {
		add('citation_journal_title', pub.series.title);
		add('citation_volume', pub.volume);
		add('citation_issue', pub.issue);
	}
	if (pub.type === 'report') add('citation_technical_report_institution', pub.publisher);
	add('citation_isbn', pub.isbn);
	add('citation_issn', pub.issn);
	add('citation_language', pub.language);
	if (pub.subjects.length) add('citation_keywords', pub.subjects.join('; '));
	add('citation_abstract_html_url', detailUrl(ctx.origin, pub.id));
	if (ctx.mayDownload) add('citation_pdf_url', pdfUrl(ctx.origin, pub.id));
	return tags;
}

/** Open Graph and Twitter card tags for link previews. */
export function openGraphTags(pub: Publication, ctx: StructuredDataContext): HeadTag[] {
	const now = ctx.now ?? clock();
	const tags: HeadTag[] = [
		{ attr: 'property', key: 'og:site_name', content: ctx.siteName },
		{ attr: 'property', key: 'og:title', content: fullTitle(pub) },
		{ attr: 'property', key: 'og:type', content: pub.type === 'book' ? 'book' : 'article' },
		{ attr: 'property', key: 'og:url', content: detailUrl(ctx.origin, pub.id) }
	];
	const desc = description(pub);
	if (desc) tags.push({ attr: 'property', key: 'og:description', content: desc });
	// A preview fetcher is anonymous: a cover it could not load would only break the card.
	if (pub.cover && openToPublic(pub, now))
		tags.push({ attr: 'property', key: 'og:image', content: `${ctx.origin}${pub.cover}` });
	if (pub.type === 'book' && pub.isbn)
		tags.push({ attr: 'property', key: 'book:isbn', content: pub.isbn });
	tags.push({ attr: 'name', key: 'twitter:card', content: 'summary' });
	return tags;
}

type JsonObject = { [key: string]: unknown };

/** schema.org `@type` per catalog type. */
const SCHEMA_TYPE = {
	magazine_issue: 'PublicationIssue',
	book: 'Book',
	report: 'Report',
	regulation: 'Legislation',
	article: 'Article',
	other: 'CreativeWork'
} as const;

function person(name: string): JsonObject {
	if (isOrganizationName(name)) return { '@type': 'Organization', name };
	const n = parseName(name);
	return 'literal' in n
		? { '@type': 'Person', name }
		: { '@type': 'Person', name, familyName: n.family, givenName: n.given };
}

/** The periodical a magazine issue or article belongs to, with its volume when known. */
function periodicalOf(pub: Publication, origin: string): JsonObject | undefined {
	if (!pub.series) return undefined;
	const periodical: JsonObject = {
		'@type': 'Periodical',
		name: pub.series.title,
		url: `${origin}/series/${pub.series.slug}`
	};
	if (pub.issn) periodical.issn = pub.issn;
	if (pub.volume === null) return periodical;
	return {
		'@type': 'PublicationVolume',
		volumeNumber: String(pub.volume),
		isPartOf: periodical
	};
}

/**
 * The schema.org description of a record: `PublicationIssue` within its `Periodical` for a
 * magazine issue, `Legislation` for a regulation, `Report`, `Book`, `Article`, else
 * `CreativeWork`.
 */
export function jsonLd(pub: Publication, ctx: StructuredDataContext): JsonObject {
	const now = ctx.now ?? clock();
	const url = detailUrl(ctx.origin, pub.id);
	const open = openToPublic(pub, now);
	const doc: JsonObject = {
		'@context': 'https://schema.org',
		'@type': SCHEMA_TYPE[pub.type],
		'@id': url,
		url,
		name: fullTitle(pub),
		inLanguage: pub.language
	};
	if (pub.authors.length) doc.author = pub.authors.map(person);
	if (pub.publisher) doc.publisher = { '@type': 'Organization', name: pub.publisher };
	if (pub.publishedDate) doc.datePublished = pub.publishedDate;
	else if (pub.year !== null) doc.datePublished = String(pub.year);
	if (pub.abstract) doc.abstract = pub.abstract;
	const desc = description(pub);
	if (desc) doc.description = desc;
	if (pub.subjects.length) doc.keywords = pub.subjects.join(', ');
	if (pub.pages !== null && pub.type === 'book') doc.numberOfPages = pub.pages;
	doc.isAccessibleForFree = open;
	if (pub.cover && open) doc.image = `${ctx.origin}${pub.cover}`;
	if (ctx.mayDownload)
		doc.encoding = {
			'@type': 'MediaObject',
			contentUrl: pdfUrl(ctx.origin, pub.id),
			encodingFormat: 'application/pdf'
		};

	switch (pub.type) {
		case 'magazine_issue': {
			if (pub.issue !== null) doc.issueNumber = String(pub.issue);
			const partOf = periodicalOf(pub, ctx.origin);
			if (partOf) doc.isPartOf = partOf;
			break;
		}
		case 'article': {
			const partOf = periodicalOf(pub, ctx.origin);
			if (partOf) doc.isPartOf = partOf;
			break;
		}
		case 'book':
			if (pub.isbn) doc.isbn = pub.isbn;
			if (pub.edition) doc.bookEdition = pub.edition;
			if (pub.series)
				doc.isPartOf = {
					'@type': 'BookSeries',
					name: pub.series.title,
					url: `${ctx.origin}/series/${pub.series.slug}`
				};
			break;
		case 'regulation':
			if (pub.regulationNumber) doc.legislationIdentifier = pub.regulationNumber;
			if (pub.publishedDate) doc.legislationDate = pub.publishedDate;
			// #14 lead: regulation facts — fill from the regulation's own facts once they exist:
			// legislationDate from the enactment date (instead of the publication date above),
			// legislationLegalForce (https://schema.org/InForce | NotInForce | PartiallyInForce)
			// from its status, legislationType from its kind (PMK, PP, ...), and relations
			// (legislationAmends, legislationRepeals, ...) as links to the related records'
			// detail pages — only those the viewer may see.
			break;
		default:
			break;
	}
	return doc;
}

/**
 * JSON text safe inside `<script type="application/ld+json">`: `<`, `>` and `&` are written
 * as JSON escapes, so a title containing `</script>` or `<!--` cannot end or confuse the
 * element, and U+2028/U+2029 are escaped for old parsers. The result is still the same JSON.
 */
export function scriptSafeJson(value: unknown): string {
	return JSON.stringify(value)
		.replace(/</g, '\\u003c')
		.replace(/>/g, '\\u003e')
		.replace(/&/g, '\\u0026')
		.replace(/\u2028/g, '\\u2028')
		.replace(/\u2029/g, '\\u2029');
}

/** Everything the detail page puts in its `<head>` for machines, for the current viewer. */
export function forPage(pub: Publication, ctx: StructuredDataContext): PageStructuredData {
	return {
		meta: [...highwireTags(pub, ctx), ...openGraphTags(pub, ctx)],
		jsonLd: scriptSafeJson(jsonLd(pub, ctx))
	};
}
