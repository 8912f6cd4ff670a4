import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openReadOnly } from '../helpers/db.ts';
import { copyDemoData } from '../helpers/demo.ts';
import { DEMO_PASSWORD, ROOT } from '../helpers/env.ts';
import { Client } from '../helpers/http.ts';
import { startServer, type RunningServer } from '../helpers/server.ts';
import { slimsCatalog } from '../../scripts/bench/catalog.ts';

/**
 * Imports from the browser's API (`/api/v1/imports`) against the real built server: who may,
 * the preview's counts, confirm, an idempotent second run, refused archives that leave nothing
 * behind, cancel, the report CSV, and a server killed in the middle of a job that resumes after
 * the restart and imports every row exactly once.
 */
const FIXTURES = path.join(ROOT, 'tests', 'fixtures', 'import');
let server: RunningServer;
let librarian: Client;

beforeAll(async () => {
	server = await startServer(copyDemoData());
	librarian = new Client(server.url);
	expect((await librarian.login('pustakawan@perpustakaan.test', DEMO_PASSWORD)).status).toBe(200);
}, 60_000);

afterAll(async () => {
	await server?.stop();
});

function fixture(name: string): Blob {
	return new Blob([new Uint8Array(fs.readFileSync(path.join(FIXTURES, name)))]);
}

async function upload(
	c: Client,
	file: Blob,
	name: string,
	fields: Record<string, string> = {}
): Promise<Response> {
	const form = new FormData();
	for (const [k, v] of Object.entries(fields)) form.append(k, v);
	form.append('file', file, name);
	return c.fetch('/api/v1/imports', { method: 'POST', body: form });
}

type Job = {
	id: number;
	status: string;
	total: number;
	done: number;
	imported: number;
	skipped: number;
	failed: number;
	failures?: { line: number | null; reason: string }[];
};

async function waitEnd(c: Client, id: number, timeoutMs = 60_000): Promise<Job> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const job = (await (await c.fetch(`/api/v1/imports/${id}`)).json()) as Job;
		if (['done', 'failed', 'cancelled'].includes(job.status)) return job;
		if (Date.now() > deadline) throw new Error(`job ${id} still ${job.status}`);
		await new Promise((r) => setTimeout(r, 150));
	}
}

function query<T>(dataDir: string, sql: string, ...params: unknown[]): T[] {
	const db = openReadOnly(dataDir);
	try {
		return db.prepare(sql).all(...params) as T[];
	} finally {
		db.close();
	}
}

/** What a refused upload must not leave: a job, a job folder, a temporary file, a record. */
function leftovers(dataDir: string) {
	const dir = (d: string) =>
		fs.existsSync(path.join(dataDir, d)) ? fs.readdirSync(path.join(dataDir, d)) : [];
	return {
		jobs: query<{ n: number }>(dataDir, 'select count(*) n from import_jobs')[0].n,
		folders: dir('imports').length,
		tmp: dir('tmp').filter((f) => f.endsWith('.import')).length,
		records: query<{ n: number }>(dataDir, 'select count(*) n from publications')[0].n
	};
}

describe('who may import', () => {
	it('anonymous API calls get 401, employees 403, the pages send the public to the login', async () => {
		const anon = new Client(server.url);
		expect((await upload(anon, fixture('slims-small.csv'), 'a.csv')).status).toBe(401);
		expect((await anon.fetch('/api/v1/imports/1')).status).toBe(401);
		const page = await anon.fetch('/staff/import');
		expect([302, 303]).toContain(page.status);
		expect(page.headers.get('location')).toMatch(/^\/login/);

		const employee = new Client(server.url);
		expect((await employee.login('pegawai@perpustakaan.test', DEMO_PASSWORD)).status).toBe(200);
		const res = await upload(employee, fixture('slims-small.csv'), 'a.csv');
		expect(res.status).toBe(403);
		expect((await employee.fetch('/api/v1/imports/1')).status).toBe(403);
		expect((await employee.fetch('/api/v1/imports/1', { method: 'DELETE' })).status).toBe(403);
		expect((await employee.fetch('/staff/import')).status).toBe(403);
	});

	it('an admin API token may import', async () => {
		const admin = new Client(server.url);
		expect((await admin.login('admin@perpustakaan.test', DEMO_PASSWORD)).status).toBe(200);
		const tok = await admin.postJson('/api/v1/tokens', { name: 'import' });
		expect(tok.status).toBe(201);
		const { token } = (await tok.json()) as { token: string };
		const viaToken = new Client(server.url, { authorization: `Bearer ${token}` });
		const res = await upload(viaToken, fixture('sheet.xlsx'), 'sheet.xlsx');
		expect(res.status).toBe(202);
		const job = (await res.json()) as Job;
		expect((await viaToken.fetch(`/api/v1/imports/${job.id}`, { method: 'DELETE' })).status).toBe(
			200
		);
	});
});

