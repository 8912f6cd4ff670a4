import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyDemoData } from '../helpers/demo.ts';
import { DEMO_PASSWORD } from '../helpers/env.ts';
import { addPublication } from '../helpers/fixtures.ts';
import { Client } from '../helpers/http.ts';
import { startServer, type RunningServer } from '../helpers/server.ts';

/**
 * Malformed requests are the caller's mistake, never the server's: every write endpoint of the
 * API and every form action answers a broken body — invalid or truncated JSON, a wrong content
 * type, garbage or truncated multipart — with a 4xx and a clear, translated reason, never 500.
 */
let server: RunningServer;
let lib: Client;
let admin: Client;
let pub: number;

/** A request body that a client got wrong, with the content type it claimed. */
interface BadBody {
	name: string;
	type: string | null;
	body: string;
}
const BOUNDARY = '----djkn-probe';
const BAD_BODIES: BadBody[] = [
	{ name: 'invalid JSON', type: 'application/json', body: '{"title": "Laporan",' },
	{ name: 'empty JSON', type: 'application/json', body: '' },
	{ name: 'JSON array', type: 'application/json', body: '[1, 2]' },
	{ name: 'JSON null', type: 'application/json', body: 'null' },
	{ name: 'plain text', type: 'text/plain', body: 'hello' },
	{ name: 'no content type', type: null, body: 'hello' },
	{ name: 'form-urlencoded', type: 'application/x-www-form-urlencoded', body: 'title=x&%zz' },
	{
		name: 'multipart without boundary',
		type: 'multipart/form-data',
		body: 'garbage garbage garbage'
	},
	{
		name: 'garbage multipart',
		type: `multipart/form-data; boundary=${BOUNDARY}`,
		body: '\u0000\u0001 not multipart at all \r\n\r\n'
	},
	{
		name: 'truncated multipart',
		type: `multipart/form-data; boundary=${BOUNDARY}`,
		body: `--${BOUNDARY}\r\nContent-Disposition: form-data; name="title"\r\n\r\nLaporan ter`
	},
	{
		name: 'truncated multipart file',
		type: `multipart/form-data; boundary=${BOUNDARY}`,
		body: `--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="a.pdf"\r\nContent-Type: application/pdf\r\n\r\n%PDF-1.4\n%\u00e2\u00e3`
	}
];

function send(c: Client, method: string, path: string, bad: BadBody): Promise<Response> {
	const headers: Record<string, string> = { origin: server.url, cookie: 'lang=en' };
	if (bad.type) headers['content-type'] = bad.type;
	return c.fetch(path, { method, headers, body: bad.body });
}

beforeAll(async () => {
	server = await startServer(copyDemoData());
	pub = await addPublication(server.dataDir, { title: 'Masukan rusak', file: null });
	lib = new Client(server.url);
	expect((await lib.login('pustakawan@perpustakaan.test', DEMO_PASSWORD)).status).toBe(200);
	admin = new Client(server.url);
	expect((await admin.login('admin@perpustakaan.test', DEMO_PASSWORD)).status).toBe(200);
});

afterAll(async () => {
	await server?.stop();
});

