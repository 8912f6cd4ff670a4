import { create } from 'xmlbuilder2';
import type { XMLBuilder } from 'xmlbuilder2/lib/interfaces.js';
import type { Db } from '../db/index.ts';
import { DomainError, NotFound } from '../errors.ts';
import * as searchIndex from '../search/index.ts';
import { translator } from '../../i18n/index.ts';
import { PUBLICATION_TYPES, type Publication, type PublicationType } from '../../types.ts';
import {
	absolute,
	atomDocument,
	atomEntry,
	downloadUrl,
	entryId,
	feedHead,
	type FeedContext
} from './feeds.ts';
import {
	findSeries,
	isAcquirable,
	lastUpdated,
	listShelf,
	seriesShelves,
	typeShelves,
	type Shelf,
	type ShelfPage
} from './public-catalog.ts';

/**
 * OPDS catalogs of the public collection: OPDS 1.2 (Atom) rooted at /opds and OPDS 2.0 (JSON)
 * rooted at /opds/v2, over the same resources:
 *
 *   ''             root navigation (new arrivals, by series, by type, search)
 *   new            acquisition: newest arrivals, paged
 *   series         navigation: one entry per series with public records
 *   series/{slug}  acquisition: that series' public issues, paged
 *   types          navigation: one entry per publication type with public records
 *   types/{type}   acquisition: that type's public records, paged
 *   search?q=      acquisition: search results (search module, anonymous viewer), paged
 *   opensearch.xml the OpenSearch description (1.2 only; 2.0 uses a templated link)
 *
 * Every listing is the anonymous view (public-catalog.ts asks `visibleTo(null)`; search runs
 * with viewer null), whoever asks. Only records `isAcquirable` (a current PDF and
 * `canDownload(null, …)`) get an acquisition link. OPDS 1.2 lists the other public records
 * without one; OPDS 2.0's schema requires an acquisition link on every publication, so its
 * shelves list only acquirable records (README "OPDS, feeds and sitemap").
 */

const OPDS_NS = 'http://opds-spec.org/2010/catalog';
const OPENSEARCH_NS = 'http://a9.com/-/spec/opensearch/1.1/';
export const NAVIGATION_TYPE = 'application/atom+xml;profile=opds-catalog;kind=navigation';
export const ACQUISITION_TYPE = 'application/atom+xml;profile=opds-catalog;kind=acquisition';
export const OPENSEARCH_TYPE = 'application/opensearchdescription+xml';
export const OPDS2_TYPE = 'application/opds+json';
const ACQUISITION_REL = 'http://opds-spec.org/acquisition/open-access';
const SORT_NEW_REL = 'http://opds-spec.org/sort/new';
/** Publications shown in the OPDS 2.0 root's "new arrivals" group. */
const ROOT_GROUP_SIZE = 10;
/** Longest search query accepted (characters). */
const MAX_QUERY = 200;

/** schema.org classes for OPDS 2.0's metadata `@type`, per publication type. */
const SCHEMA_TYPE: Record<PublicationType, string> = {
	magazine_issue: 'http://schema.org/PublicationIssue',
	book: 'http://schema.org/Book',
	regulation: 'http://schema.org/Legislation',
	report: 'http://schema.org/Report',
	article: 'http://schema.org/Article',
	other: 'http://schema.org/CreativeWork'
};

export type OpdsContext = FeedContext;

/** A finished answer: its media type and body. */
export interface OpdsAnswer {
	type: string;
	body: string;
}

/** What a path under /opds names, once parsed. */
type Resource =
	| { kind: 'root' }
	| { kind: 'seriesList' }
	| { kind: 'typeList' }
	| { kind: 'shelf'; shelf: Shelf; path: string; title: string; up: string }
	| { kind: 'search'; q: string }
	| { kind: 'opensearch' };

const t = translator('id');

/** Parses `page` (1 when absent); anything but a positive integer is a 400. */
function pageParam(params: URLSearchParams): number {
	const raw = params.get('page');
	if (raw === null || raw.trim() === '') return 1;
	const n = Number(raw);
	if (!Number.isInteger(n) || n < 1 || n > 1_000_000)
		throw new DomainError(400, 'invalid_parameter', 'error.invalidParam', { name: 'page' });
	return n;
}

