import fs from 'node:fs';
import path from 'node:path';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openLibraryDb } from '../helpers/db.ts';
import { copyDemoData } from '../helpers/demo.ts';
import { CORPUS_DIR, DEMO_PASSWORD } from '../helpers/env.ts';
import { Client } from '../helpers/http.ts';
import { startServer, type RunningServer } from '../helpers/server.ts';

/**
 * Librarians and integrations catalogue through the HTTP API. Every bad input gets a clear
 * 4xx and leaves no trace: no row, no stored file, nothing in tmp.
 */
let server: RunningServer;
let lib: Client;
const corpus = (f: string) => fs.readFileSync(path.join(CORPUS_DIR, f));

beforeAll(async () => {
	server = await startServer(copyDemoData(), { MAX_UPLOAD_MB: '3' });
	lib = new Client(server.url, { cookie: 'lang=en' });
	expect((await lib.login('pustakawan@perpustakaan.test', DEMO_PASSWORD)).status).toBe(200);
});
afterAll(async () => {
	await server?.stop();
});

/** Counts of everything an import could leave behind. */
async function footprint() {
	const db = openLibraryDb(server.dataDir);
	const n = async (sql: string) => ((await db.get(sql)) as { n: number }).n;
	const counts = {
		publications: await n('select count(*) n from publications'),
		files: await n('select count(*) n from files'),
		pageTexts: await n('select count(*) n from page_texts'),
		subjects: await n('select count(*) n from subjects')
	};
	await db.close();
	const walk = (dir: string): string[] =>
		fs.existsSync(dir)
			? fs
					.readdirSync(dir, { recursive: true, withFileTypes: true })
					.filter((d) => d.isFile())
					.map((d) => d.name)
			: [];
	return {
		...counts,
		stored: walk(path.join(server.dataDir, 'files')).length,
		tmp: walk(path.join(server.dataDir, 'tmp')).length
	};
}

function upload(
	file: Uint8Array | Buffer | null,
	name: string,
	fields: Record<string, string> = {},
	client = lib
) {
	const form = new FormData();
	for (const [k, v] of Object.entries(fields)) form.append(k, v);
	if (file)
		form.append('file', new Blob([new Uint8Array(file)], { type: 'application/pdf' }), name);
	return client.fetch('/api/v1/publications', {
		method: 'POST',
		body: form,
		headers: { origin: server.url }
	});
}

/** A real PDF with more pages than any catalogued document may have (a page-count bomb). */
async function manyPagesPdf(): Promise<Uint8Array> {
	const doc = await PDFDocument.create();
	for (let i = 0; i < 5001; i++) doc.addPage([200, 200]);
	return doc.save();
}

async function hugePagePdf(): Promise<Uint8Array> {
	const doc = await PDFDocument.create();
	const page = doc.addPage([100_000, 100_000]);
	page.drawText('huge', { font: await doc.embedFont(StandardFonts.Helvetica), x: 10, y: 10 });
	return doc.save();
}

