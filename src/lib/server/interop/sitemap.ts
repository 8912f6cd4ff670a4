import { create } from 'xmlbuilder2';
import type { Db } from '../db/index.ts';
import { NotFound } from '../errors.ts';
import { countPublic, lastUpdated, publicIds, seriesShelves } from './public-catalog.ts';

/**
 * The sitemap (https://www.sitemaps.org/protocol.html) of the public site: the home page, the
 * catalog, every series page with public issues and every public record's detail page — the
 * anonymous view (public-catalog.ts), so a hidden record's URL is never listed.
 *
 * A sitemap file holds at most `pageSize` URLs (SITEMAP_PAGE_SIZE, at most the protocol's
 * 50,000). While everything fits, /sitemap.xml is that one `urlset`; past it, /sitemap.xml is a
 * `sitemapindex` of /sitemap-1.xml … /sitemap-N.xml. /sitemap-N.xml answers in both cases
 * (page 1 is then the same list as /sitemap.xml), so a crawler holding an old index is not
 * sent to a 404 the moment the catalog shrinks below one page.
 */

export const SITEMAP_NS = 'http://www.sitemaps.org/schemas/sitemap/0.9';

export interface SitemapContext {
	origin: string;
	pageSize: number;
	now: Date;
}

interface Url {
	loc: string;
	lastmod?: string;
}

/** The URLs that are not records: home, catalog, series pages. Listed first, on page 1. */
async function fixedUrls(db: Db, ctx: SitemapContext): Promise<Url[]> {
	const updated = (await lastUpdated(db, ctx.now)) ?? undefined;
	const series = await seriesShelves(db, false, ctx.now);
	return [
		{ loc: `${ctx.origin}/`, lastmod: updated },
		{ loc: `${ctx.origin}/catalog`, lastmod: updated },
		...series.map((s) => ({
			loc: `${ctx.origin}/series/${encodeURIComponent(s.slug)}`,
			lastmod: s.updated
		}))
	];
}

/** How many sitemap pages the public site needs (at least 1). */
async function layout(db: Db, ctx: SitemapContext) {
	const fixed = await fixedUrls(db, ctx);
	const total = fixed.length + (await countPublic(db, ctx.now));
	return { fixed, total, pages: Math.max(1, Math.ceil(total / ctx.pageSize)) };
}

/** Page `n` (1-based) of the URLs as a `urlset` document; NotFound past the last page. */
export async function sitemapPage(db: Db, ctx: SitemapContext, n: number): Promise<string> {
	const { fixed, pages } = await layout(db, ctx);
	if (!Number.isInteger(n) || n < 1 || n > pages) throw new NotFound();
	const start = (n - 1) * ctx.pageSize;
	const end = start + ctx.pageSize;
	const urls = fixed.slice(start, end);
	// Records follow the fixed URLs in one sequence, by id, so pages never overlap or skip.
	const recordStart = Math.max(0, start - fixed.length);
	const records = await publicIds(db, recordStart, end - fixed.length - recordStart, ctx.now);
	for (const r of records)
		urls.push({ loc: `${ctx.origin}/publications/${r.id}`, lastmod: r.updated_at });
	const doc = create({ version: '1.0', encoding: 'UTF-8' });
	const set = doc.ele(SITEMAP_NS, 'urlset');
	for (const u of urls) {
		const url = set.ele('url');
		url.ele('loc').txt(u.loc);
		if (u.lastmod) url.ele('lastmod').txt(u.lastmod);
	}
	return doc.end({ prettyPrint: true });
}

/** /sitemap.xml: the single `urlset` when one page holds everything, else the `sitemapindex`. */
export async function sitemapRoot(db: Db, ctx: SitemapContext): Promise<string> {
	const { pages } = await layout(db, ctx);
	if (pages === 1) return sitemapPage(db, ctx, 1);
	const updated = (await lastUpdated(db, ctx.now)) ?? undefined;
	const doc = create({ version: '1.0', encoding: 'UTF-8' });
	const index = doc.ele(SITEMAP_NS, 'sitemapindex');
	for (let n = 1; n <= pages; n++) {
		const sm = index.ele('sitemap');
		sm.ele('loc').txt(`${ctx.origin}/sitemap-${n}.xml`);
		if (updated) sm.ele('lastmod').txt(updated);
	}
	return doc.end({ prettyPrint: true });
}

/** Paths crawlers should leave alone: sign-in, personal and staff areas, the JSON API. */
const DISALLOW = ['/account', '/admin', '/staff', '/login', '/logout', '/lang', '/search', '/api/'];

/** robots.txt: crawl the public site, skip the private areas, and where the sitemap is. */
export function robotsTxt(origin: string): string {
	return [
		'User-agent: *',
		...DISALLOW.map((p) => `Disallow: ${p}`),
		'',
		`Sitemap: ${origin}/sitemap.xml`,
		''
	].join('\n');
}
