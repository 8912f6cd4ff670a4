import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { Migrator } from 'kysely';
import { migrations } from '../../db/migrations/index.ts';
import { openDatabase } from '../../src/lib/server/db/index.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openReadOnly, publicationId } from '../helpers/db.ts';
import { copyDemoData, emptyDataDir } from '../helpers/demo.ts';
import { CORPUS_DIR, DEMO_PASSWORD, ROOT } from '../helpers/env.ts';
import { addPublication } from '../helpers/fixtures.ts';
import { Client } from '../helpers/http.ts';
import { startServer, type RunningServer } from '../helpers/server.ts';

/** The newest migration: what a backup records and a restore brings back. */
const LATEST_MIGRATION = Object.keys(migrations).at(-1);

/**
 * `npm run backup` and `npm run restore` as an operator runs them: a backup taken from a live
 * server while a librarian uploads PDFs and lends and takes back a copy, restored into a fresh
 * directory that a new server serves — with exactly the records, files, loans and audit entries
 * of the snapshot. Restore refuses a non-empty directory without --force and any archive whose
 * members do not match the manifest, leaving the target as it was.
 */
const EMPLOYEE_NIP = '199003202015031003';
const PDF = fs.readFileSync(path.join(CORPUS_DIR, 'pdfjs/tracemonkey.pdf'));
/** Tables whose counts the test compares by name (the manifest has every table). */
const TABLES = ['publications', 'files', 'items', 'loans', 'audit_log', 'users'] as const;

interface Run {
	status: number | null;
	stdout: string;
	stderr: string;
}

/** Runs a CLI without blocking the event loop, so the test's own writes go on meanwhile. */
function cli(script: string, args: string[], env: Record<string, string> = {}): Promise<Run> {
	return new Promise((resolve, reject) => {
		const child = spawn(
			process.execPath,
			['node_modules/tsx/dist/cli.mjs', `scripts/${script}.ts`, ...args],
			{ cwd: ROOT, env: { ...process.env, LOG_LEVEL: 'warn', ...env } }
		);
		let stdout = '';
		let stderr = '';
		child.stdout.on('data', (d) => (stdout += String(d)));
		child.stderr.on('data', (d) => (stderr += String(d)));
		child.once('error', reject);
		child.once('close', (status) => resolve({ status, stdout, stderr }));
	});
}

/** Reads a member of an archive with the system's tar, as an operator inspecting it would. */
function tarList(archive: string): Promise<string[]> {
	return new Promise((resolve, reject) => {
		const child = spawn('tar', ['-tf', archive]);
		let out = '';
		child.stdout.on('data', (d) => (out += String(d)));
		child.once('error', reject);
		child.once('close', (code) =>
			code === 0 ? resolve(out.trim().split('\n')) : reject(new Error(`tar exited ${code}`))
		);
	});
}

function tarRead(archive: string, member: string): Promise<Buffer> {
	return new Promise((resolve, reject) => {
		const child = spawn('tar', ['-xOf', archive, member]);
		const chunks: Buffer[] = [];
		child.stdout.on('data', (d: Buffer) => chunks.push(d));
		child.once('error', reject);
		child.once('close', (code) =>
			code === 0 ? resolve(Buffer.concat(chunks)) : reject(new Error(`tar exited ${code}`))
		);
	});
}

interface Manifest {
	formatVersion: number;
	app: { version: string };
	createdAt: string;
	database: { migration: string };
	counts: Record<string, number>;
	files: { referenced: number; missing: string[]; damaged: string[] };
	members: { path: string; bytes: number; sha256: string }[];
}

function counts(dataDir: string): Record<string, number> {
	const db = openReadOnly(dataDir);
	try {
		return Object.fromEntries(
			TABLES.map((t) => [t, (db.prepare(`select count(*) n from ${t}`).get() as { n: number }).n])
		);
	} finally {
		db.close();
	}
}

/** Every table's row count, as the manifest lists them. */
function allCounts(dataDir: string, tables: string[]): Record<string, number> {
	const db = openReadOnly(dataDir);
	try {
		return Object.fromEntries(
			tables.map((t) => [t, (db.prepare(`select count(*) n from "${t}"`).get() as { n: number }).n])
		);
	} finally {
		db.close();
	}
}

/** Paths of every regular file under a directory, relative to it. */
function tree(dir: string): string[] {
	return fs
		.readdirSync(dir, { recursive: true, withFileTypes: true })
		.filter((d) => d.isFile())
		.map((d) => path.relative(dir, path.join(d.parentPath, d.name)).split(path.sep).join('/'))
		.sort();
}

