import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyDemoData } from '../helpers/demo.ts';
import { DEMO_PASSWORD } from '../helpers/env.ts';
import { addPublication } from '../helpers/fixtures.ts';
import { Client } from '../helpers/http.ts';
import { startServer, type RunningServer } from '../helpers/server.ts';

/**
 * The shared cache of anonymous pages (lib/server/page-cache.ts) in a server of two worker
 * processes (WEB_CONCURRENCY=2): an edit is visible at once whichever worker answers, a page
 * rendered for an employee never reaches the public (nor the reverse), ETag/304 and the
 * language work, and an embargo lifts on its date by the server's clock.
 */

let server: RunningServer;
let lib: Client;
let emp: Client;
let clockFile: string;
const ROUNDS = 16;

interface Answer {
	status: number;
	headers: http.IncomingHttpHeaders;
	body: string;
}

/**
 * One GET on a new TCP connection: the cluster hands each connection to the next worker in
 * turn, so a series of these reaches every worker (fetch would keep one connection alive).
 */
function get(pathname: string, headers: Record<string, string> = {}): Promise<Answer> {
	return new Promise((resolve, reject) => {
		const req = http.get(
			`${server.url}${pathname}`,
			{ agent: false, headers: { accept: 'text/html', ...headers } },
			(res) => {
				let body = '';
				res.setEncoding('utf8');
				res.on('data', (d) => (body += d));
				res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
			}
		);
		req.on('error', reject);
	});
}

/** `ROUNDS` anonymous GETs of each path (on fresh connections, so spread over both workers). */
async function anonymous(paths: string[], headers: Record<string, string> = {}) {
	const out: Answer[] = [];
	for (let i = 0; i < ROUNDS; i++) for (const p of paths) out.push(await get(p, headers));
	return out;
}

/** The session cookie of a signed-in client, for raw GETs on fresh connections. */
const cookieOf = (c: Client) => [...c.cookies].map(([k, v]) => `${k}=${v}`).join('; ');

function setClock(iso: string) {
	fs.writeFileSync(clockFile, iso);
}

beforeAll(async () => {
	const dataDir = copyDemoData();
	clockFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'djkn-clock-')), 'now');
	setClock('2026-06-01T08:00:00Z');
	server = await startServer(dataDir, {
		WEB_CONCURRENCY: '2',
		FAKE_NOW_FILE: clockFile,
		ALLOW_FAKE_CLOCK: '1'
	});
	lib = new Client(server.url);
	emp = new Client(server.url);
	expect((await lib.login('pustakawan@perpustakaan.test', DEMO_PASSWORD)).status).toBe(200);
	expect((await emp.login('pegawai@perpustakaan.test', DEMO_PASSWORD)).status).toBe(200);
});

afterAll(async () => {
	await server?.stop();
});

