import crypto from 'node:crypto';
import type { RequestEvent } from '@sveltejs/kit';
import { LRUCache } from 'lru-cache';
import { config } from './config.ts';
import { getDb } from './db/index.ts';
import { clock } from './clock.ts';
import { today } from './access.ts';
import { SESSION_COOKIE } from './accounts/sessions.ts';
import * as search from './search/index.ts';
import {
	compressBytes,
	MIN_BYTES,
	negotiate,
	varyOnEncoding,
	weakEtag,
	type Encoding
} from './compression.ts';

/**
 * The shared cache of what the public sees. An anonymous GET of a page (its HTML or its
 * `__data.json`) or of the public search and list API depends only on the catalog, the day (an
 * embargo lifts at the start of its date, UTC, by the server's clock), the search index this
 * process has loaded, the language and the URL — so its answer is kept in memory under exactly
 * that key and served again until one of them changes. The catalog part is `catalog_version`, a
 * counter bumped by database triggers on every catalog table (migration 0005), with
 * `circulation_version` (0015, items/loans/holds: the shelf state pages show), read once per
 * request: an edit made through any worker process, the import CLI or a restore changes the key
 * of every page at once, so no page is ever served stale after an edit.
 *
 * Never shared: anything asked with a session cookie or a bearer token (not looked up, not
 * stored — a signed-in person's page can show internal records), answers that set a cookie, and
 * anything but a 200 of HTML or JSON. Every stored answer carries a strong `ETag` derived from
 * its key, and a matching `If-None-Match` gets a 304 from any worker. Bounded by PAGE_CACHE_MB (default 64, 0 disables) in
 * bytes of body, least recently used out first; one answer larger than 2 MB is not kept.
 *
 * Compression: an entry keeps, beside its identity body, the Brotli and gzip forms it has been
 * asked for (each made once, off the event loop, and counted in the entry's size), so a cache hit
 * costs no compression. A compressed variant carries the weak form of the entry's ETag
 * (`W/"…"`: the same content, other bytes; see compression.ts) and every stored answer says
 * `Vary: Accept-Encoding`. Signed-in callers never reach this cache, compressed or not.
 */

interface Entry {
	status: number;
	headers: [string, string][];
	body: Uint8Array<ArrayBuffer>;
	etag: string;
	/** Compressed forms of `body`, made on first demand. */
	variants: Partial<Record<Encoding, Uint8Array>>;
}

/** The JSON API answers that are public and cacheable; every other /api path is left alone. */
const CACHED_API = new Set(['/api/v1/search', '/api/v1/publications']);
/**
 * Pages that are never cached (operations, session handling; the unsubscribe page shows a
 * member's setting, which no catalog version tracks).
 */
const NEVER = new Set([
	'/healthz',
	'/readyz',
	'/metrics',
	'/login',
	'/logout',
	'/lang',
	'/mail/unsubscribe',
	'/mail/unsubscribe/__data.json'
]);
/** Answers built from the search index. */
const SEARCH_PATHS = new Set(['/search', '/search/__data.json', '/api/v1/search']);
/** Pages whose load has an effect: opening the reader counts a view (reader/usage.ts). */
const EFFECTFUL = /^\/publications\/\d+\/read(\/__data\.json)?$/;
const MAX_ENTRY_BYTES = 2 * 2 ** 20;

let cache: LRUCache<string, Entry> | null | undefined;
function store(): LRUCache<string, Entry> | null {
	if (cache !== undefined) return cache;
	const mb = config.pageCacheMb;
	cache =
		mb === 0
			? null
			: new LRUCache<string, Entry>({
					maxSize: mb * 2 ** 20,
					maxEntrySize: MAX_ENTRY_BYTES,
					// Body plus a rough allowance for the key and headers.
					sizeCalculation: (e, key) =>
						e.body.byteLength +
						(e.variants.br?.byteLength ?? 0) +
						(e.variants.gzip?.byteLength ?? 0) +
						key.length +
						512
				});
	return cache;
}

/**
 * The cache key of this request, or null when it must not be served from or stored into the
 * shared cache (not an anonymous GET, or a path that is never cached).
 */