/** Byte offset of a member's data in a plain (uncompressed) tar archive. */
function memberOffset(archive: Buffer, name: string): { offset: number; size: number } {
	for (let at = 0; at + 512 <= archive.length;) {
		const header = archive.subarray(at, at + 512);
		if (header.every((b) => b === 0)) break;
		const field = (from: number, len: number) =>
			header
				.subarray(from, from + len)
				.toString('latin1')
				.replace(/\0.*$/s, '');
		const prefix = field(345, 155);
		const member = prefix ? `${prefix}/${field(0, 100)}` : field(0, 100);
		const size = parseInt(field(124, 12).trim(), 8);
		if (member === name) return { offset: at + 512, size };
		at += 512 + Math.ceil(size / 512) * 512;
	}
	throw new Error(`no member ${name}`);
}

const servers: RunningServer[] = [];
afterAll(async () => {
	for (const s of servers) await s.stop();
});

describe('backup while the library is in use, then restore', () => {
	let live: RunningServer;
	let lib: Client;
	let archive: string;
	let manifest: Manifest;
	/** Uploads in the order they were answered 201, with the bytes sent. */
	const uploads: { id: number; title: string; bytes: Buffer }[] = [];
	let loansDone = 0;
	let before: Record<string, number>;
	let run: Run;
	/** Loans and uploads answered while the backup CLI was running. */
	let writesDuringBackup = 0;

	beforeAll(async () => {
		live = await startServer(copyDemoData());
		servers.push(live);
		lib = new Client(live.url, { cookie: 'lang=en' });
		expect((await lib.login('pustakawan@perpustakaan.test', DEMO_PASSWORD)).status).toBe(200);
		const book = publicationId(live.dataDir, `status = 'published' and access = 'public'`);
		expect(
			(await lib.postJson('/api/v1/items', { publicationId: book, barcode: 'BACKUP-1' })).status
		).toBe(201);

		let stop = false;
		// A librarian catalogues one real PDF after another (each a distinct file: a comment
		// after %%EOF changes its SHA-256, not its content)...
		const uploading = (async () => {
			for (let i = 1; !stop; i++) {
				const bytes = Buffer.concat([PDF, Buffer.from(`\n% backup test ${i}\n`)]);
				const form = new FormData();
				form.append('title', `Unggahan cadangan ${i}`);
				form.append(
					'file',
					new Blob([new Uint8Array(bytes)], { type: 'application/pdf' }),
					'tm.pdf'
				);
				const res = await lib.fetch('/api/v1/publications', {
					method: 'POST',
					body: form,
					headers: { origin: live.url }
				});
				expect(res.status).toBe(201);
				const { id } = (await res.json()) as { id: number };
				uploads.push({ id, title: `Unggahan cadangan ${i}`, bytes });
			}
		})();
		// ...while the desk lends the copy and takes it back, over and over.
		const lending = (async () => {
			while (!stop) {
				const out = await lib.postJson('/api/v1/loans', { barcode: 'BACKUP-1', nip: EMPLOYEE_NIP });
				expect(out.status).toBe(201);
				const loan = (await out.json()) as { id: number };
				expect((await lib.postJson(`/api/v1/loans/${loan.id}/return`, {})).status).toBe(200);
				loansDone++;
			}
		})();
		const until = async (cond: () => boolean) => {
			while (!cond()) await new Promise((r) => setTimeout(r, 50));
		};
		try {
			await until(() => uploads.length >= 1 && loansDone >= 2);
			before = counts(live.dataDir);
			const [uploadsAtStart, loansAtStart] = [uploads.length, loansDone];
			archive = path.join(emptyDataDir(), 'perpustakaan.tar.gz');
			run = await cli('backup', ['--out', archive], { DATA_DIR: live.dataDir });
			writesDuringBackup = loansDone - loansAtStart + (uploads.length - uploadsAtStart);
			// Writes go on after the snapshot too: they must not be in it.
			await until(() => uploads.length > uploadsAtStart + 1 && loansDone > loansAtStart + 2);
		} finally {
			stop = true;
			await Promise.all([uploading, lending]);
		}
		manifest = JSON.parse(String(await tarRead(archive, 'manifest.json')));
	}, 180_000);

	it('writes one complete archive with a manifest, and says what it holds', async () => {
		expect(run.stderr).toBe('');
		expect(run.status).toBe(0);
		expect(run.stdout).toMatch(/^backup written: .*perpustakaan\.tar\.gz$/m);
		expect(run.stdout).toMatch(/records +publications \d+, files \d+, items \d+, loans \d+/);
		// Nothing half-written is left beside it.
		expect(fs.readdirSync(path.dirname(archive))).toEqual(['perpustakaan.tar.gz']);
		// The library was really in use meanwhile.
		expect(writesDuringBackup).toBeGreaterThan(0);
		const members = await tarList(archive);
		expect(members[0]).toBe('perpustakaan.sqlite');
		expect(members.at(-1)).toBe('manifest.json');
		expect(members.slice(0, -1)).toEqual(manifest.members.map((m) => m.path));
		for (const m of manifest.members) expect(m.sha256).toMatch(/^[0-9a-f]{64}$/);
		expect(manifest.formatVersion).toBe(1);
		expect(manifest.database.migration).toBe(LATEST_MIGRATION);
		expect(Date.parse(manifest.createdAt)).toBeGreaterThan(Date.now() - 600_000);
		expect(manifest.files).toMatchObject({ missing: [], damaged: [] });
		// The snapshot holds everything written before the backup started...
		for (const t of ['publications', 'files', 'loans', 'audit_log'])
			expect(manifest.counts[t], t).toBeGreaterThanOrEqual(before[t]);
		// ...and not what was written after it.
		const after = counts(live.dataDir);
		for (const t of ['publications', 'files', 'loans', 'audit_log'])
			expect(manifest.counts[t], t).toBeLessThan(after[t]);
		// A stored file's member bytes are the stored file.
		const pdf = manifest.members.find((m) => m.path.startsWith('files/pdf/'))!;
		expect(await tarRead(archive, pdf.path)).toEqual(
			fs.readFileSync(path.join(live.dataDir, pdf.path))
		);
	});

	it('restores into a fresh directory exactly the snapshot, which a new server serves', async () => {
		const target = path.join(emptyDataDir(), 'restored');
		const r = await cli('restore', [archive, '--data-dir', target]);
		expect(r.stderr).toBe('');
		expect(r.status).toBe(0);
		expect(r.stdout).toMatch(/^restored .* into .*restored$/m);
		expect(fs.readdirSync(path.dirname(target))).toEqual(['restored']);

		// Record, file, loan and audit counts are the manifest's, for every table.
		expect(allCounts(target, Object.keys(manifest.counts))).toEqual(manifest.counts);
		// The stored files are exactly those the restored rows name.
		const db = openReadOnly(target);
		const keys = (
			db
				.prepare(
					`select storage_key k from files union select thumbnail_key from files where thumbnail_key is not null
					 union select storage_key from cover_variants`
				)
				.all() as { k: string }[]
		).map((r) => `files/${r.k}`);
		const titles = new Set(
			(
				db
					.prepare(`select title from publications where title like 'Unggahan cadangan %'`)
					.all() as {
					title: string;
				}[]
			).map((r) => r.title)
		);
		// A copy is out exactly when the snapshot has an open loan for it.
		const item = db
			.prepare(
				`select status, (select count(*) from loans l where l.item_id = i.id and l.returned_at is null) open,
				(select count(*) from loans l where l.item_id = i.id) loans from items i where barcode = 'BACKUP-1'`
			)
			.get() as { status: string; open: number; loans: number };
		db.close();
		expect(tree(path.join(target, 'files')).map((p) => `files/${p}`)).toEqual(keys.sort());
		expect(item.status).toBe(item.open ? 'on_loan' : 'available');
		// The uploads in the snapshot are the first ones, in order: none after a missing one.
		const kept = uploads.filter((u) => titles.has(u.title));
		expect(kept.length).toBeGreaterThanOrEqual(1);
		expect(kept).toEqual(uploads.slice(0, kept.length));
		expect(kept.length).toBeLessThan(uploads.length);

		const restored = await startServer(target);
		servers.push(restored);
		const c = new Client(restored.url, { cookie: 'lang=en' });
		expect((await c.login('pustakawan@perpustakaan.test', DEMO_PASSWORD)).status).toBe(200);
		const last = kept.at(-1)!;
		const res = await c.fetch(`/api/v1/publications/${last.id}/file`);
		expect(res.status).toBe(200);
		expect(Buffer.from(await res.arrayBuffer())).toEqual(last.bytes);
		const gone = uploads[kept.length];
		expect((await c.fetch(`/api/v1/publications/${gone.id}`)).status).toBe(404);
		// The copy's loans came along: the desk lists every one of them for the member.
		expect(item.loans).toBeGreaterThanOrEqual(2);
		const loans = await (await c.fetch(`/api/v1/loans?nip=${EMPLOYEE_NIP}&status=all`)).json();
		expect(loans.items.filter((l: { barcode: string }) => l.barcode === 'BACKUP-1')).toHaveLength(
			item.loans
		);
		await restored.stop();
	}, 120_000);

	it('refuses a non-empty directory without --force and leaves it as it was', async () => {
		const target = emptyDataDir();
		fs.writeFileSync(path.join(target, 'keep.txt'), 'mine');
		const r = await cli('restore', [archive, '--data-dir', target]);
		expect(r.status).toBe(2);
		expect(r.stderr).toMatch(/is not empty; .* add --force to replace its content/);
		expect(tree(target)).toEqual(['keep.txt']);
		expect(fs.existsSync(`${target}.restoring`)).toBe(false);
	});

	it('with --force replaces the content of a non-empty directory', async () => {
		const target = copyDemoData();
		fs.writeFileSync(path.join(target, 'keep.txt'), 'mine');
		// Not from an archive kept inside the directory --force would replace.
		const inside = path.join(target, 'backup.tar.gz');
		fs.copyFileSync(archive, inside);
		const refused = await cli('restore', [inside, '--data-dir', target, '--force']);
		expect(refused.status).toBe(2);
		expect(refused.stderr).toMatch(/the archive lies inside .*; move it elsewhere first/);
		fs.rmSync(inside);
		const r = await cli('restore', [archive, '--data-dir', target, '--force']);
		expect(r.stderr).toBe('');
		expect(r.status).toBe(0);
		expect(r.stdout).toMatch(/\(replaced\)/);
		expect(fs.existsSync(path.join(target, 'keep.txt'))).toBe(false);
		expect(tree(target)).toEqual(manifest.members.map((m) => m.path).sort());
		expect(allCounts(target, Object.keys(manifest.counts))).toEqual(manifest.counts);
		expect(fs.existsSync(`${target}.restoring`)).toBe(false);
		expect(fs.existsSync(`${target}.replaced`)).toBe(false);
	});
});