describe('page cache in a two-worker server', () => {
	it('shows a catalog edit made through one worker on the very next request to any worker', async () => {
		const created = await lib.postJson('/api/v1/publications', {
			title: 'Cache Kobalt Pertama',
			type: 'report',
			status: 'published',
			access: 'public'
		});
		expect(created.status).toBe(201);
		const { id } = (await created.json()) as { id: number };
		const paths = [
			`/publications/${id}`,
			`/publications/${id}/__data.json`,
			'/catalog?q=Kobalt',
			'/api/v1/publications?q=Kobalt'
		];
		for (const a of await anonymous(paths)) {
			expect(a.status).toBe(200);
			expect(a.body).toContain('Cache Kobalt Pertama');
		}
		for (let edit = 1; edit <= 3; edit++) {
			const title = `Cache Kobalt Suntingan ${edit}`;
			const res = await lib.fetch(`/api/v1/publications/${id}`, {
				method: 'PATCH',
				headers: { 'content-type': 'application/json' },
				body: JSON.stringify({ title })
			});
			expect(res.status).toBe(200);
			for (const a of await anonymous(paths)) {
				expect(a.status).toBe(200);
				expect(a.body).toContain(title);
				expect(a.body).not.toContain('Cache Kobalt Pertama');
				if (edit > 1) expect(a.body).not.toContain(`Cache Kobalt Suntingan ${edit - 1}`);
			}
		}
		// Withdrawn: gone for the public at once.
		const res = await lib.fetch(`/api/v1/publications/${id}`, {
			method: 'PATCH',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ status: 'withdrawn' })
		});
		expect(res.status).toBe(200);
		for (const a of await anonymous([`/publications/${id}`, '/catalog?q=Kobalt']))
			expect(a.body).not.toContain('Cache Kobalt Suntingan');
	});

	it("never serves an employee's page to the public, nor the public's page to an employee", async () => {
		const title = 'Cache Rahasia Tungsten';
		const id = await addPublication(server.dataDir, {
			title,
			access: 'internal',
			file: { copyOf: 'mkn-2019-01.pdf' }
		});
		const paths = [
			'/catalog?q=Tungsten',
			'/catalog/__data.json?q=Tungsten',
			`/publications/${id}`,
			'/api/v1/publications?q=Tungsten'
		];
		// The public first: its answers are cached; the employee must still see the record.
		for (const a of await anonymous(paths)) expect(a.body).not.toContain(title);
		const cookie = cookieOf(emp);
		for (let i = 0; i < ROUNDS; i++)
			for (const p of paths) {
				const a = await get(p, { cookie });
				expect(a.status, p).toBe(200);
				expect(a.body, p).toContain(title);
				expect(a.headers['cache-control'], p).toMatch(/private/);
			}
		// Right after the employee's visits, the public still sees nothing of it.
		for (const a of await anonymous(paths)) expect(a.body).not.toContain(title);
		expect((await get(`/publications/${id}`)).status).toBe(404);
		// Nor does a bearer-token caller share the public's cache (or put its answers in it).
		const { token } = (await (
			await lib.postJson('/api/v1/tokens', { name: 'cache-test' })
		).json()) as { token: string };
		const viaToken = await get('/api/v1/publications?q=Tungsten', {
			authorization: `Bearer ${token}`
		});
		expect(viaToken.body).toContain(title);
		for (const b of await anonymous(['/api/v1/publications?q=Tungsten']))
			expect(b.body).not.toContain(title);
	});

	it('answers If-None-Match with 304 from any worker, and 200 again after an edit', async () => {
		const first = await get('/catalog?type=report');
		expect(first.status).toBe(200);
		const etag = first.headers.etag!;
		expect(etag).toMatch(/^"[\w-]+"$/);
		for (let i = 0; i < ROUNDS; i++) {
			const again = await get('/catalog?type=report', { 'if-none-match': etag });
			expect(again.status).toBe(304);
			expect(again.body).toBe('');
		}
		await addPublication(server.dataDir, { title: 'Cache Baru Sesudah ETag', file: null });
		const after = await get('/catalog?type=report', { 'if-none-match': etag });
		expect(after.status).toBe(200);
		expect(after.headers.etag).not.toBe(etag);
	});

	it('gives each language its own page', async () => {
		for (let i = 0; i < ROUNDS; i++) {
			const en = await get('/catalog', { cookie: 'lang=en' });
			const id = await get('/catalog', { cookie: 'lang=id' });
			expect(en.body).toContain('<html lang="en"');
			expect(id.body).toContain('<html lang="id"');
			expect(en.headers.etag).not.toBe(id.headers.etag);
		}
	});

	it('shows an embargoed record to the public on its date, by the server clock', async () => {
		const title = 'Cache Embargo Iridium';
		await addPublication(server.dataDir, { title, embargoUntil: '2026-06-03', file: null });
		for (const a of await anonymous(['/catalog?q=Iridium', '/api/v1/publications?q=Iridium']))
			expect(a.body).not.toContain(title);
		setClock('2026-06-02T23:59:00Z');
		for (const a of await anonymous(['/catalog?q=Iridium'])) expect(a.body).not.toContain(title);
		setClock('2026-06-03T00:00:30Z');
		for (const a of await anonymous(['/catalog?q=Iridium', '/api/v1/publications?q=Iridium']))
			expect(a.body).toContain(title);
	});
});
