import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openLibraryDb } from '../helpers/db.ts';
import { copyDemoData } from '../helpers/demo.ts';
import { DEMO_PASSWORD, ROOT } from '../helpers/env.ts';
import { addPublication, idByFileName, storedBytes, usageCount } from '../helpers/fixtures.ts';
import { Client } from '../helpers/http.ts';
import { startServer, type RunningServer } from '../helpers/server.ts';

/**
 * `GET|HEAD /api/v1/publications/{id}/file` against the real built server: byte ranges,
 * validators and caching, the access matrix (including download rights), reading progress and
 * view/download counting.
 */

/** A person's browser, as far as usage counting is concerned. */
const BROWSER_UA =
	'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0 Safari/537.36';

let server: RunningServer;
let dataDir: string;
const clients = {} as Record<'anonymous' | 'employee' | 'librarian', Client>;
/** mkn-2019-01: public, published, 7 pages. */
let publicId: number;
let bytes: Buffer;
const ACCESS = ['public', 'internal', 'restricted'] as const;
const matrix: { id: number; access: (typeof ACCESS)[number]; downloadable: 0 | 1 }[] = [];
let oddTitleId: number;
let noFileId: number;
let missingFileId: number;
let missingInternalId: number;
/** Records only the usage tests read and count. */
let usageId: number;
let usageLockedId: number;
let fileUrl: string;

beforeAll(async () => {
	dataDir = copyDemoData();
	publicId = await idByFileName(dataDir, 'mkn-2019-01.pdf');
	bytes = await storedBytes(dataDir, publicId);
	for (const access of ACCESS) {
		for (const downloadable of [1, 0] as const) {
			const id = await addPublication(dataDir, {
				title: `Matriks berkas ${access} ${downloadable}`,
				access,
				downloadable,
				file: { copyOf: 'mkn-2019-01.pdf' }
			});
			matrix.push({ id, access, downloadable });
		}
	}
	oddTitleId = await addPublication(dataDir, {
		title: 'Laporan "Aset" 2024/2025 \\ Ñusantara — naïve\r\n资产;=x',
		file: { copyOf: 'mkn-2019-01.pdf' }
	});
	noFileId = await addPublication(dataDir, { title: 'Koleksi fisik saja', file: null });
	missingFileId = await addPublication(dataDir, { title: 'Berkas hilang', file: 'missing' });
	missingInternalId = await addPublication(dataDir, {
		title: 'Berkas internal hilang',
		access: 'internal',
		file: 'missing'
	});
	usageId = await addPublication(dataDir, {
		title: 'Statistik pemakaian',
		file: { copyOf: 'mkn-2019-01.pdf' }
	});
	usageLockedId = await addPublication(dataDir, {
		title: 'Statistik pemakaian terkunci',
		downloadable: 0,
		file: { copyOf: 'mkn-2019-01.pdf' }
	});
	server = await startServer(dataDir);
	fileUrl = `/api/v1/publications/${publicId}/file`;
	clients.anonymous = new Client(server.url, { 'user-agent': BROWSER_UA });
	for (const [role, user] of [
		['employee', 'pegawai@perpustakaan.test'],
		['librarian', 'pustakawan@perpustakaan.test']
	] as const) {
		clients[role] = new Client(server.url, { 'user-agent': BROWSER_UA });
		expect((await clients[role].login(user, DEMO_PASSWORD)).status).toBe(200);
	}
});

afterAll(async () => {
	await server?.stop();
});

const body = async (res: Response) => Buffer.from(await res.arrayBuffer());
const get = (url: string, headers: Record<string, string> = {}) =>
	clients.anonymous.fetch(url, { headers });

