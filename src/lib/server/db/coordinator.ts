// The library-wide coordinator (issue #16, "many servers, one library"). Some work must run once
// per library, not once per server: the recovery sweeps of jobs and mail a dead process left
// half-done, the mail loop, search-log pruning, the cover backfill, the periodic recovery of
// stale import jobs. On one SQLite file there is one server, and its leader process (the first
// worker of scripts/start.js) is the coordinator. On PostgreSQL several servers share the
// database, and each server has a leader: exactly one of them may coordinate.
//
// How: the leader of every server tries `pg_try_advisory_lock(COORDINATOR_KEY)` on a DEDICATED
// connection (not the pool's: a session lock belongs to one connection, and the pool hands its
// connections out and closes idle ones). The lock is a session lock, held as long as that
// connection lives; PostgreSQL releases it when the connection ends — a clean stop, a crash or a
// kill of the process closes the socket, a vanished machine is found out by TCP keepalives (set
// short on this connection). The others try again every RETRY_MS and take the duties over when
// they get the lock; only then do they run the start-recovery sweeps, so a sweep never meets a
// live holder's work.
//
// Never two holders: while it holds the lock, a server checks its lock connection every
// RETRY_MS (`select 1`, bounded by PROBE_TIMEOUT_MS). A connection that errors, ends or does not
// answer makes it give the duties up at once (the mail loop stops, its round finished), close
// that connection and go back to trying — PostgreSQL cannot keep its lock for a connection that
// is gone, and another server cannot have it while that connection lives. What remains is the
// short window in which PostgreSQL has already dropped a dead connection's lock and the old holder
// has not yet noticed: at most RETRY_MS + PROBE_TIMEOUT_MS. The duties tolerate it: mail is
// at-least-once by design (mail/outbox.ts), the import-job recovery acts only on jobs whose
// heartbeat is a minute old, pruning and the backfill are idempotent.
import pg from 'pg';
import { log } from '../log.ts';
import { databaseUrl } from './dialect.ts';

/** The advisory-lock key of "the library's coordinator" (db/write.js's write lock is …016). */
export const COORDINATOR_KEY = 7_316_042_017;
/** How often a non-holder tries for the lock, and a holder checks its lock connection. */
export const RETRY_MS = 3000;
/** A holder's lock connection that does not answer `select 1` within this is taken for dead. */
const PROBE_TIMEOUT_MS = 5000;

/** What the coordinator runs: `take` when this server becomes coordinator, `drop` when it stops. */
export interface Duties {
	take(): Promise<void>;
	drop(): Promise<void>;
}

let coordinating = false;
let duties: Duties | null = null;
let client: pg.Client | null = null;
let timer: NodeJS.Timeout | null = null;
let stopped = true;
/** Taking and dropping the duties, one after the other (a loss during `take` waits for it). */
let transitions: Promise<void> = Promise.resolve();

/**
 * Whether this process runs the library-wide duties now (/readyz and /metrics may show it): the
 * leader on SQLite; on PostgreSQL the one leader, of all servers, that holds the lock.
 */
export function isCoordinator(): boolean {
	return coordinating;
}

/**
 * Whether this server is the only one on its database — SQLite: one server per file. Then the
 * coordinator's start may treat everything a previous run left "running" as interrupted, and
 * the orphan sweep may remove a fresh file. On PostgreSQL another live server may own such work.
 */
export function soleServer(): boolean {
	return databaseUrl() === null;
}

/**
 * Starts coordinating (a server's leader process, once, at start; lifecycle.ts). SQLite: this
 * process becomes the coordinator at once and `duties.take()` is awaited (a failure fails the
 * start, as the sweeps always did). PostgreSQL: one attempt for the lock is awaited — a server
 * that gets it has run its start sweeps before it serves — then attempts repeat every RETRY_MS
 * in the background (unref'd: they never keep a process alive).
 */
export async function start(what: Duties): Promise<void> {
	duties = what;
	stopped = false;
	const url = databaseUrl();
	if (!url) {
		await become('the only server on this database');
		return;
	}
	await tick(url);
}

