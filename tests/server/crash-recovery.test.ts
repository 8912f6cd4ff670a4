import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openReadOnly } from '../helpers/db.ts';
import { copyDemoData } from '../helpers/demo.ts';
import { CORPUS_DIR, DEMO_PASSWORD } from '../helpers/env.ts';
import { Client } from '../helpers/http.ts';
import { startServer, type RunningServer } from '../helpers/server.ts';

/**
 * The server is killed (SIGKILL) while uploads are being imported. After a restart the catalog
 * holds no half-made record and no orphan file, and the same import runs to completion.
 */
const FILES = [
	'debian/debmake-doc--debmake-doc.en.pdf',
	'debian/packaging-tutorial--packaging-tutorial.pdf',
	'debian/lure-of-the-temptress--Manual_es.pdf',
	'pdfjs/tracemonkey.pdf',
	'debian/alqalam--tb87fahmy.pdf'
];
let server: RunningServer | undefined;

afterAll(async () => {
	await server?.stop();
});

async function signIn(s: RunningServer): Promise<Client> {
	const c = new Client(s.url);
	expect((await c.login('pustakawan@perpustakaan.test', DEMO_PASSWORD)).status).toBe(200);
	return c;
}

/** Uploads every file at once with a signed-in client; a status of 0 means the server died. */
function importAll(s: RunningServer, c: Client): Promise<number[]> {
	return Promise.all(
		FILES.map(async (f) => {
			const form = new FormData();
			form.append('title', `Crash ${path.basename(f)}`);
			form.append(
				'file',
				new Blob([new Uint8Array(fs.readFileSync(path.join(CORPUS_DIR, f)))], {
					type: 'application/pdf'
				}),
				path.basename(f)
			);
			try {
				return (
					await c.fetch('/api/v1/publications', {
						method: 'POST',
						body: form,
						headers: { origin: s.url }
					})
				).status;
			} catch {
				return 0; // the connection died with the server
			}
		})
	);
}

/** Every invariant a crash must not break, checked on disk and in SQLite. */
function checkConsistent(dataDir: string) {
	const db = openReadOnly(dataDir);
	const files = db
		.prepare(
			'select id, publication_id, pages, storage_key, thumbnail_key, (select count(*) from page_texts t where t.file_id = files.id) texts from files'
		)
		.all() as {
		id: number;
		publication_id: number;
		pages: number;
		storage_key: string;
		thumbnail_key: string | null;
		texts: number;
	}[];
	const crashPubs = db
		.prepare(
			`select id, (select count(*) from files f where f.publication_id = p.id) nfiles from publications p where title like 'Crash %'`
		)
		.all() as { id: number; nfiles: number }[];
	db.close();
	const referenced = new Set<string>();
	for (const f of files) {
		expect(fs.existsSync(path.join(dataDir, 'files', f.storage_key)), f.storage_key).toBe(true);
		expect(f.texts).toBe(f.pages);
		referenced.add(f.storage_key);
		if (f.thumbnail_key) referenced.add(f.thumbnail_key);
	}
	// A record created by an upload exists only together with its file.
	for (const p of crashPubs) expect(p.nfiles).toBe(1);
	const stored = fs
		.readdirSync(path.join(dataDir, 'files'), { recursive: true, withFileTypes: true })
		.filter((d) => d.isFile());
	for (const d of stored) {
		const key = path.relative(path.join(dataDir, 'files'), path.join(d.parentPath, d.name));
		expect(referenced.has(key), `orphan ${key}`).toBe(true);
	}
	const tmp = path.join(dataDir, 'tmp');
	expect(fs.existsSync(tmp) ? fs.readdirSync(tmp) : []).toEqual([]);
	return crashPubs.length;
}

describe('crash during import', () => {
	it('leaves no half-made records or orphan files, and the import can be re-run', async () => {
		const dataDir = copyDemoData();
		server = await startServer(dataDir);
		// Sign in first: on a loaded machine the password check alone can outlast the delay below,
		// and the plug must be pulled during the uploads, not during the login.
		const running = importAll(server, await signIn(server));
		// Let the uploads arrive and extraction start on both workers, then pull the plug.
		await new Promise((r) => setTimeout(r, 1200));
		await server.kill();
		const first = await running;
		expect(
			first.some((s) => s === 0 || s >= 500),
			`statuses ${first}`
		).toBe(true);

		server = await startServer(dataDir);
		expect(server.output()).toMatch(/"msg":"ready"/);
		checkConsistent(dataDir);

		const second = await importAll(server, await signIn(server));
		for (const s of second) expect([201, 409]).toContain(s);
		expect(checkConsistent(dataDir)).toBe(FILES.length);
	}, 120_000);
});