async function resolve(db: Db, segments: string[], params: URLSearchParams): Promise<Resource> {
	const [head, arg, ...rest] = segments;
	if (rest.length) throw new NotFound();
	if (head === undefined) return { kind: 'root' };
	if (head === 'new' && arg === undefined)
		return { kind: 'shelf', shelf: { kind: 'new' }, path: 'new', title: t('opds.new'), up: '' };
	if (head === 'series' && arg === undefined) return { kind: 'seriesList' };
	if (head === 'series') {
		const series = await findSeries(db, arg);
		if (!series) throw new NotFound('error.seriesNotFound');
		return {
			kind: 'shelf',
			shelf: { kind: 'series', seriesId: series.id },
			path: `series/${encodeURIComponent(series.slug)}`,
			title: series.title,
			up: 'series'
		};
	}
	if (head === 'types' && arg === undefined) return { kind: 'typeList' };
	if (head === 'types') {
		const type = PUBLICATION_TYPES.find((x) => x === arg);
		if (!type) throw new NotFound();
		return {
			kind: 'shelf',
			shelf: { kind: 'type', type },
			path: `types/${type}`,
			title: t(`type.${type}`),
			up: 'types'
		};
	}
	if (head === 'search' && arg === undefined) {
		const q = (params.get('q') ?? params.get('query') ?? '').trim();
		if (!q || q.length > MAX_QUERY)
			throw new DomainError(400, 'invalid_parameter', 'error.invalidParam', { name: 'q' });
		return { kind: 'search', q };
	}
	if (head === 'opensearch.xml' && arg === undefined) return { kind: 'opensearch' };
	throw new NotFound();
}

/** Page numbers of a listing: the last page is 1 for an empty one; past it is a 404. */
function pages(total: number, pageSize: number, page: number) {
	const last = Math.max(1, Math.ceil(total / pageSize));
	if (page > last) throw new NotFound();
	return { page, last };
}

/**
 * Answers a request for `path` (the part after /opds, without slashes at either end) with its
 * query `params`. Throws NotFound (404) for an unknown path, series, type or a page past the
 * last, and a DomainError 400 for a malformed `page` or search query.
 */
export async function respond(
	db: Db,
	path: string,
	params: URLSearchParams,
	ctx: OpdsContext
): Promise<OpdsAnswer> {
	const segments = path.split('/').filter(Boolean);
	const v2 = segments[0] === 'v2';
	const resource = await resolve(db, v2 ? segments.slice(1) : segments, params);
	const page = pageParam(params);
	if (v2) {
		if (resource.kind === 'opensearch') throw new NotFound();
		return { type: OPDS2_TYPE, body: JSON.stringify(await v2Feed(db, resource, page, ctx)) };
	}
	return v1Feed(db, resource, page, ctx);
}

// ---------------------------------------------------------------- OPDS 1.2 (Atom)

const v1Url = (ctx: OpdsContext, path: string, query: Record<string, string | number> = {}) => {
	const qs = new URLSearchParams(
		Object.entries(query).map(([k, v]) => [k, String(v)] as [string, string])
	).toString();
	return absolute(ctx, `/opds${path ? `/${path}` : ''}${qs ? `?${qs}` : ''}`);
};

function v1Document() {
	return atomDocument({ 'xmlns:opds': OPDS_NS, 'xmlns:opensearch': OPENSEARCH_NS });
}

/** The links every OPDS 1.2 feed carries: self, start, up, search. */
function v1CommonLinks(
	feed: XMLBuilder,
	ctx: OpdsContext,
	self: { href: string; type: string },
	up?: string
) {
	feed.ele('link', { rel: 'self', href: self.href, type: self.type });
	feed.ele('link', { rel: 'start', href: v1Url(ctx, ''), type: NAVIGATION_TYPE });
	if (up !== undefined)
		feed.ele('link', { rel: 'up', href: v1Url(ctx, up), type: NAVIGATION_TYPE });
	feed.ele('link', {
		rel: 'search',
		href: v1Url(ctx, 'opensearch.xml'),
		type: OPENSEARCH_TYPE,
		title: t('opds.search')
	});
}

