#!/usr/bin/env node
// The production server: adapter-node's request handler (build/handler.js) in our own HTTP
// server, so that
//  - the start checks run first and a bad DATA_DIR is ONE clear log line and exit code 1;
//  - every response — static assets included, which adapter-node serves before SvelteKit's
//    `handle` runs — carries the security headers (one definition: security-headers.js);
//  - SIGTERM/SIGINT stop it cleanly: no new connections, requests in flight finish (at most
//    SHUTDOWN_TIMEOUT seconds), then the application stops its workers, checkpoints the
//    database and exits 0 (lib/server/lifecycle.ts). A second signal exits at once (code 1).
// adapter-node reads HOST, PORT and ORIGIN from the environment; without ORIGIN every form POST
// would be refused by SvelteKit's CSRF check, so derive it from HOST and PORT.
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
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

// A signal while the application is still starting (migrations): nothing is served yet and
// every database change is one transaction, so stopping right away is safe.
let started = false;
/** @param {NodeJS.Signals} signal */
function earlySignal(signal) {
	if (started) return;
	log.info({ signal }, 'shutdown: stopped while starting');
	process.exit(0);
}
process.once('SIGTERM', earlySignal);
process.once('SIGINT', earlySignal);

try {
	probeDataDir(dataDir);
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
	process.on('SIGTERM', stop);
	process.on('SIGINT', stop);
	log.info(
		{ origin: process.env.ORIGIN, dataDir, shutdownTimeout },
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
