import fs from 'node:fs';
import { Readable } from 'node:stream';
import type { ReadableFile } from './open.ts';
import {
	contentDisposition,
	ifRangeHolds,
	notModified,
	parseRange,
	type Validators
} from './ranges.ts';

/**
 * Turns a `ReadableFile` the policy already granted into an HTTP response: whole file, one byte
 * range (what pdf.js asks for to show page 1 before the rest arrives), 304 or 416. Plain Web
 * `Response`, no framework, so it is testable and the route stays a few lines.
 */

export interface ServeOptions {
	method: 'GET' | 'HEAD';
	disposition: 'inline' | 'attachment';
}

/** The strong validator of a stored file: its content hash, so it changes with the bytes only. */
export function validatorsOf(file: ReadableFile): Validators {
	return { etag: `"${file.sha256}"`, lastModified: file.lastModified };
}

/**
 * Cache policy. Every copy, shared or not, must revalidate before each use (`no-cache`): the
 * ETag makes that a cheap 304, and the access check runs first, so a record withdrawn or made
 * internal stops being served at once instead of living on in caches. `public` only when the
 * answer is the same for everyone — anyone may read the record and, for `?download=1`, anyone
 * may download it; any answer that depends on who asks is `private` and varies by credentials.
 */
export function cacheHeaders(
	file: ReadableFile,
	opts: Pick<ServeOptions, 'disposition'>
): Record<string, string> {
	const sameForAll =
		file.publiclyReadable && (opts.disposition === 'inline' || file.publiclyDownloadable);
	return sameForAll
		? { 'Cache-Control': 'public, no-cache' }
		: { 'Cache-Control': 'private, no-cache', Vary: 'Cookie, Authorization' };
}

function body(file: ReadableFile, start: number, end: number): ReadableStream {
	// Node streams the byte range straight from disk; the web stream cancels (and closes the
	// descriptor) when the client goes away mid-file.
	const stream = fs.createReadStream(file.path, { start, end, highWaterMark: 256 * 1024 });
	return Readable.toWeb(stream) as ReadableStream;
}

/** Builds the response for a GET or HEAD of a stored PDF, honouring Range and conditionals. */
export function fileResponse(request: Request, file: ReadableFile, opts: ServeOptions): Response {
	const v = validatorsOf(file);
	const headers = new Headers({
		'Accept-Ranges': 'bytes',
		ETag: v.etag,
		'Last-Modified': v.lastModified.toUTCString(),
		...cacheHeaders(file, opts)
	});
	if (notModified(request.headers, v)) return new Response(null, { status: 304, headers });

	headers.set('Content-Type', 'application/pdf');
	headers.set('Content-Disposition', contentDisposition(opts.disposition, file.title));
	const size = file.bytes;
	const range = ifRangeHolds(request.headers, v)
		? parseRange(request.headers.get('range'), size)
		: ({ kind: 'full' } as const);

	if (range.kind === 'unsatisfiable') {
		headers.set('Content-Range', `bytes */${size}`);
		headers.delete('Content-Disposition');
		headers.set('Content-Length', '0');
		return new Response(null, { status: 416, headers });
	}
	const [start, end, status] =
		range.kind === 'partial' ? [range.start, range.end, 206] : [0, size - 1, 200];
	if (status === 206) headers.set('Content-Range', `bytes ${start}-${end}/${size}`);
	headers.set('Content-Length', String(end - start + 1));
	const payload = opts.method === 'HEAD' || size === 0 ? null : body(file, start, end);
	return new Response(payload, { status, headers });
}

/**
 * True when a response hands the client the start of the file (200, 304, or a range from byte
 * 0): that is one download. Later ranges of the same download (a resumed transfer) are not.
 */
export function startsDownload(response: Response): boolean {
	if (response.status === 200 || response.status === 304) return true;
	return response.status === 206 && /^bytes 0-/.test(response.headers.get('content-range') ?? '');
}
