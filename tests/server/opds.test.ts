import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { create } from 'xmlbuilder2';
import { openLibraryDb } from '../helpers/db.ts';
import { copyDemoData } from '../helpers/demo.ts';
import { DEMO_PASSWORD } from '../helpers/env.ts';
import { Client } from '../helpers/http.ts';
import { ATOM_RNG, jing, OPDS_RNG, opds2Validator, wellFormed } from '../helpers/opds.ts';
import { startServer, type RunningServer } from '../helpers/server.ts';

/**
 * OPDS 1.2 and 2.0 catalogs, the Atom feed of new arrivals, the sitemap and robots.txt, through
 * the real built server over a copy of the demo catalog. Every OPDS 1.2 feed is validated with
 * jing against the official RELAX NG grammar, /feed.xml against Atom's, every OPDS 2.0 document
 * with ajv against the official JSON Schemas; and no record the public may not see — internal,
 * restricted, draft, withdrawn, embargoed — shows in any of them.
 */

const ATOM = 'http://www.w3.org/2005/Atom';
const DC = 'http://purl.org/dc/terms/';
const OS = 'http://a9.com/-/spec/opensearch/1.1/';
const SM = 'http://www.sitemaps.org/schemas/sitemap/0.9';
const ACQ = 'http://opds-spec.org/acquisition/open-access';
const NAV_TYPE = 'application/atom+xml;profile=opds-catalog;kind=navigation';
const ACQ_TYPE = 'application/atom+xml;profile=opds-catalog;kind=acquisition';
const PAGE = 7;
const SITEMAP_PAGE = 20;

let server: RunningServer;
/** Every body fetched in this file, by URL: the leak test reads them all. */
const seen = new Map<string, string>();
/** Searches for a hidden record's title: the feed echoes the query, so only its entries count. */
const echoes = new Set<string>();
let publicIds: number[] = [];
let hidden: { id: number; title: string; why: string }[] = [];
let readOnlyId = 0;
let embargoedId = 0;
let seriesSlug = '';

beforeAll(async () => {
	const dataDir = copyDemoData();
	const db = openLibraryDb(dataDir);
	// A public record switched to "read online only", and a public one put under embargo: the
	// first must appear without an acquisition link (OPDS 1.2) or not at all (OPDS 2.0), the
	// second nowhere.
	readOnlyId = (
		(await db.get(
			`select id from publications where access = 'public' and status = 'published' and type = 'book' order by id limit 1`
		)) as { id: number }
	).id;
	await db.run('update publications set downloadable = 0 where id = ?', readOnlyId);
	embargoedId = (
		(await db.get(
			`select id from publications where access = 'public' and status = 'published' and type = 'report' order by id desc limit 1`
		)) as { id: number }
	).id;
	await db.run(`update publications set embargo_until = '2999-01-01' where id = ?`, embargoedId);
	const today = new Date().toISOString().slice(0, 10);
	publicIds = (
		(await db.all(
			`select id from publications where status = 'published' and access = 'public' and (embargo_until is null or embargo_until <= ?) order by id`,
			today
		)) as { id: number }[]
	).map((r) => r.id);
	hidden = (await db.all(
		`select id, title, access || '/' || status || coalesce('/embargo ' || embargo_until, '') why from publications
			 where not (status = 'published' and access = 'public' and (embargo_until is null or embargo_until <= ?))`,
		today
	)) as { id: number; title: string; why: string }[];
	seriesSlug = ((await db.get('select slug from series order by id limit 1')) as { slug: string })
		.slug;
	await db.close();
	server = await startServer(dataDir, {
		OPDS_PAGE_SIZE: String(PAGE),
		SITEMAP_PAGE_SIZE: String(SITEMAP_PAGE)
	});
});

afterAll(async () => {
	await server?.stop();
});

/** GETs a path (or absolute URL on the server) and remembers the body for the leak test. */
async function get(url: string, init?: RequestInit) {
	const res = await fetch(url.startsWith('http') ? url : `${server.url}${url}`, init);
	const body = await res.text();
	if (res.status === 200) seen.set(url, body);
	return { res, body };
}

