import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDemoHistory } from '../../scripts/demo/history.ts';
import { openDatabase, openPostgres, type Db } from '../../src/lib/server/db/index.ts';
import { isDerived, tableChecksums, type TableSum } from '../../src/lib/server/ops/db-copy.ts';
import { copyDemoData, emptyDataDir } from '../helpers/demo.ts';
import { ROOT } from '../helpers/env.ts';
import { idByFileName } from '../helpers/fixtures.ts';
import { freePort, startServer, type RunningServer } from '../helpers/server.ts';
import { startPostgres, type PgServer } from '../helpers/pg-server.ts';

/**
 * `npm run db:copy` (#16) as an operator runs it, against a real PostgreSQL started for this
 * file: the demo library goes SQLite → PostgreSQL → a new SQLite directory. Each leg's own report
 * says every table has equal counts and checksums, and an independent read of the three databases
 * agrees; a non-empty target is refused with exit 2 and left exactly as it was; a server started
 * on the round-tripped directory serves a record's file byte for byte as the original does.
 */
let pg: PgServer;
let original: string;
let pgUrl: string;
let roundTrip: string;
const servers: RunningServer[] = [];

interface Run {
	status: number | null;
	stdout: string;
	stderr: string;
}

function dbCopy(args: string[], env: Record<string, string> = {}): Promise<Run> {
	return new Promise((resolve, reject) => {
		const child = spawn(
			process.execPath,
			['node_modules/tsx/dist/cli.mjs', 'scripts/db-copy.ts', ...args],
			{ cwd: ROOT, env: { ...process.env, DATABASE_URL: '', LOG_LEVEL: 'warn', ...env } }
		);
		let stdout = '';
		let stderr = '';
		child.stdout.on('data', (d) => (stdout += String(d)));
		child.stderr.on('data', (d) => (stderr += String(d)));
		child.once('error', reject);
		child.once('close', (status) => resolve({ status, stdout, stderr }));
	});
}

/** The tool's final table: table → [source rows, target rows, verdict]. */
function report(out: string): Map<string, { source: number; target: number; same: boolean }> {
	const rows = new Map<string, { source: number; target: number; same: boolean }>();
	for (const m of out.matchAll(/^(\w+)\s+(\d+)\s+(\d+)\s+[0-9a-f]{16} (same|DIFFERS)/gm))
		rows.set(m[1], { source: Number(m[2]), target: Number(m[3]), same: m[4] === 'same' });
	return rows;
}

/** Count and checksum of every table that is copied (derived search tables left out). */
async function sums(db: Db): Promise<Record<string, TableSum>> {
	try {
		const all = await tableChecksums(db);
		return Object.fromEntries(Object.entries(all).filter(([name]) => !isDerived(name)));
	} finally {
		await db.destroy();
	}
}

const sqliteOf = (dir: string) => openDatabase(path.join(dir, 'perpustakaan.sqlite'));

beforeAll(async () => {
	pg = await startPostgres();
	original = copyDemoData();
	// A year of loans, fines, views and searches, so the trigger-kept counters and monthly
	// roll-ups (usage_monthly, search_monthly, catalog/circulation versions) are copied too.
	const sqlite = new SQLite(path.join(original, 'perpustakaan.sqlite'));
	try {
		addDemoHistory(sqlite, new Date());
	} finally {
		sqlite.close();
	}
	pgUrl = await pg.createDatabase('copy_target');
	roundTrip = emptyDataDir();
}, 120_000);

afterAll(async () => {
	for (const s of servers) await s.stop();
	await pg?.stop();
});