describe('damaged archives', () => {
	let plain: string;
	let bytes: Buffer;

	beforeAll(async () => {
		plain = path.join(emptyDataDir(), 'plain.tar');
		const r = await cli('backup', ['--out', plain], { DATA_DIR: copyDemoData() });
		expect(r.status).toBe(0);
		bytes = fs.readFileSync(plain);
	});

	/** Restores a damaged copy into an empty directory and checks it stayed empty. */
	async function refused(damaged: Buffer): Promise<Run> {
		const file = path.join(emptyDataDir(), 'damaged.tar');
		fs.writeFileSync(file, damaged);
		const target = emptyDataDir();
		const r = await cli('restore', [file, '--data-dir', target]);
		expect(r.status).toBe(1);
		expect(fs.readdirSync(target)).toEqual([]);
		expect(fs.existsSync(`${target}.restoring`)).toBe(false);
		return r;
	}

	it('refuses an archive with one byte of a member flipped', async () => {
		const manifest = JSON.parse(String(await tarRead(plain, 'manifest.json'))) as Manifest;
		const member = manifest.members.find((m) => m.path.startsWith('files/pdf/'))!;
		const { offset, size } = memberOffset(bytes, member.path);
		expect(size).toBe(member.bytes);
		const tampered = Buffer.from(bytes);
		tampered[offset + Math.floor(size / 2)] ^= 0x01;
		const r = await refused(tampered);
		expect(r.stderr).toBe(
			`restore failed: member ${member.path} does not match its checksum in the manifest: the archive is corrupt or was altered\n`
		);
		// The database member too.
		const db = memberOffset(bytes, 'perpustakaan.sqlite');
		const tamperedDb = Buffer.from(bytes);
		tamperedDb[db.offset + 4096 + 100] ^= 0x80;
		expect((await refused(tamperedDb)).stderr).toMatch(
			/member perpustakaan\.sqlite does not match/
		);
	});

	it('refuses a truncated archive', async () => {
		expect((await refused(bytes.subarray(0, bytes.length - 4096))).stderr).toMatch(
			/damaged or truncated|incomplete/
		);
		// Cut right after the database member: no manifest, so it is incomplete.
		const db = memberOffset(bytes, 'perpustakaan.sqlite');
		const cut = db.offset + Math.ceil(db.size / 512) * 512;
		expect(
			(await refused(Buffer.concat([bytes.subarray(0, cut), Buffer.alloc(1024)]))).stderr
		).toMatch(/no manifest\.json: it is incomplete/);
	});
});