describe('POST /api/v1/publications', () => {
	it('catalogues a real PDF, taking the title from the file when it has none, with pages and text layer', async () => {
		const res = await upload(corpus('pdfjs/tracemonkey.pdf'), 'tracemonkey-paper.pdf', {
			type: 'article',
			authors: 'Andreas Gal\nBrendan Eich',
			subjects: '["Compilers","JavaScript"]',
			access: 'internal',
			status: 'published'
		});
		expect(res.status).toBe(201);
		const pub = await res.json();
		expect(pub).toMatchObject({
			title: 'tracemonkey paper',
			type: 'article',
			pages: 14,
			hasTextLayer: true,
			access: 'internal',
			status: 'published'
		});
		expect(pub.authors).toEqual(['Andreas Gal', 'Brendan Eich']);
		expect(pub.subjects).toEqual(['Compilers', 'JavaScript']);
		expect(res.headers.get('location')).toBe(`/api/v1/publications/${pub.id}`);
		const cover = await lib.fetch(pub.cover);
		expect(cover.status).toBe(200);
		// Internal: the public may not know it.
		expect((await fetch(`${server.url}/api/v1/publications/${pub.id}`)).status).toBe(404);
	});

	it('accepts a scan without a text layer and flags it', async () => {
		const res = await upload(corpus('pdfjs/tiling-pattern-large-steps.pdf'), 'scan.pdf', {
			title: 'Pindaian'
		});
		expect(res.status).toBe(201);
		expect((await res.json()).hasTextLayer).toBe(false);
	});

	it('creates a record without a file from JSON (the physical collection)', async () => {
		const res = await lib.postJson('/api/v1/publications', {
			title: 'Himpunan Peraturan Lelang',
			type: 'book',
			isbn: '978-602-8023-62-7',
			year: 2019
		});
		expect(res.status).toBe(201);
		expect(await res.json()).toMatchObject({
			hasFile: false,
			pages: null,
			isbn: '978-602-8023-62-7'
		});
	});

	const cases: [string, () => Promise<Response>, number, string][] = [
		[
			'a renamed JPEG',
			() =>
				upload(
					Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 16, 0x4a, 0x46, 0x49, 0x46, 0, 1, 1, 0, 0, 1]),
					'foto.pdf',
					{ title: 'x' }
				),
			415,
			'pdf_not_pdf'
		],
		[
			'an HTML page',
			() => upload(Buffer.from('<!doctype html><title>x</title>'), 'page.pdf', { title: 'x' }),
			415,
			'pdf_not_pdf'
		],
		[
			'a zip',
			() => upload(Buffer.from('PK\u0003\u0004zipzipzip'), 'arsip.pdf', { title: 'x' }),
			415,
			'pdf_not_pdf'
		],
		[
			'an empty file',
			() => upload(Buffer.alloc(0), 'kosong.pdf', { title: 'x' }),
			400,
			'empty_file'
		],
		[
			'a truncated PDF',
			() => upload(corpus('pdfjs/tracemonkey.pdf').subarray(0, 4000), 'potong.pdf', { title: 'x' }),
			422,
			'pdf_damaged'
		],
		[
			'an encrypted PDF',
			() => upload(corpus('pdfjs/issue6010_1.pdf'), 'rahasia.pdf', { title: 'x' }),
			422,
			'pdf_encrypted'
		],
		[
			'a page-count bomb',
			async () => upload(await manyPagesPdf(), 'bom.pdf', { title: 'x' }),
			422,
			'pdf_too_many_pages'
		],
		[
			'a page-size bomb',
			async () => upload(await hugePagePdf(), 'raksasa.pdf', { title: 'x' }),
			422,
			'pdf_page_too_large'
		],
		[
			'a file over the size limit',
			() =>
				upload(
					Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.alloc(4 * 1024 * 1024, 32)]),
					'besar.pdf',
					{ title: 'x' }
				),
			413,
			'file_too_large'
		],
		[
			'a path in the file name',
			() =>
				upload(corpus('debian/r-cran-pdftools--hello.pdf'), '../../etc/passwd.pdf', { title: 'x' }),
			400,
			'bad_file_name'
		],
		[
			'a control character in the file name',
			() => upload(corpus('debian/r-cran-pdftools--hello.pdf'), 'hal\u0007o.pdf', { title: 'x' }),
			400,
			'bad_file_name'
		],
		[
			'an invalid ISBN',
			() =>
				upload(corpus('debian/r-cran-pdftools--hello.pdf'), 'hello.pdf', {
					title: 'x',
					isbn: '978-602-8023-62-9'
				}),
			400,
			'invalid'
		],
		[
			'a year after next year',
			() =>
				upload(corpus('debian/r-cran-pdftools--hello.pdf'), 'hello.pdf', {
					title: 'x',
					year: String(new Date().getFullYear() + 2)
				}),
			400,
			'invalid'
		],
		[
			'an issue number without a series',
			() =>
				upload(corpus('debian/r-cran-pdftools--hello.pdf'), 'hello.pdf', {
					title: 'x',
					issue: '3'
				}),
			400,
			'invalid'
		],
		[
			'a title of 10,000 characters',
			() =>
				upload(corpus('debian/r-cran-pdftools--hello.pdf'), 'hello.pdf', {
					title: 'j'.repeat(10_000)
				}),
			400,
			'invalid'
		],
		[
			'an unknown field',
			() =>
				upload(corpus('debian/r-cran-pdftools--hello.pdf'), 'hello.pdf', {
					title: 'x',
					judul: 'y'
				}),
			400,
			'unknown_field'
		]
	];
	for (const [what, send, status, code] of cases) {
		it(`refuses ${what} with ${status} and stores nothing`, async () => {
			const before = await footprint();
			const res = await send();
			expect(res.status).toBe(status);
			const body = await res.json();
			expect(body.error.code.startsWith(code), JSON.stringify(body)).toBe(true);
			expect(body.error.message.length).toBeGreaterThan(5);
			expect(await footprint()).toEqual(before);
		});
	}

	it('explains field errors by field in the caller’s language', async () => {
		const res = await upload(null, '', { title: 'x', isbn: '123', year: '3000' });
		expect(res.status).toBe(400);
		const { error } = await res.json();
		expect(error.fields).toEqual({
			isbn: 'Invalid ISBN (check digit does not match).',
			year: 'The year must be between 1800 and next year.'
		});
	});

	it('refuses a duplicate file and names the record that has it', async () => {
		const first = await upload(corpus('debian/r-cran-pdftools--hello.pdf'), 'hello.pdf', {
			title: 'Hello'
		});
		expect(first.status).toBe(201);
		const { id } = await first.json();
		const before = await footprint();
		const again = await upload(corpus('debian/r-cran-pdftools--hello.pdf'), 'hello-lagi.pdf', {
			title: 'Hello again'
		});
		expect(again.status).toBe(409);
		const { error } = await again.json();
		expect(error.code).toBe('duplicate_file');
		expect(error.message).toContain(`#${id}`);
		expect(await footprint()).toEqual(before);
	});

	it('is for librarians: employees get 403, anonymous callers 401', async () => {
		const emp = new Client(server.url);
		await emp.login('pegawai@perpustakaan.test', DEMO_PASSWORD);
		expect(
			(await upload(corpus('debian/r-cran-pdftools--gangnam.pdf'), 'g.pdf', { title: 'x' }, emp))
				.status
		).toBe(403);
		expect(
			(
				await upload(
					corpus('debian/r-cran-pdftools--gangnam.pdf'),
					'g.pdf',
					{ title: 'x' },
					new Client(server.url)
				)
			).status
		).toBe(401);
	});
});

