import http from 'node:http';
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyDemoData } from '../helpers/demo.ts';
import { DEMO_PASSWORD } from '../helpers/env.ts';
import { publicationIdOf } from '../helpers/db.ts';
import { Client } from '../helpers/http.ts';
import { startServer, type RunningServer } from '../helpers/server.ts';

/**
 * Compression of dynamic answers by Accept-Encoding (lib/server/compression.ts and the page
 * cache's stored variants), as a caller sees it on the wire: Brotli or gzip when asked for, the
 * same bytes once decoded, nothing when not asked for, `Vary: Accept-Encoding`, weak ETags on
 * compressed variants with 304 on revalidation — and never on a PDF or a byte range, whose
 * strong ETags and 206 answers stay as they were. A compressed public page from the shared cache
 * never reaches a signed-in member.
 */

let server: RunningServer;
let pdfPath: string;

interface Raw {
	status: number;
	headers: http.IncomingHttpHeaders;
	/** The body as sent (still encoded). */
	bytes: Buffer;
}

/** A GET with exactly these headers, on a fresh connection, without decoding anything. */
function get(pathname: string, headers: Record<string, string> = {}): Promise<Raw> {
	return new Promise((resolve, reject) => {
		const req = http.get(`${server.url}${pathname}`, { agent: false, headers }, (res) => {
			const chunks: Buffer[] = [];
			res.on('data', (d: Buffer) => chunks.push(d));
			res.on('end', () =>
				resolve({ status: res.statusCode ?? 0, headers: res.headers, bytes: Buffer.concat(chunks) })
			);
		});
		req.on('error', reject);
	});
}

function decode(r: Raw): string {
	const enc = r.headers['content-encoding'];
	if (enc === 'br') return zlib.brotliDecompressSync(r.bytes).toString('utf8');
	if (enc === 'gzip') return zlib.gunzipSync(r.bytes).toString('utf8');
	return r.bytes.toString('utf8');
}

const vary = (r: Raw) => String(r.headers.vary ?? '').toLowerCase();
const HTML = { accept: 'text/html' };

beforeAll(async () => {
	server = await startServer(copyDemoData());
	const list = (await (await fetch(`${server.url}/api/v1/publications?pageSize=50`)).json()) as {
		items: { id: number; hasFile: boolean; downloadable: boolean }[];
	};
	const withFile = list.items.find((p) => p.hasFile && p.downloadable);
	if (!withFile) throw new Error('demo catalog has no public record with a file');
	pdfPath = `/api/v1/publications/${withFile.id}/file`;
});

afterAll(async () => {
	await server?.stop();
});

