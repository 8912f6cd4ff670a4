import { config } from './config.ts';
import { log } from './log.ts';
import { describeStartFailure, probeDataDir, StartFailure } from './data-dir.js';
import { checkpointAndClose, getDb, type Db } from './db/index.ts';
import * as coordinator from './db/coordinator.ts';
import * as notify from './db/notify.ts';
import * as storage from './storage/index.ts';
import { sweepOrphans } from './catalog/ingest.ts';
import * as search from './search/index.ts';
import * as pdf from './pdf/pool.ts';
import * as searchLog from './statistics/search-log.ts';
import * as mail from './mail/index.ts';
import * as importJobs from './catalog/import-jobs.ts';
import * as covers from './catalog/covers.ts';

/** Stops the cover backfill between two files (the server stops, or gives up coordinating). */
let coversStop: AbortController | null = null;
/** This leader's LISTEN connection for catalog changes (PostgreSQL). */
let listener: notify.Listener | null = null;

/**
 * The library-wide duties (db/coordinator.ts runs `take` on the one coordinator, `drop` when it
 * stops being it). `sole`: no other server uses the database, so at take-over every job left
 * running belongs to a dead process; with several servers only a stale heartbeat says so.
 */
function duties(db: Db, sole: boolean): coordinator.Duties {
	return {
		async take() {
			await importJobs.startRecovery(db, { everyRunning: sole });
			searchLog.startMaintenance(db);
			await mail.start(db);
			const stop = (coversStop = new AbortController());
			// WebP/AVIF covers for files stored before they existed (migration 0016): in the
			// background; each file is skipped once it has its rows.
			void covers.backfill(db, stop.signal).then(
				// Logged even when nothing was made: the end of start-up work others can wait for.
				(made) => log.info({ files: made }, 'cover variants backfilled'),
				(err: unknown) => log.warn({ err }, 'cover variants backfill stopped')
			);
		},
		async drop() {
			coversStop?.abort();
			importJobs.stopRecovery();
			searchLog.stopMaintenance();
			await mail.stop();
		}
	};
}

/**
 * The server process from start to stop: the start checks and recovery sweeps (`start`, from the
 * `init` hook), the requests in progress (`requestStarted`, from the request hook) and the clean
 * stop (`shutdown`).
 *
 * Stopping is split in two. The HTTP side — stop accepting connections, let requests in flight
 * finish within SHUTDOWN_TIMEOUT — belongs to whoever owns the HTTP server: scripts/start.js, or
 * adapter-node's own build/index.js. Both then emit `sveltekit:shutdown` on `process`; this
 * module listens for it and stops the application's own machinery, one logged step at a time,
 * then exits 0.
 */

/** How long `shutdown` still waits for request handlers the HTTP side had to cut off. */
const HANDLER_GRACE_MS = 5000;
/** How long a search index build may still run before its worker is terminated. */
const BUILD_GRACE_MS = 2000;

let active = 0;
let idleWaiters: (() => void)[] = [];
let stopping: Promise<void> | null = null;
/** Set when the HTTP side starts draining (scripts/start.js emits `perpustakaan:draining`). */
let draining = false;

/**
 * Marks a request as being handled; call the returned function (once) when its handler is done.
 * Shutdown waits for these before stopping the workers and closing the database, so a request
 * never loses its database half-way through.
 */
export function requestStarted(): () => void {
	active++;
	let done = false;
	return () => {
		if (done) return;
		done = true;
		if (--active === 0) for (const w of idleWaiters.splice(0)) w();
	};
}

/** Requests whose handlers are still running. */
export function inFlight(): number {
	return active;
}

/** True once shutdown has begun (readiness answers 503 from then on). */
export function isStopping(): boolean {
	return draining || stopping !== null;
}

function handlersIdle(timeoutMs: number): Promise<boolean> {
	if (active === 0) return Promise.resolve(true);
	return new Promise((resolve) => {
		const timer = setTimeout(() => {
			idleWaiters = idleWaiters.filter((w) => w !== done);
			resolve(false);
		}, timeoutMs);
		const done = () => {
			clearTimeout(timer);
			resolve(true);
		};
		idleWaiters.push(done);
	});
}

/**
 * Runs once at start, before the first request: DATA_DIR must be creatable, writable and have
 * space (a probe file is written, fsynced and removed), the database opens and migrates, what an
 * interrupted upload or import left behind is swept, the search index is loaded, and the
 * shutdown listener is installed. A failure throws a StartFailure whose message says what is
 * wrong, where and what to do (scripts/start.js logs it as one line and exits 1).
 */
