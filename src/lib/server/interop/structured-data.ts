import type {
	ArticleLeaf,
	BookLeaf,
	CreativeWorkLeaf,
	LegislationLeaf,
	OrganizationLeaf,
	PeriodicalLeaf,
	PersonLeaf,
	PublicationIssueLeaf,
	PublicationVolumeLeaf,
	ReportLeaf,
	WithContext
} from 'schema-dts';
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

/**
 * The schema.org document types this page emits. Typed with schema-dts (Google's TypeScript
 * rendering of the schema.org vocabulary), so the compiler rejects a property a type does not
 * have or a value of the wrong kind: the vocabulary check runs in `svelte-check`.
 */
export type PublicationJsonLd = WithContext<
	PublicationIssueLeaf | BookLeaf | ReportLeaf | LegislationLeaf | ArticleLeaf | CreativeWorkLeaf
>;

function person(name: string): PersonLeaf | OrganizationLeaf {
	if (isOrganizationName(name)) return { '@type': 'Organization', name };
	const n = parseName(name);
	return 'literal' in n
		? { '@type': 'Person', name }
		: { '@type': 'Person', name, familyName: n.family, givenName: n.given };
}

/** The periodical a magazine issue or article belongs to, through its volume when known. */
function periodicalOf(
	pub: Publication,
	origin: string
): PeriodicalLeaf | PublicationVolumeLeaf | undefined {
	if (!pub.series) return undefined;
	const periodical: PeriodicalLeaf = {
		'@type': 'Periodical',
		name: pub.series.title,
		url: `${origin}/series/${pub.series.slug}`,
		issn: pub.issn ?? undefined
	};
	if (pub.volume === null) return periodical;
	return { '@type': 'PublicationVolume', volumeNumber: String(pub.volume), isPartOf: periodical };
}

/**
 * The schema.org description of a record: `PublicationIssue` within its `Periodical` for a
 * magazine issue, `Legislation` for a regulation, `Report`, `Book`, `Article`, else
 * `CreativeWork`. Absent facts are `undefined`, which JSON leaves out.
 */
export function jsonLd(pub: Publication, ctx: StructuredDataContext): PublicationJsonLd {
	const now = ctx.now ?? clock();
	const url = detailUrl(ctx.origin, pub.id);
	const open = openToPublic(pub, now);
	const common: Omit<CreativeWorkLeaf, '@type'> = {
		'@id': url,
		url,
		name: fullTitle(pub),
		inLanguage: pub.language,
		author: pub.authors.length ? pub.authors.map(person) : undefined,
		publisher: pub.publisher ? { '@type': 'Organization', name: pub.publisher } : undefined,
		datePublished: pub.publishedDate ?? (pub.year !== null ? String(pub.year) : undefined),
		abstract: pub.abstract ?? undefined,
		description: description(pub) || undefined,
		keywords: pub.subjects.length ? pub.subjects.join(', ') : undefined,
		isAccessibleForFree: open,
		image: pub.cover && open ? `${ctx.origin}${pub.cover}` : undefined,
		encoding: ctx.mayDownload
			? {
					'@type': 'MediaObject',
					contentUrl: pdfUrl(ctx.origin, pub.id),
					encodingFormat: 'application/pdf'
				}
			: undefined
	};
	const context = 'https://schema.org' as const;
	switch (pub.type) {
		case 'magazine_issue':
			return {
				'@context': context,
				'@type': 'PublicationIssue',
				...common,
				issueNumber: pub.issue !== null ? String(pub.issue) : undefined,
				isPartOf: periodicalOf(pub, ctx.origin)
			};
		case 'article':
			return {
				'@context': context,
				'@type': 'Article',
				...common,
				isPartOf: periodicalOf(pub, ctx.origin)
			};
		case 'book':
			return {
				'@context': context,
				'@type': 'Book',
				...common,
				isbn: pub.isbn ?? undefined,
				bookEdition: pub.edition ?? undefined,
				numberOfPages: pub.pages ?? undefined,
				isPartOf: pub.series
					? {
							'@type': 'BookSeries',
							name: pub.series.title,
							url: `${ctx.origin}/series/${pub.series.slug}`
						}
					: undefined
			};
		case 'report':
			return { '@context': context, '@type': 'Report', ...common };
		case 'regulation':
			return {
				'@context': context,
				'@type': 'Legislation',
				...common,
				...legislation(pub, ctx.origin)
			};
		default:
			return { '@context': context, '@type': 'CreativeWork', ...common };
	}
}

const LEGAL_FORCE = {
	berlaku: 'https://schema.org/InForce',
	dicabut: 'https://schema.org/NotInForce',
	diubah: 'https://schema.org/PartiallyInForce'
} as const;

/**
 * schema.org `Legislation` facts of a regulation: its kind, number, enactment date (a law is
 * dated by its enactment, not by when the library published a copy), legal force from its
 * status, and what it amends or revokes as `legislationChanges` links. The relations were
 * resolved for the page's viewer (catalog hydrate), so a hidden regulation is never named.
 */
function legislation(pub: Publication, origin: string): Partial<LegislationLeaf> {
	const reg = pub.regulation;
	if (!reg)
		return {
			legislationIdentifier: pub.regulationNumber ?? undefined,
			legislationDate: pub.publishedDate ?? undefined
		};
	const changes = [...reg.amends, ...reg.revokes].map((r) => ({
		'@id': `${origin}/publications/${r.id}`
	}));
	return {
		legislationIdentifier: reg.number ?? pub.regulationNumber ?? undefined,
		legislationType: reg.kindLabel ?? undefined,
		legislationDate: reg.enactedDate ?? pub.publishedDate ?? undefined,
		legislationJurisdiction: 'ID',
		legislationLegalForce: { '@id': LEGAL_FORCE[reg.status] },
		...(changes.length > 0 ? { legislationChanges: changes } : {})
	};
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
