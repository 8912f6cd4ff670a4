import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ensureDemoSeed } from '../helpers/demo.ts';
import { ROOT, TEST_DIR } from '../helpers/env.ts';
import { fill, mountTmpfs, remount, unmount } from '../helpers/mount.ts';
import { assertBuilt, freePort } from '../helpers/server.ts';

/**
 * `npm start` on a DATA_DIR it cannot use stops with ONE log line saying what is wrong, where
 * and what to do, exit code 1, and no stack trace. The file systems are real: a path under a
 * regular file (ENOTDIR: missing and uncreatable — chmod would not do, the tests run as root, who
 * may write anywhere), a tmpfs mounted read-only (EROFS), a tmpfs filled up (ENOSPC), and a
 * database file that is not a database.
 */
const mounts: string[] = [];
afterAll(() => {
	for (const m of mounts.splice(0)) unmount(m);
});

function scratch(): string {
	const dir = path.join(TEST_DIR, 'tmp', crypto.randomUUID());
	fs.mkdirSync(dir, { recursive: true });
	return dir;
}

/** Starts the built server and waits for it to give up; its exit code and what it printed. */
async function startFailing(
	dataDir: string,
	env: Record<string, string> = {}
): Promise<{ code: number | null; lines: string[] }> {
	assertBuilt();
	const port = await freePort();
	const child = spawn(process.execPath, ['scripts/start.js'], {
		cwd: ROOT,
		env: { ...process.env, DATA_DIR: dataDir, HOST: '127.0.0.1', PORT: String(port), ...env },
		stdio: ['ignore', 'pipe', 'pipe']
	});
	let out = '';
	child.stdout.on('data', (d) => (out += String(d)));
	child.stderr.on('data', (d) => (out += String(d)));
	const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
	const code = await new Promise<number | null>((r) => child.once('close', (c) => r(c)));
	clearTimeout(timer);
	return { code, lines: out.split('\n').filter((l) => l.trim()) };
}

/** Exactly one JSON log line, fatal, naming the path; no stack trace anywhere. */
function expectOneClearLine(result: { code: number | null; lines: string[] }, where: string) {
	expect(result.code, result.lines.join('\n')).toBe(1);
	expect(result.lines, result.lines.join('\n')).toHaveLength(1);
	const line = JSON.parse(result.lines[0]);
	expect(line.level).toBe(60);
	expect(line.msg).toContain(where);
	expect(result.lines[0]).not.toMatch(/\bat .+:\d+:\d+/);
	return line as { msg: string; code: string; path: string };
}

describe('start checks', () => {
	it('refuses a DATA_DIR that cannot be created (a path under a regular file)', async () => {
		const file = path.join(scratch(), 'not-a-directory');
		fs.writeFileSync(file, 'x');
		const dataDir = path.join(file, 'data');
		const line = expectOneClearLine(await startFailing(dataDir), dataDir);
		expect(line.code).toBe('ENOTDIR');
		expect(line.msg).toBe(
			`cannot start: DATA_DIR ${dataDir} cannot be created (ENOTDIR: part of its path is missing or is not a directory): create it or set DATA_DIR to a writable directory`
		);
	});

	it('refuses a FILES_DIR that cannot be created, naming FILES_DIR', async () => {
		const file = path.join(scratch(), 'not-a-mount');
		fs.writeFileSync(file, 'x');
		const filesDir = path.join(file, 'files');
		const line = expectOneClearLine(
			await startFailing(scratch(), { FILES_DIR: filesDir }),
			filesDir
		);
		expect(line.code).toBe('ENOTDIR');
		expect(line.msg).toBe(
			`cannot start: FILES_DIR ${filesDir} cannot be created (ENOTDIR: part of its path is missing or is not a directory): create it or set FILES_DIR to a writable directory`
		);
	});

	it('refuses a read-only DATA_DIR holding a catalog (tmpfs remounted read-only)', async () => {
		const mount = path.join(scratch(), 'ro');
		mountTmpfs(mount, 'size=16m');
		mounts.push(mount);
		const dataDir = path.join(mount, 'data');
		fs.cpSync(ensureDemoSeed(), dataDir, { recursive: true });
		remount(mount, 'ro');
		const before = fs.readdirSync(dataDir).sort();
		const line = expectOneClearLine(await startFailing(dataDir), dataDir);
		expect(line.code).toBe('EROFS');
		expect(line.msg).toMatch(/is read-only \(EROFS\): mount it read-write/);
		// Nothing was changed on the way out.
		expect(fs.readdirSync(dataDir).sort()).toEqual(before);
	});

	it('refuses a DATA_DIR on a full disk (tmpfs filled up)', async () => {
		const mount = path.join(scratch(), 'full');
		mountTmpfs(mount, 'size=1m');
		mounts.push(mount);
		const dataDir = path.join(mount, 'data');
		fs.mkdirSync(dataDir);
		fill(mount, 0);
		const line = expectOneClearLine(await startFailing(dataDir), dataDir);
		expect(line.code).toBe('ENOSPC');
		expect(line.msg).toBe(
			`cannot start: DATA_DIR ${dataDir} is full (ENOSPC): free space on its file system (see df -h ${dataDir}) and start again`
		);
		expect(fs.readdirSync(dataDir)).toEqual([]); // the probe file was removed
	});

	it('refuses a database file that is not a database', async () => {
		const dataDir = scratch();
		fs.writeFileSync(path.join(dataDir, 'perpustakaan.sqlite'), Buffer.alloc(8192, 'x'));
		const line = expectOneClearLine(await startFailing(dataDir), dataDir);
		expect(line.code).toBe('SQLITE_NOTADB');
		expect(line.msg).toMatch(/is damaged or not a SQLite database \(SQLITE_NOTADB\): restore it/);
	});
});
