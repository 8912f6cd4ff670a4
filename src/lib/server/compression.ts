import { Readable } from 'node:stream';
import { pipeline } from 'node:stream';
import { promisify } from 'node:util';
import zlib from 'node:zlib';

/**
 * Compression of the server's dynamic answers (HTML pages, `__data.json`, the JSON API, XML
 * feeds, CSV) by `Accept-Encoding`: Brotli or gzip from node:zlib, in the Node server itself —
 * a reverse proxy that would do it is not guaranteed. Static build assets are not handled here:
 * adapter-node serves them precompressed (`.br`/`.gz` files written at build time) before the
 * application's hooks run.
 *
 * Never compressed: PDFs and images (already compressed; and a byte range of a compressed
 * representation would be a range of different bytes), any 206 or answer with `Content-Range`,
 * answers that already carry a `Content-Encoding`, `Cache-Control: no-transform`, bodies known
 * to be under 1 KiB, and 1xx/204/304. Every answer of a compressible type says
 * `Vary: Accept-Encoding`, compressed or not, so no shared cache hands one variant to a client
 * that asked for another.
 *
 * Entity tags: a compressed body is a different sequence of bytes from the identity body, so a
 * strong `ETag` of the identity answer would be a lie on it (RFC 9110 §8.8.1). It becomes weak
 * (`W/"…"`, as nginx does): `If-None-Match` compares weakly, so revalidation still yields 304,
 * while `If-Range` (strong comparison) can never match a compressed variant.
 */

export type Encoding = 'br' | 'gzip';

/** Bodies smaller than this are sent as they are: the headers would eat the saving. */
export const MIN_BYTES = 1024;

/** Brotli quality for dynamic answers: 5–6 is where the ratio flattens and time stays ~ms. */
const BROTLI_QUALITY = 6;
const GZIP_LEVEL = 6;

const COMPRESSIBLE_TYPE =
	/^\s*(text\/(?!event-stream)[\w.+-]+|application\/(json|xml|javascript|x-ndjson|[\w.-]+\+(json|xml)))\s*(;|$)/i;

/**
 * The encoding to answer with for an `Accept-Encoding` header: Brotli when the client accepts it
 * at least as much as gzip, else gzip, else none. q-values are honoured (`br;q=0` refuses
 * Brotli); `*` stands for any encoding not listed; no header, or only `identity`, means none.
 */
export function negotiate(header: string | null): Encoding | null {
	if (!header) return null;
	const q = new Map<string, number>();
	for (const part of header.split(',')) {
		const [name, ...params] = part.trim().toLowerCase().split(';');
		if (!name) continue;
		let weight = 1;
		for (const p of params) {
			const m = /^\s*q\s*=\s*([0-9.]+)\s*$/.exec(p);
			if (m) weight = Number(m[1]);
		}
		if (Number.isFinite(weight)) q.set(name.trim(), Math.min(1, Math.max(0, weight)));
	}
	const star = q.get('*');
	const br = q.get('br') ?? star ?? 0;
	const gzip = q.get('gzip') ?? q.get('x-gzip') ?? star ?? 0;
	if (br > 0 && br >= gzip) return 'br';
	if (gzip > 0) return 'gzip';
	return null;
}

/** True when `type` (a Content-Type value) is text worth compressing. */
export function isCompressibleType(type: string | null): boolean {
	return type !== null && COMPRESSIBLE_TYPE.test(type);
}

/** Adds `Accept-Encoding` to the `Vary` header (once; `*` already covers it). */
export function varyOnEncoding(headers: Headers): void {
	const vary = headers.get('vary');
	if (!vary) return headers.set('vary', 'Accept-Encoding');
	const names = vary.split(',').map((v) => v.trim().toLowerCase());
	if (names.includes('*') || names.includes('accept-encoding')) return;
	headers.set('vary', `${vary}, Accept-Encoding`);
}

/** The weak form of an entity tag (`"x"` → `W/"x"`; a weak one is returned as is). */
export function weakEtag(etag: string): string {
	return etag.startsWith('W/') ? etag : `W/${etag}`;
}

