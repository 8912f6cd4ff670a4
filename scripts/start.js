#!/usr/bin/env node
// The production server: adapter-node's request handler (build/handler.js) in our own HTTP
// server, so that
//  - the start checks run first and a bad DATA_DIR is ONE clear log line and exit code 1;
//  - every response — static assets included, which adapter-node serves before SvelteKit's
//    `handle` runs — carries the security headers (one definition: security-headers.js);
//  - SIGTERM/SIGINT stop it cleanly: no new connections, requests in flight finish (at most
//    SHUTDOWN_TIMEOUT seconds), then the application stops its workers, checkpoints the
//    database and exits 0 (lib/server/lifecycle.ts). A second signal exits at once (code 1).
//  - it uses every core: WEB_CONCURRENCY worker processes (node:cluster; default one per CPU,
//    1 = a single process, no cluster) share the port and the SQLite file (WAL). The first
//    worker is the leader: it alone migrates, sweeps leftovers and builds the search index, and
//    the others are started only once it listens. The primary process forwards a stop to every
//    worker, each drains as above, and the primary exits 0 once all have (1 if any failed).
// adapter-node reads HOST, PORT and ORIGIN from the environment; without ORIGIN every form POST
// would be refused by SvelteKit's CSRF check, so derive it from HOST and PORT.
import cluster from 'node:cluster';
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pino from 'pino';
import { SECURITY_HEADERS } from '../src/lib/server/security-headers.js';
import { describeStartFailure, probeDataDir } from '../src/lib/server/data-dir.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
process.env.HOST ||= '127.0.0.1';
process.env.PORT ||= '3000';
process.env.ORIGIN ||= `http://${process.env.HOST === '0.0.0.0' ? '127.0.0.1' : process.env.HOST}:${process.env.PORT}`;
process.env.DATA_DIR ||= path.join(root, 'data');
// Uploads are limited by the app itself (MAX_UPLOAD_MB); let adapter-node accept them.
process.env.BODY_SIZE_LIMIT ||= String(
	(Number(process.env.MAX_UPLOAD_MB) || 200) * 1024 * 1024 + 1024 * 1024
);
const dataDir = path.resolve(process.env.DATA_DIR);
/** A shared FILES_DIR (#16) is checked like DATA_DIR: a missing or read-only mount stops the start. */
const filesDir = process.env.FILES_DIR?.trim() ? path.resolve(process.env.FILES_DIR.trim()) : null;

/** The start checks of both directories (data-dir.js). */
function probeDirs() {
	probeDataDir(dataDir);
	if (filesDir) probeDataDir(filesDir, undefined, 'FILES_DIR');
}

// The same JSON lines as the application's own logger (lib/server/log.ts).
const log = pino({
	level: process.env.LOG_LEVEL || 'info',
	base: { app: 'perpustakaan-djkn' },
	timestamp: pino.stdTimeFunctions.isoTime
});

/**
 * Reads a whole number of seconds from the environment.
 * @param {string} name
 * @param {number} fallback
 */
function seconds(name, fallback) {
	const raw = process.env[name];
	if (raw === undefined || raw.trim() === '') return fallback;
	if (!/^\d+$/.test(raw.trim())) {
		log.fatal(`cannot start: ${name} must be a whole number of seconds, got "${raw}"`);
		process.exit(1);
	}
	return Number(raw);
}
const shutdownTimeout = seconds('SHUTDOWN_TIMEOUT', 20);
// Longer than any client's or proxy's idle timeout: the side that closes an idle keep-alive
// connection must be the client, or a request it sends on it just as the server closes it is
// lost ("other side closed"); Node's 5 s default loses that race whenever the event loop is busy.
const keepAliveTimeout = seconds('KEEP_ALIVE_TIMEOUT', 65);

const handlerFile = path.join(root, 'build', 'handler.js');
if (!fs.existsSync(handlerFile)) {
	log.fatal('cannot start: build/ is missing: run `npm run build` first (or `npm run demo`)');
	process.exit(1);
}

/**
 * Why the start failed, as one line: what, which path, what to do. No stack trace for the
 * failures an operator fixes (full disk, read-only or missing DATA_DIR, damaged database); an
 * error nobody foresaw keeps its stack in the `err` field of that line, for whoever debugs it.
 * @param {unknown} err
 */
function fatal(err) {
	const failure = describeStartFailure(err, dataDir);
	const fields = { code: failure.code, path: failure.path };
	if (!failure.foreseen) Object.assign(fields, { err });
	log.fatal(fields, `cannot start: ${failure.message.split('\n')[0]}`);
	process.exit(1);
}