describe('serving the file', () => {
	it('GET returns the stored bytes with the right headers', async () => {
		const res = await get(fileUrl);
		expect(res.status).toBe(200);
		expect(res.headers.get('content-type')).toBe('application/pdf');
		expect(res.headers.get('accept-ranges')).toBe('bytes');
		expect(res.headers.get('content-length')).toBe(String(bytes.length));
		expect(res.headers.get('etag')).toMatch(/^"[0-9a-f]{64}"$/);
		expect(new Date(res.headers.get('last-modified')!).getTime()).not.toBeNaN();
		expect(res.headers.get('cache-control')).toBe('public, no-cache');
		expect(res.headers.get('content-disposition')).toMatch(/^inline; filename="[^"]+\.pdf"/);
		expect(res.headers.get('content-security-policy')).toContain("default-src 'none'");
		expect((await body(res)).equals(bytes)).toBe(true);
	});

	it.each([
		['bytes=0-99', 0, 99],
		['bytes=100-', 100, -1],
		['bytes=-50', -50, -1],
		['bytes=5000-999999999', 5000, -1]
	])('Range %s → 206 with exactly those bytes', async (range, from, to) => {
		const start = from < 0 ? bytes.length + from : from;
		const end = to < 0 ? bytes.length - 1 : to;
		const res = await get(fileUrl, { range });
		expect(res.status).toBe(206);
		expect(res.headers.get('content-range')).toBe(`bytes ${start}-${end}/${bytes.length}`);
		expect(res.headers.get('content-length')).toBe(String(end - start + 1));
		expect((await body(res)).equals(bytes.subarray(start, end + 1))).toBe(true);
	});

	it('an unsatisfiable range is 416 with bytes */size; odd ranges fall back to 200', async () => {
		for (const range of [
			`bytes=${bytes.length}-`,
			`bytes=${bytes.length + 10}-${bytes.length + 20}`,
			'bytes=-0'
		]) {
			const res = await get(fileUrl, { range });
			expect(res.status, range).toBe(416);
			expect(res.headers.get('content-range')).toBe(`bytes */${bytes.length}`);
			expect((await body(res)).length).toBe(0);
		}
		// Multi-range requests are answered with the whole file (allowed by RFC 9110), as are
		// malformed or inverted ranges and other units.
		for (const range of ['bytes=0-1,5-9', 'bytes=9-1', 'pages=1-2', 'bytes=abc']) {
			const res = await get(fileUrl, { range });
			expect(res.status, range).toBe(200);
			expect((await body(res)).length).toBe(bytes.length);
		}
	});

	it('ETag / If-None-Match and If-Modified-Since answer 304 without a body', async () => {
		const first = await get(fileUrl);
		await first.arrayBuffer();
		const etag = first.headers.get('etag')!;
		const lastModified = first.headers.get('last-modified')!;
		for (const headers of [
			{ 'if-none-match': etag },
			{ 'if-none-match': `"nope", W/${etag}` },
			{ 'if-none-match': '*' },
			{ 'if-modified-since': lastModified }
		] as Record<string, string>[]) {
			const res = await get(fileUrl, headers);
			expect(res.status, JSON.stringify(headers)).toBe(304);
			expect(res.headers.get('etag')).toBe(etag);
			expect((await body(res)).length).toBe(0);
		}
		const changed = await get(fileUrl, { 'if-none-match': '"other"' });
		expect(changed.status).toBe(200);
		await changed.arrayBuffer();
		const old = await get(fileUrl, { 'if-modified-since': 'Mon, 01 Jan 2001 00:00:00 GMT' });
		expect(old.status).toBe(200);
		await old.arrayBuffer();
	});

	it('If-Range applies the range only while the validator still matches', async () => {
		const head = await clients.anonymous.fetch(fileUrl, { method: 'HEAD' });
		const etag = head.headers.get('etag')!;
		const lastModified = head.headers.get('last-modified')!;
		const ok = await get(fileUrl, { range: 'bytes=0-9', 'if-range': etag });
		expect(ok.status).toBe(206);
		expect((await body(ok)).equals(bytes.subarray(0, 10))).toBe(true);
		const byDate = await get(fileUrl, { range: 'bytes=0-9', 'if-range': lastModified });
		expect(byDate.status).toBe(206);
		await byDate.arrayBuffer();
		for (const ifRange of ['"stale"', `W/${etag}`, 'Mon, 01 Jan 2001 00:00:00 GMT']) {
			const res = await get(fileUrl, { range: 'bytes=0-9', 'if-range': ifRange });
			expect(res.status, ifRange).toBe(200);
			expect((await body(res)).equals(bytes)).toBe(true);
		}
	});

	it('HEAD answers the headers of GET without a body and counts nothing', async () => {
		const before = await usageCount(dataDir, publicId, 'download');
		const res = await clients.anonymous.fetch(`${fileUrl}?download=1`, { method: 'HEAD' });
		expect(res.status).toBe(200);
		expect(res.headers.get('content-length')).toBe(String(bytes.length));
		expect(res.headers.get('accept-ranges')).toBe('bytes');
		expect(res.headers.get('content-disposition')).toMatch(/^attachment;/);
		expect((await body(res)).length).toBe(0);
		const ranged = await clients.anonymous.fetch(fileUrl, {
			method: 'HEAD',
			headers: { range: 'bytes=0-9' }
		});
		expect(ranged.status).toBe(206);
		expect(ranged.headers.get('content-range')).toBe(`bytes 0-9/${bytes.length}`);
		expect(await usageCount(dataDir, publicId, 'download')).toBe(before);
	});

	it('Content-Disposition is safe for titles with quotes, slashes, control and non-ASCII characters', async () => {
		const inline = await get(`/api/v1/publications/${oddTitleId}/file`);
		await inline.arrayBuffer();
		const cd = inline.headers.get('content-disposition')!;
		const ascii = /filename="([^"]*)"/.exec(cd)![1];
		// Plain ASCII, no quote, slash, backslash, semicolon or control character.
		expect(ascii).toMatch(/^[A-Za-z0-9 ._()-]+\.pdf$/);
		expect(ascii).toContain('Nusantara');
		expect(ascii).toContain('naive');
		const star = /filename\*=UTF-8''(\S+)$/.exec(cd)![1];
		expect(star).toMatch(/^[A-Za-z0-9!#$&+.^_`|~%-]+$/);
		const decoded = decodeURIComponent(star);
		expect(decoded).toContain('Ñusantara');
		expect(decoded).toContain('资产');
		expect(decoded).toContain('"Aset"');
		expect(decoded).not.toMatch(/[\\/\r\n]/);
		expect(decoded.endsWith('.pdf')).toBe(true);
		const download = await get(`/api/v1/publications/${oddTitleId}/file?download=1`);
		await download.arrayBuffer();
		expect(download.headers.get('content-disposition')).toBe(cd.replace(/^inline/, 'attachment'));
	});

	it('a record without a file, or whose file is gone, is 404 with a reason for those who may see it', async () => {
		const none = await get(`/api/v1/publications/${noFileId}/file`);
		expect(none.status).toBe(404);
		expect((await none.json()).error.code).toBe('no_file');
		const missing = await get(`/api/v1/publications/${missingFileId}/file`);
		expect(missing.status).toBe(404);
		expect((await missing.json()).error.code).toBe('file_missing');
		// The policy comes first: the public learns nothing about an internal record's file.
		const hidden = await get(`/api/v1/publications/${missingInternalId}/file`);
		expect(hidden.status).toBe(404);
		expect((await hidden.json()).error.code).toBe('not_found');
		const staff = await clients.employee.fetch(`/api/v1/publications/${missingInternalId}/file`);
		expect((await staff.json()).error.code).toBe('file_missing');
	});
});