export async function cacheKey(event: RequestEvent, lang: string): Promise<string | null> {
	if (!store()) return null;
	const { request, url } = event;
	if (request.method !== 'GET') return null;
	if (request.headers.has('authorization') || event.cookies.get(SESSION_COOKIE) !== undefined)
		return null;
	const path = url.pathname;
	if (NEVER.has(path) || EFFECTFUL.test(path)) return null;
	if (path.startsWith('/api/') && !CACHED_API.has(path)) return null;
	const db = await getDb();
	// Both counters in one read: the catalog's and circulation's (migration 0015 — pages show
	// whether a copy is on the shelf now, which a checkout or return changes).
	const row = await db
		.selectFrom('catalog_version')
		.select((eb) => [
			'version',
			eb
				.selectFrom('circulation_version')
				.select('circulation_version.version')
				.where('circulation_version.id', '=', 1)
				.as('circulation')
		])
		.where('catalog_version.id', '=', 1)
		.executeTakeFirst();
	const html = (request.headers.get('accept') ?? '').includes('text/html') ? 'h' : 'o';
	// Only search answers depend on the search index this process has loaded (it lags an edit by
	// the time of a rebuild, and a follower loads the leader's new snapshot a moment later).
	const searched = SEARCH_PATHS.has(path);
	return [
		`${row?.version ?? 0}.${row?.circulation ?? 0}`,
		// Embargoes lift by date (UTC) on the server's clock (the test clock where allowed).
		today(clock()),
		searched ? (search.status().builtAt ?? '-') : '',
		lang,
		html,
		path + url.search
	].join('|');
}

/** The encoding this entry is sent with for `request`, or null for the identity body. */
function encodingFor(entry: Entry, request: Request): Encoding | null {
	if (entry.body.byteLength < MIN_BYTES) return null;
	return negotiate(request.headers.get('accept-encoding'));
}

/** The entity tag of the variant sent: the entry's own, weak for a compressed body. */
const etagOf = (entry: Entry, encoding: Encoding | null) =>
	encoding ? weakEtag(entry.etag) : entry.etag;

function notModified(entry: Entry, encoding: Encoding | null): Response {
	const headers = new Headers();
	for (const [k, v] of entry.headers) if (k === 'cache-control' || k === 'vary') headers.set(k, v);
	headers.set('etag', etagOf(entry, encoding));
	return new Response(null, { status: 304, headers });
}

const matches = (request: Request, etag: string) =>
	(request.headers.get('if-none-match') ?? '')
		.split(',')
		.some((t) => t.trim().replace(/^W\//, '') === etag);

/**
 * The entry as an answer to `request`: its identity body, or its Brotli/gzip form (made now and
 * kept if this is the first time it is asked for) when the caller accepts one.
 */
async function answer(key: string, entry: Entry, request: Request): Promise<Response> {
	const encoding = encodingFor(entry, request);
	if (matches(request, entry.etag)) return notModified(entry, encoding);
	const headers = new Headers(entry.headers);
	headers.set('etag', etagOf(entry, encoding));
	if (!encoding) return new Response(entry.body, { status: entry.status, headers });
	let body = entry.variants[encoding];
	if (!body) {
		body = await compressBytes(entry.body, encoding);
		entry.variants[encoding] = body;
		// Set again so the LRU counts the variant's bytes (a no-op if it was evicted meanwhile).
		const s = store();
		if (s?.has(key)) s.set(key, entry);
	}
	headers.set('content-encoding', encoding);
	headers.set('content-length', String(body.byteLength));
	return new Response(body as Uint8Array<ArrayBuffer>, { status: entry.status, headers });
}

/** The cached answer for `key` (a 304 when the caller already has it), or null on a miss. */
export async function lookup(key: string, request: Request): Promise<Response | null> {
	const entry = store()?.get(key);
	if (!entry) return null;
	return answer(key, entry, request);
}

/**
 * Keeps a finished answer under `key` if it is shareable (200, HTML or JSON, no cookie set, no
 * cache rule of its own other than the public API's) and returns the response to send: the
 * same content with its `ETag` (compressed when the caller accepts it), or a 304 when the
 * caller already has it.
 */
export async function remember(key: string, request: Request, response: Response) {
	const type = response.headers.get('content-type') ?? '';
	const ownRule = response.headers.get('cache-control');
	const path = new URL(request.url).pathname;
	if (
		response.status !== 200 ||
		response.headers.has('set-cookie') ||
		response.headers.has('content-encoding') ||
		!(type.startsWith('text/html') || type.startsWith('application/json')) ||
		(ownRule !== null && !CACHED_API.has(path))
	)
		return response;
	const body = new Uint8Array(await response.arrayBuffer());
	// From the key, not the body: every worker renders the same page under the same key, but
	// with its own CSP nonce, and a browser revalidating against another worker should get 304.
	const etag = `"${crypto.createHash('sha1').update(key).digest('base64url')}"`;
	const headers = new Headers(response.headers);
	headers.delete('content-length');
	headers.set('etag', etag);
	varyOnEncoding(headers);
	const entry: Entry = { status: 200, headers: [...headers], body, etag, variants: {} };
	if (body.byteLength <= MAX_ENTRY_BYTES) store()?.set(key, entry);
	return answer(key, entry, request);
}
