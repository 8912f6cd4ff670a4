import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyDemoData } from '../helpers/demo.ts';
import { DEMO_PASSWORD } from '../helpers/env.ts';
import { Client } from '../helpers/http.ts';
import { startServer, type RunningServer } from '../helpers/server.ts';

/**
 * Cross-site request forgery: a write carrying the session cookie must prove it comes from the
 * site itself — an `Origin` equal to the site's, or (when a browser sends no Origin)
 * `Sec-Fetch-Site: same-origin`. Without either it is 403 `cross_site`, however harmless it
 * looks. Bearer-token calls carry no ambient credentials and need neither.
 */
let server: RunningServer;
let lib: Client;
let token: string;

beforeAll(async () => {
	server = await startServer(copyDemoData());
	lib = new Client(server.url, { cookie: 'lang=en' });
	expect((await lib.login('pustakawan@perpustakaan.test', DEMO_PASSWORD)).status).toBe(200);
	token = (await (await lib.postJson('/api/v1/tokens', { name: 'origin' })).json()).token;
});
afterAll(async () => {
	await server?.stop();
});

/** A raw request with exactly these headers (no helper adds an Origin). */
function raw(method: string, path: string, headers: Record<string, string>, body?: unknown) {
	return fetch(`${server.url}${path}`, {
		method,
		headers: { 'content-type': 'application/json', ...headers },
		body: body === undefined ? undefined : JSON.stringify(body),
		redirect: 'manual'
	});
}

const session = () => `lang=en; ${[...lib.cookies].map(([k, v]) => `${k}=${v}`).join('; ')}`;

describe('Origin on cookie-authenticated writes', () => {
	it('no Origin and no Sec-Fetch-Site: 403 cross_site, and nothing happens', async () => {
		for (const [method, path, body] of [
			['POST', '/api/v1/holidays', { date: '2031-01-02', name: 'Tanpa asal' }],
			['PATCH', '/api/v1/items/1', { location: 'Rak tanpa asal' }],
			['PUT', '/api/v1/publications/1/progress', { page: 1 }],
			['DELETE', '/api/v1/holidays/2026-08-17', undefined],
			['POST', '/api/v1/auth/logout', {}]
		] as const) {
			const res = await raw(method, path, { cookie: session() }, body);
			expect(res.status, `${method} ${path}`).toBe(403);
			expect((await res.json()).error, `${method} ${path}`).toEqual({
				code: 'cross_site',
				message: expect.stringMatching(/\w/)
			});
		}
		const holidays = await (await lib.fetch('/api/v1/holidays?year=2031')).json();
		expect(holidays.items).toEqual([]);
		// Still signed in: the logout above was refused.
		expect((await lib.fetch('/api/v1/me')).status).toBe(200);
	});

	it('a foreign Origin, or Origin "null", is refused too', async () => {
		for (const origin of ['https://evil.example', 'null', `${server.url}.evil.example`]) {
			const res = await raw(
				'POST',
				'/api/v1/holidays',
				{ cookie: session(), origin },
				{ date: '2031-01-03', name: 'Asal asing' }
			);
			expect(res.status, origin).toBe(403);
		}
	});

	it('the site’s own Origin, or Sec-Fetch-Site: same-origin without one, is accepted', async () => {
		const withOrigin = await raw(
			'POST',
			'/api/v1/holidays',
			{ cookie: session(), origin: server.url },
			{ date: '2031-01-06', name: 'Asal sendiri' }
		);
		expect(withOrigin.status).toBe(201);
		const sameOrigin = await raw(
			'POST',
			'/api/v1/holidays',
			{ cookie: session(), 'sec-fetch-site': 'same-origin' },
			{ date: '2031-01-07', name: 'Tanpa Origin, sama asal' }
		);
		expect(sameOrigin.status).toBe(201);
		// Same-site is not same-origin: another subdomain could be someone else's.
		const sameSite = await raw(
			'POST',
			'/api/v1/holidays',
			{ cookie: session(), 'sec-fetch-site': 'same-site' },
			{ date: '2031-01-08', name: 'Situs saudara' }
		);
		expect(sameSite.status).toBe(403);
	});

	it('bearer-token calls need no Origin', async () => {
		const res = await raw(
			'POST',
			'/api/v1/holidays',
			{ authorization: `Bearer ${token}` },
			{ date: '2031-01-09', name: 'Dengan token' }
		);
		expect(res.status).toBe(201);
		const del = await raw('DELETE', '/api/v1/holidays/2031-01-09', {
			authorization: `Bearer ${token}`
		});
		expect(del.status).toBe(204);
	});

	it('anonymous writes carry no credentials: logging in needs no Origin', async () => {
		const res = await raw(
			'POST',
			'/api/v1/auth/login',
			{},
			{ username: 'pegawai@perpustakaan.test', password: DEMO_PASSWORD }
		);
		expect(res.status).toBe(200);
	});
});