describe('access matrix', () => {
	/** Written out independently of src/lib/server/access.ts. */
	const maySee = (role: keyof typeof clients, access: string) =>
		role === 'librarian' || access === 'public' || (role === 'employee' && access === 'internal');
	const mayDownload = (role: keyof typeof clients, access: string, downloadable: number) =>
		maySee(role, access) && (role === 'librarian' || downloadable === 1);

	for (const role of ['anonymous', 'employee', 'librarian'] as const) {
		it(`${role}: inline file and ?download=1 follow the policy`, async () => {
			const c = clients[role];
			for (const f of matrix) {
				const label = `${role} ${f.access} downloadable=${f.downloadable}`;
				const inline = await c.fetch(`/api/v1/publications/${f.id}/file`);
				const download = await c.fetch(`/api/v1/publications/${f.id}/file?download=1`);
				const head = await c.fetch(`/api/v1/publications/${f.id}/file`, { method: 'HEAD' });
				const inlineBody = await body(inline);
				const downloadBody = await body(download);
				if (!maySee(role, f.access)) {
					for (const [res, b] of [
						[inline, inlineBody],
						[download, downloadBody]
					] as const) {
						expect(res.status, label).toBe(404);
						expect(res.headers.get('content-type'), label).toMatch(/json/);
						expect(b.includes(Buffer.from('%PDF')), label).toBe(false);
						expect(b.toString(), label).not.toContain('Matriks');
						expect(JSON.parse(b.toString()).error.code, label).toBe('not_found');
					}
					expect(head.status, label).toBe(404);
					continue;
				}
				expect(inline.status, label).toBe(200);
				expect(inlineBody.equals(bytes), label).toBe(true);
				expect(head.status, label).toBe(200);
				// Only what the public may read may sit in shared caches, and always revalidated.
				expect(inline.headers.get('cache-control'), label).toBe(
					f.access === 'public' ? 'public, no-cache' : 'private, no-cache'
				);
				if (mayDownload(role, f.access, f.downloadable)) {
					expect(download.status, label).toBe(200);
					expect(download.headers.get('content-disposition'), label).toMatch(/^attachment;/);
					expect(downloadBody.equals(bytes), label).toBe(true);
				} else {
					expect(download.status, label).toBe(403);
					expect(JSON.parse(downloadBody.toString()).error.code, label).toBe(
						'download_not_allowed'
					);
					expect(download.headers.get('cache-control'), label).toBe('no-store');
				}
			}
		});
	}

	it('the detail page offers download only when allowed, and "read online only" otherwise', async () => {
		const html = async (c: Client, id: number) =>
			(await c.fetch(`/publications/${id}`, { headers: { accept: 'text/html' } })).text();
		const open = matrix.find((f) => f.access === 'public' && f.downloadable === 1)!;
		const locked = matrix.find((f) => f.access === 'public' && f.downloadable === 0)!;
		expect(await html(clients.anonymous, open.id)).toContain('data-testid="download-link"');
		const anonLocked = await html(clients.anonymous, locked.id);
		expect(anonLocked).not.toContain('data-testid="download-link"');
		expect(anonLocked).toContain('data-testid="read-online-only"');
		expect(anonLocked).toContain(`href="/publications/${locked.id}/read"`);
		expect(await html(clients.librarian, locked.id)).toContain('data-testid="download-link"');
	});
});

