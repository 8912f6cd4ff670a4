import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openReadOnly } from '../helpers/db.ts';
import { copyDemoData } from '../helpers/demo.ts';
import { CORPUS_DIR, DEMO_PASSWORD } from '../helpers/env.ts';
import { Client } from '../helpers/http.ts';
import { checkStorageInvariants } from '../../scripts/lib/invariants.ts';
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

/** Logs in, then starts every upload at once; resolves (after login) to their statuses. */
async function importAll(s: RunningServer): Promise<{ statuses: Promise<number[]> }> {
	const c = new Client(s.url);
	expect((await c.login('pustakawan@perpustakaan.test', DEMO_PASSWORD)).status).toBe(200);
	const statuses = Promise.all(
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
	return { statuses };
}

/** Every invariant a crash must not break, checked on disk and in SQLite. */
function checkConsistent(dataDir: string) {
	const db = openReadOnly(dataDir);
	const crashPubs = db
		.prepare(
			`select id, (select count(*) from files f where f.publication_id = p.id) nfiles from publications p where title like 'Crash %'`
		)
		.all() as { id: number; nfiles: number }[];
	db.close();
	// Every file row has its stored file and page texts, no orphan file, nothing in tmp/.
	expect(checkStorageInvariants(dataDir).filter((i) => i.violations !== 0)).toEqual([]);
	// A record created by an upload exists only together with its file.
	for (const p of crashPubs) expect(p.nfiles).toBe(1);
	return crashPubs.length;
}

describe('crash during import', () => {
	it('leaves no half-made records or orphan files, and the import can be re-run', async () => {
		const dataDir = copyDemoData();
		server = await startServer(dataDir);
		const running = (await importAll(server)).statuses;
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
		// After a restart the leader makes the WebP/AVIF covers an interrupted upload did not
		// get, each written just before its row; the catalog is checked once that has settled.
		const restarted = server;
		await expect
			.poll(() => restarted.output(), { timeout: 30_000 })
			.toMatch(/"msg":"cover variants backfilled"/);
		checkConsistent(dataDir);

		const second = await (await importAll(server)).statuses;
		for (const s of second) expect([201, 409]).toContain(s);
		expect(checkConsistent(dataDir)).toBe(FILES.length);
	}, 120_000);
});