describe('dynamic answers are compressed by Accept-Encoding', () => {
	it('sends Brotli, gzip or nothing, as asked, with the same page once decoded', async () => {
		const plain = await get('/', HTML);
		expect(plain.status).toBe(200);
		expect(plain.headers['content-encoding']).toBeUndefined();
		expect(vary(plain)).toContain('accept-encoding');

		const br = await get('/', { ...HTML, 'accept-encoding': 'gzip, deflate, br' });
		expect(br.headers['content-encoding']).toBe('br');
		expect(vary(br)).toContain('accept-encoding');
		expect(br.bytes.length).toBeLessThan(plain.bytes.length / 2);

		const gz = await get('/', { ...HTML, 'accept-encoding': 'gzip' });
		expect(gz.headers['content-encoding']).toBe('gzip');

		// The public home page comes from the shared cache: every variant is the same document.
		expect(decode(br)).toBe(plain.bytes.toString('utf8'));
		expect(decode(gz)).toBe(plain.bytes.toString('utf8'));

		const identity = await get('/', { ...HTML, 'accept-encoding': 'identity' });
		expect(identity.headers['content-encoding']).toBeUndefined();
		const refused = await get('/', { ...HTML, 'accept-encoding': 'br;q=0, gzip;q=0' });
		expect(refused.headers['content-encoding']).toBeUndefined();
		const noBrotli = await get('/', { ...HTML, 'accept-encoding': 'br;q=0, gzip' });
		expect(noBrotli.headers['content-encoding']).toBe('gzip');
	});

	it('compresses JSON, the page data and pages that are not cached', async () => {
		const api = await get('/api/v1/publications', { 'accept-encoding': 'br' });
		expect(api.status).toBe(200);
		expect(api.headers['content-encoding']).toBe('br');
		expect(JSON.parse(decode(api)).items.length).toBeGreaterThan(0);

		const data = await get('/catalog/__data.json', { 'accept-encoding': 'gzip' });
		expect(data.headers['content-encoding']).toBe('gzip');
		expect(JSON.parse(decode(data)).type).toBe('data');

		// The login page is never cached: compressed on the fly.
		const login = await get('/login', { ...HTML, 'accept-encoding': 'gzip' });
		expect(login.status).toBe(200);
		expect(login.headers['content-encoding']).toBe('gzip');
		expect(decode(login)).toContain('<form');
	});

	it('leaves tiny answers alone', async () => {
		const health = await get('/healthz', { 'accept-encoding': 'br, gzip' });
		expect(health.status).toBe(200);
		expect(health.headers['content-encoding']).toBeUndefined();
	});
});

describe('entity tags of compressed variants', () => {
	it('weakens the tag of a compressed variant and still answers 304 on revalidation', async () => {
		const plain = await get('/catalog', HTML);
		const strong = String(plain.headers.etag);
		expect(strong).toMatch(/^"[^"]+"$/);
		const br = await get('/catalog', { ...HTML, 'accept-encoding': 'br' });
		expect(br.headers.etag).toBe(`W/${strong}`);

		const again = await get('/catalog', {
			...HTML,
			'accept-encoding': 'br',
			'if-none-match': String(br.headers.etag)
		});
		expect(again.status).toBe(304);
		expect(again.headers.etag).toBe(`W/${strong}`);
		expect(vary(again)).toContain('accept-encoding');
		expect(again.bytes.length).toBe(0);

		const identity = await get('/catalog', { ...HTML, 'if-none-match': strong });
		expect(identity.status).toBe(304);
		expect(identity.headers.etag).toBe(strong);
	});
});

describe('files and ranges are never compressed', () => {
	it('sends the PDF as it is, with its strong ETag, whole or by range', async () => {
		const whole = await get(pdfPath, { 'accept-encoding': 'br, gzip' });
		expect(whole.status).toBe(200);
		expect(whole.headers['content-type']).toBe('application/pdf');
		expect(whole.headers['content-encoding']).toBeUndefined();
		expect(String(whole.headers.etag)).toMatch(/^"[^"]+"$/);
		expect(Number(whole.headers['content-length'])).toBe(whole.bytes.length);
		expect(whole.bytes.subarray(0, 5).toString('latin1')).toBe('%PDF-');

		const part = await get(pdfPath, { 'accept-encoding': 'br, gzip', range: 'bytes=0-1023' });
		expect(part.status).toBe(206);
		expect(part.headers['content-encoding']).toBeUndefined();
		expect(part.headers['content-range']).toBe(`bytes 0-1023/${whole.bytes.length}`);
		expect(part.bytes.equals(whole.bytes.subarray(0, 1024))).toBe(true);
		expect(part.headers.etag).toBe(whole.headers.etag);

		const tail = await get(pdfPath, { 'accept-encoding': 'gzip', range: 'bytes=-512' });
		expect(tail.status).toBe(206);
		expect(tail.headers['content-encoding']).toBeUndefined();
		expect(tail.bytes.equals(whole.bytes.subarray(whole.bytes.length - 512))).toBe(true);
	});

	it('sends cover images uncompressed', async () => {
		const list = (await (await fetch(`${server.url}/api/v1/publications`)).json()) as {
			items: { cover: string | null }[];
		};
		const cover = list.items.find((p) => p.cover)?.cover;
		expect(cover).toBeTruthy();
		const img = await get(cover!, { 'accept-encoding': 'br, gzip' });
		expect(img.status).toBe(200);
		expect(img.headers['content-type']).toBe('image/png');
		expect(img.headers['content-encoding']).toBeUndefined();
	});
});

