import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyDemoData } from '../helpers/demo.ts';
import { CORPUS_DIR, DEMO_PASSWORD, ROOT } from '../helpers/env.ts';
import { startServer, type RunningServer } from '../helpers/server.ts';
import { checkInvariants, checkStorageInvariants } from '../../scripts/lib/invariants.ts';

/**
 * Real use, all at once, on the built server and one SQLite file: a librarian imports a
 * 5,000-row SLiMS export with the CLI (a separate process writing the same database) while
 * five PDFs are uploaded through the API, twenty desk clients lend and take back copies and
 * readers search. Every writer goes through the one IMMEDIATE write discipline, so nothing may
 * fail for "database is locked": 0 failed rows, 0 answers 5xx, and every invariant holds.
 */

const ROWS = 5000;
const DESKS = 20;
const MEMBERS = 20;
const COPIES = 60;
const EMPLOYEE_NIP = '199003202015031003';
const LIBRARIAN = 'pustakawan@perpustakaan.test';
const UPLOADS = [
	'pdfjs/tracemonkey.pdf',
	'debian/packaging-tutorial--packaging-tutorial.pdf',
	'debian/r-cran-pdftools--hello.pdf',
	'debian/cups-filters--form_english.pdf',
	'debian/cb2bib--metadata_bibtex.pdf'
];
const memberNip = (i: number) => `19950101202001${1000 + i}`;

/** A SLiMS bibliography export of `ROWS` good rows, each with one copy. */
function slimsCsv(): string {
	const words = ['Pengelolaan', 'Lelang', 'Piutang Negara', 'Barang Milik Negara', 'Penilaian'];
	const lines = [
		'"title","gmd_name","edition","isbn_issn","publisher_name","publish_year","collation","series_title","call_number","language_name","place_name","classification","notes","image","sor","authors","topics","item_code"'
	];
	for (let i = 1; i <= ROWS; i++) {
		lines.push(
			[
				`${words[i % words.length]} dan ${words[(i * 7) % words.length]}: kajian stres ${i}`,
				'Text',
				'',
				'',
				'Direktorat Jenderal Kekayaan Negara',
				String(2000 + (i % 26)),
				'200 hlm.',
				'',
				`336.1 STR ${i}`,
				'Indonesia',
				'Jakarta',
				'336.1',
				'',
				'',
				'',
				`<Penulis ${i % 300}>`,
				`<${words[i % words.length]}>`,
				`<ST${String(i).padStart(6, '0')}>`
			]
				.map((v) => `"${v}"`)
				.join(',')
		);
	}
	return lines.join('\r\n') + '\r\n';
}

interface Tally {
	requests: number;
	byStatus: Record<string, number>;
	serverErrors: string[];
}
const tally: Tally = { requests: 0, byStatus: {}, serverErrors: [] };

/** Every request of the run, counted by status; a 5xx or network error is kept for the report. */
async function call(
	server: RunningServer,
	cookie: string,
	p: string,
	init: RequestInit = {}
): Promise<{ status: number; json: { id?: number; error?: { code?: string } } | null }> {
	tally.requests++;
	let status = 0;
	let text = '';
	try {
		const res = await fetch(`${server.url}${p}`, {
			...init,
			headers: { origin: server.url, cookie, ...(init.headers as Record<string, string>) }
		});
		status = res.status;
		text = await res.text();
	} catch (err) {
		text = String(err);
	}
	tally.byStatus[status] = (tally.byStatus[status] ?? 0) + 1;
	if (status >= 500 || status === 0)
		tally.serverErrors.push(`${init.method ?? 'GET'} ${p} → ${status} ${text.slice(0, 200)}`);
	let json = null;
	try {
		json = JSON.parse(text);
	} catch {
		// HTML or nothing
	}
	return { status, json };
}

