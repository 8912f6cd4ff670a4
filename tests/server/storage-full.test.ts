import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openReadOnly } from '../helpers/db.ts';
import { ensureDemoSeed } from '../helpers/demo.ts';
import { CORPUS_DIR, DEMO_PASSWORD, TEST_DIR } from '../helpers/env.ts';
import { Client } from '../helpers/http.ts';
import { fill, mountTmpfs, unmount } from '../helpers/mount.ts';
import { startServer, type RunningServer } from '../helpers/server.ts';

/**
 * The disk fills up while the server runs (a real tmpfs of 16 MB holding DATA_DIR): an upload
 * that no longer fits answers 507 `storage_full` with a translated message, leaves no partial
 * file and no record, and everything stored before stays readable. Once space is freed the same
 * upload goes through, without a restart.
 */
const SMALL = 'debian/packaging-tutorial--packaging-tutorial.pdf';
const LARGE = 'debian/debmake-doc--debmake-doc.en.pdf';
let server: RunningServer | undefined;
let mount: string | undefined;

afterAll(async () => {
	await server?.stop();
	if (mount) unmount(mount);
});

function pdfForm(file: string, title: string): FormData {
	const form = new FormData();
	form.append('title', title);
	form.append(
		'file',
		new Blob([new Uint8Array(fs.readFileSync(path.join(CORPUS_DIR, file)))], {
			type: 'application/pdf'
		}),
		path.basename(file)
	);
	return form;
}

/**
 * Waits until the search index is built and holds `docs` records, if given (no snapshot write is
 * pending then); returns how many it holds.
 */
async function indexHolds(c: Client, docs?: number): Promise<number> {
	const deadline = Date.now() + 30_000;
	for (;;) {
		const r = await (await c.fetch('/readyz')).json();
		const s = r.checks.search;
		if (s.state === 'ready' && (docs === undefined || s.docs === docs)) return s.docs;
		if (Date.now() > deadline) throw new Error(`index: ${JSON.stringify(r.checks.search)}`);
		await new Promise((res) => setTimeout(res, 200));
	}
}

describe('full disk', () => {
	it('answers 507 storage_full, keeps what was stored, and recovers when space is freed', async () => {
		mount = path.join(TEST_DIR, 'tmp', crypto.randomUUID(), 'disk');
		mountTmpfs(mount, 'size=16m');
		const dataDir = path.join(mount, 'data');
		fs.cpSync(ensureDemoSeed(), dataDir, { recursive: true });
		server = await startServer(dataDir);
		const lib = new Client(server.url, { cookie: 'lang=en' });
		expect((await lib.login('pustakawan@perpustakaan.test', DEMO_PASSWORD)).status).toBe(200);
		const base = await indexHolds(lib);

		// Stored before the disk fills up.
		const first = await lib.fetch('/api/v1/publications', {
			method: 'POST',
			body: pdfForm(SMALL, 'Tersimpan sebelum penuh'),
			headers: { origin: server.url }
		});
		expect(first.status).toBe(201);
		const kept = (await first.json()).id as number;
		await indexHolds(lib, base + 1);

		// 256 KiB left: the session and the database's small writes still fit, an 855 KB PDF does not.
		const filler = fill(mount, 256 * 1024);
		const full = await lib.fetch('/api/v1/publications', {
			method: 'POST',
			body: pdfForm(LARGE, 'Tidak muat'),
			headers: { origin: server.url }
		});
		expect(full.status).toBe(507);
		expect(await full.json()).toEqual({
			error: {
				code: 'storage_full',
				message:
					"The server's storage is full, so this change was not saved. What was already stored is safe. Please contact the administrator."
			}
		});
		// The cataloguing form's upload (raw body streamed to disk) answers the same, in Indonesian.
		lib.headers.cookie = 'lang=id';
		const staged = await lib.fetch('/staff/uploads', {
			method: 'POST',
			body: new Uint8Array(fs.readFileSync(path.join(CORPUS_DIR, LARGE))),
			headers: { origin: server.url, 'content-type': 'application/pdf', 'x-file-name': 'besar.pdf' }
		});
		expect(staged.status).toBe(507);
		expect((await staged.json()).error).toEqual({
			code: 'storage_full',
			message:
				'Penyimpanan server penuh, jadi perubahan ini tidak disimpan. Data yang sudah tersimpan tetap aman. Hubungi administrator.'
		});

		// Nothing of the refused uploads remains; what was stored before is whole.
		expect(fs.readdirSync(path.join(dataDir, 'tmp'))).toEqual([]);
		const db = openReadOnly(dataDir);
		expect(db.prepare(`select id from publications where title = 'Tidak muat'`).get()).toBe(
			undefined
		);
		db.close();
		const file = await lib.fetch(`/api/v1/publications/${kept}/file`);
		expect(file.status).toBe(200);
		expect(
			Buffer.from(await file.arrayBuffer()).equals(fs.readFileSync(path.join(CORPUS_DIR, SMALL)))
		).toBe(true);
		const metrics = await (await fetch(`${server.url}/metrics`)).text();
		expect(metrics).toMatch(
			/^perpustakaan_uploads_total\{result="refused",reason="storage_full"\} 2$/m
		);

		// Space freed: the same upload now goes through, no restart needed.
		fs.rmSync(filler);
		const again = await lib.fetch('/api/v1/publications', {
			method: 'POST',
			body: pdfForm(LARGE, 'Muat setelah dikosongkan'),
			headers: { origin: server.url }
		});
		expect(again.status).toBe(201);
		expect((await again.json()).pages).toBeGreaterThan(100);
	}, 120_000);
});
