/**
 * A real PostgreSQL server for the tests (issue #16): Debian's `postgresql` package (installed by
 * `npm test` like Chromium), started from scratch in a temporary directory — `initdb`, then
 * `pg_ctl start` on a free port on 127.0.0.1 with its socket in that directory — and stopped and
 * deleted at the end. No mocks, no in-memory imitation. Each test file (or suite) asks for its own
 * database with `createDatabase`, so files never see each other's rows.
 *
 * PostgreSQL refuses to run as root: when the tests run as root, the directory is handed to the
 * `postgres` system user the Debian package creates and every server command runs as that user
 * (`runuser`). Tuned for tests, not for data: fsync and full-page writes off.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { postgresBin } from '../../scripts/lib/postgres-bin.js';
import { freePort } from './server.ts';

export interface PgServer {
	port: number;
	/** The connection URL of one database on this server. */
	url(database: string): string;
	/** Creates an empty database and returns its URL. */
	createDatabase(name: string): Promise<string>;
	/** Stops the server and deletes its directory. */
	stop(): Promise<void>;
}

/** Starts a fresh PostgreSQL server; throws with the server's log when it does not come up. */
export async function startPostgres(): Promise<PgServer> {
	const bin = postgresBin();
	if (!bin)
		throw new Error(
			'PostgreSQL ≥ 15 is not installed (/usr/lib/postgresql/<version>/bin): apt-get install postgresql'
		);
	const root = process.getuid?.() === 0;
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'perpustakaan-pg-'));
	const data = path.join(dir, 'data');
	const logFile = path.join(dir, 'server.log');
	if (root) {
		const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
		const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
		fs.chownSync(dir, uid, gid);
	}
	/** Runs a server binary, as `postgres` when we are root. */
	const run = (tool: string, args: string[]) => {
		const cmd = root ? 'runuser' : path.join(bin, tool);
		const argv = root ? ['-u', 'postgres', '--', path.join(bin, tool), ...args] : args;
		const r = spawnSync(cmd, argv, { encoding: 'utf8', cwd: dir });
		if (r.status !== 0) {
			const log = fs.existsSync(logFile) ? fs.readFileSync(logFile, 'utf8') : '';
			throw new Error(`${tool} failed (${r.status}): ${r.stderr || r.stdout}\n${log}`);
		}
	};
	const port = await freePort();
	let stopped = false;
	const stopSync = () => {
		if (stopped) return;
		stopped = true;
		try {
			run('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
		} catch {
			// already gone
		}
		fs.rmSync(dir, { recursive: true, force: true });
	};
	// A test process that dies still takes its server with it.
	process.once('exit', stopSync);
	try {
		run('initdb', [
			'-D',
			data,
			'-U',
			'postgres',
			'--auth=trust',
			'-E',
			'UTF8',
			'--locale=C',
			'--no-sync'
		]);
		const options = [
			`-p ${port}`,
			`-k ${dir}`,
			'-c listen_addresses=127.0.0.1',
			'-c fsync=off',
			'-c synchronous_commit=off',
			'-c full_page_writes=off',
			'-c max_connections=100'
		].join(' ');
		run('pg_ctl', ['-D', data, '-l', logFile, '-o', options, '-w', '-t', '60', 'start']);
	} catch (err) {
		stopSync();
		throw err;
	}
	const url = (database: string) => `postgres://postgres@127.0.0.1:${port}/${database}`;
	return {
		port,
		url,
		async createDatabase(name) {
			const client = new pg.Client({ connectionString: url('postgres') });
			await client.connect();
			try {
				await client.query(`create database "${name.replace(/"/g, '')}"`);
			} finally {
				await client.end();
			}
			return url(name);
		},
		async stop() {
			process.removeListener('exit', stopSync);
			stopSync();
		}
	};
}
