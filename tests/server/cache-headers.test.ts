import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyDemoData } from '../helpers/demo.ts';
import { DEMO_PASSWORD } from '../helpers/env.ts';
import { addPublication } from '../helpers/fixtures.ts';
import { Client } from '../helpers/http.ts';
import { startServer, type RunningServer } from '../helpers/server.ts';

/**
 * What caches may keep. An answer that depends on who asks is `private` (browsers only, never a
 * shared cache); what is the same for everyone is `public` but revalidated with its ETag on
 * every use, so a record withdrawn or made internal stops being served at once; pages and data
 * for signed-in people are `private, no-store`.
 */
let server: RunningServer;
let anon: Client;
let emp: Client;
let lib: Client;
/** A public record anyone may read and download. */
let openId: number;
/** A public record that is "read online only". */
let lockedId: number;
/** A public draft: staff only. */
let draftId: number;
/** An internal record: employees and staff. */
let internalId: number;

const cc = (res: Response) => res.headers.get('cache-control') ?? '';
const vary = (res: Response) => (res.headers.get('vary') ?? '').toLowerCase();

beforeAll(async () => {
	const dataDir = copyDemoData();
	openId = await addPublication(dataDir, {
		title: 'Cache terbuka',
		file: { copyOf: 'mkn-2019-01.pdf' }
	});
	lockedId = await addPublication(dataDir, {
		title: 'Cache baca saja',
		downloadable: 0,
		file: { copyOf: 'mkn-2019-01.pdf' }
	});
	draftId = await addPublication(dataDir, {
		title: 'Cache draf',
		status: 'draft',
		file: { copyOf: 'mkn-2019-01.pdf' }
	});
	internalId = await addPublication(dataDir, {
		title: 'Cache internal',
		access: 'internal',
		file: { copyOf: 'mkn-2019-01.pdf' }
	});
	server = await startServer(dataDir);
	anon = new Client(server.url);
	emp = new Client(server.url);
	lib = new Client(server.url);
	expect((await emp.login('pegawai@perpustakaan.test', DEMO_PASSWORD)).status).toBe(200);
	expect((await lib.login('pustakawan@perpustakaan.test', DEMO_PASSWORD)).status).toBe(200);
});

afterAll(async () => {
	await server?.stop();
});

describe('files', () => {
	it('a public file is shared-cacheable only with revalidation (no hour-long max-age)', async () => {
		const res = await anon.fetch(`/api/v1/publications/${openId}/file`);
		expect(res.status).toBe(200);
		await res.arrayBuffer();
		expect(cc(res)).toMatch(/^public\b/);
		expect(cc(res)).toMatch(/\bno-cache\b|\bmax-age=0\b.*must-revalidate/);
		expect(cc(res)).not.toMatch(/max-age=[1-9]/);
		const etag = res.headers.get('etag')!;
		expect(etag).toMatch(/^"[0-9a-f]{64}"$/);
		const again = await anon.fetch(`/api/v1/publications/${openId}/file`, {
			headers: { 'if-none-match': etag }
		});
		expect(again.status).toBe(304);
	});

	it('a record made internal is refused on the next revalidation, not served from cache', async () => {
		const id = await addPublication(server.dataDir, {
			title: 'Cache jadi internal',
			file: { copyOf: 'mkn-2019-01.pdf' }
		});
		const first = await anon.fetch(`/api/v1/publications/${id}/file`);
		await first.arrayBuffer();
		const patch = await lib.fetch(`/api/v1/publications/${id}`, {
			method: 'PATCH',
			headers: { 'content-type': 'application/json', origin: server.url },
			body: JSON.stringify({ access: 'internal' })
		});
		expect(patch.status).toBe(200);
		const revalidate = await anon.fetch(`/api/v1/publications/${id}/file`, {
			headers: { 'if-none-match': first.headers.get('etag')! }
		});
		expect(revalidate.status).toBe(404);
		expect(cc(revalidate)).toBe('no-store');
	});

	it("a librarian's download of a read-online-only record is private", async () => {
		const res = await lib.fetch(`/api/v1/publications/${lockedId}/file?download=1`);
		expect(res.status).toBe(200);
		await res.arrayBuffer();
		expect(cc(res)).toMatch(/^private\b/);
		expect(cc(res)).not.toContain('public');
		// The same record read inline is the same for everyone: public, revalidated.
		const inline = await anon.fetch(`/api/v1/publications/${lockedId}/file`);
		await inline.arrayBuffer();
		expect(cc(inline)).toMatch(/^public\b/);
	});

	it('files of records not everyone may read are private', async () => {
		for (const [c, id] of [
			[lib, draftId],
			[emp, internalId]
		] as const) {
			const res = await c.fetch(`/api/v1/publications/${id}/file`);
			expect(res.status).toBe(200);
			await res.arrayBuffer();
			expect(cc(res), String(id)).toMatch(/^private\b/);
		}
	});
});

describe('covers', () => {
	it('a public cover revalidates with its ETag (304); a draft cover is private', async () => {
		const res = await anon.fetch(`/publications/${openId}/cover`);
		expect(res.status).toBe(200);
		await res.arrayBuffer();
		expect(cc(res)).toMatch(/^public\b/);
		expect(cc(res)).not.toMatch(/max-age=[1-9]/);
		const etag = res.headers.get('etag')!;
		const again = await anon.fetch(`/publications/${openId}/cover`, {
			headers: { 'if-none-match': etag }
		});
		expect(again.status).toBe(304);
		// A draft whose access level says "public" is still staff-only: never public.
		const draft = await lib.fetch(`/publications/${draftId}/cover`);
		expect(draft.status).toBe(200);
		await draft.arrayBuffer();
		expect(cc(draft)).toMatch(/^private\b/);
	});
});

describe('pages and JSON', () => {
	it('pages for signed-in people are private, no-store', async () => {
		for (const path of ['/', '/catalog', `/publications/${openId}`, '/account/loans']) {
			const res = await emp.fetch(path, { headers: { accept: 'text/html' } });
			expect(res.status, path).toBe(200);
			await res.text();
			expect(cc(res), path).toBe('private, no-store');
		}
		const internal = await emp.fetch(`/publications/${internalId}`, {
			headers: { accept: 'text/html' }
		});
		expect(internal.status).toBe(200);
		expect(cc(internal)).toBe('private, no-store');
		const staff = await lib.fetch(`/publications/${draftId}`, { headers: { accept: 'text/html' } });
		expect(cc(staff)).toBe('private, no-store');
		// Client-side navigation data too.
		const data = await emp.fetch('/account/loans/__data.json');
		expect(data.status).toBe(200);
		expect(cc(data)).toBe('private, no-store');
	});

	it('personal JSON is private: circulation lists, me, tokens', async () => {
		for (const path of ['/api/v1/holds', '/api/v1/loans', '/api/v1/me', '/api/v1/loan-policies']) {
			const c = path === '/api/v1/loan-policies' ? lib : emp;
			const res = await c.fetch(path);
			expect(res.status, path).toBe(200);
			await res.text();
			expect(cc(res), path).toMatch(/^private\b|^no-store$/);
		}
		// Answers that differ by caller but are cacheable by the browser say so with Vary.
		const list = await emp.fetch('/api/v1/publications');
		await list.text();
		expect(cc(list)).toMatch(/^private\b/);
		expect(vary(list)).toContain('cookie');
		expect(vary(list)).toContain('authorization');
	});
});