describe('db:copy round trip of the demo library', () => {
	it('copies SQLite into an empty PostgreSQL database, every table verified', async () => {
		const r = await dbCopy(['--from', `sqlite:${original}`, '--to', pgUrl]);
		expect(r.stderr).toBe('');
		expect(r.status).toBe(0);
		const tables = report(r.stdout);
		expect(tables.get('publications')?.source).toBeGreaterThan(10);
		expect(tables.get('files')?.source).toBeGreaterThan(0);
		for (const t of ['loans', 'usage_events', 'usage_monthly', 'search_log', 'search_monthly'])
			expect(tables.get(t)?.source, t).toBeGreaterThan(0);
		for (const [name, t] of tables) {
			expect(t.same, name).toBe(true);
			expect(t.target, name).toBe(t.source);
		}
		// The search index is rebuilt by the server, not copied; the tool says so.
		expect(r.stdout).toMatch(/not copied: search_text_state — search index/);
		expect(r.stdout).toMatch(/verified: \d+ tables/);
		// Every copied table, checked independently of the tool.
		const before = await sums(sqliteOf(original));
		const onPg = await sums(openPostgres(pgUrl));
		expect(onPg).toEqual(before);
		expect([...tables.keys()].sort()).toEqual(Object.keys(before).sort());
	}, 90_000);

	it('refuses a non-empty target with exit 2 and changes nothing', async () => {
		const before = await sums(openPostgres(pgUrl));
		const r = await dbCopy(['--from', `sqlite:${original}`, '--to', pgUrl]);
		expect(r.status).toBe(2);
		expect(r.stderr).toMatch(/is not empty: .*publications \(\d+ rows\).*nothing was written/);
		expect(await sums(openPostgres(pgUrl))).toEqual(before);
		// A SQLite directory that holds a library is refused the same way.
		const again = await dbCopy(['--from', pgUrl, '--to', `sqlite:${original}`]);
		expect(again.status).toBe(2);
		expect(again.stderr).toMatch(/is not empty/);
	}, 60_000);

	it('copies back into a new SQLite directory, reporting stored files it cannot find', async () => {
		const r = await dbCopy(['--from', pgUrl, '--to', `sqlite:${roundTrip}`]);
		// The files are shared, not copied: the new directory has none yet, and the tool says which.
		expect(r.status).toBe(3);
		expect(r.stderr).toMatch(/stored files the rows name are not in .*files/);
		for (const [name, t] of report(r.stdout)) expect(t.same, name).toBe(true);
		expect(await sums(sqliteOf(roundTrip))).toEqual(await sums(sqliteOf(original)));

		// With the files put in place (a shared FILES_DIR), nothing is missing.
		fs.cpSync(path.join(original, 'files'), path.join(roundTrip, 'files'), { recursive: true });
		const check = await dbCopy([
			'--from',
			pgUrl,
			'--to',
			`sqlite:${emptyDataDir()}`,
			'--files',
			path.join(roundTrip, 'files')
		]);
		expect(check.status).toBe(0);
		expect(check.stdout).toMatch(/stored files: (\d+) of \1 present/);
	}, 90_000);

	it('serves a record’s file from the round-tripped library byte for byte', async () => {
		const id = await idByFileName(original, 'mkn-2019-01.pdf');
		const a = await startServer(original, { DATABASE_URL: '' });
		servers.push(a);
		const b = await startServer(roundTrip, { DATABASE_URL: '' });
		servers.push(b);
		const hash = async (base: string) => {
			const res = await fetch(`${base}/api/v1/publications/${id}/file`);
			expect(res.status).toBe(200);
			return crypto
				.createHash('sha256')
				.update(Buffer.from(await res.arrayBuffer()))
				.digest('hex');
		};
		const original_ = await hash(a.url);
		expect(original_).toMatch(/^[0-9a-f]{64}$/);
		expect(await hash(b.url)).toBe(original_);
		// And the record page answers with the same title on both.
		const title = async (base: string) =>
			/<title>([^<]*)<\/title>/.exec(await (await fetch(`${base}/publications/${id}`)).text())?.[1];
		expect(await title(b.url)).toBe(await title(a.url));
	}, 90_000);

	it('a server moved onto the copy with its old DATA_DIR builds the PostgreSQL text index', async () => {
		// The operator's path: same DATA_DIR (stored files, and the SQLite-era search snapshot,
		// whose record count, dates and file ids the copy keeps identical), DATABASE_URL added.
		const moved = emptyDataDir();
		fs.cpSync(original, moved, { recursive: true });
		fs.rmSync(path.join(moved, 'perpustakaan.sqlite'));
		const onPg = await startServer(moved, { DATABASE_URL: pgUrl });
		servers.push(onPg);
		const sqliteServer = servers[0];
		const found = async (base: string, q: string) => {
			const res = await fetch(`${base}/api/v1/search?${new URLSearchParams({ q })}`);
			expect(res.status).toBe(200);
			const r = await res.json();
			return {
				total: r.total,
				hits: r.hits.map((h: { id: number; pages: number[] }) => [h.id, h.pages])
			};
		};
		// Words found only in PDF text (with their pages): equal once the build is done.
		for (const q of ['kalibrasi', 'lelang']) {
			const want = await found(sqliteServer.url, q);
			expect(want.total, q).toBeGreaterThan(0);
			const deadline = Date.now() + 30_000;
			let got = await found(onPg.url, q);
			while (JSON.stringify(got) !== JSON.stringify(want) && Date.now() < deadline) {
				await new Promise((r) => setTimeout(r, 250));
				got = await found(onPg.url, q);
			}
			expect(got, q).toEqual(want);
		}
	}, 90_000);
});

describe('db:copy errors in plain words', () => {
	it('bad URL, nothing listening, missing source: exit 2 with a message', async () => {
		const bad = await dbCopy(['--to', 'mysql://x']);
		expect(bad.status).toBe(2);
		expect(bad.stderr).toMatch(/name a database as postgres:\/\//);
		const port = await freePort();
		const refused = await dbCopy([
			'--from',
			`sqlite:${original}`,
			'--to',
			`postgres://someone:secret@127.0.0.1:${port}/none`
		]);
		expect(refused.status).toBe(2);
		expect(refused.stderr).toMatch(/cannot connect to postgres:\/\/someone@127\.0\.0\.1:\d+\/none/);
		expect(refused.stderr).not.toContain('secret');
		const noSource = await dbCopy(['--from', `sqlite:${emptyDataDir()}`, '--to', pgUrl]);
		expect(noSource.status).toBe(2);
		expect(noSource.stderr).toMatch(/no database at/);
	}, 60_000);
});
