import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openLibraryDb } from '../helpers/db.ts';
import { copyDemoData } from '../helpers/demo.ts';
import { DEMO_PASSWORD } from '../helpers/env.ts';
import { addPublication } from '../helpers/fixtures.ts';
import { Client } from '../helpers/http.ts';
import { startServer, type RunningServer } from '../helpers/server.ts';

/**
 * Availability (issue #18 part 1) through the real built server, two worker processes: every
 * list entry, record and search hit says how THIS caller can have it (read online, download, on
 * the shelf, by loan only, record only), the `availability` filter and facet count through the
 * access policy, a hidden record's shelf never shows, and checkouts/returns reach the shared
 * public page cache at once.
 */
const WORD = 'kuantarsip'; // in every fixture title below, nowhere else
const EMPLOYEE_NIP = '199003202015031003';

let server: RunningServer;
let anon: Client;
let emp: Client;
let lib: Client;
const id: Record<string, number> = {};

type Avail = {
	online: boolean;
	download: boolean;
	shelf: {
		available: number;
		total: number;
		callNumber: string | null;
		location: string | null;
	} | null;
	loanOnly: boolean;
};

async function addItems(
	dataDir: string,
	publicationId: number,
	items: { barcode: string; location: string; status?: string }[],
	callNumber?: string
) {
	const db = openLibraryDb(dataDir);
	try {
		if (callNumber)
			await db.run(
				'update publications set call_number = ? where id = ?',
				callNumber,
				publicationId
			);
		for (const it of items)
			await db.run(
				'insert into items (publication_id, barcode, location, status) values (?, ?, ?, ?)',
				publicationId,
				it.barcode,
				it.location,
				it.status ?? 'available'
			);
	} finally {
		await db.close();
	}
}

/** The two counters the caches key on, read straight from the database. */
async function versions(): Promise<{ catalog: number; circulation: number }> {
	const db = openLibraryDb(server.dataDir);
	try {
		return (await db.get(
			'select (select version from catalog_version) catalog, (select version from circulation_version) circulation'
		)) as { catalog: number; circulation: number };
	} finally {
		await db.close();
	}
}

async function waitForIndex(c: Client) {
	const deadline = Date.now() + 60_000;
	for (;;) {
		const r = await (await c.fetch('/readyz')).json();
		if (r.checks.search.state === 'ready') return;
		if (Date.now() > deadline) throw new Error(`index not ready: ${JSON.stringify(r.checks)}`);
		await new Promise((res) => setTimeout(res, 200));
	}
}

async function login(who: string): Promise<Client> {
	const c = new Client(server.url, { cookie: 'lang=en' });
	expect((await c.login(who, DEMO_PASSWORD)).status).toBe(200);
	return c;
}

beforeAll(async () => {
	const dataDir = copyDemoData();
	const file = { copyOf: 'mkn-2019-01.pdf' };
	id.open = await addPublication(dataDir, { title: `Lelang terbuka ${WORD}`, file });
	id.onlineOnly = await addPublication(dataDir, {
		title: `Baca saja ${WORD}`,
		downloadable: 0,
		file
	});
	id.shelf = await addPublication(dataDir, { title: `Buku rak ${WORD}`, file: null });
	await addItems(
		dataDir,
		id.shelf,
		[
			{ barcode: 'AV-0001', location: 'Rak A3' },
			{ barcode: 'AV-0002', location: 'Rak A3' }
		],
		'336.1 KUA b'
	);
	id.recordOnly = await addPublication(dataDir, { title: `Katalog saja ${WORD}`, file: null });
	id.internal = await addPublication(dataDir, {
		title: `Intern ${WORD}`,
		access: 'internal',
		file
	});
	id.lendable = await addPublication(dataDir, {
		title: `Terbatas dipinjamkan ${WORD}`,
		access: 'restricted',
		digitalCopies: 2,
		file
	});
	await addItems(dataDir, id.lendable, [{ barcode: 'AV-0101', location: 'Ruang Arsip' }], 'R 1');
	id.restricted = await addPublication(dataDir, {
		title: `Terbatas rahasia ${WORD}`,
		access: 'restricted',
		file: null
	});
	await addItems(dataDir, id.restricted, [{ barcode: 'AV-0201', location: 'Brankas' }], 'R 2');
	id.draft = await addPublication(dataDir, { title: `Draf ${WORD}`, status: 'draft', file });
	await addItems(dataDir, id.draft, [{ barcode: 'AV-0301', location: 'Meja kerja' }]);
	server = await startServer(dataDir, { WEB_CONCURRENCY: '2' });
	anon = new Client(server.url, { cookie: 'lang=en' });
	emp = await login(EMPLOYEE_NIP);
	lib = await login('pustakawan@perpustakaan.test');
	await waitForIndex(anon);
}, 120_000);

