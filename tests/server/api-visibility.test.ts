import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openLibraryDb } from '../helpers/db.ts';
import { copyDemoData } from '../helpers/demo.ts';
import { startServer, type RunningServer } from '../helpers/server.ts';

/**
 * The public reader's view through the real built server: lists, details, covers and pages
 * show only published, public, non-embargoed records; everything else is a 404.
 */
let server: RunningServer;
let hidden: { id: number; why: string }[] = [];
let publicCount = 0;
let publicMagazine = 0;

beforeAll(async () => {
	server = await startServer(copyDemoData());
	const db = openLibraryDb(server.dataDir);
	const today = new Date().toISOString().slice(0, 10);
	hidden = (await db.all(
		`select id, access || '/' || status || coalesce('/embargo ' || embargo_until, '') why from publications
			 where not (status = 'published' and access = 'public' and (embargo_until is null or embargo_until <= ?))`,
		today
	)) as { id: number; why: string }[];
	publicCount = (
		(await db.get(
			`select count(*) n from publications where status = 'published' and access = 'public' and (embargo_until is null or embargo_until <= ?)`,
			today
		)) as { n: number }
	).n;
	publicMagazine = (
		(await db.get(
			`select id from publications where type = 'magazine_issue' and access = 'public' and status = 'published' order by id limit 1`
		)) as { id: number }
	).id;
	await db.close();
});

afterAll(async () => {
	await server?.stop();
});

const get = (path: string, init?: RequestInit) => fetch(`${server.url}${path}`, init);

