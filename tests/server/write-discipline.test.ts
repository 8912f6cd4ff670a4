import { spawn } from 'node:child_process';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, SqliteDialect, sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { emptyDataDir } from '../helpers/demo.ts';
import { ROOT } from '../helpers/env.ts';
import { writeSync, writeTransaction } from '../../src/lib/server/db/write.js';

/**
 * Why every write goes through db/write.js, shown on real SQLite files in WAL mode with a second
 * connection and a second process as the other writer.
 */

const opened: SQLite.Database[] = [];
function open(file: string, busyMs = 5000): SQLite.Database {
	const db = new SQLite(file);
	db.pragma('journal_mode = WAL');
	db.pragma(`busy_timeout = ${busyMs}`);
	opened.push(db);
	return db;
}
afterEach(() => {
	for (const db of opened.splice(0)) if (db.open) db.close();
});

function counterDb(): string {
	const file = path.join(emptyDataDir(), 'w.sqlite');
	const db = open(file);
	db.exec('create table counter (id integer primary key, n integer not null)');
	db.exec('insert into counter values (1, 0)');
	return file;
}

/** Another process takes the write lock, says so, holds it for `ms`, then commits. */
async function holdWriteLock(
	file: string,
	ms: number
): Promise<{ done: Promise<void>; kill: () => void }> {
	const child = spawn(
		process.execPath,
		[
			'-e',
			`const D = require('better-sqlite3'); const db = new D(process.argv[1]);
			 db.exec('begin immediate'); db.exec('update counter set n = n + 100');
			 console.log('locked');
			 setTimeout(() => { db.exec('commit'); db.close(); }, Number(process.argv[2]));`,
			file,
			String(ms)
		],
		{ cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] }
	);
	await new Promise<void>((resolve, reject) => {
		child.stdout.on('data', (d) => String(d).includes('locked') && resolve());
		child.once('exit', (code) => reject(new Error(`lock holder exited early (${code})`)));
	});
	return {
		done: new Promise((r) => child.once('exit', () => r())),
		kill: () => child.kill('SIGKILL')
	};
}

describe('one write discipline (BEGIN IMMEDIATE through db/write.js)', () => {
	it('a deferred transaction that read before another commit fails at once; writeSync does not', () => {
		const file = counterDb();
		const a = open(file);
		const b = open(file);
		// The failure the issue saw: read in a deferred transaction, another writer commits, then
		// the upgrade to a write is refused immediately — the busy timeout cannot help.
		a.exec('begin');
		a.prepare('select n from counter').get();
		b.exec('update counter set n = n + 1');
		const t0 = performance.now();
		expect(() => a.exec('update counter set n = n + 1')).toThrow(/database is locked/);
		expect(performance.now() - t0).toBeLessThan(1000);
		a.exec('rollback');

		// The same read-then-write through the helper takes the write lock first.
		const bump = writeSync(a, () => {
			const { n } = a.prepare('select n from counter').get() as { n: number };
			b.prepare('select n from counter').get(); // another reader is fine
			a.prepare('update counter set n = ?').run(n + 1);
			return n + 1;
		});
		expect(bump()).toBe(2);
		expect((b.prepare('select n from counter').get() as { n: number }).n).toBe(2);
	});

	it('waits for another process that holds the write lock longer than the busy timeout', async () => {
		const file = counterDb();
		const kdb = new Kysely<{ counter: { id: number; n: number } }>({
			dialect: new SqliteDialect({ database: open(file, 200) })
		});
		const holder = await holdWriteLock(file, 1500);
		const t0 = performance.now();
		const n = await writeTransaction(kdb, async (tx) => {
			const row = await tx.selectFrom('counter').select('n').executeTakeFirstOrThrow();
			await tx
				.updateTable('counter')
				.set({ n: row.n + 1 })
				.execute();
			return row.n + 1;
		});
		// It saw the other process's committed write: nothing lost, nothing failed.
		expect(n).toBe(101);
		expect(performance.now() - t0).toBeGreaterThan(1000);
		await holder.done;
		await kdb.destroy();
	});

	it('rolls back everything when the work fails, and composes when called with its own tx', async () => {
		const file = counterDb();
		const kdb = new Kysely<{ counter: { id: number; n: number } }>({
			dialect: new SqliteDialect({ database: open(file) })
		});
		await expect(
			writeTransaction(kdb, async (tx) => {
				await tx.updateTable('counter').set({ n: 42 }).execute();
				// A domain function called with the transaction joins it instead of deadlocking.
				await writeTransaction(tx, (inner) =>
					inner.insertInto('counter').values({ id: 2, n: 1 }).execute()
				);
				throw new Error('half way');
			})
		).rejects.toThrow('half way');
		const rows = await sql<{ n: number }>`select n from counter order by id`.execute(kdb);
		expect(rows.rows).toEqual([{ n: 0 }]);
		await kdb.destroy();
	});

	it('gives up with SQLITE_BUSY after a bounded number of tries when the lock never frees', async () => {
		const file = counterDb();
		const a = open(file, 100);
		const holder = await holdWriteLock(file, 20_000);
		const t0 = performance.now();
		let error: unknown;
		try {
			writeSync(a, () => a.exec('update counter set n = 1'))();
		} catch (err) {
			error = err;
		}
		expect((error as { code?: string }).code).toMatch(/^SQLITE_BUSY/);
		// Six retries with back-off: seconds, not forever.
		expect(performance.now() - t0).toBeLessThan(15_000);
		holder.kill();
		await holder.done;
	}, 30_000);
});
