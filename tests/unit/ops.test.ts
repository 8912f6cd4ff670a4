import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { TEST_DIR } from '../helpers/env.ts';
import { describeStartFailure, probeDataDir, StartFailure } from '../../src/lib/server/data-dir.js';
import { asDomainError, isStorageFull, StorageFull } from '../../src/lib/server/errors.ts';
import { toApiError } from '../../src/lib/server/http.ts';
import { mayReadMetrics, type MetricsAllow } from '../../src/lib/server/health.ts';

/** A fresh directory under test-results/tmp. */
function scratch(): string {
	fs.mkdirSync(path.join(TEST_DIR, 'tmp'), { recursive: true });
	return fs.mkdtempSync(path.join(TEST_DIR, 'tmp', 'probe-'));
}

const errno = (code: string) => Object.assign(new Error(code), { code });

describe('DATA_DIR probe', () => {
	it('creates the directory, writes, fsyncs and removes its probe file', () => {
		const dir = path.join(scratch(), 'a', 'b');
		probeDataDir(dir);
		expect(fs.readdirSync(dir)).toEqual([]);
		fs.rmSync(path.dirname(path.dirname(dir)), { recursive: true });
	});

	it('reports a failing fsync (an I/O error the chmod-proof root cannot avoid either)', () => {
		const dir = scratch();
		// The real file system, with one failure injected where a dying disk would fail.
		const io = {
			...fs,
			fsyncSync: () => {
				throw errno('EIO');
			}
		};
		let thrown: unknown;
		try {
			probeDataDir(dir, io);
		} catch (err) {
			thrown = err;
		}
		expect(thrown).toBeInstanceOf(StartFailure);
		expect((thrown as StartFailure).message).toBe(
			`input/output error on DATA_DIR ${dir} (EIO): check the disk (dmesg) and its free space`
		);
		expect(fs.readdirSync(dir)).toEqual([]); // the probe file is gone
		fs.rmSync(dir, { recursive: true });
	});

	it('names what to do for each failure an operator meets', () => {
		const d = '/srv/perpustakaan';
		const msg = (code: string, step?: 'create' | 'write' | 'open') =>
			describeStartFailure(errno(code), d, step).message;
		expect(msg('EACCES', 'write')).toMatch(
			/^DATA_DIR \/srv\/perpustakaan is not writable by .+ \(EACCES\): give that user write access/
		);
		expect(msg('ENOENT', 'create')).toMatch(/cannot be created \(ENOENT/);
		expect(msg('SQLITE_FULL')).toMatch(/is full \(SQLITE_FULL\)/);
		expect(msg('SQLITE_READONLY_DBMOVED')).toMatch(/is read-only/);
		expect(msg('SQLITE_CANTOPEN')).toMatch(
			/^database \/srv\/perpustakaan\/perpustakaan.sqlite cannot be opened/
		);
		const odd = describeStartFailure(new Error('migration 0009 failed'), d);
		expect(odd.foreseen).toBe(false);
		expect(odd.message).toBe('cannot start on DATA_DIR /srv/perpustakaan: migration 0009 failed');
	});
});

describe('storage full', () => {
	it('recognises ENOSPC, EDQUOT and SQLITE_FULL, also as a cause', () => {
		expect(isStorageFull(errno('ENOSPC'))).toBe(true);
		expect(isStorageFull(errno('SQLITE_FULL'))).toBe(true);
		expect(isStorageFull(new Error('wrapped', { cause: errno('EDQUOT') }))).toBe(true);
		expect(isStorageFull(errno('EACCES'))).toBe(false);
		expect(isStorageFull(null)).toBe(false);
		expect(asDomainError(errno('ENOSPC'))).toBeInstanceOf(StorageFull);
		const other = errno('EIO');
		expect(asDomainError(other)).toBe(other);
	});

	it('answers 507 storage_full in the caller language', async () => {
		const res = toApiError(errno('SQLITE_FULL'), 'en');
		expect(res.status).toBe(507);
		expect(await res.json()).toEqual({
			error: {
				code: 'storage_full',
				message:
					"The server's storage is full, so this change was not saved. What was already stored is safe. Please contact the administrator."
			}
		});
		expect(() => toApiError(errno('EIO'), 'en')).toThrow('EIO');
	});
});

describe('who may read /metrics', () => {
	const allow = (...words: MetricsAllow[]) => new Set(words);
	const anon = { address: '127.0.0.1', forwarded: false, viewer: null };
	const librarian = { id: 2, role: 'librarian' as const };
	const employee = { id: 3, role: 'employee' as const };

	it('localhost: loopback callers, but not through a proxy', () => {
		const rule = allow('localhost');
		expect(mayReadMetrics(rule, anon)).toBe(true);
		expect(mayReadMetrics(rule, { ...anon, address: '::1' })).toBe(true);
		expect(mayReadMetrics(rule, { ...anon, address: '::ffff:127.0.0.1' })).toBe(true);
		expect(mayReadMetrics(rule, { ...anon, address: '10.0.0.5' })).toBe(false);
		expect(mayReadMetrics(rule, { ...anon, forwarded: true })).toBe(false);
		expect(mayReadMetrics(rule, { ...anon, address: null })).toBe(false);
		expect(mayReadMetrics(rule, { ...anon, address: '10.0.0.5', viewer: librarian })).toBe(false);
	});

	it('staff: librarians and admins from anywhere, nobody else', () => {
		const rule = allow('staff');
		expect(mayReadMetrics(rule, anon)).toBe(false);
		const remote = { address: '10.0.0.5', forwarded: true };
		expect(mayReadMetrics(rule, { ...remote, viewer: librarian })).toBe(true);
		expect(mayReadMetrics(rule, { ...remote, viewer: { id: 1, role: 'admin' } })).toBe(true);
		expect(mayReadMetrics(rule, { ...remote, viewer: employee })).toBe(false);
	});

	it('any and off', () => {
		expect(
			mayReadMetrics(allow('any'), { address: '10.0.0.5', forwarded: true, viewer: null })
		).toBe(true);
		expect(mayReadMetrics(allow('off', 'localhost', 'staff'), { ...anon, viewer: librarian })).toBe(
			false
		);
	});
});
