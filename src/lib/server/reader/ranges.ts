/**
 * HTTP byte ranges and conditional requests (RFC 9110 §13–14) for serving stored files, as pure
 * functions of the request headers and the file's validators. No I/O, no framework: the file
 * route turns the decision into a response, and unit tests can pin every edge case.
 */

/** What a `Range` header asks for, once checked against the file size. */
export type RangeRequest =
	/** No usable Range header: answer 200 with the whole file. */
	| { kind: 'full' }
	/** One satisfiable range, clipped to the file: answer 206. `end` is inclusive. */
	| { kind: 'partial'; start: number; end: number }
	/** Syntactically valid but no byte of it exists: answer 416 `bytes *\/size`. */
	| { kind: 'unsatisfiable' };

/**
 * Parses a `Range` header for a file of `size` bytes.
 *
 * - `bytes=a-b` (clipped to the end), `bytes=a-`, `bytes=-n` (the last n bytes);
 * - a malformed header, another unit, or `a > b` is ignored (RFC 9110 §14.2: a server MAY ignore
 *   a Range it cannot parse) and the whole file is sent;
 * - several ranges (`bytes=0-1,5-9`) are answered with the whole file too: the specification
 *   allows it, pdf.js never asks for them, and multipart/byteranges bodies would only add code
 *   that nobody exercises.
 */
export function parseRange(header: string | null, size: number): RangeRequest {
	if (header === null) return { kind: 'full' };
	const m = /^\s*bytes\s*=\s*(.+)$/i.exec(header);
	if (!m) return { kind: 'full' };
	const specs = m[1].split(',').map((s) => s.trim());
	if (specs.length !== 1) return { kind: 'full' };
	const spec = /^(\d*)\s*-\s*(\d*)$/.exec(specs[0]);
	if (!spec || (spec[1] === '' && spec[2] === '')) return { kind: 'full' };
	const [, first, last] = spec;
	if (first === '') {
		// Suffix range: the last n bytes. "-0" asks for nothing and cannot be satisfied.
		const n = Number(last);
		if (!Number.isSafeInteger(n)) return { kind: 'full' };
		if (n === 0 || size === 0) return { kind: 'unsatisfiable' };
		return { kind: 'partial', start: Math.max(0, size - n), end: size - 1 };
	}
	const start = Number(first);
	const end = last === '' ? Number.MAX_SAFE_INTEGER : Number(last);
	if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end)) return { kind: 'full' };
	if (end < start) return { kind: 'full' };
	if (start >= size) return { kind: 'unsatisfiable' };
	return { kind: 'partial', start, end: Math.min(end, size - 1) };
}

/** The validators of one stored representation. */
export interface Validators {
	/** A strong entity tag, quotes included: `"…"`. */
	etag: string;
	lastModified: Date;
}

/** Entity tags listed in an `If-None-Match` / `If-Match` header (weak prefixes kept). */
function listedTags(header: string): string[] {
	return header
		.split(',')
		.map((t) => t.trim())
		.filter(Boolean);
}

/** Weak comparison (If-None-Match): `W/"x"` and `"x"` match. */
function weakMatch(a: string, b: string): boolean {
	return a.replace(/^W\//, '') === b.replace(/^W\//, '');
}

/** HTTP dates have one-second precision; compare on whole seconds. */
function seconds(d: Date): number {
	return Math.floor(d.getTime() / 1000);
}

/**
 * True when a GET/HEAD may be answered 304 Not Modified. `If-None-Match` wins over
 * `If-Modified-Since` when both are sent (RFC 9110 §13.1.3).
 */
export function notModified(headers: Headers, v: Validators): boolean {
	const inm = headers.get('if-none-match');
	if (inm !== null) {
		if (inm.trim() === '*') return true;
		return listedTags(inm).some((t) => weakMatch(t, v.etag));
	}
	const ims = headers.get('if-modified-since');
	if (ims !== null) {
		const since = new Date(ims);
		if (!Number.isNaN(since.getTime())) return seconds(v.lastModified) <= seconds(since);
	}
	return false;
}

/**
 * `If-Range`: the Range applies only when the client's copy is still current. An entity tag
 * must match strongly (a weak tag never does); a date must equal Last-Modified exactly. When it
 * does not match, the whole file is sent so the client cannot splice bytes of two versions.
 */
export function ifRangeHolds(headers: Headers, v: Validators): boolean {
	const raw = headers.get('if-range');
	if (raw === null) return true;
	const value = raw.trim();
	if (value.startsWith('"') || value.startsWith('W/')) {
		return !value.startsWith('W/') && value === v.etag;
	}
	const date = new Date(value);
	return !Number.isNaN(date.getTime()) && seconds(date) === seconds(v.lastModified);
}

/** Characters RFC 5987 allows unescaped in `filename*` (attr-char); everything else is %-encoded. */
function encodeRfc5987(s: string): string {
	return encodeURIComponent(s).replace(
		/['()*]/g,
		(c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`
	);
}

/** Longest file name offered, in characters (before `.pdf`). */
const MAX_NAME = 120;

/**
 * A `Content-Disposition` header for a PDF named after `title`. The plain `filename` is a safe
 * ASCII rendering (accents folded, quotes, slashes, control and other risky characters
 * replaced), for old clients; `filename*` carries the real UTF-8 name (RFC 6266 / 5987) with
 * path separators and control characters removed, so no client can be led to write outside
 * its download folder.
 */
export function contentDisposition(kind: 'inline' | 'attachment', title: string): string {
	const cleaned = title
		.normalize('NFC')
		// eslint-disable-next-line no-control-regex
		.replace(/[\u0000-\u001f\u007f-\u009f]/g, ' ')
		.replace(/[\\/]+/g, '-')
		.replace(/\s+/g, ' ')
		.trim()
		.replace(/^\.+/, '')
		.slice(0, MAX_NAME)
		.trim();
	const base = cleaned || 'dokumen';
	const ascii =
		base
			.normalize('NFKD')
			.replace(/[\u0300-\u036f]/g, '')
			.replace(/[^A-Za-z0-9 ._()-]+/g, '_')
			.replace(/_+/g, '_')
			.replace(/\s+/g, ' ')
			.trim() || 'dokumen';
	const withExt = (s: string) => (/\.pdf$/i.test(s) ? s : `${s}.pdf`);
	return `${kind}; filename="${withExt(ascii)}"; filename*=UTF-8''${encodeRfc5987(withExt(base))}`;
}