/** How many worker processes: WEB_CONCURRENCY, by default one per CPU; 1 runs no cluster. */
function concurrency() {
	const raw = (process.env.WEB_CONCURRENCY ?? '').trim();
	if (raw === '') return os.availableParallelism();
	if (!/^\d+$/.test(raw) || Number(raw) < 1) {
		log.fatal(
			`cannot start: WEB_CONCURRENCY must be a whole number of processes (1 or more), got "${raw}"`
		);
		process.exit(1);
	}
	return Number(raw);
}

if (cluster.isPrimary) {
	const workers = concurrency();
	if (workers > 1) {
		try {
			probeDirs();
		} catch (err) {
			fatal(err);
		}
		primary(workers);
	}
}

/**
 * The primary of a multi-process server: starts the leader, then the other workers once the
 * leader listens; forwards SIGTERM/SIGINT to every worker as a message (a terminal's Ctrl-C
 * also reaches them directly; each stops once either way); exits when all workers have: 0 if
 * every one stopped cleanly, 1 otherwise. A worker that dies while the server runs stops the
 * whole server (exit 1), for the supervisor to restart it whole: the leader's once-per-server
 * work must not be left without an owner.
 * @param {number} count
 */
function primary(count) {
	let stopping = false;
	let failed = false;
	// The usage counter's visitor key (lib/server/reader/usage.ts): one per server start, the
	// same in every worker, kept in memory only.
	const visitorKey = crypto.randomBytes(32).toString('hex');
	// Workers run this file, whichever script imported it: `npm run demo` imports start.js from
	// demo.js, and a worker re-running demo.js would rebuild and re-seed the catalog under the
	// server's feet.
	cluster.setupPrimary({ exec: fileURLToPath(import.meta.url), args: [] });
	/** @param {'leader' | 'follower'} role */
	const fork = (role) => {
		const worker = cluster.fork({ PERPUSTAKAAN_ROLE: role, PERPUSTAKAAN_VISITOR_KEY: visitorKey });
		worker.on('exit', (code, signal) => {
			if (code !== 0) failed = true;
			if (!stopping) {
				// A worker that failed its start checks has logged why (one line); say nothing more.
				if (worker.isConnected() || code !== 1)
					log.error({ pid: worker.process.pid, code, signal }, 'a worker process died, stopping');
				stopAll('SIGTERM');
			}
			if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(failed ? 1 : 0);
		});
		return worker;
	};
	/** @param {NodeJS.Signals} signal */
	const stopAll = (signal) => {
		stopping = true;
		for (const w of Object.values(cluster.workers ?? {})) w?.send({ stop: signal });
	};
	const leader = fork('leader');
	leader.once('listening', () => {
		if (!stopping) for (let i = 1; i < count; i++) fork('follower');
	});
	/** @param {NodeJS.Signals} signal */
	const onSignal = (signal) => {
		if (stopping) {
			log.warn({ signal }, 'shutdown: second signal, exiting now');
			for (const w of Object.values(cluster.workers ?? {})) w?.send({ stop: 'now' });
			process.exit(1);
		}
		stopAll(signal);
	};
	process.on('SIGTERM', onSignal);
	process.on('SIGINT', onSignal);
}

// A signal while the application is still starting (migrations): nothing is served yet and
// every database change is one transaction, so stopping right away is safe.
let started = false;
/** @param {NodeJS.Signals} signal */
function earlySignal(signal) {
	if (started) return;
	log.info({ signal }, 'shutdown: stopped while starting');
	process.exit(0);
}
if (cluster.isPrimary && concurrency() > 1) {
	// The primary only supervises (above); the workers run what follows.
	await new Promise(() => {});
}
process.once('SIGTERM', earlySignal);
process.once('SIGINT', earlySignal);
if (cluster.isWorker) {
	// The primary says when to stop ({stop: signal}) or to exit now ({stop: 'now'}); the signal
	// a terminal also sends straight to this process leads to the same single stop.
	process.on('message', (/** @type {{ stop?: string }} */ m) => {
		if (m?.stop === 'now') process.exit(1);
		if (!m?.stop) return;
		if (!started) earlySignal(/** @type {NodeJS.Signals} */ (m.stop));
		else if (!stopping) stop(/** @type {NodeJS.Signals} */ (m.stop));
	});
	// The primary is gone (killed): do not linger as an orphan holding the port.
	process.on('disconnect', () => {
		if (!started || !stopping) process.exit(1);
	});
}