describe('editing, withdrawing and replacing', () => {
	it('PATCH changes metadata, is audited before → after, and validates', async () => {
		const { id } = await (
			await lib.postJson('/api/v1/publications', {
				title: 'Laporan Sementara',
				type: 'report',
				status: 'draft'
			})
		).json();
		const res = await lib.fetch(`/api/v1/publications/${id}`, {
			method: 'PATCH',
			headers: { 'content-type': 'application/json', origin: server.url },
			body: JSON.stringify({ title: 'Laporan Akhir', status: 'published', subjects: ['Lelang'] })
		});
		expect(res.status).toBe(200);
		expect(await res.json()).toMatchObject({
			title: 'Laporan Akhir',
			status: 'published',
			subjects: ['Lelang'],
			type: 'report'
		});
		expect((await fetch(`${server.url}/api/v1/publications/${id}`)).status).toBe(200);
		const db = openLibraryDb(server.dataDir);
		const row = (await db.get(
			`select before, after from audit_log where action = 'publication.update' and entity_id = ? order by id desc`,
			String(id)
		)) as { before: string; after: string };
		await db.close();
		expect(JSON.parse(row.before)).toMatchObject({ title: 'Laporan Sementara', status: 'draft' });
		expect(JSON.parse(row.after)).toMatchObject({ title: 'Laporan Akhir', status: 'published' });
		const bad = await lib.fetch(`/api/v1/publications/${id}`, {
			method: 'PATCH',
			headers: { 'content-type': 'application/json', origin: server.url },
			body: JSON.stringify({ issue: 4 })
		});
		expect(bad.status).toBe(400);
	});

	it('withdraw hides a record from the public but keeps it', async () => {
		const { id } = await (
			await lib.postJson('/api/v1/publications', {
				title: 'Buku Lama',
				type: 'book',
				status: 'published'
			})
		).json();
		expect((await fetch(`${server.url}/api/v1/publications/${id}`)).status).toBe(200);
		const res = await lib.postJson(`/api/v1/publications/${id}/withdraw`, {
			reason: 'Edisi revisi terbit'
		});
		expect(res.status).toBe(200);
		expect((await res.json()).status).toBe('withdrawn');
		expect((await fetch(`${server.url}/api/v1/publications/${id}`)).status).toBe(404);
		expect((await lib.fetch(`/api/v1/publications/${id}`)).status).toBe(200);
	});

	it('replacing a file records a new version and keeps the old one', async () => {
		const created = await upload(
			corpus('debian/r-cran-pdftools--pdf-example-fonts.original.pdf'),
			'v1.pdf',
			{ title: 'Berversi' }
		);
		const { id } = await created.json();
		const staged = await lib.fetch('/staff/uploads', {
			method: 'POST',
			headers: { 'content-type': 'application/pdf', 'x-file-name': 'v2.pdf', origin: server.url },
			body: corpus('debian/r-cran-pdftools--pdf-example-watermarks.original.pdf')
		});
		expect(staged.status).toBe(201);
		const { uploadId, pages } = await staged.json();
		expect(pages).toBe(1);
		const replaced = await lib.postForm(`/staff/publications/${id}?/replaceFile`, { uploadId });
		expect(replaced.status).toBe(200);
		const db = openLibraryDb(server.dataDir);
		const versions = (await db.all(
			'select version, is_current, storage_key from files where publication_id = ? order by version',
			id
		)) as { version: number; is_current: number; storage_key: string }[];
		await db.close();
		expect(versions.map((v) => [v.version, v.is_current])).toEqual([
			[1, 0],
			[2, 1]
		]);
		for (const v of versions)
			expect(fs.existsSync(path.join(server.dataDir, 'files', v.storage_key))).toBe(true);
	});
});