describe('reading progress', () => {
	const url = () => `/api/v1/publications/${publicId}/progress`;
	const put = (c: Client, payload: unknown, headers: Record<string, string> = {}) =>
		c.fetch(url(), {
			method: 'PUT',
			headers: { 'content-type': 'application/json', origin: server.url, ...headers },
			body: typeof payload === 'string' ? payload : JSON.stringify(payload)
		});

	it('saves a valid page for a logged-in reader and offers to continue there', async () => {
		const res = await put(clients.employee, { page: 4 });
		expect(res.status).toBe(200);
		expect(await res.json()).toEqual({ page: 4, pages: 7 });
		expect(await (await clients.employee.fetch(url())).json()).toEqual({ page: 4 });
		const detail = await (
			await clients.employee.fetch(`/publications/${publicId}`, {
				headers: { accept: 'text/html' }
			})
		).text();
		expect(detail).toContain(`/publications/${publicId}/read#page=4`);
		expect(detail).toMatch(/Lanjutkan membaca \(halaman 4\)/);
		const account = await (
			await clients.employee.fetch('/account', { headers: { accept: 'text/html' } })
		).text();
		expect(account).toContain('data-testid="recently-read"');
		expect(account).toContain(`/publications/${publicId}/read#page=4`);
	});

	it('validates the page and the caller', async () => {
		for (const page of [0, 8, -1, 2.5, '3', null, 1e9]) {
			const res = await put(clients.employee, { page });
			expect(res.status, String(page)).toBe(400);
			const err = (await res.json()).error;
			expect(err.code).toBe('invalid');
			expect(err.message).toContain('7');
			expect(err.fields.page).not.toContain('{');
		}
		expect((await put(clients.employee, {})).status).toBe(400);
		expect((await put(clients.employee, '{not json')).status).toBe(400);
		expect(
			(
				await clients.employee.fetch(url(), {
					method: 'PUT',
					headers: { 'content-type': 'text/plain', origin: server.url },
					body: '{"page":2}'
				})
			).status
		).toBe(415);
		// Anonymous readers have no server-side progress.
		const anon = await put(clients.anonymous, { page: 2 });
		expect(anon.status).toBe(401);
		// A record the reader may not read is 404, like everywhere else.
		const restricted = matrix.find((f) => f.access === 'restricted')!;
		const hidden = await clients.employee.fetch(`/api/v1/publications/${restricted.id}/progress`, {
			method: 'PUT',
			headers: { 'content-type': 'application/json', origin: server.url },
			body: JSON.stringify({ page: 1 })
		});
		expect(hidden.status).toBe(404);
		// Another site cannot move a member's bookmark (CSRF).
		expect(
			(await put(clients.employee, { page: 2 }, { origin: 'https://evil.example' })).status
		).toBe(403);
		expect(await (await clients.employee.fetch(url())).json()).toEqual({ page: 4 });
	});
});

