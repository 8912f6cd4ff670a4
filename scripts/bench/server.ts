import { spawn } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';

export const ROOT = path.resolve(import.meta.dirname, '../..');

/** A free loopback port. */
export async function freePort(): Promise<number> {
	return new Promise((resolve) => {
		const s = net.createServer().listen(0, '127.0.0.1', () => {
			const { port } = s.address() as { port: number };
			s.close(() => resolve(port));
		});
	});
}

export interface BenchServer {
	url: string;
	/** The server's process (the cluster primary when WEB_CONCURRENCY > 1). */
	pid: number;
	/** Milliseconds from spawning the process to the first 200 on /healthz. */
	ms: number;
	stop: () => Promise<void>;
}

/** Starts the built server on 127.0.0.1 and measures the time until /healthz first answers 200. */
export async function startTimed(
	dataDir: string,
	env: Record<string, string> = {}
): Promise<BenchServer> {
	const port = await freePort();
	const url = `http://127.0.0.1:${port}`;
	const t0 = performance.now();
	const child = spawn(process.execPath, ['scripts/start.js'], {
		cwd: ROOT,
		env: {
			...process.env,
			DATA_DIR: dataDir,
			PORT: String(port),
			ORIGIN: url,
			LOG_LEVEL: 'warn',
			...env
		},
		stdio: 'ignore'
	});
	for (;;) {
		try {
			if ((await fetch(`${url}/healthz`)).status === 200) break;
		} catch {
			// not yet listening
		}
		if (performance.now() - t0 > 60_000) throw new Error('server did not start');
		await new Promise((r) => setTimeout(r, 10));
	}
	const ms = performance.now() - t0;
	return {
		url,
		pid: child.pid!,
		ms,
		stop: () =>
			new Promise<void>((resolve) => {
				if (child.exitCode !== null) return resolve();
				child.once('exit', () => resolve());
				child.kill('SIGTERM');
			})
	};
}
