import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openReadOnly } from '../helpers/db.ts';
import { copyDemoData } from '../helpers/demo.ts';
import { CORPUS_DIR, DEMO_PASSWORD } from '../helpers/env.ts';
import { addPublication } from '../helpers/fixtures.ts';
import { Client } from '../helpers/http.ts';
import { checkStorageInvariants } from '../../scripts/lib/invariants.ts';
import { startServer, type RunningServer } from '../helpers/server.ts';

/**
 * SIGTERM on the real built server (scripts/start.js): requests in flight — a large PDF upload
 * whose body is still arriving, a burst of checkouts — finish or are cleanly refused, the
 * process exits 0, and the data directory holds nothing half-done: every file row has its file,
 * no file lacks a row, tmp/ is empty, the write-ahead log is checkpointed. The same DATA_DIR
 * starts again. SHUTDOWN_TIMEOUT bounds the wait; a second signal exits at once.
 */
const PDF = 'debian/debmake-doc--debmake-doc.en.pdf';
const MEMBERS = [
	'199003202015031003',
	'199207112018012004',
	'198502152010012002',
	'198001012005011001'
];
const running: RunningServer[] = [];

afterEach(async () => {
	for (const s of running.splice(0)) await s.kill();
});

async function start(dataDir: string, env: Record<string, string> = {}) {
	const s = await startServer(dataDir, env);
	running.push(s);
	return s;
}

/** Polls /readyz until 200 (a fresh copy of the demo data builds its search index first). */
async function readyStatus(url: string, timeoutMs = 30_000): Promise<number> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const status = (await fetch(`${url}/readyz`)).status;
		if (status === 200 || Date.now() > deadline) return status;
		await new Promise((r) => setTimeout(r, 200));
	}
}

type Outcome = { status: number; body: string } | { error: string };

/**
 * A multipart upload of a real PDF whose body is sent in two halves: the first at once, the rest
 * only when `finish()` is called — so the request is provably in flight when the signal comes.
 */
function slowUpload(url: string, cookie: string, title: string) {
	const pdf = fs.readFileSync(path.join(CORPUS_DIR, PDF));
	const boundary = `----shutdown${Date.now()}`;
	const head = Buffer.from(
		`--${boundary}\r\nContent-Disposition: form-data; name="title"\r\n\r\n${title}\r\n` +
			`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${path.basename(PDF)}"\r\n` +
			`Content-Type: application/pdf\r\n\r\n`
	);
	const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
	const body = Buffer.concat([head, pdf, tail]);
	const half = Math.floor(body.length / 2);
	let sentFirst!: () => void;
	const firstHalfSent = new Promise<void>((r) => (sentFirst = r));
	const req = http.request(`${url}/api/v1/publications`, {
		method: 'POST',
		agent: false,
		headers: {
			cookie,
			origin: url,
			'content-type': `multipart/form-data; boundary=${boundary}`,
			'content-length': String(body.length)
		}
	});
	const result = new Promise<Outcome>((resolve) => {
		req.on('response', (res) => {
			let text = '';
			res.on('data', (d) => (text += String(d)));
			res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
			res.on('error', (e) => resolve({ error: e.message }));
		});
		req.on('error', (e) => resolve({ error: e.message }));
	});
	req.write(body.subarray(0, half), () => sentFirst());
	return {
		firstHalfSent,
		result,
		finish: () => req.end(body.subarray(half))
	};
}

const cookieOf = (c: Client) => [...c.cookies].map(([k, v]) => `${k}=${v}`).join('; ');

/** Every invariant a stop must keep, checked on disk and in SQLite after the process exited. */
function checkNothingHalfDone(dataDir: string) {
	expect(checkStorageInvariants(dataDir).filter((i) => i.violations !== 0)).toEqual([]);
	// Checkpointed: the write-ahead log is gone or empty, the database file stands alone.
	const wal = path.join(dataDir, 'perpustakaan.sqlite-wal');
	expect(fs.existsSync(wal) ? fs.statSync(wal).size : 0).toBe(0);
}