describe('usage counting', () => {
	const read = (c: Client, id: number, ua = BROWSER_UA) =>
		c.fetch(`/publications/${id}/read`, { headers: { accept: 'text/html', 'user-agent': ua } });

	/** Moves every counted event of a publication back in time, as if `seconds` had passed. */
	async function age(id: number, seconds: number): Promise<void> {
		const db = openLibraryDb(dataDir);
		try {
			const rows = (await db.all(
				'select id, at from usage_events where publication_id = ?',
				id
			)) as { id: number; at: string }[];
			for (const r of rows)
				await db.run(
					'update usage_events set at = ? where id = ?',
					new Date(Date.parse(r.at) - seconds * 1000).toISOString(),
					r.id
				);
		} finally {
			await db.close();
		}
	}

	it('a view is counted once per visitor within 30 seconds, robots never', async () => {
		const id = usageId;
		expect(await usageCount(dataDir, id, 'view')).toBe(0);
		expect((await read(clients.anonymous, id)).status).toBe(200);
		expect(await usageCount(dataDir, id, 'view')).toBe(1);
		// Reload and double click within 30 s: still one.
		await Promise.all([read(clients.anonymous, id), read(clients.anonymous, id)]);
		expect(await usageCount(dataDir, id, 'view')).toBe(1);
		// Range requests pdf.js makes while reading are not views.
		await (await get(`/api/v1/publications/${id}/file`, { range: 'bytes=0-99' })).arrayBuffer();
		await (await get(`/api/v1/publications/${id}/file`)).arrayBuffer();
		expect(await usageCount(dataDir, id, 'view')).toBe(1);
		// Robots and tools are not readers.
		for (const ua of [
			'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)',
			'curl/8.5.0',
			'Wget/1.21',
			'python-requests/2.31',
			'Mozilla/5.0 (compatible; AhrefsCrawler)',
			''
		]) {
			await read(new Client(server.url), id, ua);
		}
		expect(await usageCount(dataDir, id, 'view')).toBe(1);
		// Headless Chromium renders like a person's browser and is counted (see usage.ts).
		await read(
			new Client(server.url),
			id,
			'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/156.0 Safari/537.36'
		);
		expect(await usageCount(dataDir, id, 'view')).toBe(2);
		// A logged-in member is another visitor.
		await read(clients.employee, id);
		expect(await usageCount(dataDir, id, 'view')).toBe(3);
		// After 30 seconds the same visitor counts again.
		await age(id, 31);
		await read(clients.anonymous, id);
		await read(clients.employee, id);
		expect(await usageCount(dataDir, id, 'view')).toBe(5);
		// The detail page shows the figure in the reader's language.
		const detail = await (
			await clients.anonymous.fetch(`/publications/${id}`, { headers: { accept: 'text/html' } })
		).text();
		expect(detail).toContain('dilihat 5 kali');
	});

	it('a download is ?download=1, counted once per visitor within 30 seconds', async () => {
		const id = usageId;
		const dl = (headers: Record<string, string> = {}) =>
			get(`/api/v1/publications/${id}/file?download=1`, headers).then((r) => r.arrayBuffer());
		expect(await usageCount(dataDir, id, 'download')).toBe(0);
		await dl();
		await dl();
		expect(await usageCount(dataDir, id, 'download')).toBe(1);
		// Resuming a download (a later range) is not another download; inline reading is none.
		await age(id, 31);
		await dl({ range: 'bytes=100-' });
		await (await get(`/api/v1/publications/${id}/file`)).arrayBuffer();
		expect(await usageCount(dataDir, id, 'download')).toBe(0 + 1);
		await dl({ range: 'bytes=0-' });
		expect(await usageCount(dataDir, id, 'download')).toBe(2);
		// Refused downloads count nothing.
		const locked = usageLockedId;
		await (await get(`/api/v1/publications/${locked}/file?download=1`)).arrayBuffer();
		expect(await usageCount(dataDir, locked, 'download')).toBe(0);
		const en = await (
			await new Client(server.url, { cookie: 'lang=en' }).fetch(`/publications/${id}`, {
				headers: { accept: 'text/html' }
			})
		).text();
		expect(en).toContain('downloaded 2 times');
	});

	it('an anonymous visitor on an internal record gets the login prompt, not a view', async () => {
		const internal = matrix.find((f) => f.access === 'internal')!.id;
		const res = await read(clients.anonymous, internal);
		expect(res.status).toBe(200);
		const html = await res.text();
		expect(html).toContain('data-testid="reader-login"');
		expect(html).toContain(`href="/login?redirectTo=/publications/${internal}/read"`);
		expect(html).not.toContain('Matriks');
		// Indistinguishable from an id that does not exist.
		const none = await (await read(clients.anonymous, 999999)).text();
		expect(none).toContain('data-testid="reader-login"');
		expect(await usageCount(dataDir, internal, 'view')).toBe(0);
		// A logged-in member who may not see it gets 404.
		const restricted = matrix.find((f) => f.access === 'restricted')!.id;
		expect((await read(clients.employee, restricted)).status).toBe(404);
	});
});