describe('SLiMS export: preview, confirm, report, second run', () => {
	let firstId = 0;
	it('previews the counts, imports on confirm, and the records are there', async () => {
		const res = await upload(librarian, fixture('slims-small.csv'), 'slims-small.csv');
		expect(res.status).toBe(202);
		const job = (await res.json()) as Job;
		firstId = job.id;
		expect(res.headers.get('location')).toBe(`/api/v1/imports/${job.id}`);
		expect(job).toMatchObject({ status: 'preview', total: 40, done: 0, imported: 0 });
		const withPreview = await (await librarian.fetch(`/api/v1/imports/${job.id}?preview=1`)).json();
		expect(withPreview.preview.counts).toEqual({ new: 40, present: 0, invalid: 0 });
		expect(withPreview.preview.rows.length).toBe(10);
		// Nothing is written before the librarian confirms.
		expect(
			query<{ n: number }>(
				server.dataDir,
				"select count(*) n from publications where source = 'slims'"
			)[0].n
		).toBe(0);

		const confirmed = await librarian.fetch(`/api/v1/imports/${job.id}/confirm`, {
			method: 'POST'
		});
		expect(confirmed.status).toBe(202);
		const done = await waitEnd(librarian, job.id);
		expect(done).toMatchObject({ status: 'done', total: 40, done: 40, imported: 40, failures: [] });
		// A record imported is published and public: the anonymous API shows it.
		const [rec] = query<{ id: number; title: string }>(
			server.dataDir,
			"select id, title from publications where source = 'slims' order by id limit 1"
		);
		expect((await fetch(`${server.url}/api/v1/publications/${rec.id}`)).status).toBe(200);
		// One audit entry for the job: who, which file, the counts.
		const audit = query<{ actor_id: number; after: string }>(
			server.dataDir,
			"select actor_id, after from audit_log where action = 'catalog.import' and entity_id = ?",
			String(job.id)
		);
		expect(audit.length).toBe(1);
		expect(JSON.parse(audit[0].after)).toMatchObject({
			file: 'slims-small.csv',
			imported: 40,
			status: 'done'
		});
		// The job's files are gone once it ended.
		expect(fs.readdirSync(path.join(server.dataDir, 'imports'))).toEqual([]);
	});

	it('a second upload of the same file previews everything present and skips it all', async () => {
		const res = await upload(librarian, fixture('slims-small.csv'), 'slims-small.csv', {
			format: 'slims'
		});
		const job = (await res.json()) as Job;
		const p = await (await librarian.fetch(`/api/v1/imports/${job.id}?preview=1`)).json();
		expect(p.preview.counts).toEqual({ new: 0, present: 40, invalid: 0 });
		await librarian.fetch(`/api/v1/imports/${job.id}/confirm`, { method: 'POST' });
		expect(await waitEnd(librarian, job.id)).toMatchObject({
			status: 'done',
			imported: 0,
			skipped: 40,
			failed: 0
		});
		expect(
			query<{ n: number }>(
				server.dataDir,
				"select count(*) n from publications where source = 'slims'"
			)[0].n
		).toBe(40);
		expect(firstId).toBeLessThan(job.id);
	});

	it('confirming twice or cancelling a finished job is a conflict', async () => {
		expect(
			(await librarian.fetch(`/api/v1/imports/${firstId}/confirm`, { method: 'POST' })).status
		).toBe(409);
		expect((await librarian.fetch(`/api/v1/imports/${firstId}`, { method: 'DELETE' })).status).toBe(
			409
		);
		expect((await librarian.fetch('/api/v1/imports/999999')).status).toBe(404);
	});
});