describe('backup refusals', () => {
	it('exits 2 with one clear message for bad arguments, a missing DATA_DIR or an unwritable --out', async () => {
		const dataDir = copyDemoData();
		const noOut = await cli('backup', [], { DATA_DIR: dataDir });
		expect(noOut.status).toBe(2);
		expect(noOut.stderr).toMatch(/^--out <file> is required\nusage: npm run backup/);

		const missing = path.join(emptyDataDir(), 'nowhere');
		const out = path.join(emptyDataDir(), 'x.tar.gz');
		const noData = await cli('backup', ['--out', out], { DATA_DIR: missing });
		expect(noData.status).toBe(2);
		expect(noData.stderr).toBe(
			`backup failed: data directory ${missing} does not exist (set DATA_DIR)\n`
		);
		expect(fs.existsSync(missing)).toBe(false);

		const unwritable = path.join(emptyDataDir(), 'no-such-dir', 'x.tar.gz');
		const noDir = await cli('backup', ['--out', unwritable], { DATA_DIR: dataDir });
		expect(noDir.status).toBe(2);
		expect(noDir.stderr).toBe(`backup failed: cannot write ${unwritable}.tmp: ENOENT\n`);
		expect(fs.existsSync(out)).toBe(false);
	});

	it('still writes the archive when a stored file is missing, lists it and exits 3', async () => {
		const dataDir = copyDemoData();
		await addPublication(dataDir, { title: 'Berkas hilang', file: 'missing' });
		const out = path.join(emptyDataDir(), 'x.tar');
		const r = await cli('backup', ['--out', out], { DATA_DIR: dataDir });
		expect(r.status).toBe(3);
		expect(r.stderr).toMatch(
			/^warning: stored file missing, not in the backup: pdf\/[0-9a-f]{2}\//
		);
		const manifest = JSON.parse(String(await tarRead(out, 'manifest.json'))) as Manifest;
		expect(manifest.files.missing).toHaveLength(1);
		// It restores to what the source had: the row without its file.
		expect((await cli('restore', [out, '--data-dir', emptyDataDir()])).status).toBe(0);
	});
});