describe('public visibility through the HTTP API', () => {
	it('the demo has records the public must not see: internal, restricted, drafts, withdrawn, embargoed', () => {
		const kinds = hidden.map((h) => h.why).join(' ');
		for (const k of ['internal/', 'restricted/', '/draft', '/withdrawn', 'embargo'])
			expect(kinds).toContain(k);
	});

	it('lists exactly the public records, with totals and paging', async () => {
		const res = await get('/api/v1/publications?pageSize=100');
		expect(res.status).toBe(200);
		expect(res.headers.get('content-type')).toMatch(/application\/json/);
		const body = await res.json();
		expect(body.total).toBe(publicCount);
		expect(body.items).toHaveLength(Math.min(100, publicCount));
		const hiddenIds = new Set(hidden.map((h) => h.id));
		for (const item of body.items) {
			expect(hiddenIds.has(item.id)).toBe(false);
			expect(item.access).toBe('public');
			expect(item.status).toBe('published');
			for (const field of [
				'id',
				'title',
				'type',
				'year',
				'access',
				'status',
				'series',
				'volume',
				'issue',
				'authors',
				'subjects',
				'language',
				'pages'
			]) {
				expect(item).toHaveProperty(field);
			}
		}
		const page2 = await (await get('/api/v1/publications?pageSize=10&page=2')).json();
		expect(page2).toMatchObject({ page: 2, pageSize: 10, total: publicCount });
		expect(page2.items[0].id).toBe(body.items[10].id);
	});

	it('asking for internal records as the public yields nothing rather than a hint', async () => {
		const body = await (await get('/api/v1/publications?access=internal')).json();
		expect(body.total).toBe(0);
		expect(body.items).toEqual([]);
	});

	it('filters by type, year, series and subject', async () => {
		const mags = await (await get('/api/v1/publications?type=magazine_issue&pageSize=100')).json();
		expect(mags.total).toBeGreaterThan(0);
		expect(mags.items.every((p: { type: string }) => p.type === 'magazine_issue')).toBe(true);
		const year = mags.items[0].year;
		const byYear = await (
			await get(`/api/v1/publications?type=magazine_issue&year=${year}`)
		).json();
		expect(byYear.total).toBeGreaterThan(0);
		expect(byYear.items.every((p: { year: number }) => p.year === year)).toBe(true);
		const series = await (
			await get('/api/v1/publications?series=media-kekayaan-negara&pageSize=100')
		).json();
		expect(
			series.items.every(
				(p: { series: { slug: string } }) => p.series.slug === 'media-kekayaan-negara'
			)
		).toBe(true);
		const subject = series.items[0].subjects[0];
		const bySubject = await (
			await get(`/api/v1/publications?subject=${encodeURIComponent(subject)}`)
		).json();
		expect(bySubject.total).toBeGreaterThan(0);
		expect(bySubject.items.every((p: { subjects: string[] }) => p.subjects.includes(subject))).toBe(
			true
		);
	});

	it('answers a malformed parameter with a 400 JSON error in the chosen language', async () => {
		const id = await get('/api/v1/publications?year=abc');
		expect(id.status).toBe(400);
		expect(await id.json()).toEqual({
			error: { code: 'invalid_parameter', message: 'Parameter "year" tidak valid.' }
		});
		const en = await get('/api/v1/publications?pageSize=100000', {
			headers: { cookie: 'lang=en' }
		});
		expect(en.status).toBe(400);
		expect((await en.json()).error.message).toBe('Parameter "pageSize" is not valid.');
	});

	it('gives one public record in full, and 404 for every hidden one on API, page, cover and citation', async () => {
		const res = await get(`/api/v1/publications/${publicMagazine}`);
		expect(res.status).toBe(200);
		const pub = await res.json();
		expect(pub).toMatchObject({ id: publicMagazine, type: 'magazine_issue', access: 'public' });
		expect(pub.pages).toBeGreaterThan(1);
		expect((await get(`/publications/${publicMagazine}`)).status).toBe(200);
		const cover = await get(pub.cover);
		expect(cover.status).toBe(200);
		expect(cover.headers.get('content-type')).toBe('image/png');

		for (const { id, why } of hidden) {
			const api = await get(`/api/v1/publications/${id}`);
			expect(api.status, `${why} via API`).toBe(404);
			expect((await api.json()).error.code).toBe('not_found');
			expect((await get(`/publications/${id}`)).status, `${why} page`).toBe(404);
			expect((await get(`/publications/${id}/cover`)).status, `${why} cover`).toBe(404);
			const cite = await get(`/api/v1/publications/${id}/cite?format=csl-json`);
			expect(cite.status, `${why} citation`).toBe(404);
			expect((await cite.json()).error.code).toBe('not_found');
		}
		expect((await get('/api/v1/publications/999999')).status).toBe(404);
		expect((await get('/api/v1/nothing-here')).status).toBe(404);
	});

	it('home, catalog and series pages, feeds, OPDS and the sitemap show no hidden titles', async () => {
		const db = openLibraryDb(server.dataDir);
		const titles: string[] = [];
		for (const h of hidden)
			titles.push((await db.get('select title from publications where id = ?', h.id)).title);
		await db.close();
		const escape = (s: string) =>
			s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;');
		for (const path of [
			'/',
			'/catalog',
			'/catalog?sort=added',
			'/series/media-kekayaan-negara',
			// The machine-readable public outputs (tests/server/opds.test.ts checks them all).
			'/feed.xml',
			'/opds/new',
			'/opds/v2/new',
			'/sitemap.xml'
		]) {
			const html = await (await get(path)).text();
			for (const t of titles) expect(html.includes(escape(t)), `${path} leaks "${t}"`).toBe(false);
		}
	});

	it("a public regulation's relations name no hidden regulation, on its page or in the API", async () => {
		const db = openLibraryDb(server.dataDir);
		const hiddenIds = hidden.map((h) => h.id);
		// The ids inline (numbers from the database): one spelling for both engines.
		const idList = `(${hiddenIds.join(', ')})`;
		const hiddenRegs = (await db.all(
			`select id, title, regulation_number from publications where type = 'regulation' and id in ${idList}`
		)) as {
			id: number;
			title: string;
			regulation_number: string | null;
		}[];
		// The demo relates a public regulation to a hidden one (PMK 111/2016 revokes the
		// withdrawn PMK 96/2007), so this looks where a leak would be.
		const related = (await db.all(
			`select source_id, target_id from regulation_relations where source_id in ${idList} or target_id in ${idList}`
		)) as {
			source_id: number;
			target_id: number;
		}[];
		const publicRegs = (
			(await db.all(
				`select id from publications where type = 'regulation' and status = 'published' and access = 'public'`
			)) as { id: number }[]
		).map((r) => r.id);
		await db.close();
		expect(related.length).toBeGreaterThan(0);
		expect(hiddenRegs.length).toBeGreaterThan(0);
		for (const id of publicRegs) {
			const api = await (await get(`/api/v1/publications/${id}`)).json();
			const refs = ['amends', 'revokes', 'amendedBy', 'revokedBy'].flatMap(
				(k) => api.regulation[k] as { id: number }[]
			);
			for (const ref of refs) expect(hiddenIds).not.toContain(ref.id);
			const html = await (await get(`/publications/${id}`)).text();
			for (const h of hiddenRegs) {
				const text = JSON.stringify(api.regulation);
				expect(text.includes(h.title), `${id} API leaks "${h.title}"`).toBe(false);
				expect(html.includes(`/publications/${h.id}"`), `${id} links to hidden ${h.id}`).toBe(
					false
				);
				if (h.regulation_number)
					expect(text.includes(h.regulation_number), `${id} leaks ${h.regulation_number}`).toBe(
						false
					);
			}
		}
	});

	it('reports liveness without revealing anything about the catalog', async () => {
		const res = await get('/healthz');
		expect(res.status).toBe(200);
		// Status and version only: no record counts (hidden records included) for anyone.
		expect(await res.json()).toEqual({ status: 'ok', version: expect.any(String) });
	});

	it('sends security headers and never a stack trace', async () => {
		const res = await get('/');
		expect(res.headers.get('x-content-type-options')).toBe('nosniff');
		expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'self'");
		expect(res.headers.get('referrer-policy')).toBeTruthy();
		const missing = await get('/publications/123456789');
		expect(missing.status).toBe(404);
		const html = await missing.text();
		expect(html).not.toMatch(/at .*\.js:\d+/);
	});
});
