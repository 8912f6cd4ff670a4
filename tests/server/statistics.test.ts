import path from 'node:path';
import SQLite from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyDemoData } from '../helpers/demo.ts';
import { DEMO_PASSWORD } from '../helpers/env.ts';
import { Client } from '../helpers/http.ts';
import { openReadOnly } from '../helpers/db.ts';
import { startServer, type RunningServer } from '../helpers/server.ts';

/**
 * Statistics for librarians through the real built server over the demo data, plus usage,
 * loans and searches added here at known instants: who may see the page, the CSV files, the
 * API's figures against plain SQL over the raw events, the search log and its retention.
 */
let server: RunningServer;
let anon: Client;
let employee: Client;
let librarian: Client;
let token: Client;
let hiddenTitle = '';
let publicId = 0;

const DAY = 86_400_000;
const iso = (msAgo: number) => new Date(Date.now() - msAgo).toISOString();
/** A Jakarta month `YYYY-MM` for an ISO instant. */
const month = (at: string) => new Date(Date.parse(at) + 7 * 3600_000).toISOString().slice(0, 7);

beforeAll(async () => {
	const dataDir = copyDemoData();
	const db = new SQLite(path.join(dataDir, 'perpustakaan.sqlite'));
	const pub = db
		.prepare(
			`select id from publications where status = 'published' and access = 'public' order by id limit 1`
		)
		.get() as { id: number };
	publicId = pub.id;
	const hidden = db
		.prepare(`select id, title from publications where access = 'restricted' order by id limit 1`)
		.get() as { id: number; title: string };
	hiddenTitle = hidden.title;
	const ev = db.prepare(
		`insert into usage_events (publication_id, kind, user_id, visitor, at) values (?, ?, null, ?, ?)`
	);
	// The hidden record is the most viewed of all: only staff may ever see it in the statistics.
	for (let i = 0; i < 40; i++)
		ev.run(hidden.id, 'view', `a:h${i}`, iso((i % 300) * DAY + 3600_000));
	for (let i = 0; i < 25; i++) ev.run(publicId, 'view', `a:p${i}`, iso((i % 200) * DAY + 3600_000));
	for (let i = 0; i < 7; i++) ev.run(publicId, 'download', `a:d${i}`, iso(i * 20 * DAY + 3600_000));
	// Two years ago: outside the default period.
	ev.run(publicId, 'view', 'a:old', iso(730 * DAY));
	const log = db.prepare(
		`insert into search_log (at, query, lang, results, signed_in) values (?, ?, 'id', ?, 0)`
	);
	log.run(iso(14 * 31 * DAY), 'sangat lama', 3); // past the 13-month retention: pruned at start
	log.run(iso(12 * 30 * DAY), 'masih disimpan', 2);
	db.close();
	server = await startServer(dataDir);
	anon = new Client(server.url);
	employee = new Client(server.url);
	librarian = new Client(server.url);
	expect((await employee.login('pegawai@perpustakaan.test', DEMO_PASSWORD)).status).toBe(200);
	expect((await librarian.login('pustakawan@perpustakaan.test', DEMO_PASSWORD)).status).toBe(200);
	const created = await (await librarian.postJson('/api/v1/tokens', { name: 'stats' })).json();
	token = new Client(server.url, { authorization: `Bearer ${created.token}` });
});

afterAll(async () => {
	await server?.stop();
});

function sql<T>(query: string, ...params: unknown[]): T[] {
	const db = openReadOnly(server.dataDir);
	try {
		return db.prepare(query).all(...params) as T[];
	} finally {
		db.close();
	}
}

/** Waits (the log is written about once a second) until the condition holds. */
async function eventually<T>(read: () => T, ok: (v: T) => boolean, ms = 5000): Promise<T> {
	const deadline = Date.now() + ms;
	for (;;) {
		const v = read();
		if (ok(v) || Date.now() > deadline) return v;
		await new Promise((r) => setTimeout(r, 200));
	}
}