describe('the cache never mixes viewers', () => {
	it('never serves a compressed public page to a signed-in member', async () => {
		// Fill the shared cache with the public home page, in both encodings.
		const pub = await get('/', { ...HTML, 'accept-encoding': 'br' });
		await get('/', { ...HTML, 'accept-encoding': 'gzip' });
		expect(pub.headers['content-encoding']).toBe('br');
		expect(decode(pub)).not.toContain('Pegawai');

		const member = new Client(server.url);
		const login = await member.postJson('/api/v1/auth/login', {
			username: 'pegawai@perpustakaan.test',
			password: DEMO_PASSWORD
		});
		expect(login.status).toBe(200);
		const cookie = [...member.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
		for (const encoding of ['br', 'gzip']) {
			const mine = await get('/', { ...HTML, 'accept-encoding': encoding, cookie });
			expect(mine.status).toBe(200);
			expect(mine.headers['content-encoding']).toBe(encoding);
			expect(mine.headers['cache-control']).toBe('private, no-store');
			// SvelteKit's own tag of the member's page (weak once compressed), never the cache's.
			expect(mine.headers.etag).not.toBe(pub.headers.etag);
			const html = decode(mine);
			// The member's own header (their account menu), not the public page.
			expect(html).toContain('/logout');
			expect(html).not.toBe(decode(pub));
		}
	});
});

describe('cover renderings', () => {
	it('serves WebP and AVIF renderings of a public cover, each with its own tag', async () => {
		const list = (await (await fetch(`${server.url}/api/v1/publications?pageSize=50`)).json()) as {
			items: {
				cover: string | null;
				coverImage: { width: number; height: number; formats: string[]; widths: number[] } | null;
			}[];
		};
		const pub = list.items.find((p) => p.coverImage);
		expect(pub?.coverImage).toMatchObject({
			width: 320,
			formats: ['avif', 'webp'],
			widths: [160, 320]
		});
		const png = await get(pub!.cover!);
		const tags = new Set([png.headers.etag]);
		for (const [f, type, magic] of [
			['webp', 'image/webp', 'WEBP'],
			['avif', 'image/avif', 'ftyp']
		] as const) {
			for (const w of [160, 320]) {
				const img = await get(`${pub!.cover}&f=${f}&w=${w}`, { 'accept-encoding': 'br' });
				expect(img.status).toBe(200);
				expect(img.headers['content-type']).toBe(type);
				expect(img.headers['content-encoding']).toBeUndefined();
				expect(img.bytes.subarray(0, 16).toString('latin1')).toContain(magic);
				expect(img.bytes.length).toBeLessThan(png.bytes.length);
				tags.add(img.headers.etag);
			}
		}
		expect(tags.size).toBe(5);
		expect((await get(`${pub!.cover}&f=webp&w=999`)).status).toBe(404);
		expect((await get(`${pub!.cover}&f=gif`)).status).toBe(400);
	});

	it('answers a rendering of a cover the caller may not see like a missing one', async () => {
		const internal = await publicationIdOf(
			server.dataDir,
			`access = 'internal' and status = 'published' and id in (select publication_id from files where is_current = 1 and thumbnail_key is not null)`
		);
		for (const q of ['', '?f=webp&w=160', '?f=avif&w=320'])
			expect((await get(`/publications/${internal}/cover${q}`)).status).toBe(404);
		expect((await get(`/publications/999999/cover?f=webp&w=160`)).status).toBe(404);
	});
});