afterAll(async () => {
	await server?.stop();
});

async function listAvail(c: Client, extra = ''): Promise<Map<number, Avail>> {
	const res = await c.fetch(`/api/v1/publications?q=${WORD}&pageSize=100${extra}`);
	expect(res.status).toBe(200);
	const body = await res.json();
	return new Map(
		body.items.map((p: { id: number; availability: Avail }) => [p.id, p.availability])
	);
}

async function searchApi(c: Client, params = '') {
	const res = await c.fetch(`/api/v1/search?q=${WORD}&pageSize=100${params}`);
	expect(res.status).toBe(200);
	return res.json();
}

const ONLINE_DL: Avail = { online: true, download: true, shelf: null, loanOnly: false };
const SHELF_2: Avail = {
	online: false,
	download: false,
	shelf: { available: 2, total: 2, callNumber: '336.1 KUA b', location: 'Rak A3' },
	loanOnly: false
};
const NOTHING: Avail = { online: false, download: false, shelf: null, loanOnly: false };

describe('availability on records, lists and search hits', () => {
	it('the public: exactly the API shape, nothing about hidden records', async () => {
		const list = await listAvail(anon);
		expect([...list.keys()].sort()).toEqual(
			[id.open, id.onlineOnly, id.shelf, id.recordOnly].sort()
		);
		expect(list.get(id.open)).toEqual(ONLINE_DL);
		expect(list.get(id.onlineOnly)).toEqual({ ...ONLINE_DL, download: false });
		expect(list.get(id.shelf)).toEqual(SHELF_2);
		expect(list.get(id.recordOnly)).toEqual(NOTHING);
		const one = await (await anon.fetch(`/api/v1/publications/${id.shelf}`)).json();
		expect(one.availability).toEqual(SHELF_2);
		// A hidden record answers like a missing one: no availability, no shelf.
		for (const hidden of [id.internal, id.lendable, id.restricted, id.draft]) {
			const res = await anon.fetch(`/api/v1/publications/${hidden}`);
			expect(res.status).toBe(404);
			expect(await res.text()).not.toMatch(/Rak|Brankas|Ruang Arsip|availability/);
		}
		const hits = await searchApi(anon);
		const byHit = new Map(
			hits.hits.map((h: { id: number; availability: Avail }) => [h.id, h.availability])
		);
		expect(byHit).toEqual(list);
	});

	it('an employee: internal files online, a lendable restricted file by loan only', async () => {
		const list = await listAvail(emp);
		expect([...list.keys()].sort()).toEqual(
			[id.open, id.onlineOnly, id.shelf, id.recordOnly, id.internal, id.lendable].sort()
		);
		expect(list.get(id.internal)).toEqual(ONLINE_DL);
		expect(list.get(id.lendable)).toEqual({
			online: false,
			download: false,
			shelf: { available: 1, total: 1, callNumber: 'R 1', location: 'Ruang Arsip' },
			loanOnly: true
		});
		// The restricted record that is not lendable stays hidden, shelf and all.
		expect((await emp.fetch(`/api/v1/publications/${id.restricted}`)).status).toBe(404);
		const hits = await searchApi(emp);
		expect(
			new Map(hits.hits.map((h: { id: number; availability: Avail }) => [h.id, h.availability]))
		).toEqual(list);
	});

	it('a librarian sees everything, downloadable', async () => {
		const list = await listAvail(lib);
		expect(list.get(id.lendable)).toMatchObject({ online: true, download: true, loanOnly: false });
		expect(list.get(id.restricted)).toMatchObject({
			online: false,
			shelf: { available: 1, total: 1, callNumber: 'R 2', location: 'Brankas' }
		});
		expect(list.get(id.draft)).toMatchObject({ online: true, shelf: { available: 1 } });
		expect(list.get(id.onlineOnly)).toMatchObject({ online: true, download: true });
	});

	it('a digital loan makes the lendable record readable online for that employee only', async () => {
		const loan = await emp.postJson(`/api/v1/publications/${id.lendable}/borrow`, {});
		expect(loan.status).toBe(201);
		const { id: loanId } = await loan.json();
		expect((await listAvail(emp)).get(id.lendable)).toMatchObject({
			online: true,
			download: false,
			loanOnly: false
		});
		const s = await searchApi(emp, '&availability=online');
		expect(s.hits.map((h: { id: number }) => h.id)).toContain(id.lendable);
		expect((await emp.postJson(`/api/v1/digital-loans/${loanId}/return`, {})).status).toBe(200);
		expect((await listAvail(emp)).get(id.lendable)).toMatchObject({
			online: false,
			loanOnly: true
		});
	});
});