describe('the statistics page', () => {
	it('opens for a librarian with charts, their tables and summaries, and links to the CSVs', async () => {
		const res = await librarian.fetch('/staff/statistics');
		expect(res.status).toBe(200);
		const html = await res.text();
		expect(html).toContain('Statistik perpustakaan');
		expect(html).toMatch(/<svg[^>]*role="img"/);
		expect(html).toContain('data-testid="stats-chart-table-usage"');
		expect(html).toMatch(/Dalam 12 bulan koleksi dilihat/);
		expect(html).toContain('/staff/statistics/monthly.csv?from=');
		// Staff see every record, the restricted one included.
		expect(html).toContain(hiddenTitle);
		const dash = await (await librarian.fetch('/staff')).text();
		expect(dash).toContain('href="/staff/statistics"');
	});

	it('speaks English to an English reader', async () => {
		const en = new Client(server.url, { cookie: 'lang=en' });
		expect((await en.login('pustakawan@perpustakaan.test', DEMO_PASSWORD)).status).toBe(200);
		const html = await (await en.fetch('/staff/statistics')).text();
		expect(html).toContain('Library statistics');
		expect(html).toContain('Views and downloads per month');
	});

	it('refuses employees and sends anonymous readers to log in, without a figure or title', async () => {
		const emp = await employee.fetch('/staff/statistics');
		expect(emp.status).toBe(403);
		expect(await emp.text()).not.toContain(hiddenTitle);
		const a = await anon.fetch('/staff/statistics');
		expect([302, 303]).toContain(a.status);
		expect(a.headers.get('location')).toMatch(/^\/login/);
		for (const c of [employee, anon]) {
			const csv = await c.fetch('/staff/statistics/top-views.csv');
			expect([302, 303, 403]).toContain(csv.status);
			expect(await csv.text()).not.toContain(hiddenTitle);
		}
	});

	it('explains a bad period instead of failing', async () => {
		const res = await librarian.fetch('/staff/statistics?from=2026-13&to=2026-01');
		expect(res.status).toBe(200);
		expect(await res.text()).toContain('Periode tidak valid');
	});
});

describe('CSV downloads', () => {
	it('are UTF-8 with a byte-order mark, CRLF lines and the right header row', async () => {
		const res = await librarian.fetch('/staff/statistics/monthly.csv');
		expect(res.status).toBe(200);
		expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
		expect(res.headers.get('content-disposition')).toMatch(
			/attachment; filename="statistik-monthly-/
		);
		const bytes = new Uint8Array(await res.arrayBuffer());
		expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
		const text = new TextDecoder().decode(bytes.slice(3));
		const lines = text.split('\r\n');
		expect(lines[0]).toBe(
			'Bulan,Dilihat,Diunduh,Koleksi baru,Peminjaman,Pengembalian,Terlambat akhir bulan,Peminjam aktif,Pencarian,Pencarian tanpa hasil'
		);
		expect(lines).toHaveLength(12 + 2); // header, 12 months, the empty string after the last CRLF
		expect(text.replace(/\r\n/g, '')).not.toContain('\n');
	});

	it('name the top records with series and access level', async () => {
		const text = await (await librarian.fetch('/staff/statistics/top-views.csv')).text();
		const [head, first] = text.replace(/^\uFEFF/, '').split('\r\n');
		expect(head).toBe('Peringkat,ID,Judul,Jenis,Seri,Akses,Status,Jumlah');
		expect(first).toContain(hiddenTitle.includes(',') ? `"${hiddenTitle}"` : hiddenTitle);
		expect(first).toContain('Terbatas');
	});

	it('answer an unknown table with 404', async () => {
		expect((await librarian.fetch('/staff/statistics/passwords.csv')).status).toBe(404);
	});
});