async function login(server: RunningServer, username: string): Promise<string> {
	const res = await fetch(`${server.url}/api/v1/auth/login`, {
		method: 'POST',
		headers: { 'content-type': 'application/json', origin: server.url },
		body: JSON.stringify({ username, password: DEMO_PASSWORD })
	});
	expect(res.status, `login ${username}`).toBe(200);
	return res.headers.getSetCookie()[0].split(';')[0];
}

const postJson = (body: unknown): RequestInit => ({
	method: 'POST',
	headers: { 'content-type': 'application/json' },
	body: JSON.stringify(body)
});

let server: RunningServer;
let dataDir: string;
const result = {
	importExit: -1 as number | null,
	importOut: '',
	imported: -1,
	failedRows: -1,
	uploads: [] as number[],
	cycles: 0,
	refusals: 0,
	searches: 0,
	seconds: 0
};

beforeAll(async () => {
	dataDir = copyDemoData();
	// Desk librarians and borrowing members with the demo password, made before the server starts.
	const db = new SQLite(path.join(dataDir, 'perpustakaan.sqlite'));
	db.prepare(`update loan_policies set max_loans = 100000`).run();
	const member = db.prepare(
		`insert into users (nip, email, name, role, member_type, password_hash)
		 select ?, ?, ?, 'employee', 'employee', password_hash from users where nip = ?`
	);
	for (let i = 0; i < MEMBERS; i++)
		member.run(memberNip(i), `stress${i}@test`, `Stres ${i}`, EMPLOYEE_NIP);
	const desk = db.prepare(
		`insert into users (email, name, role, member_type, password_hash)
		 select ?, ?, 'librarian', 'staff', password_hash from users where email = ?`
	);
	for (let i = 0; i < DESKS; i++) desk.run(`desk${i}@stress.test`, `Meja ${i}`, LIBRARIAN);
	const { id: pub } = db
		.prepare(`select id from publications where status = 'published' order by id limit 1`)
		.get() as { id: number };
	db.close();

	server = await startServer(dataDir);
	const lib = await login(server, LIBRARIAN);
	for (let i = 0; i < COPIES; i++) {
		const r = await call(
			server,
			lib,
			'/api/v1/items',
			postJson({ publicationId: pub, barcode: `STRESS-${i}` })
		);
		expect(r.status).toBe(201);
	}
	const desks = await Promise.all(
		Array.from({ length: DESKS }, (_, i) => login(server, `desk${i}@stress.test`))
	);

	const csv = path.join(dataDir, '..', `${path.basename(dataDir)}-slims.csv`);
	fs.writeFileSync(csv, slimsCsv());

	let stop = false;
	const t0 = performance.now();
	const lending = desks.map(async (cookie) => {
		while (!stop) {
			const co = await call(
				server,
				cookie,
				'/api/v1/loans',
				postJson({
					barcode: `STRESS-${crypto.randomInt(COPIES)}`,
					nip: memberNip(crypto.randomInt(MEMBERS))
				})
			);
			if (co.status === 409 && co.json?.error?.code === 'item_not_available') {
				result.refusals++;
				continue;
			}
			if (co.status !== 201 || typeof co.json?.id !== 'number') continue;
			const back = await call(server, cookie, `/api/v1/loans/${co.json.id}/return`, postJson({}));
			if (back.status === 200) result.cycles++;
		}
	});
	const searching = [0, 1].map(async () => {
		const queries = ['lelang', 'barang milik negara', 'piutang', 'kekayaan negara', 'penilaian'];
		while (!stop) {
			await call(
				server,
				'',
				`/api/v1/search?q=${encodeURIComponent(queries[result.searches % 5])}`
			);
			result.searches++;
		}
	});
	const uploading = UPLOADS.map(async (file, i) => {
		const form = new FormData();
		form.append('title', `Unggahan stres ${i}`);
		form.append(
			'file',
			new Blob([new Uint8Array(fs.readFileSync(path.join(CORPUS_DIR, file)))], {
				type: 'application/pdf'
			}),
			path.basename(file)
		);
		const r = await call(server, lib, '/api/v1/publications', { method: 'POST', body: form });
		result.uploads.push(r.status);
	});
	// The import CLI writes the same database from its own process while all of the above runs.
	const importing = new Promise<void>((resolve) => {
		const child = spawn(
			process.execPath,
			['node_modules/tsx/dist/cli.mjs', 'scripts/import.ts', '--slims', csv],
			{
				cwd: ROOT,
				env: { ...process.env, DATA_DIR: dataDir, LANG: 'id_ID.UTF-8', LOG_LEVEL: 'warn' },
				stdio: ['ignore', 'pipe', 'pipe']
			}
		);
		child.stdout.on('data', (d) => (result.importOut += String(d)));
		child.stderr.on('data', (d) => (result.importOut += String(d)));
		child.once('exit', (code) => {
			result.importExit = code;
			resolve();
		});
	});
	// Let the desks and searches get going before the big writers start.
	await new Promise((r) => setTimeout(r, 500));
	await Promise.all([importing, ...uploading]);
	// A little more load after the writers finished (the index builder catches up meanwhile).
	await new Promise((r) => setTimeout(r, 1000));
	stop = true;
	await Promise.all([...lending, ...searching]);
	result.seconds = (performance.now() - t0) / 1000;
	const m = /([\d.]+) diimpor, ([\d.]+) dilewati, ([\d.]+) gagal/.exec(result.importOut);
	result.imported = m ? Number(m[1].replace(/\./g, '')) : -1;
	result.failedRows = m ? Number(m[3].replace(/\./g, '')) : -1;
	await server.stop();
	console.log(
		`write stress: ${result.imported} SLiMS rows imported (${result.failedRows} failed), ` +
			`${result.uploads.filter((s) => s === 201).length}/${UPLOADS.length} uploads, ` +
			`${result.cycles} loan cycles + ${result.refusals} refusals by ${DESKS} desks, ` +
			`${result.searches} searches; ${tally.requests} requests in ${result.seconds.toFixed(1)} s, ` +
			`${tally.serverErrors.length} answered 5xx or failed: ${JSON.stringify(tally.byStatus)}`
	);
}, 300_000);