describe('the availability filter and facet', () => {
	const expected = {
		anon: { online: 2, shelf: 1 },
		emp: { online: 3, shelf: 2 },
		lib: { online: 5, shelf: 4 }
	};

	it('search: facet counts equal the filtered totals, per role, through the policy', async () => {
		for (const [who, c] of [
			['anon', anon],
			['emp', emp],
			['lib', lib]
		] as const) {
			const all = await searchApi(c);
			const facet = Object.fromEntries(
				all.facets.availability.map((f: { value: string; count: number }) => [f.value, f.count])
			);
			expect(facet, who).toEqual(expected[who]);
			for (const value of ['online', 'shelf'] as const) {
				const filtered = await searchApi(c, `&availability=${value}`);
				expect(filtered.total, `${who} ${value}`).toBe(facet[value]);
				for (const h of filtered.hits as { availability: Avail }[])
					if (value === 'online') expect(h.availability.online).toBe(true);
					else expect(h.availability.shelf!.available).toBeGreaterThan(0);
				// The facet keeps counting the other value while one is chosen.
				expect(filtered.facets.availability).toEqual(all.facets.availability);
			}
		}
	});

	it('catalog: the API filter and the page facet agree, per role', async () => {
		for (const [who, c] of [
			['anon', anon],
			['emp', emp],
			['lib', lib]
		] as const) {
			const html = await (
				await c.fetch(`/catalog?q=${WORD}`, { headers: { accept: 'text/html' } })
			).text();
			for (const value of ['online', 'shelf'] as const) {
				const list = await listAvail(c, `&availability=${value}`);
				expect(list.size, `${who} ${value}`).toBe(expected[who][value]);
				const label = value === 'online' ? 'Available online' : 'On the shelf';
				expect(html).toContain(`${label} (${expected[who][value]})`);
			}
		}
	});

	it('"readable first" sorts what the caller can open before the rest', async () => {
		const s = await searchApi(anon, '&sort=readable');
		const flags = s.hits.map((h: { availability: Avail }) => h.availability.online);
		expect(flags).toEqual([true, true, false, false]);
		const c = await (await anon.fetch(`/api/v1/publications?q=${WORD}&sort=readable`)).json();
		expect(c.items.map((p: { availability: Avail }) => p.availability.online)).toEqual([
			true,
			true,
			false,
			false
		]);
		// Shelf copies come before the catalogue-record-only entry.
		expect(c.items[2].id).toBe(id.shelf);
	});

	it('bad values are a 400 naming the parameter, on the API and the pages', async () => {
		for (const path of [
			`/api/v1/search?q=${WORD}&availability=free`,
			`/api/v1/publications?availability=free`,
			`/api/v1/search?q=${WORD}&sort=best`
		]) {
			const res = await anon.fetch(path);
			expect(res.status, path).toBe(400);
			expect((await res.json()).error.code).toBe('invalid_parameter');
		}
		for (const path of [`/search?q=${WORD}&availability=free`, '/catalog?availability=free']) {
			const res = await anon.fetch(path, { headers: { accept: 'text/html' } });
			expect(res.status, path).toBe(400);
		}
	});
});