describe('API write endpoints', () => {
	const WRITES: [string, () => string][] = [
		['POST', () => '/api/v1/auth/login'],
		['POST', () => '/api/v1/publications'],
		['PATCH', () => `/api/v1/publications/${pub}`],

		['PUT', () => `/api/v1/publications/${pub}/progress`],
		['POST', () => '/api/v1/items'],
		['PATCH', () => '/api/v1/items/1'],
		['POST', () => '/api/v1/loans'],
		['POST', () => '/api/v1/holds'],
		['PUT', () => '/api/v1/loan-policies'],
		['POST', () => '/api/v1/holidays'],
		['POST', () => '/api/v1/tokens'],
		['POST', () => '/staff/uploads'],
		// Last: it withdraws the record once a body is acceptable (an empty one: no reason given).
		['POST', () => `/api/v1/publications/${pub}/withdraw`]
	];
	it('answer every broken body with a 4xx JSON error, never 500', async () => {
		const report: string[] = [];
		const failures: string[] = [];
		for (const [method, path] of WRITES) {
			for (const bad of BAD_BODIES) {
				const res = await send(lib, method, path(), bad);
				const text = await res.text();
				const label = `${method} ${path()} ${bad.name}: ${res.status} ${text.slice(0, 200)}`;
				report.push(label);
				let err: { code?: unknown; message?: unknown } = {};
				try {
					err = JSON.parse(text).error ?? {};
				} catch {
					// not JSON: reported below
				}
				const ok =
					res.status >= 400 &&
					res.status < 500 &&
					typeof err.code === 'string' &&
					typeof err.message === 'string' &&
					/\w/.test(err.message);
				const optional = path().endsWith('/withdraw') && bad.name === 'empty JSON';
				if (!ok && !(optional && res.status === 200)) failures.push(label);
			}
		}
		expect(report).toHaveLength(WRITES.length * BAD_BODIES.length);
		expect(failures).toEqual([]);
	});

	it('a garbage multipart upload says what is wrong, in the reader’s language', async () => {
		const bad = BAD_BODIES.find((b) => b.name === 'truncated multipart')!;
		const en = await send(lib, 'POST', '/api/v1/publications', bad);
		expect(en.status).toBe(400);
		const { error } = await en.json();
		expect(error.code).toBe('invalid_body');
		const id = await lib.fetch('/api/v1/publications', {
			method: 'POST',
			headers: { origin: server.url, 'content-type': bad.type!, cookie: 'lang=id' },
			body: bad.body
		});
		expect((await id.json()).error.message).not.toBe(error.message);
	});
});

describe('form actions', () => {
	const ACTIONS: [string, string[]][] = [
		['/login', ['default']],
		['/account/password', ['default']],
		// (not `logoutEverywhere`: it reads no body and would end the session under test)
		['/account', ['createToken', 'revokeToken']],
		['/account/loans', ['renew', 'giveBack', 'cancelHold']],
		['/staff/circulation', ['scan', 'renew', 'checkin']],
		['/staff/circulation/settings', ['savePolicy', 'addHoliday', 'removeHoliday']],
		['/staff/publications/new', ['default']],
		['/admin/accounts', ['create']]
	];

	it('?/default and unknown action names are 404, like any unknown action', async () => {
		const failures: string[] = [];
		for (const [page] of ACTIONS) {
			for (const name of ['default', 'nope']) {
				const c = page.startsWith('/admin') ? admin : lib;
				const res = await c.postForm(`${page}?/${name}`, { x: '1' });
				await res.text();
				if (res.status !== 404) failures.push(`${page}?/${name}: ${res.status}`);
			}
		}
		const anon = new Client(server.url);
		const login = await anon.postForm('/login?/default', {
			username: 'pegawai@perpustakaan.test',
			password: DEMO_PASSWORD
		});
		await login.text();
		expect(login.status).toBe(404);
		expect(failures).toEqual([]);
	});

	it('a broken body to a real action is a 4xx, never 500', async () => {
		const report: string[] = [];
		const failures: string[] = [];
		for (const [page, names] of ACTIONS) {
			for (const name of names) {
				// `default` actions are posted to the page itself.
				const path = name === 'default' ? page : `${page}?/${name}`;
				for (const bad of BAD_BODIES) {
					const c = page.startsWith('/admin') ? admin : lib;
					const res = await c.fetch(path, {
						method: 'POST',
						headers: {
							origin: server.url,
							accept: 'text/html',
							...(bad.type ? { 'content-type': bad.type } : {})
						},
						body: bad.body
					});
					await res.text();
					const label = `${path} ${bad.name}: ${res.status}`;
					report.push(label);
					if (res.status >= 500) failures.push(label);
				}
			}
		}
		expect(report.length).toBeGreaterThan(100);
		expect(failures).toEqual([]);
	});
});