/** A navigation entry: a link to another feed, with a short text. */
function navEntry(
	feed: XMLBuilder,
	e: {
		id: string;
		title: string;
		updated: string;
		content: string;
		href: string;
		type: string;
		rel: string;
	}
) {
	const entry = feed.ele('entry');
	entry.ele('title').txt(e.title);
	entry.ele('id').txt(e.id);
	entry.ele('updated').txt(e.updated);
	entry.ele('content', { type: 'text' }).txt(e.content);
	entry.ele('link', { rel: e.rel, href: e.href, type: e.type, title: e.title });
}

/** The OPDS 1.2 entry of a publication: Atom entry plus cover images and, if allowed, the PDF. */
function v1Entry(feed: XMLBuilder, ctx: OpdsContext, pub: Publication) {
	atomEntry(feed, ctx, pub, (entry) => {
		if (pub.hasFile && pub.cover) {
			entry.ele('link', {
				rel: 'http://opds-spec.org/image',
				href: absolute(ctx, pub.cover),
				type: 'image/png'
			});
			entry.ele('link', {
				rel: 'http://opds-spec.org/image/thumbnail',
				href: absolute(ctx, pub.cover),
				type: 'image/png'
			});
		}
		if (isAcquirable(pub, ctx.now))
			entry.ele('link', {
				rel: ACQUISITION_REL,
				href: downloadUrl(ctx, pub),
				type: 'application/pdf'
			});
	});
}

/** first / previous / next / last links and the OpenSearch counts of a paged acquisition feed. */
function v1Paging(
	feed: XMLBuilder,
	ctx: OpdsContext,
	path: string,
	query: Record<string, string>,
	list: { total: number; page: number; pageSize: number }
) {
	const { page, last } = pages(list.total, list.pageSize, list.page);
	const at = (p: number) => v1Url(ctx, path, p === 1 ? query : { ...query, page: p });
	feed.ele('link', { rel: 'first', href: at(1), type: ACQUISITION_TYPE });
	if (page > 1) feed.ele('link', { rel: 'previous', href: at(page - 1), type: ACQUISITION_TYPE });
	if (page < last) feed.ele('link', { rel: 'next', href: at(page + 1), type: ACQUISITION_TYPE });
	feed.ele('link', { rel: 'last', href: at(last), type: ACQUISITION_TYPE });
	feed.ele(OPENSEARCH_NS, 'opensearch:totalResults').txt(String(list.total));
	feed.ele(OPENSEARCH_NS, 'opensearch:itemsPerPage').txt(String(list.pageSize));
	feed.ele(OPENSEARCH_NS, 'opensearch:startIndex').txt(String((page - 1) * list.pageSize + 1));
	return at(page);
}

