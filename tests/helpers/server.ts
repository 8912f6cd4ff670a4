import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { databaseUrlOf } from './demo.ts';
import { ROOT } from './env.ts';

export interface RunningServer {
	url: string;
	dataDir: string;
	/** Everything the server printed (JSON log lines), for assertions and post-mortems. */
	output: () => string;
	stop: () => Promise<void>;
	/** Kills the process without warning, as a power cut or the OOM killer would. */
	kill: () => Promise<void>;
	/** Sends a signal (SIGTERM, SIGINT) as a process supervisor would. */
	signal: (signal: NodeJS.Signals) => void;
	/** Resolves when the process has exited: its exit code, or the signal that ended it. */
	exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Asks the OS for a free loopback port. */
export async function freePort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const srv = net.createServer();
		srv.once('error', reject);
		srv.listen(0, '127.0.0.1', () => {
			const { port } = srv.address() as net.AddressInfo;
			srv.close(() => resolve(port));
		});
	});
}

/** Fails loudly when the production bundle has not been built. */
export function assertBuilt(): void {
	if (!fs.existsSync(path.join(ROOT, 'build', 'index.js'))) {
		throw new Error('build/ is missing: run `npm run build` (npm test does it for you)');
	}
}

/**
 * Starts the real production server (`node scripts/start.js` → build/) on a free port over
 * the given data directory and waits until /healthz answers 200. A data directory made on
 * PostgreSQL (`copyDemoData()`/`emptyLibrary()` in the `server-pg` project) gets its database's
 * `DATABASE_URL`; `env` may still override it.
 */
export async function startServer(
	dataDir: string,
	env: Record<string, string> = {}
): Promise<RunningServer> {
	assertBuilt();
	const port = await freePort();
	const url = `http://127.0.0.1:${port}`;
	let out = '';
	const child: ChildProcess = spawn(process.execPath, ['scripts/start.js'], {
		cwd: ROOT,
		env: {
			...process.env,
			DATA_DIR: dataDir,
			PORT: String(port),
			HOST: '127.0.0.1',
			ORIGIN: url,
			// One process unless a test (or TEST_WEB_CONCURRENCY) asks for more: tests read
			// per-process state (metrics, the logs of one worker); page-cache.test.ts runs two.
			WEB_CONCURRENCY: process.env.TEST_WEB_CONCURRENCY || '1',
			DATABASE_URL: databaseUrlOf(dataDir) ?? '',
			...env
		},
		stdio: ['ignore', 'pipe', 'pipe']
	});
	child.stdout?.on('data', (d) => (out += String(d)));
	child.stderr?.on('data', (d) => (out += String(d)));
	const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
		child.once('exit', (code, signal) => resolve({ code, signal }))
	);
	const deadline = Date.now() + 30_000;
	for (;;) {
		if (child.exitCode !== null)
			throw new Error(`server exited early (${child.exitCode}):\n${out}`);
		try {
			const res = await fetch(`${url}/healthz`);
			if (res.status === 200) break;
		} catch {
			// not listening yet
		}
		if (Date.now() > deadline) {
			child.kill('SIGKILL');
			throw new Error(`server did not become healthy in 30 s:\n${out}`);
		}
		await new Promise((r) => setTimeout(r, 100));
	}
	return {
		url,
		dataDir,
		output: () => out,
		signal: (signal) => void child.kill(signal),
		exited,
		kill: () =>
			new Promise<void>((resolve) => {
				if (child.exitCode !== null || child.signalCode !== null) return resolve();
				child.once('exit', () => resolve());
				child.kill('SIGKILL');
			}),
		stop: () =>
			new Promise<void>((resolve) => {
				// A process already ended (exited, or killed by a test) has nothing left to stop.
				if (child.exitCode !== null || child.signalCode !== null) return resolve();
				child.once('exit', () => resolve());
				child.kill('SIGTERM');
				setTimeout(() => child.kill('SIGKILL'), 5000).unref();
			})
	};
}