describe('versions', () => {
	it('a backup of an older database restores, and the server migrates it at start', async () => {
		const dataDir = emptyDataDir();
		const db = openDatabase(path.join(dataDir, 'perpustakaan.sqlite'));
		const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations } });
		expect((await migrator.migrateTo('0003_circulation')).error).toBeUndefined();
		await db.destroy();
		const out = path.join(emptyDataDir(), 'old.tar.gz');
		expect((await cli('backup', ['--out', out], { DATA_DIR: dataDir })).status).toBe(0);
		const manifest = JSON.parse(String(await tarRead(out, 'manifest.json'))) as Manifest;
		expect(manifest.database.migration).toBe('0003_circulation');
		const target = path.join(emptyDataDir(), 'restored');
		expect((await cli('restore', [out, '--data-dir', target])).status).toBe(0);
		const server = await startServer(target);
		servers.push(server);
		await server.stop();
		const restored = openReadOnly(target);
		const names = (
			restored.prepare('select name from kysely_migration order by name').all() as {
				name: string;
			}[]
		).map((r) => r.name);
		restored.close();
		expect(names.at(-1)).toBe(LATEST_MIGRATION);
	}, 60_000);

	it('refuses a backup made by a newer version and leaves the target untouched', async () => {
		const dataDir = copyDemoData();
		const db = new SQLite(path.join(dataDir, 'perpustakaan.sqlite'));
		db.prepare('insert into kysely_migration (name, timestamp) values (?, ?)').run(
			'9999_from_the_future',
			new Date().toISOString()
		);
		db.close();
		const out = path.join(emptyDataDir(), 'new.tar');
		expect((await cli('backup', ['--out', out], { DATA_DIR: dataDir })).status).toBe(0);
		const target = emptyDataDir();
		const r = await cli('restore', [out, '--data-dir', target]);
		expect(r.status).toBe(1);
		expect(r.stderr).toBe(
			'restore failed: the backup was made by a newer version of the application (migration 9999_from_the_future); install that version or newer before restoring\n'
		);
		expect(fs.readdirSync(target)).toEqual([]);
	});
});
