import { create } from 'xmlbuilder2';
import type { XMLBuilder } from 'xmlbuilder2/lib/interfaces.js';
import type { Db } from '../db/index.ts';
import { translator } from '../../i18n/index.ts';
import type { Publication } from '../../types.ts';
import { isAcquirable, lastUpdated, listShelf } from './public-catalog.ts';

/**
 * Atom (RFC 4287): the feed of new arrivals at /feed.xml, and the entry shape OPDS 1.2 builds
 * on (opds.ts adds its own links to the same entries). Only the public catalog appears
 * (public-catalog.ts: `visibleTo(null)`), whoever asks, so the answer is shared and cacheable.
 *
 * Feed text is Indonesian, the catalog's own language and the site's default: a feed is one
 * document for every subscriber, not a page that follows a reader's language cookie.
 */

export const ATOM_NS = 'http://www.w3.org/2005/Atom';
/** DCMI terms, the namespace OPDS 1.2 uses for dc:language, dc:issued, dc:publisher. */
export const DCTERMS_NS = 'http://purl.org/dc/terms/';
export const ATOM_TYPE = 'application/atom+xml';

/** What an Atom document needs to know about where it is served. */
export interface FeedContext {
	/** The site's public origin (config.origin); every link is absolute. */
	origin: string;
	/** Entries per page (config.opdsPageSize). */
	pageSize: number;
	now: Date;
}

/** Absolute URL of a site path. */
export function absolute(ctx: FeedContext, path: string): string {
	return `${ctx.origin}${path}`;
}

/** The permanent id of a publication in every feed: its detail page's URL. */
export function entryId(ctx: FeedContext, pub: Publication): string {
	return absolute(ctx, `/publications/${pub.id}`);
}

/** The PDF download URL an acquisition (or enclosure) link points at. */
export function downloadUrl(ctx: FeedContext, pub: Publication): string {
	return absolute(ctx, `/api/v1/publications/${pub.id}/file?download=1`);
}

/** A new Atom document whose root is `feed`, with the namespaces OPDS and Dublin Core use. */
export function atomDocument(extraNamespaces: Record<string, string> = {}) {
	const doc = create({ version: '1.0', encoding: 'UTF-8', invalidCharReplacement: '' });
	const feed = doc.ele(ATOM_NS, 'feed', { 'xmlns:dc': DCTERMS_NS, ...extraNamespaces });
	return { doc, feed, end: () => doc.end({ prettyPrint: true }) };
}

/** id, title, updated and author of a feed — the head every Atom feed must have. */
export function feedHead(
	feed: XMLBuilder,
	ctx: FeedContext,
	head: { id: string; title: string; updated: string | null; subtitle?: string }
): void {
	const t = translator('id');
	feed.ele('id').txt(head.id);
	feed.ele('title').txt(head.title);
	if (head.subtitle) feed.ele('subtitle').txt(head.subtitle);
	// An empty catalog has no last change; "now" is then the honest answer.
	feed.ele('updated').txt(head.updated ?? ctx.now.toISOString());
	const author = feed.ele('author');
	author.ele('name').txt(t('app.name'));
	author.ele('uri').txt(absolute(ctx, '/'));
}

/** A regulation's status as schema.org's legal-force term, labelled in Indonesian (JDIHN's words). */
const LEGAL_FORCE = {
	berlaku: { term: 'InForce', label: 'Berlaku' },
	dicabut: { term: 'NotInForce', label: 'Dicabut' },
	diubah: { term: 'PartiallyInForce', label: 'Diubah' }
} as const;

/**
 * One publication as an Atom entry: id, title, authors, updated (the record's `updatedAt`),
 * published (when it entered the library), summary (abstract), categories (subjects),
 * dc:language, dc:issued, dc:publisher, and the alternate link to its detail page. `links`
 * adds the links of the flavour (OPDS acquisition and images, or a plain enclosure).
 */
export function atomEntry(
	feed: XMLBuilder,
	ctx: FeedContext,
	pub: Publication,
	links: (entry: XMLBuilder) => void
): XMLBuilder {
	const entry = feed.ele('entry');
	entry.ele('id').txt(entryId(ctx, pub));
	entry.ele('title').txt(pub.subtitle ? `${pub.title}: ${pub.subtitle}` : pub.title);
	entry.ele('updated').txt(pub.updatedAt);
	entry.ele('published').txt(pub.createdAt);
	for (const name of pub.authors) entry.ele('author').ele('name').txt(name);
	for (const subject of pub.subjects) entry.ele('category', { term: subject, label: subject });
	entry.ele(DCTERMS_NS, 'dc:language').txt(pub.language);
	const issued = pub.publishedDate ?? (pub.year ? String(pub.year) : null);
	if (issued) entry.ele(DCTERMS_NS, 'dc:issued').txt(issued);
	if (pub.publisher) entry.ele(DCTERMS_NS, 'dc:publisher').txt(pub.publisher);
	if (pub.isbn) entry.ele(DCTERMS_NS, 'dc:identifier').txt(`urn:isbn:${pub.isbn}`);
	if (pub.abstract) entry.ele('summary', { type: 'text' }).txt(pub.abstract);
	if (pub.regulation) {
		// A regulation's number and legal status (JDIHN), as the anonymous public sees them: a
		// reader of the feed learns that a rule is revoked without opening the page.
		if (pub.regulation.number) entry.ele(DCTERMS_NS, 'dc:identifier').txt(pub.regulation.number);
		entry.ele('category', {
			scheme: 'https://schema.org/LegalForceStatus',
			...LEGAL_FORCE[pub.regulation.status]
		});
	}
	entry.ele('link', {
		rel: 'alternate',
		type: 'text/html',
		href: entryId(ctx, pub),
		title: pub.title
	});
	links(entry);
	return entry;
}

/**
 * The Atom feed of new arrivals (/feed.xml): the newest public records by the date they entered
 * the library, one page of `ctx.pageSize`. A record an anonymous reader may download carries
 * its PDF as an enclosure.
 */
export async function newArrivalsFeed(db: Db, ctx: FeedContext): Promise<string> {
	const t = translator('id');
	const shelf = await listShelf(db, { kind: 'new' }, { page: 1, pageSize: ctx.pageSize });
	const { feed, end } = atomDocument();
	const self = absolute(ctx, '/feed.xml');
	feedHead(feed, ctx, {
		id: self,
		title: `${t('app.name')} — ${t('opds.new')}`,
		subtitle: t('app.tagline'),
		updated: await lastUpdated(db, ctx.now)
	});
	feed.ele('link', { rel: 'self', type: ATOM_TYPE, href: self });
	feed.ele('link', {
		rel: 'alternate',
		type: 'text/html',
		href: absolute(ctx, '/catalog?sort=added')
	});
	for (const pub of shelf.items) {
		atomEntry(feed, ctx, pub, (entry) => {
			if (isAcquirable(pub, ctx.now))
				entry.ele('link', {
					rel: 'enclosure',
					type: 'application/pdf',
					href: downloadUrl(ctx, pub)
				});
		});
	}
	return end();
}