/**
 * Stops coordinating (server shutdown): the duties are dropped (the mail round in progress
 * finishes) and the lock connection closed, so another server takes over on its next attempt.
 */
export async function stop(): Promise<void> {
	stopped = true;
	if (timer) clearTimeout(timer);
	timer = null;
	await resign('the server is stopping');
	const c = client;
	client = null;
	if (c) await endQuietly(c);
}

/** One attempt: connect if needed, then try for the lock (or, holding it, check the connection). */
async function tick(url: string): Promise<void> {
	timer = null;
	if (stopped) return;
	try {
		const c = (client ??= await connect(url));
		if (coordinating) {
			await query(c, 'select 1');
		} else {
			const { rows } = await query(c, `select pg_try_advisory_lock(${COORDINATOR_KEY}) as got`);
			if (rows[0]?.got === true && !stopped && client === c)
				await become('held the coordinator lock');
		}
	} catch (err) {
		await lost(client, err);
	}
	if (!stopped) {
		timer = setTimeout(() => void tick(url), RETRY_MS);
		timer.unref();
	}
}

/** A connection of its own for the lock, with TCP keepalives short enough to notice a dead peer. */
async function connect(url: string): Promise<pg.Client> {
	const c = new pg.Client({
		connectionString: url,
		application_name: 'perpustakaan-coordinator',
		keepAlive: true,
		keepAliveInitialDelayMillis: 10_000,
		connectionTimeoutMillis: PROBE_TIMEOUT_MS,
		// Server side: a coordinator whose machine vanished loses the lock within about 25 s.
		options: '-c tcp_keepalives_idle=10 -c tcp_keepalives_interval=5 -c tcp_keepalives_count=3'
	});
	c.on('error', (err) => void lost(c, err));
	c.on('end', () => void lost(c, new Error('the connection ended')));
	try {
		await c.connect();
	} catch (err) {
		void endQuietly(c);
		throw err;
	}
	return c;
}

/** A query that fails after PROBE_TIMEOUT_MS instead of waiting on a half-open connection. */
function query(c: pg.Client, text: string): Promise<pg.QueryResult> {
	let t: NodeJS.Timeout | undefined;
	const late = new Promise<never>((_, reject) => {
		t = setTimeout(
			() => reject(new Error(`no answer within ${PROBE_TIMEOUT_MS} ms`)),
			PROBE_TIMEOUT_MS
		);
		t.unref();
	});
	return Promise.race([c.query(text), late]).finally(() => clearTimeout(t));
}

/** The lock connection failed: give the duties up, drop that connection; the next tick retries. */
async function lost(c: pg.Client | null, err: unknown): Promise<void> {
	if (!c || client !== c) return;
	client = null;
	void endQuietly(c);
	if (!stopped) log.warn({ err }, 'coordinator: lock connection failed, closed it');
	await resign('lost the lock connection');
}

function become(reason: string): Promise<void> {
	transitions = transitions.then(async () => {
		if (coordinating || stopped) return;
		coordinating = true;
		log.info({ reason }, 'coordinator: this server now runs the library-wide duties');
		try {
			await duties?.take();
		} catch (err) {
			log.error({ err }, 'coordinator: starting the duties failed');
			throw err;
		}
	});
	return transitions;
}

function resign(reason: string): Promise<void> {
	transitions = transitions
		.catch(() => {})
		.then(async () => {
			if (!coordinating) return;
			coordinating = false;
			log.info({ reason }, 'coordinator: this server no longer runs the library-wide duties');
			await duties?.drop().catch((err: unknown) => log.error({ err }, 'coordinator: drop failed'));
		});
	return transitions;
}

/** Closes a connection without waiting for a peer that may never answer. */
async function endQuietly(c: pg.Client): Promise<void> {
	c.removeAllListeners('end');
	c.on('error', () => {});
	await Promise.race([c.end().catch(() => {}), new Promise((r) => setTimeout(r, 1000).unref())]);
}