describe('circulation moves the shelf state everywhere at once', () => {
	it('checkout and return show on the cached anonymous pages and API answers', async () => {
		const page = `/publications/${id.shelf}`;
		const html = async () => (await anon.fetch(page, { headers: { accept: 'text/html' } })).text();
		// Warm the shared cache of both workers.
		for (let i = 0; i < 4; i++) expect(await html()).toContain('On the shelf: 2 of 2 available');
		const before = await versions();
		const loan = await lib.postJson('/api/v1/loans', { barcode: 'AV-0001', nip: EMPLOYEE_NIP });
		expect(loan.status).toBe(201);
		// Circulation has its own counter (migration 0015): the catalog's — which keys search's
		// record facts and OAI-PMH — stays; the circulation one moves, in the same transaction.
		const after = await versions();
		expect(after.catalog).toBe(before.catalog);
		expect(after.circulation).toBeGreaterThan(before.circulation);
		const { id: loanId } = await loan.json();
		for (let i = 0; i < 4; i++) expect(await html()).toContain('On the shelf: 1 of 2 available');
		expect((await listAvail(anon)).get(id.shelf)!.shelf).toMatchObject({ available: 1, total: 2 });
		const second = await lib.postJson('/api/v1/loans', { barcode: 'AV-0002', nip: EMPLOYEE_NIP });
		expect(second.status).toBe(201);
		expect(await html()).toContain('All 2 copies on loan');
		const shelfNow = await searchApi(anon, '&availability=shelf');
		expect(shelfNow.total).toBe(0);
		expect(
			(await (await anon.fetch(`/api/v1/publications?q=${WORD}&availability=shelf`)).json()).total
		).toBe(0);
		// Return one copy: the anonymous page shows it available again.
		expect((await lib.postJson(`/api/v1/loans/${loanId}/return`, {})).status).toBe(200);
		for (let i = 0; i < 4; i++) expect(await html()).toContain('On the shelf: 1 of 2 available');
		expect((await searchApi(anon, '&availability=shelf')).total).toBe(1);
	});

	it('the cache never mixes viewers: the same URLs answer per viewer', async () => {
		const url = `/api/v1/search?q=${WORD}&availability=online&pageSize=100`;
		const ids = async (c: Client) =>
			(await (await c.fetch(url)).json()).hits.map((h: { id: number }) => h.id).sort();
		const publicIds = await ids(anon);
		await ids(anon); // served from the shared cache now
		const employeeIds = await ids(emp);
		expect(employeeIds).toContain(id.internal);
		expect(publicIds).not.toContain(id.internal);
		expect(await ids(anon)).toEqual(publicIds);
		const catalog = `/catalog?q=${WORD}&availability=online`;
		const anonHtml = await (await anon.fetch(catalog, { headers: { accept: 'text/html' } })).text();
		const empHtml = await (await emp.fetch(catalog, { headers: { accept: 'text/html' } })).text();
		expect(empHtml).toContain(`Intern ${WORD}`);
		expect(anonHtml).not.toContain(`Intern ${WORD}`);
		expect(
			await (await anon.fetch(catalog, { headers: { accept: 'text/html' } })).text()
		).not.toContain(`Intern ${WORD}`);
	});
});