try {
	probeDirs();
} catch (err) {
	fatal(err);
}
/** @type {(req: http.IncomingMessage, res: http.ServerResponse, next: () => void) => void} */
let handler = () => {};
try {
	// Loading the handler runs the application's `init` hook: it opens and migrates the database.
	({ handler } = await import(handlerFile));
} catch (err) {
	fatal(err);
}

/** Responses not yet finished: a shutdown waits for them. */
const open = new Set();
let stopping = false;

const server = http.createServer((req, res) => {
	for (const [name, value] of Object.entries(SECURITY_HEADERS)) res.setHeader(name, value);
	open.add(res);
	res.once('close', () => open.delete(res));
	if (stopping) res.setHeader('Connection', 'close');
	handler(req, res, () => {
		res.statusCode = 404;
		res.end('Not Found');
	});
});
server.keepAliveTimeout = keepAliveTimeout * 1000;

server.listen({ host: process.env.HOST, port: Number(process.env.PORT) }, () => {
	started = true;
	process.removeListener('SIGTERM', earlySignal);
	process.removeListener('SIGINT', earlySignal);
	/** @param {NodeJS.Signals} signal */
	const onSignal = (signal) => {
		// In a cluster the primary forwards the stop; a second signal comes through it too.
		if (cluster.isWorker && stopping) return;
		stop(signal);
	};
	process.on('SIGTERM', onSignal);
	process.on('SIGINT', onSignal);
	if (process.env.PERPUSTAKAAN_ROLE !== 'follower')
		log.info(
			{ origin: process.env.ORIGIN, dataDir, shutdownTimeout, workers: concurrency() },
			`Perpustakaan DJKN on ${process.env.ORIGIN}`
		);
});
server.on('error', (/** @type {NodeJS.ErrnoException} */ err) => {
	log.fatal(
		{ code: err.code },
		`cannot start: cannot listen on ${process.env.HOST}:${process.env.PORT} (${err.code}): ` +
			'choose a free PORT or stop the process using it'
	);
	process.exit(1);
});

/**
 * First signal: stop accepting connections, let the requests in flight finish (closing the
 * connections still open after SHUTDOWN_TIMEOUT), then hand over to the application, which stops
 * its workers, checkpoints and closes the database and exits 0. Second signal: exit now.
 * @param {NodeJS.Signals} signal
 */
function stop(signal) {
	if (stopping) {
		log.warn({ signal }, 'shutdown: second signal, exiting now');
		process.exit(1);
	}
	stopping = true;
	log.info(
		{ signal, inFlight: open.size, timeoutSeconds: shutdownTimeout },
		'shutdown: no longer accepting connections, waiting for requests in flight'
	);
	// Readiness answers 503 from now on, for a load balancer still polling on an open connection.
	process.emit(/** @type {any} */ ('perpustakaan:draining'));
	// Responses not yet started close their connection when done.
	for (const res of open) if (!res.headersSent) res.setHeader('Connection', 'close');
	const drained = new Promise((resolve) => {
		// Stop listening, but leave open connections alone for now: http.Server#close would also
		// close every "idle" connection at once — including one just accepted whose request is
		// still unread, and that client would see its POST reset without knowing whether it
		// happened. Requests already sent are read and answered (with `Connection: close`);
		// keep-alive connections with nothing to do are closed once those have been read.
		net.Server.prototype.close.call(server, () => resolve(true));
		setInterval(() => server.closeIdleConnections(), 500).unref();
		setTimeout(() => resolve(false), shutdownTimeout * 1000).unref();
	});
	void drained.then((all) => {
		if (all) log.info('shutdown: every request finished, connections closed');
		else {
			log.warn(
				{ unfinished: open.size },
				'shutdown: SHUTDOWN_TIMEOUT reached, closing the connections still open'
			);
			server.closeAllConnections();
		}
		// The application's half (lib/server/lifecycle.ts) listens for the event adapter-node's
		// own server emits at this point, so `node build` stops the same way.
		if (process.listenerCount('sveltekit:shutdown') === 0) process.exit(0);
		process.emit(/** @type {any} */ ('sveltekit:shutdown'), signal);
		// Should the application hang, do not wait for the supervisor's SIGKILL. (Not unref'd: a
		// stop that stalls with nothing left to run must still end in exit 1, not a silent 0.)
		setTimeout(() => {
			log.error('shutdown: the application did not stop within 15 s, exiting');
			process.exit(1);
		}, 15_000);
	});
}
