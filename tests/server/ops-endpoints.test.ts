import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openReadOnly } from '../helpers/db.ts';
import { copyDemoData } from '../helpers/demo.ts';
import { CORPUS_DIR, DEMO_PASSWORD } from '../helpers/env.ts';
import { addPublication } from '../helpers/fixtures.ts';
import { Client } from '../helpers/http.ts';
import { startServer, type RunningServer } from '../helpers/server.ts';

/**
 * What operators see, over real HTTP on the built server: /healthz (cheap, reveals nothing),
 * /readyz (checks; 503 until ready), /metrics (Prometheus text; who may read it), and the
 * security headers on every response, static assets included.
 */
const running: RunningServer[] = [];
let server: RunningServer;
let lib: Client;
let emp: Client;

async function start(env: Record<string, string> = {}, dataDir = copyDemoData()) {
	const s = await startServer(dataDir, env);
	running.push(s);
	return s;
}

async function login(s: RunningServer, who: string): Promise<Client> {
	const c = new Client(s.url);
	expect((await c.login(who, DEMO_PASSWORD)).status).toBe(200);
	return c;
}

/** Parses the Prometheus text format: `name{labels} value` per sample, HELP/TYPE skipped. */
function samples(text: string): Map<string, number> {
	const out = new Map<string, number>();
	for (const line of text.split('\n')) {
		if (!line || line.startsWith('#')) continue;
		const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*(?:\{[^}]*\})?) (\S+)$/.exec(line);
		expect(m, `not a sample line: ${line}`).toBeTruthy();
		out.set(m![1], Number(m![2]));
	}
	return out;
}

beforeAll(async () => {
	server = await start();
	lib = await login(server, 'pustakawan@perpustakaan.test');
	emp = await login(server, '199003202015031003');
});
afterAll(async () => {
	for (const s of running.splice(0)) await s.stop();
});

describe('/healthz', () => {
	it('answers status and version only, to anyone', async () => {
		for (const c of [new Client(server.url), lib]) {
			const res = await c.fetch('/healthz');
			expect(res.status).toBe(200);
			expect(res.headers.get('cache-control')).toBe('no-store');
			const body = await res.json();
			expect(body).toEqual({ status: 'ok', version: '0.1.0' });
			// No catalog counts: they included records the caller may not see.
			expect(JSON.stringify(body)).not.toMatch(/publications|\d{2,}/);
		}
	});
});

describe('/readyz', () => {
	it('reports each check with 200 once ready', async () => {
		const deadline = Date.now() + 30_000;
		let res: Response;
		while ((res = await fetch(`${server.url}/readyz`)).status !== 200 && Date.now() < deadline)
			await new Promise((r) => setTimeout(r, 200));
		expect(res.status).toBe(200);
		const body = await res.json();
		expect(body.status).toBe('ready');
		expect(body.checks).toMatchObject({
			database: { status: 'ok' },
			migrations: { status: 'ok' },
			search: { status: 'ok', state: expect.stringMatching(/^(ready|rebuilding)$/) },
			server: { status: 'ok', state: 'running' }
		});
		// SQLite is one connection inside the process: no pool to report (PostgreSQL's pool:
		// tests/server/postgres-server.test.ts).
		expect(body.database).toEqual({ engine: 'sqlite', pool: null, coordinator: true });
	});

	it('answers 503 naming the failing check until the search index can be loaded', async () => {
		// A directory where the index snapshot belongs: the build cannot write it, so no index loads.
		const dataDir = copyDemoData();
		const blocker = path.join(dataDir, 'search', 'index.json');
		fs.mkdirSync(path.join(blocker, 'in-the-way'), { recursive: true });
		const s = await start({}, dataDir);
		const deadline = Date.now() + 20_000;
		let body;
		do {
			await new Promise((r) => setTimeout(r, 300));
			const res = await fetch(`${s.url}/readyz`);
			expect(res.status).toBe(503);
			body = await res.json();
		} while (!body.checks.search.error && Date.now() < deadline);
		expect(body.status).toBe('not_ready');
		expect(body.checks.database.status).toBe('ok');
		// The builder keeps retrying, so the index is either not built or being built again.
		expect(body.checks.search.status).toBe('failing');
		expect(['not_built', 'building']).toContain(body.checks.search.state);
		expect(body.checks.search.error).toBeTruthy();
		// Liveness is another question: the process is alive.
		expect((await fetch(`${s.url}/healthz`)).status).toBe(200);

		// Once the obstacle is gone, the next build succeeds and the instance becomes ready.
		fs.rmSync(blocker, { recursive: true });
		const until = Date.now() + 30_000;
		let status = 503;
		while (status !== 200 && Date.now() < until) {
			await new Promise((r) => setTimeout(r, 300));
			status = (await fetch(`${s.url}/readyz`)).status;
		}
		expect(status).toBe(200);
	}, 90_000);
});