function xml(body: string): Element {
	return create(body).root().node as unknown as Element;
}
const kids = (el: Element, ns: string, name: string) =>
	[...el.childNodes].filter(
		(n): n is Element =>
			n.nodeType === 1 && (n as Element).localName === name && (n as Element).namespaceURI === ns
	);
const text = (el: Element, ns: string, name: string) => kids(el, ns, name)[0]?.textContent ?? null;
const links = (el: Element) =>
	kids(el, ATOM, 'link').map((l) => ({
		rel: l.getAttribute('rel') ?? '',
		href: l.getAttribute('href') ?? '',
		type: l.getAttribute('type') ?? ''
	}));
const link = (el: Element, rel: string) => links(el).find((l) => l.rel === rel);
const idOf = (entryId: string) => Number(/\/publications\/(\d+)$/.exec(entryId)?.[1]);

/** Follows `next` links from a feed URL; returns every page's body and parsed root. */
async function allPages(start: string) {
	const out: { url: string; body: string; feed: Element }[] = [];
	let url: string | undefined = start;
	while (url) {
		const { res, body } = await get(url);
		expect(res.status, url).toBe(200);
		const feed = xml(body);
		out.push({ url, body, feed });
		url = link(feed, 'next')?.href;
		expect(out.length).toBeLessThan(50);
	}
	return out;
}

