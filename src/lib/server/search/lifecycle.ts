import fs from 'node:fs';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import lunr from 'lunr';
import { config } from '../config.ts';
import { appRoot } from '../paths.ts';
import { log } from '../log.ts';
import { sql } from 'kysely';
import { getDb } from '../db/index.ts';
import { databaseUrl } from '../db/dialect.ts';
import { INDEX_FORMAT } from './build.js';
import { FINGERPRINT_SQL, fingerprintOf } from './source.js';
import { configuredTextEngine, type TextEngine } from './text-engine.ts';
import * as events from '../events.ts';

/**
 * The search indexes' life: the Lunr metadata index is derived data, built from the database in
 * a worker thread (which also brings the text engine's tables up to date — FTS5, or PostgreSQL's
 * tsvector tables —, only for records that changed), persisted to DATA_DIR/search/index.json, loaded at start, and rebuilt off the
 * request path when the catalog changes (a cheap fingerprint — record count, last update, last
 * file — is checked every CHECK_INTERVAL_MS and after in-process changes). Queries are answered
 * from the previous index until the new one is swapped in. In a server of several processes only
 * the leader builds; the others load each snapshot it writes.
 */

/** How often the catalog fingerprint is compared with the index's (a change is searchable within ~2× this plus build time). */
export const CHECK_INTERVAL_MS = 2000;

/**
 * The long-text engine every query uses: SQLite FTS5, or PostgreSQL's tsvector tables when
 * DATABASE_URL is set (text-engine.ts, text-engine-pg.ts).
 */
export const engine: TextEngine = configuredTextEngine();

interface State {
	index: lunr.Index | null;
	fingerprint: string | null;
	builtAt: string | null;
	docs: number;
	building: boolean;
	pending: boolean;
	lastBuildMs: number | null;
	error: string | null;
}

const state: State = {
	index: null,
	fingerprint: null,
	builtAt: null,
	docs: 0,
	building: false,
	pending: false,
	lastBuildMs: null,
	error: null
};
let timer: NodeJS.Timeout | undefined;
/** The builder worker while a build runs (server shutdown terminates it). */
let builder: Worker | null = null;
/** Set by `stop`: no build starts any more. */
let stopped = false;
const waiters: (() => void)[] = [];

function snapshotFile(): string {
	return path.join(config.dataDir, 'search', 'index.json');
}

/** Index state for /healthz and the librarian dashboard. */
export function status() {
	return {
		status: state.index
			? state.building
				? 'rebuilding'
				: 'ready'
			: state.building
				? 'building'
				: 'not_built',
		docs: state.docs,
		builtAt: state.builtAt,
		lastBuildMs: state.lastBuildMs,
		error: state.error
	};
}

/** Loads a snapshot if it is readable and of the current format; null when corrupt or old. */
function loadSnapshot(): {
	index: lunr.Index;
	fingerprint: string;
	builtAt: string;
	docs: number;
} | null {
	try {
		const raw = JSON.parse(fs.readFileSync(snapshotFile(), 'utf8')) as {
			format: number;
			fingerprint: string;
			builtAt: string;
			docs: number;
			index: object;
		};
		if (raw.format !== INDEX_FORMAT) return null;
		return {
			index: lunr.Index.load(raw.index),
			fingerprint: raw.fingerprint,
			builtAt: raw.builtAt,
			docs: raw.docs
		};
	} catch {
		return null;
	}
}

/**
 * Whether this process builds the index. In a server of several processes (scripts/start.js)
 * only the leader does; the others load each snapshot it writes (see `followSnapshot`).
 */
let builds = true;
/** The modification time of the snapshot a follower loaded last. */
let snapshotMtime = 0;

/** Follower: loads the snapshot again when the leader has written a new one. */
async function followSnapshot(): Promise<void> {
	try {
		const mtime = fs.statSync(snapshotFile(), { throwIfNoEntry: false })?.mtimeMs ?? 0;
		if (mtime === snapshotMtime) return;
		const loaded = loadSnapshot();
		if (!loaded) return;
		snapshotMtime = mtime;
		await engine.reload();
		adopt(loaded);
	} catch (err) {
		state.error = String(err);
	}
}

/** Serves queries from a snapshot just loaded (built here, or by the leader process). */
function adopt(loaded: NonNullable<ReturnType<typeof loadSnapshot>>): void {
	Object.assign(state, {
		index: loaded.index,
		fingerprint: loaded.fingerprint,
		builtAt: loaded.builtAt,
		docs: loaded.docs,
		error: null
	});
}