/** Whether this response's body may be compressed at all (whatever the client accepts). */
function eligible(response: Response): boolean {
	const { status, headers } = response;
	if (status < 200 || status === 204 || status === 206 || status === 304) return false;
	if (!response.body) return false;
	if (headers.has('content-encoding') || headers.has('content-range')) return false;
	if (!isCompressibleType(headers.get('content-type'))) return false;
	if (/(^|,)\s*no-transform\s*(,|$)/i.test(headers.get('cache-control') ?? '')) return false;
	const length = headers.get('content-length');
	if (length !== null && Number(length) < MIN_BYTES) return false;
	return true;
}

function compressor(encoding: Encoding, sizeHint?: number): zlib.BrotliCompress | zlib.Gzip {
	// Flush after every chunk written, so a streamed answer (CSV export) reaches the client as
	// it is produced instead of waiting for zlib's buffer to fill.
	if (encoding === 'br')
		return zlib.createBrotliCompress({
			flush: zlib.constants.BROTLI_OPERATION_FLUSH,
			params: {
				[zlib.constants.BROTLI_PARAM_QUALITY]: BROTLI_QUALITY,
				[zlib.constants.BROTLI_PARAM_MODE]: zlib.constants.BROTLI_MODE_TEXT,
				...(sizeHint ? { [zlib.constants.BROTLI_PARAM_SIZE_HINT]: sizeHint } : {})
			}
		});
	return zlib.createGzip({ level: GZIP_LEVEL, flush: zlib.constants.Z_SYNC_FLUSH });
}

const brotli = promisify(zlib.brotliCompress);
const gzip = promisify(zlib.gzip);

/** One whole body compressed (off the event loop, in libuv's thread pool). */
export async function compressBytes(body: Uint8Array, encoding: Encoding): Promise<Uint8Array> {
	const out =
		encoding === 'br'
			? await brotli(body, {
					params: {
						[zlib.constants.BROTLI_PARAM_QUALITY]: BROTLI_QUALITY,
						[zlib.constants.BROTLI_PARAM_MODE]: zlib.constants.BROTLI_MODE_TEXT,
						[zlib.constants.BROTLI_PARAM_SIZE_HINT]: body.byteLength
					}
				})
			: await gzip(body, { level: GZIP_LEVEL });
	return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
}

/**
 * The response to send for `request`: compressed (streaming) when the answer is eligible and the
 * client accepts Brotli or gzip, with `Content-Encoding`, no `Content-Length`, a weakened `ETag`
 * and `Vary: Accept-Encoding`; otherwise the same response, with `Vary: Accept-Encoding` added
 * when its type is compressible. Answers already encoded (the page cache's stored variants) are
 * returned untouched.
 */
export function compressResponse(request: Request, response: Response): Response {
	const type = response.headers.get('content-type');
	if (response.headers.has('content-encoding') || !isCompressibleType(type)) return response;
	const headers = new Headers(response.headers);
	varyOnEncoding(headers);
	const encoding =
		request.method === 'HEAD' ? null : negotiate(request.headers.get('accept-encoding'));
	if (!encoding || !eligible(response) || !response.body) {
		return new Response(response.body, {
			status: response.status,
			statusText: response.statusText,
			headers
		});
	}
	const length = headers.get('content-length');
	headers.delete('content-length');
	headers.set('content-encoding', encoding);
	const etag = headers.get('etag');
	if (etag) headers.set('etag', weakEtag(etag));
	const z = compressor(encoding, length ? Number(length) : undefined);
	const source = Readable.fromWeb(response.body as import('node:stream/web').ReadableStream);
	// pipeline destroys both sides on an error (a client gone, a failing producer) instead of
	// leaving an unhandled 'error' event behind.
	pipeline(source, z, () => {});
	return new Response(Readable.toWeb(z) as ReadableStream, {
		status: response.status,
		statusText: response.statusText,
		headers
	});
}