async function v1Feed(db: Db, r: Resource, page: number, ctx: OpdsContext): Promise<OpdsAnswer> {
	if (r.kind === 'opensearch') return { type: OPENSEARCH_TYPE, body: openSearchDescription(ctx) };
	const updated = (await lastUpdated(db, ctx.now)) ?? ctx.now.toISOString();
	const { feed, end } = v1Document();
	if (r.kind === 'root') {
		const self = v1Url(ctx, '');
		feedHead(feed, ctx, { id: self, title: t('app.name'), subtitle: t('app.tagline'), updated });
		v1CommonLinks(feed, ctx, { href: self, type: NAVIGATION_TYPE });
		feed.ele('link', { rel: 'alternate', href: absolute(ctx, '/opds/v2'), type: OPDS2_TYPE });
		navEntry(feed, {
			id: v1Url(ctx, 'new'),
			title: t('opds.new'),
			content: t('opds.newSummary'),
			updated,
			href: v1Url(ctx, 'new'),
			type: ACQUISITION_TYPE,
			rel: SORT_NEW_REL
		});
		navEntry(feed, {
			id: v1Url(ctx, 'series'),
			title: t('opds.bySeries'),
			content: t('opds.bySeriesSummary'),
			updated,
			href: v1Url(ctx, 'series'),
			type: NAVIGATION_TYPE,
			rel: 'subsection'
		});
		navEntry(feed, {
			id: v1Url(ctx, 'types'),
			title: t('opds.byType'),
			content: t('opds.byTypeSummary'),
			updated,
			href: v1Url(ctx, 'types'),
			type: NAVIGATION_TYPE,
			rel: 'subsection'
		});
		return { type: NAVIGATION_TYPE, body: end() };
	}
	if (r.kind === 'seriesList' || r.kind === 'typeList') {
		const path = r.kind === 'seriesList' ? 'series' : 'types';
		const self = v1Url(ctx, path);
		const title = r.kind === 'seriesList' ? t('opds.bySeries') : t('opds.byType');
		feedHead(feed, ctx, { id: self, title, updated });
		v1CommonLinks(feed, ctx, { href: self, type: NAVIGATION_TYPE }, '');
		const shelves =
			r.kind === 'seriesList'
				? (await seriesShelves(db, false, ctx.now)).map((s) => ({
						path: `series/${encodeURIComponent(s.slug)}`,
						title: s.title,
						count: s.count,
						updated: s.updated
					}))
				: (await typeShelves(db, false, ctx.now)).map((s) => ({
						path: `types/${s.type}`,
						title: t(`type.${s.type}`),
						count: s.count,
						updated: s.updated
					}));
		for (const s of shelves)
			navEntry(feed, {
				id: v1Url(ctx, s.path),
				title: s.title,
				content: t('opds.count', { n: s.count }),
				updated: s.updated,
				href: v1Url(ctx, s.path),
				type: ACQUISITION_TYPE,
				rel: 'subsection'
			});
		return { type: NAVIGATION_TYPE, body: end() };
	}
	if (r.kind === 'shelf') {
		const list = await listShelf(db, r.shelf, { page, pageSize: ctx.pageSize, now: ctx.now });
		feedHead(feed, ctx, { id: v1Url(ctx, r.path), title: r.title, updated });
		const self = v1Paging(feed, ctx, r.path, {}, list);
		v1CommonLinks(feed, ctx, { href: self, type: ACQUISITION_TYPE }, r.up);
		for (const pub of list.items) v1Entry(feed, ctx, pub);
		return { type: ACQUISITION_TYPE, body: end() };
	}
	const found = await runSearch(db, r.q, page, ctx);
	feedHead(feed, ctx, {
		id: v1Url(ctx, 'search', { q: r.q }),
		title: t('opds.searchResults', { q: r.q }),
		updated
	});
	const self = v1Paging(feed, ctx, 'search', { q: r.q }, found);
	v1CommonLinks(feed, ctx, { href: self, type: ACQUISITION_TYPE }, '');
	for (const pub of found.items) v1Entry(feed, ctx, pub);
	return { type: ACQUISITION_TYPE, body: end() };
}

/** Search through the search module as the anonymous public; a page of matching publications. */
async function runSearch(db: Db, q: string, page: number, ctx: OpdsContext): Promise<ShelfPage> {
	// The search module caps a page at 100 hits.
	const pageSize = Math.min(ctx.pageSize, 100);
	const result = await searchIndex.search(db, null, { q, page, pageSize });
	return {
		total: result.total,
		page,
		pageSize,
		items: result.hits.map((h) => h.publication)
	};
}

/**
 * The OpenSearch 1.1 description (/opds/opensearch.xml) OPDS 1.2 clients read to search: its
 * template answers with an acquisition feed of the hits.
 */