describe('OPDS 1.2 (Atom)', () => {
	const docs: Record<string, string> = {};

	it('the root is a valid navigation feed leading to new arrivals, series, types and search', async () => {
		const { res, body } = await get('/opds');
		expect(res.status).toBe(200);
		expect(res.headers.get('content-type')).toBe(`${NAV_TYPE}; charset=utf-8`);
		docs['/opds'] = body;
		const feed = xml(body);
		expect(feed.localName).toBe('feed');
		expect(text(feed, ATOM, 'title')).toBe('Perpustakaan DJKN');
		expect(link(feed, 'self')).toEqual({ rel: 'self', href: `${server.url}/opds`, type: NAV_TYPE });
		expect(link(feed, 'start')?.href).toBe(`${server.url}/opds`);
		expect(link(feed, 'search')).toMatchObject({
			href: `${server.url}/opds/opensearch.xml`,
			type: 'application/opensearchdescription+xml'
		});
		const entries = kids(feed, ATOM, 'entry');
		expect(entries.map((e) => text(e, ATOM, 'title'))).toEqual([
			'Koleksi terbaru',
			'Menurut seri',
			'Menurut jenis'
		]);
		expect(entries.map((e) => links(e)[0])).toEqual([
			{ rel: 'http://opds-spec.org/sort/new', href: `${server.url}/opds/new`, type: ACQ_TYPE },
			{ rel: 'subsection', href: `${server.url}/opds/series`, type: NAV_TYPE },
			{ rel: 'subsection', href: `${server.url}/opds/types`, type: NAV_TYPE }
		]);
	});

	it('new arrivals: every public record exactly once, newest first, paged with first/previous/next/last', async () => {
		const pages = await allPages('/opds/new');
		expect(pages).toHaveLength(Math.ceil(publicIds.length / PAGE));
		const ids: number[] = [];
		pages.forEach(({ url, body, feed }, i) => {
			docs[url] = body;
			const n = pages.length;
			expect(text(feed, OS, 'totalResults')).toBe(String(publicIds.length));
			expect(text(feed, OS, 'itemsPerPage')).toBe(String(PAGE));
			expect(text(feed, OS, 'startIndex')).toBe(String(i * PAGE + 1));
			expect(link(feed, 'first')?.href).toBe(`${server.url}/opds/new`);
			expect(link(feed, 'last')?.href).toBe(`${server.url}/opds/new?page=${n}`);
			expect(link(feed, 'previous')?.href).toBe(
				i === 0
					? undefined
					: i === 1
						? `${server.url}/opds/new`
						: `${server.url}/opds/new?page=${i}`
			);
			if (i === n - 1) expect(link(feed, 'next')).toBeUndefined();
			expect(link(feed, 'self')?.type).toBe(ACQ_TYPE);
			expect(link(feed, 'up')?.href).toBe(`${server.url}/opds`);
			const entries = kids(feed, ATOM, 'entry');
			expect(entries.length).toBe(i < n - 1 ? PAGE : publicIds.length - PAGE * (n - 1));
			for (const e of entries) ids.push(idOf(text(e, ATOM, 'id')!));
		});
		expect([...ids].sort((a, b) => a - b)).toEqual(publicIds);
		// Newest arrival first: the demo seeds records in id order.
		expect(ids[0]).toBe(Math.max(...publicIds));
	});

	it('an entry carries the record: authors, updated, language, issued, summary, subjects, cover, detail page, PDF', async () => {
		const db = openLibraryDb(server.dataDir);
		const entries = [...seen.entries()]
			.filter(([u]) => u.includes('/opds/new'))
			.flatMap(([, b]) => kids(xml(b), ATOM, 'entry'));
		for (const e of entries) {
			const id = idOf(text(e, ATOM, 'id')!);
			const row = (await db.get(
				`select title, subtitle, updated_at, language, published_date, abstract, downloadable from publications where id = ?`,
				id
			)) as Record<string, string | number | null>;
			expect(text(e, ATOM, 'title')).toBe(
				row.subtitle ? `${row.title}: ${row.subtitle}` : row.title
			);
			expect(text(e, ATOM, 'updated')).toBe(row.updated_at);
			expect(text(e, DC, 'language')).toBe(row.language);
			if (row.published_date) expect(text(e, DC, 'issued')).toBe(row.published_date);
			if (row.abstract) expect(text(e, ATOM, 'summary')).toBe(row.abstract);
			const authors = (
				(await db.all(
					'select name from publication_authors where publication_id = ? order by position',
					id
				)) as { name: string }[]
			).map((a) => a.name);
			expect(kids(e, ATOM, 'author').map((a) => text(a, ATOM, 'name'))).toEqual(authors);
			const subjects = (
				(await db.all(
					'select s.name from publication_subjects ps join subjects s on s.id = ps.subject_id where ps.publication_id = ? order by ps.position',
					id
				)) as { name: string }[]
			).map((s) => s.name);
			expect(
				kids(e, ATOM, 'category')
					.filter((c) => !c.hasAttribute('scheme'))
					.map((c) => c.getAttribute('term'))
			).toEqual(subjects);
			expect(link(e, 'alternate')).toEqual({
				rel: 'alternate',
				href: `${server.url}/publications/${id}`,
				type: 'text/html'
			});
			expect(link(e, 'http://opds-spec.org/image/thumbnail')?.href).toMatch(
				new RegExp(`^${server.url}/publications/${id}/cover\\?v=`)
			);
			const acq = link(e, ACQ);
			if (id === readOnlyId) expect(acq, 'read-online-only record').toBeUndefined();
			else
				expect(acq).toEqual({
					rel: ACQ,
					href: `${server.url}/api/v1/publications/${id}/file?download=1`,
					type: 'application/pdf'
				});
		}
		await db.close();
		expect(entries.some((e) => idOf(text(e, ATOM, 'id')!) === readOnlyId)).toBe(true);
		// The links work for an anonymous reader: the PDF downloads, the cover is an image.
		const first = entries.find((e) => link(e, ACQ))!;
		const pdf = await fetch(link(first, ACQ)!.href);
		expect(pdf.status).toBe(200);
		expect(pdf.headers.get('content-type')).toBe('application/pdf');
		expect(pdf.headers.get('content-disposition')).toMatch(/^attachment/);
		await pdf.arrayBuffer();
		const cover = await fetch(link(first, 'http://opds-spec.org/image')!.href);
		expect(cover.status).toBe(200);
		expect(cover.headers.get('content-type')).toBe('image/png');
		await cover.arrayBuffer();
	});

	it('by series and by type: navigation feeds of acquisition feeds holding only their records', async () => {
		for (const nav of ['/opds/series', '/opds/types']) {
			const { res, body } = await get(nav);
			expect(res.status).toBe(200);
			docs[nav] = body;
			const entries = kids(xml(body), ATOM, 'entry');
			expect(entries.length).toBeGreaterThan(0);
			let total = 0;
			for (const e of entries) {
				const target = links(e).find((l) => l.rel === 'subsection')!;
				expect(target.type).toBe(ACQ_TYPE);
				const pages = await allPages(target.href);
				for (const p of pages) docs[p.url] = p.body;
				const count = Number(text(pages[0].feed, OS, 'totalResults'));
				expect(text(e, ATOM, 'content')).toBe(`${count} judul`);
				total += count;
			}
			if (nav === '/opds/types') expect(total).toBe(publicIds.length);
		}
		const db = openLibraryDb(server.dataDir);
		const inSeries = new Set(
			(
				(await db.all(
					'select p.id from publications p join series s on s.id = p.series_id where s.slug = ?',
					seriesSlug
				)) as { id: number }[]
			).map((r) => r.id)
		);
		const books = new Set(
			((await db.all(`select id from publications where type = 'book'`)) as { id: number }[]).map(
				(r) => r.id
			)
		);
		await db.close();
		const ids = (url: string) =>
			[...seen.entries()]
				.filter(([u]) => u.startsWith(url))
				.flatMap(([, b]) => kids(xml(b), ATOM, 'entry').map((e) => idOf(text(e, ATOM, 'id')!)));
		const seriesIds = ids(`${server.url}/opds/series/${seriesSlug}`);
		expect(seriesIds.length).toBeGreaterThan(PAGE);
		expect(seriesIds.every((id) => inSeries.has(id) && publicIds.includes(id))).toBe(true);
		const bookIds = ids(`${server.url}/opds/types/book`);
		expect(bookIds.length).toBeGreaterThan(0);
		expect(bookIds.every((id) => books.has(id) && publicIds.includes(id))).toBe(true);
	});

	it('a regulation entry names its number and its legal force (a revoked PMK says so)', async () => {
		const db = openLibraryDb(server.dataDir);
		const { id } = (await db.get(
			`select id from publications where regulation_number = 'PMK 27/PMK.06/2016'`
		)) as { id: number };
		await db.close();
		const pages = await allPages(`${server.url}/opds/types/regulation`);
		for (const p of pages) docs[p.url] = p.body;
		const entry = pages
			.flatMap((p) => kids(p.feed, ATOM, 'entry'))
			.find((e) => idOf(text(e, ATOM, 'id')!) === id)!;
		expect(entry).toBeDefined();
		const status = kids(entry, ATOM, 'category').find(
			(c) => c.getAttribute('scheme') === 'https://schema.org/LegalForceStatus'
		);
		expect(status?.getAttribute('term')).toBe('NotInForce');
		expect(status?.getAttribute('label')).toBe('Dicabut');
		expect(entry.textContent).toContain('PMK 27/PMK.06/2016');
	});

	it('search: the OpenSearch description templates a search feed backed by the search module', async () => {
		const { res, body } = await get('/opds/opensearch.xml');
		expect(res.status).toBe(200);
		expect(res.headers.get('content-type')).toBe(
			'application/opensearchdescription+xml; charset=utf-8'
		);
		expect(wellFormed({ opensearch: body })).toMatchObject({ ok: true });
		const desc = xml(body);
		expect(desc.localName).toBe('OpenSearchDescription');
		expect(desc.namespaceURI).toBe(OS);
		const url = kids(desc, OS, 'Url').find((u) => u.getAttribute('type') === ACQ_TYPE)!;
		const template = url.getAttribute('template')!;
		expect(template).toContain('{searchTerms}');
		const searchUrl = template
			.replace('{searchTerms}', encodeURIComponent('lelang'))
			.replace('{startPage?}', '1');
		const found = await get(searchUrl);
		expect(found.res.status).toBe(200);
		expect(found.res.headers.get('content-type')).toBe(`${ACQ_TYPE}; charset=utf-8`);
		docs['search'] = found.body;
		const feed = xml(found.body);
		expect(text(feed, ATOM, 'title')).toBe('Hasil pencarian: lelang');
		const entries = kids(feed, ATOM, 'entry');
		expect(entries.length).toBeGreaterThan(0);
		expect(Number(text(feed, OS, 'totalResults'))).toBeGreaterThanOrEqual(entries.length);
		for (const e of entries) expect(publicIds).toContain(idOf(text(e, ATOM, 'id')!));
		// Searching for a hidden record's exact title finds nothing hidden.
		for (const h of hidden.slice(0, 5)) {
			const url = `/opds/search?q=${encodeURIComponent(h.title.slice(0, 60))}`;
			echoes.add(url);
			const r = await get(url);
			expect(r.res.status).toBe(200);
			docs[`search ${h.id}`] = r.body;
			for (const e of kids(xml(r.body), ATOM, 'entry'))
				expect(publicIds, h.why).toContain(idOf(text(e, ATOM, 'id')!));
		}
	});

	it('every OPDS 1.2 document fetched is valid against the OPDS RELAX NG grammar (jing)', () => {
		expect(Object.keys(docs).length).toBeGreaterThan(10);
		const result = jing(OPDS_RNG, docs);
		expect(result.output).toBe('');
		expect(result.ok).toBe(true);
		// The grammar does reject what it should (a feed without its id).
		const broken = docs['/opds'].replace(/<id>[^<]*<\/id>/, '');
		expect(jing(OPDS_RNG, { broken }).ok).toBe(false);
	});

	it('shares its answers: public, no-cache with an ETag, 304 on revalidation, the same feed for a signed-in member', async () => {
		const { res, body } = await get('/opds/new');
		expect(res.headers.get('cache-control')).toBe('public, no-cache');
		const etag = res.headers.get('etag')!;
		// Weak when the answer was compressed (fetch asks for gzip): same content, other bytes.
		expect(etag).toMatch(/^(W\/)?"[\w-]+"$/);
		const again = await fetch(`${server.url}/opds/new`, { headers: { 'if-none-match': etag } });
		expect(again.status).toBe(304);
		const member = new Client(server.url);
		expect((await member.login('pustakawan@perpustakaan.test', DEMO_PASSWORD)).status).toBe(200);
		const signedIn = await member.fetch('/opds/new');
		expect(signedIn.status).toBe(200);
		expect(signedIn.headers.get('cache-control')).toBe('private, no-cache');
		const mine = await signedIn.text();
		seen.set('librarian /opds/new', mine);
		expect(mine).toBe(body);
		const v2 = await member.fetch('/opds/v2/new');
		seen.set('librarian /opds/v2/new', await v2.text());
	});

	it('answers bad input with a clear error in the reader language, never a 500', async () => {
		const cases: [string, number, string, string][] = [
			['/opds/new?page=0', 400, 'Parameter "page" tidak valid.', 'Parameter "page" is not valid.'],
			[
				'/opds/new?page=abc',
				400,
				'Parameter "page" tidak valid.',
				'Parameter "page" is not valid.'
			],
			['/opds/new?page=999', 404, 'tidak ditemukan', 'not found'],
			['/opds/search', 400, 'Parameter "q" tidak valid.', 'Parameter "q" is not valid.'],
			[`/opds/search?q=${'a'.repeat(201)}`, 400, '"q"', '"q"'],
			['/opds/series/no-such-series', 404, 'Seri', 'eries'],
			['/opds/types/spaceship', 404, 'tidak ditemukan', 'not found'],
			['/opds/nothing/here', 404, 'tidak ditemukan', 'not found'],
			['/opds/v2/opensearch.xml', 404, 'tidak ditemukan', 'not found'],
			[
				'/opds/v2/new?page=-1',
				400,
				'Parameter "page" tidak valid.',
				'Parameter "page" is not valid.'
			]
		];
		for (const [url, status, id, en] of cases) {
			const r = await fetch(`${server.url}${url}`);
			expect(r.status, url).toBe(status);
			expect(r.headers.get('cache-control')).toBe('no-store');
			expect(await r.text(), url).toContain(id);
			const e = await fetch(`${server.url}${url}`, { headers: { cookie: 'lang=en' } });
			expect(e.status, url).toBe(status);
			expect(await e.text(), url).toContain(en);
		}
	});
});

