import path from 'node:path';
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emptyDataDir } from '../helpers/demo.ts';
import { corpusFiles } from '../helpers/corpus.ts';

/**
 * Every real-world PDF of the shared corpus goes through the same code path as an upload
 * (ingest.inspect + ingest.commit): it is either catalogued with its pages and text, or
 * refused with a reason — never a crash, a hang, or half-stored state.
 */
type Ingest = typeof import('../../src/lib/server/catalog/ingest.ts');
let ingest: Ingest;
let db: Awaited<ReturnType<typeof import('../../src/lib/server/db/index.ts').getDb>>;
let dataDir: string;
const outcomes = new Map<
	string,
	| { ok: true; pages: number; text: string; hasText: boolean }
	| { ok: false; code: string; message: string }
>();

beforeAll(async () => {
	dataDir = emptyDataDir();
	process.env.DATA_DIR = dataDir;
	ingest = await import('../../src/lib/server/catalog/ingest.ts');
	const { getDb } = await import('../../src/lib/server/db/index.ts');
	db = await getDb();
	const files = corpusFiles();
	// Through the pool, as uploads are: several files at once on both cores.
	await Promise.all(
		files.map(async (f) => {
			try {
				const committed = await ingest.ingestNew(
					db,
					await ingest.copyToTemp(f.path),
					path.basename(f.file),
					{ status: 'draft' },
					{ id: null }
				);
				const texts = await db
					.selectFrom('page_texts')
					.select('text')
					.where('file_id', '=', committed.fileId)
					.orderBy('page')
					.execute();
				outcomes.set(f.file, {
					ok: true,
					pages: committed.pages,
					text: texts.map((t) => t.text).join('\n'),
					hasText: committed.hasTextLayer
				});
			} catch (err) {
				const e = err as { code?: string; message: string };
				outcomes.set(f.file, { ok: false, code: e.code ?? 'crash', message: e.message });
			}
		})
	);
}, 600_000);

afterAll(async () => {
	const { shutdown } = await import('../../src/lib/server/pdf/index.ts');
	const { closeDb } = await import('../../src/lib/server/db/index.ts');
	await shutdown();
	await closeDb();
});

describe('the shared corpus through the upload path', () => {
	const files = corpusFiles();

	it('has an outcome for every file, and every refusal is a known reason', () => {
		expect(outcomes.size).toBe(files.length);
		for (const [file, o] of outcomes) {
			if (!o.ok)
				expect(o.code, `${file}: ${o.message}`).toMatch(
					/^pdf_(encrypted|damaged|too_many_pages|page_too_large|timeout|too_large|not_pdf)$/
				);
		}
	});

	it('refuses password-protected files as encrypted', () => {
		for (const f of files.filter((x) => x.passwordProtected)) {
			const o = outcomes.get(f.file)!;
			expect(o.ok, f.file).toBe(false);
			if (!o.ok) expect(o.code, f.file).toBe('pdf_encrypted');
		}
	});

	it('catalogues readable files with poppler’s page count and extracted text', () => {
		let checked = 0;
		for (const f of files.filter(
			(x) =>
				!x.passwordProtected &&
				x.pages !== null &&
				x.category !== 'broken-structure' &&
				x.category !== 'resource-exhaustion'
		)) {
			const o = outcomes.get(f.file)!;
			expect(o.ok, `${f.file}: ${!o.ok ? o.message : ''}`).toBe(true);
			if (!o.ok) continue;
			expect(o.pages, f.file).toBe(f.pages);
			if ((f.words ?? 0) >= 100) {
				expect(o.hasText, f.file).toBe(true);
				expect(o.text.split(/\s+/).length, f.file).toBeGreaterThan((f.words ?? 0) * 0.5);
			}
			checked++;
		}
		expect(checked).toBeGreaterThan(30);
	});

	it('extracts real words: English manuals, Arabic and Chinese', () => {
		const text = (file: string) => {
			const o = outcomes.get(file)!;
			return o.ok ? o.text : '';
		};
		expect(text('pdfjs/tracemonkey.pdf')).toContain('Trace-based Just-in-Time Type Specialization');
		expect(text('debian/debmake-doc--debmake-doc.en.pdf')).toMatch(/Debian/);
		expect(text('debian/r-cran-pdftools--chinese.pdf')).toMatch(/[\u4e00-\u9fff]/);
		expect(text('debian/fonts-hosny-amiri--Documentation-Arabic.pdf')).toMatch(/[\u0600-\u06ff]/);
	});

	it('flags a scan without a text layer instead of refusing it', () => {
		const scans = [...outcomes].filter(([, o]) => o.ok && !o.hasText);
		expect(scans.length).toBeGreaterThan(0);
	});

	it('leaves exactly one stored file per catalogued PDF and nothing in tmp', async () => {
		const accepted = [...outcomes.values()].filter((o) => o.ok).length;
		const rows = await db.selectFrom('files').select(['storage_key']).execute();
		expect(rows.length).toBe(accepted);
		const pdfs = (await (await import('../../src/lib/server/storage/index.ts')).listKeys()).filter(
			(k) => k.startsWith('pdf/')
		);
		expect(pdfs.length).toBe(new Set(rows.map((r) => r.storage_key)).size);
		const tmp = path.join(dataDir, 'tmp');
		expect(fs.existsSync(tmp) ? fs.readdirSync(tmp) : []).toEqual([]);
		const pubs = await db
			.selectFrom('publications')
			.select((eb) => eb.fn.countAll<number>().as('n'))
			.executeTakeFirstOrThrow();
		expect(Number(pubs.n)).toBe(accepted);
	});
});
