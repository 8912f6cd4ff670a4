import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPostgres } from '../../src/lib/server/db/index.ts';
import { copyLibrary, storedKeys, tableChecksums } from '../../src/lib/server/ops/db-copy.ts';
import { copyDemoData, emptyDataDir } from '../helpers/demo.ts';
import { ROOT } from '../helpers/env.ts';
import { startPostgres, type PgServer } from '../helpers/pg-server.ts';

/**
 * `npm run backup` and `npm run restore` with DATABASE_URL set (#16), against a real PostgreSQL
 * started for this file: a database filled with the demo library by db:copy is backed up
 * (pg_dump custom format plus the stored files, in the one-archive layout with its manifest),
 * restored into a fresh database and files directory, and compared table by table with the
 * copy's own checksums. A non-empty database is refused unless --force; an archive of the other
 * engine is refused with a plain message.
 */
let pg: PgServer;
let dataDir: string;
let sourceUrl: string;
const work = emptyDataDir();
const archive = path.join(work, 'perpustakaan.tar.gz');

interface Run {
	status: number | null;
	stdout: string;
	stderr: string;
}

function cli(script: string, args: string[], env: Record<string, string>): Promise<Run> {
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

function tarList(file: string): Promise<string[]> {
	return new Promise((resolve, reject) => {
		const child = spawn('tar', ['-tzf', file]);
		let out = '';
		child.stdout.on('data', (d) => (out += String(d)));
		child.once('error', reject);
		child.once('close', (code) =>
			code === 0 ? resolve(out.trim().split('\n')) : reject(new Error(`tar exited ${code}`))
		);
	});
}

async function checksums(url: string) {
	const db = openPostgres(url);
	try {
		return await tableChecksums(db);
	} finally {
		await db.destroy();
	}
}

beforeAll(async () => {
	pg = await startPostgres();
	dataDir = copyDemoData();
	sourceUrl = await pg.createDatabase('backup_source');
	await copyLibrary({
		from: { kind: 'sqlite', dir: dataDir },
		to: { kind: 'postgres', url: sourceUrl }
	});
}, 120_000);

afterAll(async () => {
	await pg?.stop();
});

describe('backup and restore on PostgreSQL', () => {
	it('backs up with pg_dump into the one-archive layout, manifest last', async () => {
		const r = await cli('backup', ['--out', archive, '--data-dir', dataDir], {
			DATABASE_URL: sourceUrl
		});
		expect(r.stderr).toBe('');
		expect(r.status).toBe(0);
		expect(r.stdout).toMatch(/pg_dump of PostgreSQL \d+/);
		const members = await tarList(archive);
		expect(members[0]).toBe('perpustakaan.pgdump');
		expect(members.at(-1)).toBe('manifest.json');
		expect(members).not.toContain('perpustakaan.sqlite');
		// Every stored file the database's rows name, and nothing else.
		const db = openPostgres(sourceUrl);
		const keys = await storedKeys(db).finally(() => db.destroy());
		expect(members.filter((m) => m.startsWith('files/')).sort()).toEqual(
			keys.map((k) => `files/${k}`)
		);
		const manifest = JSON.parse(
			await new Promise<string>((resolve, reject) => {
				const child = spawn('tar', ['-xzOf', archive, 'manifest.json']);
				let out = '';
				child.stdout.on('data', (d) => (out += String(d)));
				child.once('error', reject);
				child.once('close', () => resolve(out));
			})
		);
		expect(manifest.formatVersion).toBe(2);
		expect(manifest.database).toMatchObject({ member: 'perpustakaan.pgdump', engine: 'postgres' });
		expect(manifest.database.dumpTool).toMatch(/^pg_dump \(PostgreSQL\) \d+/);
		expect(manifest.counts.publications).toBeGreaterThan(10);
		expect(manifest.source.database).not.toMatch(/:[^/@]*@/); // no password recorded
	}, 60_000);

	it('restores into an empty database and files directory: every table equal', async () => {
		const targetUrl = await pg.createDatabase('restore_target');
		const files = emptyDataDir();
		const r = await cli('restore', [archive, '--data-dir', files], { DATABASE_URL: targetUrl });
		expect(r.stderr).toBe('');
		expect(r.status).toBe(0);
		expect(await checksums(targetUrl)).toEqual(await checksums(sourceUrl));
		// The stored files came back under their names, byte for byte.
		const db = openPostgres(targetUrl);
		const keys = await storedKeys(db).finally(() => db.destroy());
		expect(keys.length).toBeGreaterThan(0);
		for (const k of keys) {
			const bytes = fs.readFileSync(path.join(files, 'files', k));
			expect(crypto.createHash('sha256').update(bytes).digest('hex')).toBe(
				path.basename(k).split('.')[0]
			);
		}

		// Not into a database that holds something, unless --force.
		const before = await checksums(targetUrl);
		const refused = await cli('restore', [archive, '--data-dir', files], {
			DATABASE_URL: targetUrl
		});
		expect(refused.status).toBe(2);
		expect(refused.stderr).toMatch(/is not empty; restore into an empty database/);
		expect(await checksums(targetUrl)).toEqual(before);
		const forced = await cli('restore', [archive, '--data-dir', files, '--force'], {
			DATABASE_URL: targetUrl
		});
		expect(forced.stderr).toBe('');
		expect(forced.status).toBe(0);
		expect(await checksums(targetUrl)).toEqual(await checksums(sourceUrl));
	}, 90_000);

	it('refuses an archive of the other engine in plain words', async () => {
		const sqliteArchive = path.join(work, 'sqlite.tar');
		const made = await cli('backup', ['--out', sqliteArchive, '--data-dir', dataDir], {
			DATABASE_URL: ''
		});
		expect(made.status).toBe(0);
		const url = await pg.createDatabase('restore_wrong');
		const wrong = await cli('restore', [sqliteArchive, '--data-dir', emptyDataDir()], {
			DATABASE_URL: url
		});
		expect(wrong.status).toBe(2);
		expect(wrong.stderr).toMatch(/holds a SQLite database: unset DATABASE_URL/);
		const other = await cli('restore', [archive, '--data-dir', emptyDataDir()], {
			DATABASE_URL: ''
		});
		expect(other.status).toBe(2);
		expect(other.stderr).toMatch(/holds a PostgreSQL dump: set DATABASE_URL/);
	}, 60_000);
});