/** Starts a rebuild in a worker thread (or queues one if a build is running). */
export function rebuild(): void {
	if (stopped || !builds) return;
	if (state.building) {
		state.pending = true;
		return;
	}
	state.building = true;
	/** Swapping the new indexes in, once the worker is done. */
	let finishing: Promise<void> = Promise.resolve();
	const worker = (builder = new Worker(
		path.join(appRoot(), 'src/lib/server/search/builder-worker.js'),
		{
			workerData: {
				databaseFile: config.databaseFile,
				databaseUrl: databaseUrl(),
				snapshotFile: snapshotFile()
			}
		}
	));
	worker.on(
		'message',
		(m: {
			type: string;
			docs?: number;
			ms?: number;
			message?: string;
			added?: string[] | null;
		}) => {
			if (m.type === 'done') {
				// New terms join the vocabulary; after a bulk change it is read again whole. Terms of
				// removed texts may linger: they only cost a lookup that finds nothing. The build
				// counts as running until both indexes are swapped in (`idle()` waits for that).
				finishing = (m.added ? engine.learn(m.added) : engine.reload()).then(
					() => {
						const loaded = loadSnapshot();
						if (loaded) {
							adopt(loaded);
							state.lastBuildMs = m.ms ?? null;
							log.info({ docs: m.docs, ms: m.ms }, 'search index rebuilt');
						}
					},
					(err: unknown) => {
						state.error = String(err);
						log.error({ err }, 'search index reload failed');
					}
				);
			} else if (m.type === 'error') {
				state.error = m.message ?? 'unknown';
				log.error({ err: m.message }, 'search index build failed');
			}
		}
	);
	worker.on('error', (err) => {
		state.error = String(err);
		log.error({ err }, 'search index worker crashed');
	});
	worker.on('exit', async () => {
		await finishing;
		state.building = false;
		builder = null;
		for (const w of waiters.splice(0)) w();
		if (state.pending && !stopped) {
			state.pending = false;
			rebuild();
		}
	});
}

/** Resolves when no build is running (tests, reindex CLI). */
export function idle(): Promise<void> {
	return state.building ? new Promise((r) => waiters.push(r)) : Promise.resolve();
}

/** A freshness check in progress (checks are asynchronous; one at a time). */
let checking: Promise<void> | null = null;
/** Asked for again while a check ran: it may have read the fingerprint before the change. */
let again = false;

/**
 * Compares the catalog fingerprint with the index's and rebuilds when they differ. Resolves once
 * the check is done (a rebuild it starts runs on: `idle()` waits for it).
 */
export function checkFreshness(): Promise<void> {
	if (checking) {
		again = true;
		return checking;
	}
	checking = (async () => {
		do {
			again = false;
			await check();
		} while (again);
	})().finally(() => (checking = null));
	return checking;
}

async function check(): Promise<void> {
	if (!builds) return followSnapshot();
	if (state.building) return;
	try {
		if (await deferWhile?.()) return;
		const { rows } = await sql
			.raw<{ n: number; updated: string | null; files: number | null }>(FINGERPRINT_SQL)
			.execute(await getDb());
		if (fingerprintOf(rows[0], databaseUrl() ? 'postgres' : 'sqlite') !== state.fingerprint)
			rebuild();
	} catch (err) {
		state.error = String(err);
	}
}

let deferWhile: (() => boolean | Promise<boolean>) | null = null;

/**
 * Holds rebuilds while `busy()` says a bulk write is in progress (a web import job, in any
 * process): rebuilding after each of its batches would compete with it for the write lock and
 * the CPU. The periodic freshness check rebuilds once, when it is over.
 */
export function deferRebuildsWhile(busy: () => boolean | Promise<boolean>): void {
	deferWhile = busy;
}

/**
 * Loads the persisted index (no rebuild on a normal start), detects a missing, corrupt or
 * stale snapshot and rebuilds it in the background, and starts watching for changes. With
 * `build: false` (a follower process) it never builds: it loads each snapshot the leader writes.
 */
export async function init(options: { build?: boolean } = {}): Promise<void> {
	builds = options.build ?? true;
	if (builds) {
		await engine.reload();
		const loaded = loadSnapshot();
		if (loaded) adopt(loaded);
	}
	void checkFreshness();
	if (!timer) {
		timer = setInterval(() => void checkFreshness(), CHECK_INTERVAL_MS);
		timer.unref();
		events.onCatalogChanged(notifyChange);
	}
}

/**
 * Server shutdown: no more freshness checks or rebuilds; a build in progress gets `graceMs` to
 * finish, then its worker is terminated (its text updates are short transactions, which SQLite
 * rolls back if cut — PostgreSQL too, when the terminated thread's connection closes —, and the snapshot is written then renamed, so nothing is left half-done: the
 * next start sees the catalog changed and builds again). Closes the text engine's connection.
 * Returns whether a build had to be cut short.
 */
export async function stop(graceMs = 2000): Promise<{ interrupted: boolean }> {
	stopped = true;
	if (timer) clearInterval(timer);
	timer = undefined;
	state.pending = false;
	let interrupted = false;
	const running = builder;
	if (running) {
		const finished = idle().then(() => true);
		const late = new Promise<false>((r) => setTimeout(() => r(false), graceMs).unref());
		if (!(await Promise.race([finished, late]))) {
			interrupted = true;
			await running.terminate();
		}
	}
	engine.close();
	return { interrupted };
}

/** Called after an in-process catalog change: check at once instead of at the next tick. */
function notifyChange(): void {
	if (timer) setImmediate(() => void checkFreshness());
}

/** The metadata index queries run against (null until the first snapshot is loaded). */
export function currentIndex(): lunr.Index | null {
	return state.index;
}