afterAll(async () => {
	await server?.stop();
});

describe('concurrent writers on one SQLite file', () => {
	it('imports every SLiMS row while the server is busy (0 failed rows, exit 0)', () => {
		expect(result.importOut).not.toMatch(/database is locked/i);
		expect(result.failedRows, result.importOut.slice(-2000)).toBe(0);
		expect(result.imported).toBe(ROWS);
		expect(result.importExit).toBe(0);
	});

	it('accepts every upload and answers no request with a 5xx', () => {
		expect(result.uploads).toEqual(UPLOADS.map(() => 201));
		expect(tally.serverErrors).toEqual([]);
		// The load really ran concurrently with the writers.
		expect(result.cycles).toBeGreaterThan(50);
		expect(result.searches).toBeGreaterThan(10);
	});

	it('leaves every circulation and file-store invariant intact', () => {
		const db = new SQLite(path.join(dataDir, 'perpustakaan.sqlite'), { readonly: true });
		const n = (q: string) => (db.prepare(q).get() as { n: number }).n;
		expect(n(`select count(*) n from publications where title like '%kajian stres%'`)).toBe(ROWS);
		expect(n(`select count(*) n from items where barcode like 'ST0%'`)).toBe(ROWS);
		expect(n(`select count(*) n from publications where title like 'Unggahan stres %'`)).toBe(
			UPLOADS.length
		);
		db.close();
		const broken = [
			...checkInvariants(path.join(dataDir, 'perpustakaan.sqlite')),
			...checkStorageInvariants(dataDir)
		].filter((i) => i.violations !== 0);
		expect(broken).toEqual([]);
	});
});