export async function start(): Promise<void> {
	const dir = config.dataDir;
	try {
		void config.metricsAllow;
	} catch (err) {
		throw new StartFailure(
			`${(err as Error).message}: fix it in the environment`,
			'config',
			'METRICS_ALLOW'
		);
	}
	for (const [check, name] of [
		[() => config.smtp, 'SMTP_URL/SMTP_HOST/SMTP_PORT/SMTP_SECURE'],
		[() => config.mailIntervalSeconds, 'MAIL_INTERVAL'],
		[() => config.mailRetrySeconds, 'MAIL_RETRY_SECONDS'],
		[() => config.appSecret, 'APP_SECRET']
	] as const) {
		try {
			check();
		} catch (err) {
			throw new StartFailure(
				`${(err as Error).message}: fix it in the environment`,
				'config',
				name
			);
		}
	}
	try {
		void config.fineBlockAmount;
	} catch (err) {
		throw new StartFailure(
			`${(err as Error).message}: fix it in the environment`,
			'config',
			'FINE_BLOCK_AMOUNT'
		);
	}
	let db;
	try {
		probeDataDir(dir);
		// A shared FILES_DIR (a mount every server uses) is checked the same way, named as such:
		// a missing or read-only mount must stop the start, not fail the first upload.
		if (config.filesShared) probeDataDir(config.workDir, undefined, 'FILES_DIR');
		db = await getDb();
	} catch (err) {
		throw describeStartFailure(err, dir);
	}
	// Once per server, by the leader process (scripts/start.js starts it first and the other
	// workers only after it listens): a follower sweeping would delete the temporary file of an
	// upload another worker is receiving, and two index builders would race.
	const leader = config.serverRole === 'leader';
	const sole = coordinator.soleServer();
	// Leftovers of an upload or import interrupted by a crash: temporary files, job folders no job
	// names (on a shared FILES_DIR only old ones: another server may be receiving one right now),
	// and stored files whose database row never committed (checked under the write lock, inside
	// which every writer stores its files: sweepOrphans).
	const swept = leader ? await storage.sweepTemp() : 0;
	const orphans = leader ? await sweepOrphans(db) : 0;
	if (leader) await importJobs.sweepFolders(db);
	// Loads the persisted search index (the leader rebuilds it in a worker only if missing or
	// stale; followers load what the leader writes).
	// A web import job holds index rebuilds until it is over (one rebuild, not one per batch).
	search.deferRebuildsWhile(() => importJobs.jobRunning(db));
	await search.init({ build: leader });
	// Every server builds its own metadata index; on PostgreSQL its leader hears of another
	// server's catalog change at once (migration 0019's NOTIFY), polling is the fallback.
	if (leader) listener = notify.listen(notify.CATALOG_CHANNEL, () => void search.checkFreshness());
	// The once-per-LIBRARY duties, by one leader of all servers sharing the database (on SQLite
	// this leader; on PostgreSQL whichever holds the coordinator lock, the others take over
	// when it dies): putting back what a stopped process left half-done, before this server's
	// processes take import jobs; e-mail reminders, so no notice is sent twice; search-log
	// pruning; the cover backfill.
	if (leader) await coordinator.start(duties(db, sole));
	// Web imports: every process of every server takes queued jobs (one claim each).
	await importJobs.startRunner(db);
	process.once('perpustakaan:draining', () => coversStop?.abort());
	process.once('perpustakaan:draining', () => (draining = true));
	process.once('sveltekit:shutdown', (reason: unknown) => {
		void shutdown(String(reason)).then(
			() => process.exit(0),
			(err: unknown) => {
				log.error({ err }, 'shutdown failed');
				process.exit(1);
			}
		);
	});
	log.info({ swept, orphans, search: search.status().status }, 'ready');
}

/**
 * Stops the application once the HTTP server no longer takes requests: waits (briefly) for
 * handlers still running, stops the PDF worker pool and the search index builder, checkpoints the
 * write-ahead log into the database file and closes it. One log line per step. Safe to call more
 * than once (later calls wait for the first).
 */
export function shutdown(reason = 'shutdown'): Promise<void> {
	stopping ??= (async () => {
		const started = Date.now();
		log.info({ reason, inFlight: active }, 'shutdown: stopping the application');
		const finished = await handlersIdle(HANDLER_GRACE_MS);
		if (finished) log.info('shutdown: no request in progress');
		else log.warn({ inFlight: active }, 'shutdown: requests still running, stopping anyway');
		// First, so another server takes over the library-wide duties as soon as possible.
		await coordinator.stop();
		await listener?.close();
		await mail.stop();
		log.info('shutdown: mail sender stopped');
		await importJobs.stopRunner();
		log.info('shutdown: import jobs paused');
		const pool = pdf.stats();
		await pdf.shutdown();
		log.info({ workers: pool.workers, queued: pool.queued }, 'shutdown: PDF workers stopped');
		const { interrupted } = await search.stop(BUILD_GRACE_MS);
		log.info({ interrupted }, 'shutdown: search index builder stopped');
		const logged = await searchLog.stop();
		log.info({ logged }, 'shutdown: search log written');
		const checkpoint = await checkpointAndClose();
		log.info({ checkpoint }, 'shutdown: write-ahead log checkpointed, database closed');
		log.info({ ms: Date.now() - started }, 'shutdown: done');
	})();
	return stopping;
}
