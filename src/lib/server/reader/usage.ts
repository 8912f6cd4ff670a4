import crypto from 'node:crypto';
import { writeTransaction } from '../db/write.js';
import type { Db } from '../db/index.ts';

/**
 * Usage figures per publication: views (someone opened the reader) and downloads
 * (`?download=1`), stored one row per counted event in `usage_events`.
 *
 * Counting rules:
 * - **Once per visitor per 30 seconds** and kind: a double click, a reload or a second tab
 *   within `REPEAT_WINDOW_SECONDS` of the last *counted* event of the same visitor adds
 *   nothing. The check and the insert run in one transaction, so two simultaneous requests
 *   cannot both count.
 * - **Visitor**: `u:<user id>` for a logged-in member; for anonymous readers `a:` plus a keyed
 *   hash (HMAC-SHA-256) of IP address and user agent. The key is random per server start and
 *   never stored, so the table holds no address and the hashes cannot be reversed by trying
 *   every IPv4 address; the only cost is that a restart forgets who was seen in the last 30 s.
 * - **Robots are not counted**: user agents matching `ROBOT_PATTERN` (crawlers, spiders,
 *   monitoring bots, command-line HTTP tools and scripting libraries), and requests with no
 *   user agent at all, which browsers always send.
 * - **Headless Chromium is counted.** It renders the document exactly like a person's browser,
 *   our own browser tests drive one and must see their views counted, and scripted repeat
 *   opening is already bounded by the 30-second rule. Excluding it would also be easy to evade
 *   (one header) while silently hiding real rendering traffic.
 *
 * Where a view is counted: in the read page's server load, which runs when a reader is opened
 * (server render or client navigation) and never for range requests pdf.js makes afterwards.
 * Links to the reader turn off SvelteKit's hover preloading (`data-sveltekit-preload-data="off"`),
 * so a mouse passing over a link does not count as a view.
 */

export type UsageKind = 'view' | 'download';

/** A repeat by the same visitor within this many seconds counts once. */
export const REPEAT_WINDOW_SECONDS = 30;

/** User agents that are not people reading. Matched case-insensitively anywhere in the string. */
export const ROBOT_PATTERN =
	/bot|crawler|spider|slurp|curl|wget|python-requests|python-urllib|aiohttp|httpx|go-http-client|java\/|okhttp|libwww|scrapy|facebookexternalhit/i;

// Shared by the worker processes of one server (scripts/start.js hands its own random key to
// each through the environment, never to disk), so a visitor is the same one whichever worker
// answers; a single process makes its own.
const VISITOR_KEY = /^[0-9a-f]{64}$/.test(process.env.PERPUSTAKAAN_VISITOR_KEY ?? '')
	? Buffer.from(process.env.PERPUSTAKAAN_VISITOR_KEY!, 'hex')
	: crypto.randomBytes(32);

/** True for user agents that are not counted (robots, tools, or none at all). */
export function isRobot(userAgent: string | null | undefined): boolean {
	if (!userAgent || !userAgent.trim()) return true;
	return ROBOT_PATTERN.test(userAgent);
}

/** Who counts as "the same visitor" for the repeat window. */
export function visitorKey(
	userId: number | null,
	ip: string,
	userAgent: string | null | undefined
): string {
	if (userId !== null) return `u:${userId}`;
	const mac = crypto
		.createHmac('sha256', VISITOR_KEY)
		.update(`${ip}\n${userAgent ?? ''}`)
		.digest('hex');
	return `a:${mac.slice(0, 32)}`;
}

/** One request that may count as a view or download. */
export interface UsageHit {
	publicationId: number;
	kind: UsageKind;
	userId: number | null;
	ip: string;
	userAgent: string | null;
}

/**
 * Counts a view or download unless it comes from a robot or repeats the same visitor's counted
 * event within `REPEAT_WINDOW_SECONDS`. Returns whether it was counted.
 */
export async function record(db: Db, hit: UsageHit, now = new Date()): Promise<boolean> {
	if (isRobot(hit.userAgent)) return false;
	const visitor = visitorKey(hit.userId, hit.ip, hit.userAgent);
	const since = new Date(now.getTime() - REPEAT_WINDOW_SECONDS * 1000).toISOString();
	return writeTransaction(db, async (tx) => {
		const recent = await tx
			.selectFrom('usage_events')
			.select('id')
			.where('publication_id', '=', hit.publicationId)
			.where('kind', '=', hit.kind)
			.where('visitor', '=', visitor)
			.where('at', '>', since)
			.executeTakeFirst();
		if (recent) return false;
		await tx
			.insertInto('usage_events')
			.values({
				publication_id: hit.publicationId,
				kind: hit.kind,
				user_id: hit.userId,
				visitor,
				at: now.toISOString()
			})
			.execute();
		return true;
	});
}

/** Views and downloads counted for one publication. */
export interface UsageCounts {
	views: number;
	downloads: number;
}

/** The counted views and downloads of a publication (served by the `usage_events` index). */
export async function counts(db: Db, publicationId: number): Promise<UsageCounts> {
	const rows = await db
		.selectFrom('usage_events')
		.select(['kind', (eb) => eb.fn.countAll<number>().as('n')])
		.where('publication_id', '=', publicationId)
		.groupBy('kind')
		.execute();
	const by = new Map(rows.map((r) => [r.kind, Number(r.n)]));
	return { views: by.get('view') ?? 0, downloads: by.get('download') ?? 0 };
}
