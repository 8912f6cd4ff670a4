import { spawnSync } from 'node:child_process';
import fs from 'node:fs';

/**
 * Mounts a tmpfs at `dir` (created if needed) with mount options such as `size=2m` or `ro`: a
 * real small or read-only file system for the start-check and full-disk tests. Needs root with
 * CAP_SYS_ADMIN (the test machine runs as root); without it the test fails with this message
 * instead of passing without having checked anything.
 */
export function mountTmpfs(dir: string, options: string): void {
	fs.mkdirSync(dir, { recursive: true });
	const r = spawnSync('mount', ['-t', 'tmpfs', '-o', options, 'tmpfs', dir], { encoding: 'utf8' });
	if (r.status !== 0)
		throw new Error(
			`cannot mount a tmpfs (${options}) at ${dir}: ${(r.stderr || r.error?.message || '').trim()} — ` +
				'this test needs root with CAP_SYS_ADMIN to create a real read-only or full file system'
		);
}

/** Changes the options of a mounted tmpfs (e.g. `remount,ro`). */
export function remount(dir: string, options: string): void {
	const r = spawnSync('mount', ['-o', `remount,${options}`, dir], { encoding: 'utf8' });
	if (r.status !== 0) throw new Error(`cannot remount ${dir} (${options}): ${r.stderr.trim()}`);
}

/** Unmounts (lazily, so a file still open elsewhere cannot make cleanup fail). */
export function unmount(dir: string): void {
	spawnSync('umount', ['-l', dir]);
}

/** Fills a file system until `leaveBytes` remain free; returns the filler file's path. */
export function fill(dir: string, leaveBytes: number): string {
	const file = `${dir}/filler.bin`;
	const { bavail, bsize } = fs.statfsSync(dir);
	const size = Math.max(0, bavail * bsize - leaveBytes);
	const fd = fs.openSync(file, 'w');
	try {
		const chunk = Buffer.alloc(64 * 1024, 1);
		for (let written = 0; written < size;) {
			const n = Math.min(chunk.length, size - written);
			try {
				written += fs.writeSync(fd, chunk, 0, n);
			} catch (err) {
				if ((err as NodeJS.ErrnoException).code === 'ENOSPC') break;
				throw err;
			}
		}
	} finally {
		fs.closeSync(fd);
	}
	return file;
}
