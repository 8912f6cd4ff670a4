import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyDemoData, emptyDataDir } from '../helpers/demo.ts';
import { CORPUS_DIR, DEMO_PASSWORD, ROOT } from '../helpers/env.ts';
import { Client } from '../helpers/http.ts';
import { startServer, type RunningServer } from '../helpers/server.ts';

/**
 * FILES_DIR (#16): the stored files — and the uploads being received, the staged uploads and
 * the web-import sources, which another server of the library may have to read — live in a
 * directory of their own that several application servers may share. A server started with it
 * stores an upload there and nowhere in DATA_DIR, serves its bytes back, and at its next start
 * sweeps only what no other server can still be using: old temporary files, never young ones
 * (another server may be receiving that upload, or a librarian filling in its form), and stored
 * files no row names (files enter the store only inside the write transaction that records them,
 * and the sweep runs under the write lock: two-servers.test.ts). `npm run backup` takes the
 * stored files from FILES_DIR.
 */
const HOUR = 60 * 60 * 1000;
let dataDir: string;
let filesDir: string;
let server: RunningServer;
let librarian: Client;

/** A file under FILES_DIR dated `ageMs` ago. */
function plant(rel: string, ageMs: number): string {
	const file = path.join(filesDir, rel);
	fs.mkdirSync(path.dirname(file), { recursive: true });
	fs.writeFileSync(file, crypto.randomBytes(64));
	const when = new Date(Date.now() - ageMs);
	fs.utimesSync(file, when, when);
	return file;
}

/** A stored-file name no row names: `pdf/<2 hex>/<sha256>.pdf`. */
function orphanKey(): string {
	const sha = crypto.randomBytes(32).toString('hex');
	return `pdf/${sha.slice(0, 2)}/${sha}.pdf`;
}

beforeAll(async () => {
	dataDir = copyDemoData();
	filesDir = emptyDataDir();
	// The demo's stored files move to the shared directory, as an operator would move them.
	fs.cpSync(path.join(dataDir, 'files'), filesDir, { recursive: true });
	fs.rmSync(path.join(dataDir, 'files'), { recursive: true });
	server = await startServer(dataDir, { FILES_DIR: filesDir });
	librarian = new Client(server.url, { cookie: 'lang=en' });
	expect((await librarian.login('pustakawan@perpustakaan.test', DEMO_PASSWORD)).status).toBe(200);
}, 120_000);
afterAll(async () => {
	await server?.stop();
});

describe('a shared FILES_DIR', () => {
	let id: number;
	const pdf = fs.readFileSync(path.join(CORPUS_DIR, 'pdfjs/tracemonkey.pdf'));

	it('receives an upload, stores it there and serves the same bytes', async () => {
		const form = new FormData();
		for (const [k, v] of Object.entries({
			title: 'Trace-based Just-in-Time Type Specialization',
			type: 'article',
			access: 'public',
			status: 'published'
		}))
			form.append(k, v);
		form.append('file', new Blob([new Uint8Array(pdf)], { type: 'application/pdf' }), 'tm.pdf');
		const res = await librarian.fetch('/api/v1/publications', { method: 'POST', body: form });
		expect(res.status).toBe(201);
		id = (await res.json()).id;
		const sha = crypto.createHash('sha256').update(pdf).digest('hex');
		expect(fs.existsSync(path.join(filesDir, 'pdf', sha.slice(0, 2), `${sha}.pdf`))).toBe(true);
		expect(fs.existsSync(path.join(dataDir, 'files'))).toBe(false);
		const anon = new Client(server.url);
		const file = await anon.fetch(`/api/v1/publications/${id}/file`);
		expect(file.status).toBe(200);
		expect(Buffer.from(await file.arrayBuffer()).equals(pdf)).toBe(true);
		// A demo record's file, moved there before the start, is served too.
		const cover = await anon.fetch(`/publications/${id}/cover`);
		expect(cover.status).toBe(200);
	});

	it('sweeps at start only what no other server can still be using', async () => {
		const oldTemp = plant(`tmp/${crypto.randomUUID()}.part`, 30 * HOUR);
		const youngTemp = plant(`tmp/${crypto.randomUUID()}.part`, 60 * 1000);
		const orphan = plant(orphanKey(), 60 * 1000);
		await server.stop();
		server = await startServer(dataDir, { FILES_DIR: filesDir });
		const deadline = Date.now() + 20_000;
		while (!server.output().includes('"msg":"ready"')) {
			if (Date.now() > deadline) throw new Error(`not ready:\n${server.output()}`);
			await new Promise((r) => setTimeout(r, 100));
		}
		expect(fs.existsSync(oldTemp)).toBe(false);
		expect(fs.existsSync(orphan)).toBe(false);
		expect(fs.existsSync(youngTemp)).toBe(true);
		// What rows name is never swept, however old.
		const file = await new Client(server.url).fetch(`/api/v1/publications/${id}/file`);
		expect(Buffer.from(await file.arrayBuffer()).equals(pdf)).toBe(true);
	});

	it('is what `npm run backup` archives', async () => {
		const out = path.join(emptyDataDir(), 'backup.tar');
		const r = spawnSync(
			process.execPath,
			['node_modules/tsx/dist/cli.mjs', 'scripts/backup.ts', '--out', out],
			{
				cwd: ROOT,
				env: { ...process.env, DATA_DIR: dataDir, FILES_DIR: filesDir, LOG_LEVEL: 'warn' },
				encoding: 'utf8'
			}
		);
		expect(r.status, r.stderr).toBe(0);
		// Every stored file present (none reported missing), the upload among them.
		expect(r.stdout + r.stderr).not.toMatch(/missing/i);
		const sha = crypto.createHash('sha256').update(pdf).digest('hex');
		const listing = spawnSync('tar', ['-tf', out], { encoding: 'utf8' }).stdout;
		expect(listing).toContain(`files/pdf/${sha.slice(0, 2)}/${sha}.pdf`);
	});
});
