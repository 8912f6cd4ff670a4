import { config } from '../config.ts';
import { getDb, type Db } from '../db/index.ts';
import { writeTransaction } from '../db/write.js';
import { log } from '../log.ts';

/**
 * The search log: what people search for and what finds nothing (migration 0011).
 *
 * What is recorded, per search: the normalised query, the interface language, the number of
 * results and whether the caller was signed in — never who, never an IP address.
 *
 * What counts as a search: a GET of `/search` or `/api/v1/search` with a non-empty `q`, on its
 * first page, without facet filters. Turning to page 2 or narrowing by type, year, subject,
 * series, language or access is the same search refined, not a new one, and would otherwise
 * inflate every query that has many results. Suggestions (`/api/v1/suggest`) are not searches.
 * Anonymous searches are often answered from the shared page cache without running the route,
 * so the log is written from the request hook (`observe`), which sees cached answers too; the
 * route tells it the result count through the `X-Result-Count` header, which the cache keeps.
 *
 * Cost on the search path: none of it waits for the database. Entries are buffered in memory
 * and written once a second (or at 200 entries) as one multi-row insert through the one write
 * helper, so a burst of searches costs one short write transaction, not one each. The price is
 * that a crash loses at most the last second of the log; a clean stop flushes it (`stop`).
 */

/** The header a search route sets so the hook can log cached answers too. */
export const RESULT_COUNT_HEADER = 'x-result-count';

const SEARCH_PATHS = new Set(['/search', '/search/__data.json', '/api/v1/search']);
/** Parameters that refine an earlier search rather than start a new one. */
const REFINEMENTS = [
	'type',
	'year',
	'yearFrom',
	'yearTo',
	'subject',
	'series',
	'lang',
	'access',
	'availability'
];
/** Longest query kept; longer ones are cut (the search itself refuses more than 500). */
export const MAX_QUERY_LENGTH = 200;
const FLUSH_MS = 1000;
const FLUSH_AT = 200;
/** The leader prunes the log this often (and once at start). */
const PRUNE_EVERY_MS = 3600_000;

/** One search, as logged. */
export interface SearchLogEntry {
	query: string;
	lang: string;
	results: number;
	signedIn: boolean;
	at: string;
}

let buffer: SearchLogEntry[] = [];
/** The flush writing now, if any (see `flush`). */
let writing: Promise<number> | null = null;
let flushTimer: NodeJS.Timeout | null = null;
let pruneTimer: NodeJS.Timeout | null = null;

/**
 * The form a query is counted under: Unicode NFKC (full-width and composed letters alike),
 * lower case, runs of white space as one space, trimmed, at most MAX_QUERY_LENGTH characters —
 * so "Lelang", " lelang " and "LELANG" are one query in the statistics.
 */
export function normaliseQuery(q: string): string {
	return q
		.normalize('NFKC')
		.toLocaleLowerCase('id-ID')
		.replace(/\s+/gu, ' ')
		.trim()
		.slice(0, MAX_QUERY_LENGTH);
}

/**
 * The query of a request that counts as a search (see the module comment), or null.
 * `url` is the request URL as the hook sees it.
 */
export function searchQuery(url: URL): string | null {
	if (!SEARCH_PATHS.has(url.pathname)) return null;
	const p = url.searchParams;
	const page = p.get('page');
	if (page !== null && page !== '' && page !== '1') return null;
	if (REFINEMENTS.some((name) => (p.get(name) ?? '') !== '')) return null;
	const q = normaliseQuery(p.get('q') ?? '');
	return q === '' ? null : q;
}

/**
 * Logs the search a finished request made, if it was one: called by the request hook with the
 * response (fresh or from the page cache). Never throws and never waits.
 */
export function observe(
	request: Request,
	url: URL,
	lang: string,
	signedIn: boolean,
	response: Response
): void {
	if (request.method !== 'GET' || response.status !== 200) return;
	const raw = response.headers.get(RESULT_COUNT_HEADER);
	if (raw === null || !/^\d+$/.test(raw)) return;
	const query = searchQuery(url);
	if (query === null) return;
	record({ query, lang, results: Number(raw), signedIn, at: new Date().toISOString() });
}

/** Buffers one search for the next flush. */
export function record(entry: SearchLogEntry): void {
	buffer.push(entry);
	// While a write is under way the next one waits for the timer (see `flush`).
	if (buffer.length >= FLUSH_AT && !writing) void flush();
	else flushTimer ??= setTimeout(() => void flush(), FLUSH_MS).unref();
}

/**
 * Writes the buffered searches as one insert. A failed write is logged and its entries dropped:
 * statistics are not worth a growing buffer or a retry storm while the disk is full.
 */
export async function flush(db?: Db): Promise<number> {
	// One write at a time per process: under load the buffer fills again while a write waits for
	// the write lock, and each further flush held another pooled connection while it waited (on
	// PostgreSQL the one advisory lock of all servers) — with several processes' searches
	// keeping the lock holder's event loop busy, the pool ran out and reads queued behind writes.
	// A flush asked for meanwhile waits here, without a connection, and writes what is buffered.
	while (writing) await writing.catch(() => undefined);
	if (flushTimer) clearTimeout(flushTimer);
	flushTimer = null;
	const batch = buffer;
	buffer = [];
	if (batch.length === 0) return 0;
	const done = write(db, batch);
	writing = done;
	try {
		return await done;
	} finally {
		writing = null;
	}
}

/** Writes one batch of searches (see `flush`). */
async function write(db: Db | undefined, batch: SearchLogEntry[]): Promise<number> {
	try {
		const target = db ?? (await getDb());
		await writeTransaction(target, (tx) =>
			tx
				.insertInto('search_log')
				.values(
					batch.map((e) => ({
						at: e.at,
						query: e.query,
						lang: e.lang,
						results: e.results,
						signed_in: e.signedIn ? 1 : 0
					}))
				)
				.execute()
		);
		return batch.length;
	} catch (err) {
		log.warn({ err, dropped: batch.length }, 'search log: could not write, entries dropped');
		return 0;
	}
}

/** The oldest instant kept: `months` calendar months before `now`. */
export function retentionCutoff(now: Date, months: number): string {
	const d = new Date(now);
	d.setUTCMonth(d.getUTCMonth() - months);
	return d.toISOString();
}

/** Deletes searches older than the retention (SEARCH_LOG_RETENTION_MONTHS); returns how many. */
export async function prune(
	db: Db,
	now = new Date(),
	months = config.searchLogRetentionMonths
): Promise<number> {
	const cutoff = retentionCutoff(now, months);
	const res = await writeTransaction(db, (tx) =>
		tx.deleteFrom('search_log').where('at', '<', cutoff).executeTakeFirst()
	);
	return Number(res.numDeletedRows);
}

/**
 * The coordinator's schedule (db/coordinator.ts): prune now and every hour. Other processes and
 * servers only log; one pruner per library is enough.
 */
export function startMaintenance(db: Db): void {
	const run = () =>
		prune(db).then(
			(n) => {
				if (n > 0) log.info({ pruned: n }, 'search log: old searches removed');
			},
			(err: unknown) => log.warn({ err }, 'search log: pruning failed')
		);
	void run();
	pruneTimer ??= setInterval(run, PRUNE_EVERY_MS).unref();
}

/** Stops the pruning schedule (this server is no longer the coordinator, or stops). */
export function stopMaintenance(): void {
	if (pruneTimer) clearInterval(pruneTimer);
	pruneTimer = null;
}

/** Stops the schedule and writes what is buffered (clean shutdown, before the database closes). */
export async function stop(): Promise<number> {
	stopMaintenance();
	return flush();
}