export function openSearchDescription(ctx: OpdsContext): string {
	const doc = create({ version: '1.0', encoding: 'UTF-8' });
	const root = doc.ele(OPENSEARCH_NS, 'OpenSearchDescription');
	root.ele('ShortName').txt(t('opds.shortName'));
	root.ele('Description').txt(t('opds.searchDescription'));
	root.ele('InputEncoding').txt('UTF-8');
	root.ele('OutputEncoding').txt('UTF-8');
	root.ele('Language').txt('id');
	root.ele('Url', {
		type: ACQUISITION_TYPE,
		template: `${v1Url(ctx, 'search')}?q={searchTerms}&page={startPage?}`
	});
	root.ele('Url', {
		type: OPDS2_TYPE,
		template: `${absolute(ctx, '/opds/v2/search')}?q={searchTerms}`
	});
	return doc.end({ prettyPrint: true });
}

// ---------------------------------------------------------------- OPDS 2.0 (JSON)

interface Link {
	href: string;
	type?: string;
	rel?: string | string[];
	title?: string;
	templated?: boolean;
	properties?: Record<string, unknown>;
}

const v2Url = (ctx: OpdsContext, path: string, query: Record<string, string | number> = {}) =>
	v1Url(ctx, path ? `v2/${path}` : 'v2', query);

function v2CommonLinks(ctx: OpdsContext, self: string, up?: string): Link[] {
	const links: Link[] = [
		{ rel: 'self', href: self, type: OPDS2_TYPE },
		{ rel: 'start', href: v2Url(ctx, ''), type: OPDS2_TYPE },
		{ rel: 'search', href: `${v2Url(ctx, 'search')}{?query}`, type: OPDS2_TYPE, templated: true }
	];
	if (up !== undefined) links.push({ rel: 'up', href: v2Url(ctx, up), type: OPDS2_TYPE });
	return links;
}

/** An OPDS 2.0 publication; only called for acquirable records (the schema wants the link). */
function v2Publication(ctx: OpdsContext, pub: Publication) {
	const metadata: Record<string, unknown> = {
		'@type': SCHEMA_TYPE[pub.type],
		identifier: pub.isbn ? `urn:isbn:${pub.isbn}` : entryId(ctx, pub),
		title: pub.title,
		modified: pub.updatedAt,
		language: pub.language
	};
	if (pub.subtitle) metadata.subtitle = pub.subtitle;
	if (pub.publishedDate) metadata.published = pub.publishedDate;
	if (pub.authors.length) metadata.author = pub.authors.map((name) => ({ name }));
	if (pub.publisher) metadata.publisher = pub.publisher;
	if (pub.subjects.length) metadata.subject = pub.subjects;
	if (pub.abstract) metadata.description = pub.abstract;
	if (pub.pages) metadata.numberOfPages = pub.pages;
	if (pub.series)
		metadata.belongsTo = {
			series: {
				name: pub.series.title,
				...(pub.issue !== null ? { position: pub.issue } : {})
			}
		};
	const links: Link[] = [
		{ rel: ACQUISITION_REL, href: downloadUrl(ctx, pub), type: 'application/pdf' },
		{ rel: 'alternate', href: entryId(ctx, pub), type: 'text/html' }
	];
	const images = pub.cover ? [{ href: absolute(ctx, pub.cover), type: 'image/png' }] : undefined;
	return { metadata, links, ...(images ? { images } : {}) };
}

/** The paging links and counts of an OPDS 2.0 listing. */
function v2Paging(ctx: OpdsContext, path: string, query: Record<string, string>, list: ShelfPage) {
	const { page, last } = pages(list.total, list.pageSize, list.page);
	const at = (p: number) => v2Url(ctx, path, p === 1 ? query : { ...query, page: p });
	const links: Link[] = [{ rel: 'first', href: at(1), type: OPDS2_TYPE }];
	if (page > 1) links.push({ rel: 'previous', href: at(page - 1), type: OPDS2_TYPE });
	if (page < last) links.push({ rel: 'next', href: at(page + 1), type: OPDS2_TYPE });
	links.push({ rel: 'last', href: at(last), type: OPDS2_TYPE });
	return {
		self: at(page),
		links,
		metadata: { numberOfItems: list.total, itemsPerPage: list.pageSize, currentPage: page }
	};
}