describe('metadata sheet (.xlsx): failures with line and reason, CSV report', () => {
	it('imports the good rows, reports the bad one and offers the report as CSV', async () => {
		const res = await upload(librarian, fixture('sheet.xlsx'), 'sheet.xlsx', { confirm: 'true' });
		expect(res.status).toBe(202);
		const job = await waitEnd(librarian, ((await res.json()) as Job).id);
		expect(job).toMatchObject({ status: 'done', imported: 2, failed: 1 });
		expect(job.failures).toEqual([{ line: 4, name: '', reason: expect.stringMatching(/title/) }]);
		const csv = await librarian.fetch(`/api/v1/imports/${job.id}/report.csv`, {
			headers: { cookie: 'lang=en' }
		});
		expect(csv.status).toBe(200);
		expect(csv.headers.get('content-type')).toMatch(/text\/csv/);
		const text = await csv.text();
		expect(text).toContain('Line,Title or file,Outcome,Record,Reason');
		expect(text).toMatch(
			/2,Pedoman Lelang Barang Milik Negara,imported,http:\/\/127\.0\.0\.1:\d+\/publications\/\d+/
		);
		expect(text).toMatch(/4,,failed,,Invalid metadata \(title: /);
	});
});

describe('ZIP archives', () => {
	it('a ZIP of PDFs imports with the sheet inside it', async () => {
		const res = await upload(librarian, fixture('pdfs.zip'), 'pdfs.zip');
		expect(res.status).toBe(202);
		const created = (await res.json()) as Job;
		const p = await (await librarian.fetch(`/api/v1/imports/${created.id}?preview=1`)).json();
		expect(p.format).toBe('zip');
		expect(p.preview.counts).toEqual({ new: 2, present: 0, invalid: 0 });
		await librarian.fetch(`/api/v1/imports/${created.id}/confirm`, { method: 'POST' });
		expect(await waitEnd(librarian, created.id)).toMatchObject({ status: 'done', imported: 2 });
		const titles = query<{ title: string; pages: number }>(
			server.dataDir,
			"select p.title, f.pages from publications p join files f on f.publication_id = p.id where p.title like '%Contoh'"
		);
		expect(titles.map((t) => t.title).sort()).toEqual(['Gangnam Contoh', 'Metadata Bibtex Contoh']);
	});

	for (const [name, code] of [
		['bomb.zip', 'zip_bomb'],
		['traversal.zip', 'zip_unsafe_path'],
		['symlink.zip', 'zip_symlink']
	] as const)
		it(`${name} is refused (${code}) with a clear message, and nothing is written`, async () => {
			const before = leftovers(server.dataDir);
			const res = await upload(librarian, fixture(name), name, { confirm: 'true' });
			expect(res.status).toBe(422);
			const body = await res.json();
			expect(body.error.code).toBe(code);
			expect(body.error.message).toMatch(/ZIP ditolak/);
			const after = leftovers(server.dataDir);
			expect({ ...after, folders: 0 }).toEqual({ ...before, folders: 0 });
			// (the folder of the ZIP import just before may still be on its way out)
			expect(after.folders).toBeLessThanOrEqual(before.folders);
			expect(fs.existsSync(path.join(server.dataDir, '..', 'evil.pdf'))).toBe(false);
		});

	it('the refusal is in the interface language (English)', async () => {
		const en = new Client(server.url, { cookie: 'lang=en' });
		await en.login('pustakawan@perpustakaan.test', DEMO_PASSWORD);
		const refused = await (await upload(en, fixture('bomb.zip'), 'bomb.zip')).json();
		expect(refused.error.message).toMatch(/The ZIP is refused/);
	});
});

describe('cancel and restart', () => {
	it('a preview cancelled ends at once; a running job cancelled keeps what it committed', async () => {
		const preview = (await (
			await upload(librarian, fixture('slims-small.csv'), 'again.csv')
		).json()) as Job;
		const cancelled = await librarian.fetch(`/api/v1/imports/${preview.id}`, { method: 'DELETE' });
		expect(cancelled.status).toBe(200);
		expect(((await cancelled.json()) as Job).status).toBe('cancelled');

		const big = new Blob([slimsCatalog(20_000, 4242)]);
		const job = (await (
			await upload(librarian, big, 'cancel.csv', { confirm: 'true' })
		).json()) as Job;
		for (let i = 0; i < 400; i++) {
			const j = (await (await librarian.fetch(`/api/v1/imports/${job.id}`)).json()) as Job;
			if (j.done > 0) break;
			await new Promise((r) => setTimeout(r, 50));
		}
		const res = await librarian.fetch(`/api/v1/imports/${job.id}`, { method: 'DELETE' });
		expect([200, 202]).toContain(res.status);
		const end = await waitEnd(librarian, job.id);
		expect(end.status).toBe('cancelled');
		expect(end.done).toBeLessThan(end.total);
		// Every record the job says it imported exists, and no other record of this file.
		const rows = query<{ n: number }>(
			server.dataDir,
			'select count(*) n from import_job_rows r join publications p on p.id = r.publication_id where r.job_id = ? and r.status = ?',
			job.id,
			'imported'
		)[0].n;
		expect(rows).toBe(end.imported);
		expect(fs.readdirSync(path.join(server.dataDir, 'imports'))).toEqual([]);
	}, 120_000);

	it('a server killed during a job resumes it after the restart: every row imported once', async () => {
		const dataDir = server.dataDir;
		const csv = slimsCatalog(20_000, 777);
		const job = (await (
			await upload(librarian, new Blob([csv]), 'restart.csv', { confirm: 'true' })
		).json()) as Job;
		for (let i = 0; i < 600; i++) {
			const j = (await (await librarian.fetch(`/api/v1/imports/${job.id}`)).json()) as Job;
			if (j.done >= 1000) break;
			await new Promise((r) => setTimeout(r, 20));
		}
		await server.kill();
		const mid = query<{ n: number }>(
			dataDir,
			'select count(*) n from import_job_rows where job_id = ?',
			job.id
		)[0].n;
		expect(mid).toBeGreaterThan(0);
		expect(mid).toBeLessThan(job.total);

		server = await startServer(dataDir);
		librarian = new Client(server.url);
		await librarian.login('pustakawan@perpustakaan.test', DEMO_PASSWORD);
		const end = await waitEnd(librarian, job.id, 120_000);
		expect(end.status).toBe('done');
		expect(end.done).toBe(end.total);
		// Each imported row names its own record, and no source id was written twice.
		const dupes = query<{ n: number }>(
			dataDir,
			"select count(*) n from (select source_id from publications where source = 'slims' group by source_id having count(*) > 1)"
		)[0].n;
		expect(dupes).toBe(0);
		const linked = query<{ n: number; d: number }>(
			dataDir,
			"select count(*) n, count(distinct publication_id) d from import_job_rows where job_id = ? and status = 'imported'",
			job.id
		)[0];
		expect(linked.n).toBe(end.imported);
		expect(linked.d).toBe(end.imported);
		// Rows present before this job (none here) and repeats in the file are the only skips.
		expect(end.imported + end.skipped + end.failed).toBe(end.total);
		expect(end.imported).toBeGreaterThan(end.total * 0.9);
	}, 240_000);
});

describe('speed', () => {
	it('the 5,000-row SLiMS export imports through the API within 10 s end to end', async () => {
		const csv = slimsCatalog(5000, 5000);
		const started = performance.now();
		const res = await upload(librarian, new Blob([csv]), 'bench.csv');
		const job = (await res.json()) as Job;
		const previewed = performance.now();
		await librarian.fetch(`/api/v1/imports/${job.id}/confirm`, { method: 'POST' });
		const end = await waitEnd(librarian, job.id);
		const seconds = (performance.now() - started) / 1000;
		console.log(
			`web import of 5,000 SLiMS rows: upload+preview ${((previewed - started) / 1000).toFixed(2)} s, end to end ${seconds.toFixed(2)} s (${end.imported} imported)`
		);
		expect(end.status).toBe('done');
		expect(seconds).toBeLessThan(10);
	}, 60_000);
});