describe('/metrics', () => {
	it('serves Prometheus text with requests by route id, loans, uploads and catalog gauges', async () => {
		const anon = new Client(server.url);
		expect((await anon.fetch('/catalog')).status).toBe(200);
		expect((await anon.fetch('/publications/987654')).status).toBe(404);
		// A checkout, and two uploads: one accepted, one refused.
		const book = await addPublication(server.dataDir, { title: 'Laporan metrik', file: null });
		expect(
			(await lib.postJson('/api/v1/items', { publicationId: book, barcode: 'MET-1' })).status
		).toBe(201);
		expect(
			(await lib.postJson('/api/v1/loans', { barcode: 'MET-1', nip: '199003202015031003' })).status
		).toBe(201);
		const upload = (file: string) => {
			const form = new FormData();
			form.append('title', `Metrik ${file}`);
			form.append(
				'file',
				new Blob([new Uint8Array(fs.readFileSync(path.join(CORPUS_DIR, file)))], {
					type: 'application/pdf'
				}),
				path.basename(file)
			);
			return lib.fetch('/api/v1/publications', {
				method: 'POST',
				body: form,
				headers: { origin: server.url }
			});
		};
		expect((await upload('debian/r-cran-pdftools--hello.pdf')).status).toBe(201);
		expect((await upload('debian/r-cran-pdftools--pdf-example-password.original.pdf')).status).toBe(
			422
		);

		const res = await fetch(`${server.url}/metrics`);
		expect(res.status).toBe(200);
		expect(res.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
		const text = await res.text();
		expect(text).toContain('# TYPE perpustakaan_http_request_duration_seconds histogram');
		const m = samples(text);
		// Route ids, never raw paths (a path per record id would be a series per record).
		expect(
			m.get('perpustakaan_http_requests_total{route="/catalog",method="GET",status="200"}')
		).toBe(1);
		expect(
			m.get(
				'perpustakaan_http_requests_total{route="/publications/[id=id]",method="GET",status="404"}'
			)
		).toBe(1);
		expect(text).not.toContain('987654');
		expect(
			m.get(
				'perpustakaan_http_request_duration_seconds_count{route="/catalog",method="GET",status="200"}'
			)
		).toBe(1);
		expect(m.get('perpustakaan_loans_total{action="checkout",kind="physical"}')).toBe(1);
		expect(m.get('perpustakaan_loans_total{action="return",kind="physical"}')).toBe(0);
		expect(m.get('perpustakaan_uploads_total{result="accepted",reason=""}')).toBe(1);
		expect(m.get('perpustakaan_uploads_total{result="refused",reason="pdf_encrypted"}')).toBe(1);
		// Catalog gauges, collected at scrape time, match the database.
		const db = openReadOnly(server.dataDir);
		const published = (
			db.prepare(`select count(*) n from publications where status = 'published'`).get() as {
				n: number;
			}
		).n;
		const files = (
			db.prepare('select count(*) n from files where is_current = 1').get() as { n: number }
		).n;
		db.close();
		expect(m.get('perpustakaan_publications{status="published"}')).toBe(published);
		expect(m.get('perpustakaan_files')).toBe(files);
		expect(m.get('perpustakaan_pdf_queue_length')).toBe(0);
		expect(m.get('perpustakaan_pdf_workers_busy')).toBe(0);
		expect(m.get('perpustakaan_pdf_workers_max')).toBeGreaterThanOrEqual(1);
		expect(m.get('perpustakaan_search_index_age_seconds')).toBeGreaterThanOrEqual(0);
		expect(m.get('perpustakaan_search_index_last_build_duration_seconds')).toBeGreaterThan(0);
		expect(m.get('perpustakaan_info{version="0.1.0"}')).toBe(1);
		expect(m.get('perpustakaan_data_dir_free_bytes')).toBeGreaterThan(0);
		expect(m.has('process_resident_memory_bytes')).toBe(true);
		// On SQLite there is no connection pool: its series are absent, not zeros.
		expect(text).not.toContain('perpustakaan_db_pool');
	});

	it('by default: localhost and staff only; others get 404', async () => {
		// Through a reverse proxy on this host a request comes from 127.0.0.1 but is anyone's.
		const proxied = { 'x-forwarded-for': '203.0.113.9' };
		expect((await fetch(`${server.url}/metrics`, { headers: proxied })).status).toBe(404);
		expect((await emp.fetch('/metrics', { headers: proxied })).status).toBe(404);
		expect((await lib.fetch('/metrics', { headers: proxied })).status).toBe(200);
		const created = await (await lib.postJson('/api/v1/tokens', { name: 'prometheus' })).json();
		const bearer = { authorization: `Bearer ${created.token}`, ...proxied };
		expect((await fetch(`${server.url}/metrics`, { headers: bearer })).status).toBe(200);
		// The refusal is a plain 404, with nothing of the metrics in it.
		const refused = await fetch(`${server.url}/metrics`, {
			headers: { ...proxied, cookie: 'lang=en' }
		});
		expect(refused.status).toBe(404);
		expect(await refused.json()).toEqual({
			error: { code: 'not_found', message: 'The page or record you are looking for was not found.' }
		});
	});

	it('METRICS_ALLOW=staff refuses anonymous local callers; off refuses everyone', async () => {
		const staffOnly = await start({ METRICS_ALLOW: 'staff' });
		expect((await fetch(`${staffOnly.url}/metrics`)).status).toBe(404);
		const lib2 = await login(staffOnly, 'admin@perpustakaan.test');
		expect((await lib2.fetch('/metrics')).status).toBe(200);
		await staffOnly.stop();

		const off = await start({ METRICS_ALLOW: 'off' });
		expect((await fetch(`${off.url}/metrics`)).status).toBe(404);
		const lib3 = await login(off, 'pustakawan@perpustakaan.test');
		expect((await lib3.fetch('/metrics')).status).toBe(404);
		await off.stop();
	}, 60_000);
});

describe('security headers on every response', () => {
	const EXPECTED = {
		'x-content-type-options': 'nosniff',
		'referrer-policy': 'strict-origin-when-cross-origin',
		'x-frame-options': 'SAMEORIGIN',
		'permissions-policy': 'camera=(), microphone=(), geolocation=()',
		'cross-origin-opener-policy': 'same-origin'
	};

	it('static assets (served before SvelteKit) carry them, as pages and JSON do', async () => {
		// The home page is HTML only (#18): the app's JavaScript is referenced by the login page.
		const html = await (await fetch(`${server.url}/login`)).text();
		const asset = /\/_app\/immutable\/[^"']+\.js/.exec(html)?.[0];
		expect(asset).toBeTruthy();
		const paths = [
			'/favicon.svg',
			asset!,
			'/islands/suggest.js',
			'/_app/version.json',
			'/',
			'/api/v1/publications'
		];
		for (const p of paths) {
			const res = await fetch(`${server.url}${p}`);
			expect(res.status, p).toBe(200);
			for (const [name, value] of Object.entries(EXPECTED))
				expect(res.headers.get(name), `${p} ${name}`).toBe(value);
		}
		// Also on a 304 from the static file server.
		const first = await fetch(`${server.url}/favicon.svg`);
		const again = await fetch(`${server.url}/favicon.svg`, {
			headers: { 'if-none-match': first.headers.get('etag')! }
		});
		expect(again.status).toBe(304);
		expect(again.headers.get('x-content-type-options')).toBe('nosniff');
		// Pages keep SvelteKit's nonce-based policy; other SvelteKit responses get the strict one.
		const page = await fetch(`${server.url}/login`);
		expect(page.headers.get('content-security-policy')).toMatch(/script-src 'self' 'nonce-/);
		const api = await fetch(`${server.url}/api/v1/publications`);
		expect(api.headers.get('content-security-policy')).toBe(
			"default-src 'none'; frame-ancestors 'self'"
		);
	});
});