describe('GET /api/v1/statistics', () => {
	it('gives the same figures as SQL over the raw usage events', async () => {
		const res = await token.fetch('/api/v1/statistics/summary');
		expect(res.status).toBe(200);
		const body = await res.json();
		const from = body.period.from as string;
		const to = body.period.to as string;
		const events = sql<{ at: string; kind: string; publication_id: number }>(
			'select at, kind, publication_id from usage_events'
		).filter((e) => month(e.at) >= from && month(e.at) <= to);
		const views = events.filter((e) => e.kind === 'view').length;
		const downloads = events.filter((e) => e.kind === 'download').length;
		expect(body.totals.views).toBe(views);
		expect(body.totals.downloads).toBe(downloads);
		expect(views).toBeGreaterThanOrEqual(65);
		for (const m of body.monthly) {
			expect(m.views).toBe(
				events.filter((e) => e.kind === 'view' && month(e.at) === m.month).length
			);
		}
		expect(body.topViewed[0].title).toBe(hiddenTitle);
		expect(body.topViewed[0].access).toBe('restricted');
		expect(body.topViewed[0].count).toBe(40);
		expect(body.topDownloaded[0]).toMatchObject({ id: publicId, count: 7 });
		const types = sql<{ type: string; n: number }>(
			'select type, count(*) n from publications group by type'
		);
		for (const t of types)
			expect(body.byType.find((g: { key: string }) => g.key === t.type)?.records).toBe(t.n);
	});

	it('takes a period, and refuses a bad one with 400', async () => {
		const m = month(new Date().toISOString());
		const one = await (await token.fetch(`/api/v1/statistics/monthly?from=${m}&to=${m}`)).json();
		expect(one.monthly).toHaveLength(1);
		for (const q of ['from=2026-1', 'from=2026-05&to=2026-01', 'from=2000-01&to=2026-01', 'to=x']) {
			const res = await token.fetch(`/api/v1/statistics/summary?${q}`);
			expect(res.status).toBe(400);
			expect((await res.json()).error.code).toBe('invalid_period');
		}
		expect((await token.fetch('/api/v1/statistics/nothing')).status).toBe(404);
	});

	it('is for librarians and admins only: 401 anonymous, 403 employees, no titles', async () => {
		const a = await anon.fetch('/api/v1/statistics/summary');
		expect(a.status).toBe(401);
		const e = await employee.fetch('/api/v1/statistics/top');
		expect(e.status).toBe(403);
		const searches = await employee.fetch('/api/v1/statistics/searches');
		expect(searches.status).toBe(403);
		for (const r of [a, e, searches]) expect(await r.text()).not.toContain(hiddenTitle);
	});
});

describe('the search log', () => {
	it('records a zero-result search — query, language, count, signed in or not — and no user or IP', async () => {
		const q = 'Zzqx  TIDAKADA';
		for (let i = 0; i < 2; i++) {
			// The second answer comes from the shared page cache; it is a search all the same.
			const res = await anon.fetch(`/api/v1/search?q=${encodeURIComponent(q)}`);
			expect(res.status).toBe(200);
			expect((await res.json()).total).toBe(0);
		}
		await librarian.fetch(`/search?q=${encodeURIComponent(q)}`);
		// Turning a page or narrowing by a facet refines a search; it is not a new one.
		await anon.fetch(`/api/v1/search?q=${encodeURIComponent(q)}&page=2`);
		await anon.fetch(`/api/v1/search?q=${encodeURIComponent(q)}&type=book`);
		const rows = await eventually(
			() =>
				sql<Record<string, unknown>>(
					`select * from search_log where query = 'zzqx tidakada' order by id`
				),
			(r) => r.length >= 3
		);
		expect(rows.map((r) => [r.lang, r.results, r.signed_in])).toEqual([
			['id', 0, 0],
			['id', 0, 0],
			['id', 0, 1]
		]);
		const columns = sql<{ name: string }>('pragma table_info(search_log)').map((c) => c.name);
		expect(columns.sort()).toEqual(['at', 'id', 'lang', 'query', 'results', 'signed_in']);
		const body = await (await token.fetch('/api/v1/statistics/searches')).json();
		expect(body.zeroResultQueries[0]).toEqual({
			query: 'zzqx tidakada',
			searches: 3,
			zeroResults: 3
		});
	});

	it('keeps searches for 13 months: older ones are pruned by the server', () => {
		const kept = sql<{ query: string }>('select query from search_log').map((r) => r.query);
		expect(kept).toContain('masih disimpan');
		expect(kept).not.toContain('sangat lama');
		// …and out of the monthly roll-up the statistics read.
		const rolled = sql<{ query: string }>('select query from search_monthly').map((r) => r.query);
		expect(rolled).toContain('masih disimpan');
		expect(rolled).not.toContain('sangat lama');
	});
});