describe('OPDS 2.0 (JSON)', () => {
	const validate = opds2Validator();
	const docs = new Map<string, unknown>();
	type Feed = {
		metadata: Record<string, unknown>;
		links: { rel?: string; href: string; type?: string; templated?: boolean }[];
		navigation?: { href: string; title: string; type?: string; rel?: string }[];
		publications?: {
			metadata: Record<string, unknown>;
			links: { rel?: string; href: string; type?: string }[];
			images?: { href: string; type?: string }[];
		}[];
		groups?: { publications?: Feed['publications'] }[];
	};
	async function json(url: string): Promise<Feed> {
		const { res, body } = await get(url);
		expect(res.status, url).toBe(200);
		expect(res.headers.get('content-type')).toBe('application/opds+json; charset=utf-8');
		const doc = JSON.parse(body) as Feed;
		docs.set(url, doc);
		return doc;
	}
	const rel = (f: Feed, r: string) => f.links.find((l) => l.rel === r)?.href;

	it('the root navigates to new arrivals, series, types, with a templated search and a group of new publications', async () => {
		const root = await json('/opds/v2');
		expect(root.metadata.title).toBe('Perpustakaan DJKN');
		expect(rel(root, 'self')).toBe(`${server.url}/opds/v2`);
		expect(root.links.find((l) => l.rel === 'search')).toEqual({
			rel: 'search',
			href: `${server.url}/opds/v2/search{?query}`,
			type: 'application/opds+json',
			templated: true
		});
		expect(root.navigation?.map((n) => n.href)).toEqual([
			`${server.url}/opds/v2/new`,
			`${server.url}/opds/v2/series`,
			`${server.url}/opds/v2/types`
		]);
		expect(root.groups?.[0].publications?.length).toBeGreaterThan(0);
	});

	it('lists only records an anonymous reader may download, each with its PDF, cover and schema.org type', async () => {
		const ids: number[] = [];
		let url: string | undefined = '/opds/v2/new';
		let pages = 0;
		while (url) {
			const feed = await json(url);
			pages++;
			expect(feed.metadata).toMatchObject({ itemsPerPage: PAGE, currentPage: pages });
			for (const p of feed.publications ?? []) {
				const id = Number(
					/\/publications\/(\d+)$/.exec(p.links.find((l) => l.rel === 'alternate')!.href)?.[1]
				);
				ids.push(id);
				expect(p.links).toContainEqual({
					rel: ACQ,
					href: `${server.url}/api/v1/publications/${id}/file?download=1`,
					type: 'application/pdf'
				});
				expect(p.images?.[0]).toMatchObject({ type: 'image/png' });
				expect(String(p.metadata['@type'])).toMatch(/^http:\/\/schema\.org\//);
				expect(p.metadata.modified).toEqual(expect.any(String));
			}
			url = rel(feed, 'next');
			expect(pages).toBeLessThan(50);
		}
		const expected = publicIds.filter((id) => id !== readOnlyId);
		expect([...ids].sort((a, b) => a - b)).toEqual(expected);
		expect(pages).toBe(Math.ceil(expected.length / PAGE));
	});

	it('series, types and search feeds follow the same rules', async () => {
		for (const nav of ['/opds/v2/series', '/opds/v2/types']) {
			const feed = await json(nav);
			expect(feed.navigation?.length).toBeGreaterThan(0);
			for (const n of feed.navigation!) {
				const shelf = await json(n.href);
				expect(shelf.publications?.length).toBeGreaterThan(0);
			}
		}
		const found = await json('/opds/v2/search?query=lelang');
		expect(found.publications?.length).toBeGreaterThan(0);
		const nothing = await json('/opds/v2/search?query=zzzqqqxxyy');
		expect(nothing.metadata.numberOfItems).toBe(0);
		expect(nothing.publications).toBeUndefined();
		expect(nothing.navigation?.[0].href).toBe(`${server.url}/opds/v2`);
	});

	it('every OPDS 2.0 document fetched is valid against the OPDS 2.0 JSON Schema (ajv)', () => {
		expect(docs.size).toBeGreaterThan(5);
		for (const [url, doc] of docs) {
			const ok = validate(doc);
			expect(ok, `${url}: ${JSON.stringify(validate.errors?.slice(0, 3))}`).toBe(true);
		}
		// The schema does reject what it should (a publication without an acquisition link).
		const [, sample] = [...docs].find(([u]) => u.includes('/opds/v2/new'))!;
		const broken = structuredClone(sample) as Feed;
		broken.publications![0].links = broken.publications![0].links.filter((l) => l.rel !== ACQ);
		expect(validate(broken)).toBe(false);
	});
});

describe('Atom feed, sitemap, robots.txt', () => {
	it('/feed.xml is a valid Atom feed (jing, atom.rng) of the newest public arrivals', async () => {
		const { res, body } = await get('/feed.xml');
		expect(res.status).toBe(200);
		expect(res.headers.get('content-type')).toBe('application/atom+xml; charset=utf-8');
		expect(res.headers.get('cache-control')).toBe('public, no-cache');
		const result = jing(ATOM_RNG, { feed: body });
		expect(result.output).toBe('');
		expect(result.ok).toBe(true);
		const feed = xml(body);
		expect(link(feed, 'self')?.href).toBe(`${server.url}/feed.xml`);
		const entries = kids(feed, ATOM, 'entry');
		expect(entries).toHaveLength(PAGE);
		const ids = entries.map((e) => idOf(text(e, ATOM, 'id')!));
		expect(ids).toEqual([...publicIds].sort((a, b) => b - a).slice(0, PAGE));
		for (const e of entries) expect(link(e, 'enclosure')?.type).toBe('application/pdf');
	});

	it('the site head advertises the Atom feed and the OPDS catalog', async () => {
		const html = await (await fetch(`${server.url}/`)).text();
		expect(html).toMatch(
			/<link[^>]+rel="alternate"[^>]+type="application\/atom\+xml"[^>]+href="\/feed\.xml"/
		);
		expect(html).toContain('href="/opds"');
	});

	it('/sitemap.xml is an index of /sitemap-N.xml pages once past SITEMAP_PAGE_SIZE URLs, together listing every public page once', async () => {
		const { res, body } = await get('/sitemap.xml');
		expect(res.status).toBe(200);
		expect(res.headers.get('content-type')).toBe('application/xml; charset=utf-8');
		const index = xml(body);
		expect(index.localName).toBe('sitemapindex');
		expect(index.namespaceURI).toBe(SM);
		const expectedUrls = [
			`${server.url}/`,
			`${server.url}/catalog`,
			`${server.url}/series/${seriesSlug}`,
			...publicIds.map((id) => `${server.url}/publications/${id}`)
		];
		const locs = kids(index, SM, 'sitemap').map((s) => text(s, SM, 'loc')!);
		const n = Math.ceil(expectedUrls.length / SITEMAP_PAGE);
		expect(n).toBeGreaterThan(1);
		expect(locs).toEqual(Array.from({ length: n }, (_, i) => `${server.url}/sitemap-${i + 1}.xml`));
		const listed: string[] = [];
		const docs: Record<string, string> = { index: body };
		for (const loc of locs) {
			const page = await get(loc);
			expect(page.res.status).toBe(200);
			docs[loc] = page.body;
			const set = xml(page.body);
			expect(set.localName).toBe('urlset');
			expect(set.namespaceURI).toBe(SM);
			const urls = kids(set, SM, 'url');
			expect(urls.length).toBeLessThanOrEqual(SITEMAP_PAGE);
			for (const u of urls) {
				listed.push(text(u, SM, 'loc')!);
				const lastmod = text(u, SM, 'lastmod');
				if (lastmod) expect(Number.isNaN(Date.parse(lastmod))).toBe(false);
			}
		}
		expect(wellFormed(docs)).toMatchObject({ ok: true });
		expect(listed).toEqual(expectedUrls);
		for (const bad of [
			`/sitemap-${n + 1}.xml`,
			'/sitemap-0.xml',
			'/sitemap-x.xml',
			'/sitemap-01.xml'
		])
			expect((await fetch(`${server.url}${bad}`)).status, bad).toBe(404);
	});

	it('robots.txt points crawlers at the sitemap and away from private areas', async () => {
		const { res, body } = await get('/robots.txt');
		expect(res.status).toBe(200);
		expect(res.headers.get('content-type')).toBe('text/plain; charset=utf-8');
		expect(body).toContain('User-agent: *');
		expect(body).toContain(`Sitemap: ${server.url}/sitemap.xml`);
		for (const p of ['/staff', '/admin', '/account', '/api/'])
			expect(body).toContain(`Disallow: ${p}`);
	});
});

describe('leak test', () => {
	it('the demo hides records of every kind from the public', () => {
		const kinds = hidden.map((h) => h.why).join(' ');
		for (const k of ['internal/', 'restricted/', '/draft', '/withdrawn', 'embargo'])
			expect(kinds).toContain(k);
		expect(hidden.map((h) => h.id)).toContain(embargoedId);
	});

	it('no internal, restricted, draft, withdrawn or embargoed record appears in any OPDS, feed or sitemap output', () => {
		expect(seen.size).toBeGreaterThan(30);
		const escapeXml = (s: string) =>
			s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
		for (const [url, body] of seen) {
			// A search feed repeats the words searched for in its title and links: only its
			// entries are what the catalog revealed.
			const shown = echoes.has(url)
				? (body.match(/<entry>[\s\S]*?<\/entry>/g) ?? []).join('\n')
				: body;
			for (const h of hidden) {
				for (const form of new Set([
					h.title,
					escapeXml(h.title),
					JSON.stringify(h.title).slice(1, -1)
				]))
					expect(shown.includes(form), `${url} leaks "${h.title}" (${h.why})`).toBe(false);
				expect(
					new RegExp(`/publications/${h.id}(?![0-9])`).test(shown),
					`${url} links to hidden ${h.id} (${h.why})`
				).toBe(false);
			}
		}
	});
});

describe('with the default page sizes', () => {
	let plain: RunningServer;
	beforeAll(async () => {
		plain = await startServer(copyDemoData());
	});
	afterAll(async () => {
		await plain?.stop();
	});

	it('/sitemap.xml is a single urlset (also served as /sitemap-1.xml) and OPDS pages hold 50 entries', async () => {
		const root = await fetch(`${plain.url}/sitemap.xml`);
		expect(root.status).toBe(200);
		const body = await root.text();
		const set = xml(body);
		expect(set.localName).toBe('urlset');
		expect(kids(set, SM, 'url').length).toBeGreaterThan(3);
		expect(await (await fetch(`${plain.url}/sitemap-1.xml`)).text()).toBe(body);
		expect((await fetch(`${plain.url}/sitemap-2.xml`)).status).toBe(404);
		const feed = xml(await (await fetch(`${plain.url}/opds/new`)).text());
		expect(text(feed, OS, 'itemsPerPage')).toBe('50');
		expect(kids(feed, ATOM, 'entry').length).toBe(
			Math.min(50, Number(text(feed, OS, 'totalResults')))
		);
	});
});