/** An empty listing still needs one collection: a way back to the start. */
function backToStart(ctx: OpdsContext): Link[] {
	return [{ href: v2Url(ctx, ''), type: OPDS2_TYPE, title: t('opds.backToStart'), rel: 'start' }];
}

async function v2Feed(
	db: Db,
	r: Exclude<Resource, { kind: 'opensearch' }>,
	page: number,
	ctx: OpdsContext
) {
	const modified = (await lastUpdated(db, ctx.now)) ?? ctx.now.toISOString();
	if (r.kind === 'root') {
		const newest = await listShelf(
			db,
			{ kind: 'new' },
			{ page: 1, pageSize: ROOT_GROUP_SIZE, acquirable: true, now: ctx.now }
		);
		const self = v2Url(ctx, '');
		return {
			metadata: { title: t('app.name'), description: t('app.tagline'), modified },
			links: [
				...v2CommonLinks(ctx, self),
				{ rel: 'alternate', href: v1Url(ctx, ''), type: NAVIGATION_TYPE }
			],
			navigation: [
				{ href: v2Url(ctx, 'new'), title: t('opds.new'), type: OPDS2_TYPE, rel: SORT_NEW_REL },
				{
					href: v2Url(ctx, 'series'),
					title: t('opds.bySeries'),
					type: OPDS2_TYPE,
					rel: 'subsection'
				},
				{ href: v2Url(ctx, 'types'), title: t('opds.byType'), type: OPDS2_TYPE, rel: 'subsection' }
			],
			...(newest.items.length
				? {
						groups: [
							{
								metadata: { title: t('opds.new'), numberOfItems: newest.total },
								links: [{ rel: 'self', href: v2Url(ctx, 'new'), type: OPDS2_TYPE }],
								publications: newest.items.map((p) => v2Publication(ctx, p))
							}
						]
					}
				: {})
		};
	}
	if (r.kind === 'seriesList' || r.kind === 'typeList') {
		const path = r.kind === 'seriesList' ? 'series' : 'types';
		const shelves =
			r.kind === 'seriesList'
				? (await seriesShelves(db, true, ctx.now)).map((s) => ({
						path: `series/${encodeURIComponent(s.slug)}`,
						title: s.title,
						count: s.count
					}))
				: (await typeShelves(db, true, ctx.now)).map((s) => ({
						path: `types/${s.type}`,
						title: t(`type.${s.type}`),
						count: s.count
					}));
		const navigation: Link[] = shelves.map((s) => ({
			href: v2Url(ctx, s.path),
			title: s.title,
			type: OPDS2_TYPE,
			rel: 'subsection',
			properties: { numberOfItems: s.count }
		}));
		return {
			metadata: {
				title: r.kind === 'seriesList' ? t('opds.bySeries') : t('opds.byType'),
				modified
			},
			links: v2CommonLinks(ctx, v2Url(ctx, path), ''),
			navigation: navigation.length ? navigation : backToStart(ctx)
		};
	}
	let list: ShelfPage;
	let path: string;
	let query: Record<string, string> = {};
	let title: string;
	let up = '';
	if (r.kind === 'shelf') {
		list = await listShelf(db, r.shelf, {
			page,
			pageSize: ctx.pageSize,
			acquirable: true,
			now: ctx.now
		});
		({ path, title, up } = r);
	} else {
		list = await runSearch(db, r.q, page, ctx);
		// Search hits are counted over the whole public catalog; a hit an anonymous reader may not
		// download has no acquisition link and so cannot be an OPDS 2.0 publication: it is left
		// out of this page (numberOfItems still counts it).
		list = { ...list, items: list.items.filter((p) => isAcquirable(p, ctx.now)) };
		path = 'search';
		query = { query: r.q };
		title = t('opds.searchResults', { q: r.q });
	}
	const paging = v2Paging(ctx, path, query, list);
	const publications = list.items.map((p) => v2Publication(ctx, p));
	return {
		metadata: { title, modified, ...paging.metadata },
		links: [...v2CommonLinks(ctx, paging.self, up), ...paging.links],
		...(publications.length ? { publications } : { navigation: backToStart(ctx) })
	};
}