describe('SIGTERM', () => {
	it('finishes the upload and loans in flight, exits 0, leaves nothing half-done and restarts', async () => {
		const dataDir = copyDemoData();
		let server = await start(dataDir, { SHUTDOWN_TIMEOUT: '60' });
		const lib = new Client(server.url);
		expect((await lib.login('pustakawan@perpustakaan.test', DEMO_PASSWORD)).status).toBe(200);
		const book = await addPublication(dataDir, { title: 'Laporan penghentian', file: null });
		const barcodes = Array.from({ length: 16 }, (_, i) => `STOP-${String(i + 1).padStart(2, '0')}`);
		for (const barcode of barcodes)
			expect((await lib.postJson('/api/v1/items', { publicationId: book, barcode })).status).toBe(
				201
			);

		const upload = slowUpload(server.url, cookieOf(lib), 'Unggahan saat berhenti');
		await upload.firstHalfSent;
		await new Promise((r) => setTimeout(r, 300)); // the server is reading the body now

		// A burst of checkouts, four per member; the signal comes once the first has answered.
		let firstAnswered!: () => void;
		const answered = new Promise<void>((r) => (firstAnswered = r));
		const loans = barcodes.map(async (barcode, i): Promise<Outcome> => {
			try {
				const res = await lib.postJson('/api/v1/loans', { barcode, nip: MEMBERS[i % 4] });
				firstAnswered();
				return { status: res.status, body: await res.text() };
			} catch (err) {
				firstAnswered();
				return { error: String((err as Error).cause ?? err) };
			}
		});
		await answered;
		server.signal('SIGTERM');
		// The rest of the upload arrives while the server is already stopping.
		await new Promise((r) => setTimeout(r, 300));
		upload.finish();

		const uploaded = await upload.result;
		const outcomes = await Promise.all(loans);
		const exit = await server.exited;
		expect(exit, server.output()).toEqual({ code: 0, signal: null });

		// The upload was in flight: it completed, with its record and file.
		expect(uploaded, JSON.stringify(uploaded)).toMatchObject({ status: 201 });
		const record = JSON.parse((uploaded as { body: string }).body);
		// Each checkout either completed (and its loan exists) or failed cleanly (and none does).
		const db = openReadOnly(dataDir);
		const open = new Map(
			(
				db
					.prepare(
						`select i.barcode, l.id from loans l join items i on i.id = l.item_id where l.returned_at is null and i.publication_id = ?`
					)
					.all(book) as { barcode: string; id: number }[]
			).map((r) => [r.barcode, r.id])
		);
		const pub = db.prepare('select id from publications where id = ?').get(record.id);
		db.close();
		expect(pub).toBeTruthy();
		let succeeded = 0;
		outcomes.forEach((o, i) => {
			const barcode = barcodes[i];
			if ('status' in o && o.status === 201) {
				succeeded++;
				expect(open.get(barcode), barcode).toBe(JSON.parse(o.body).id);
			} else {
				// A clean refusal: a JSON error, or a connection the stopping server never accepted.
				if ('status' in o) expect(JSON.parse(o.body).error.code, barcode).toBeTruthy();
				expect(open.has(barcode), `${barcode}: ${JSON.stringify(o)}`).toBe(false);
			}
		});
		// Every checkout the server received was answered; the others were connections it never
		// accepted (reset or refused by the kernel once it stopped listening).
		const received = (server.output().match(/"path":"\/api\/v1\/loans"/g) ?? []).length;
		expect(received).toBe(outcomes.filter((o) => 'status' in o).length);
		expect(succeeded).toBeGreaterThan(0);
		expect(open.size).toBe(succeeded);

		const log = server.output();
		for (const step of [
			'shutdown: no longer accepting connections',
			'shutdown: every request finished',
			'shutdown: PDF workers stopped',
			'shutdown: search index builder stopped',
			'shutdown: write-ahead log checkpointed, database closed',
			'shutdown: done'
		])
			expect(log).toContain(step);
		expect(log).not.toMatch(/"level":50/);
		checkNothingHalfDone(dataDir);

		// The same data directory starts again, with the upload and the loans.
		server = await start(dataDir);
		expect(await readyStatus(server.url)).toBe(200);
		const again = new Client(server.url);
		expect((await again.login('pustakawan@perpustakaan.test', DEMO_PASSWORD)).status).toBe(200);
		const res = await again.fetch(`/api/v1/publications/${record.id}`);
		expect(res.status).toBe(200);
		expect((await res.json()).pages).toBeGreaterThan(100);
		expect(server.output()).toMatch(/"swept":0,"orphans":0/);
	}, 120_000);

	it('bounds the wait with SHUTDOWN_TIMEOUT: a stalled upload is cut off and nothing of it stays', async () => {
		const dataDir = copyDemoData();
		const server = await start(dataDir, { SHUTDOWN_TIMEOUT: '2' });
		const lib = new Client(server.url);
		expect((await lib.login('pustakawan@perpustakaan.test', DEMO_PASSWORD)).status).toBe(200);
		const upload = slowUpload(server.url, cookieOf(lib), 'Unggahan yang macet');
		await upload.firstHalfSent;
		await new Promise((r) => setTimeout(r, 300));
		const signalled = Date.now();
		server.signal('SIGTERM');
		expect(await server.exited).toEqual({ code: 0, signal: null });
		const took = Date.now() - signalled;
		expect(took).toBeGreaterThanOrEqual(1900);
		expect(took).toBeLessThan(10_000);
		expect(await upload.result).toHaveProperty('error'); // the connection was closed
		expect(server.output()).toContain('shutdown: SHUTDOWN_TIMEOUT reached');
		const db = openReadOnly(dataDir);
		expect(
			db.prepare(`select id from publications where title = 'Unggahan yang macet'`).get()
		).toBe(undefined);
		db.close();
		checkNothingHalfDone(dataDir);
	}, 60_000);

	it('exits at once on a second signal', async () => {
		const dataDir = copyDemoData();
		const server = await start(dataDir, { SHUTDOWN_TIMEOUT: '60' });
		const lib = new Client(server.url);
		expect((await lib.login('pustakawan@perpustakaan.test', DEMO_PASSWORD)).status).toBe(200);
		const upload = slowUpload(server.url, cookieOf(lib), 'Unggahan kedua sinyal');
		await upload.firstHalfSent;
		await new Promise((r) => setTimeout(r, 300));
		server.signal('SIGTERM');
		await new Promise((r) => setTimeout(r, 300));
		const second = Date.now();
		server.signal('SIGINT');
		expect(await server.exited).toEqual({ code: 1, signal: null });
		expect(Date.now() - second).toBeLessThan(3000);
		expect(server.output()).toContain('shutdown: second signal, exiting now');
		await upload.result;
		// Forced, but still consistent: the next start finds a sound data directory.
		const again = await start(dataDir);
		expect(await readyStatus(again.url)).toBe(200);
	}, 60_000);
});