describe('pdf.js data files', () => {
	const version = (
		JSON.parse(
			fs.readFileSync(path.join(ROOT, 'node_modules/pdfjs-dist/package.json'), 'utf8')
		) as { version: string }
	).version;

	it('serves CMaps, standard fonts and decoders of the installed pdf.js, immutably', async () => {
		for (const [file, type] of [
			['standard_fonts/FoxitSerif.pfb', 'application/octet-stream'],
			['standard_fonts/LiberationSans-Regular.ttf', 'font/ttf'],
			['cmaps/UniJIS-UTF16-H.bcmap', 'application/octet-stream'],
			['wasm/openjpeg.wasm', 'application/wasm']
		]) {
			const res = await get(`/pdfjs/${version}/${file}`);
			expect(res.status, file).toBe(200);
			expect(res.headers.get('content-type'), file).toBe(type);
			expect(res.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
			const served = await body(res);
			expect(
				served.equals(fs.readFileSync(path.join(ROOT, 'node_modules/pdfjs-dist', file))),
				file
			).toBe(true);
		}
	});

	it('serves nothing off the allow-list', async () => {
		for (const url of [
			`/pdfjs/0.0.1/standard_fonts/FoxitSerif.pfb`,
			`/pdfjs/${version}/standard_fonts/LICENSE_FOXIT`,
			`/pdfjs/${version}/cmaps/LICENSE`,
			`/pdfjs/${version}/build/pdf.mjs`,
			`/pdfjs/${version}/cmaps/..%2Fpackage.json`,
			`/pdfjs/${version}/cmaps/%2E%2E%2F%2E%2E%2Fpackage.json`,
			`/pdfjs/${version}/standard_fonts/nope.pfb`
		]) {
			const res = await get(url);
			expect(res.status, url).toBe(404);
			await res.arrayBuffer();
		}
	});
});
