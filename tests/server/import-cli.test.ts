import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { emptyDataDir } from '../helpers/demo.ts';
import { openReadOnly } from '../helpers/db.ts';
import { CORPUS_DIR, ROOT } from '../helpers/env.ts';

/**
 * `npm run import -- <folder>` as a librarian runs it: the real CLI over real PDFs of the shared
 * corpus plus the things a real folder holds (an encrypted PDF, a decompression bomb, a photo
 * and a saved web page named .pdf, an empty file). Each file is imported or reported with its
 * reason; a re-run imports nothing new.
 */

const GOOD = {
	'tracemonkey.pdf': 14,
	'sub/hello.pdf': 1,
	'Manual/Debmake.PDF': 143
} as const;

function makeFolder(): string {
	const dir = emptyDataDir();
	const copy = (from: string, to: string) => {
		fs.mkdirSync(path.dirname(path.join(dir, to)), { recursive: true });
		fs.copyFileSync(path.join(CORPUS_DIR, from), path.join(dir, to));
	};
	copy('pdfjs/tracemonkey.pdf', 'tracemonkey.pdf');
	copy('debian/r-cran-pdftools--hello.pdf', 'sub/hello.pdf');
	copy('debian/debmake-doc--debmake-doc.en.pdf', 'Manual/Debmake.PDF');
	copy('debian/r-cran-pdftools--pdf-example-password.original.pdf', 'terkunci.pdf');
	copy('pdfjs/bomb_giant.pdf', 'bomb_giant.pdf');
	// A JPEG and an HTML page someone saved with a .pdf name, an empty file, a non-PDF.
	fs.writeFileSync(
		path.join(dir, 'foto.pdf'),
		Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10]), Buffer.from('JFIF\0')])
	);
	fs.writeFileSync(path.join(dir, 'sub/halaman.pdf'), '<!doctype html><title>PMK</title>');
	fs.writeFileSync(path.join(dir, 'x.pdf'), '');
	fs.writeFileSync(path.join(dir, 'catatan.txt'), 'bukan PDF dan tidak diimpor');
	return dir;
}

function run(dataDir: string, args: string[], lang = 'id_ID.UTF-8') {
	const r = spawnSync(
		process.execPath,
		['node_modules/tsx/dist/cli.mjs', 'scripts/import.ts', ...args],
		{
			cwd: ROOT,
			env: { ...process.env, DATA_DIR: dataDir, LANG: lang, LOG_LEVEL: 'warn' },
			encoding: 'utf8'
		}
	);
	return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

let folder: string;
let dataDir: string;
let first: ReturnType<typeof run>;
let second: ReturnType<typeof run>;

beforeAll(() => {
	folder = makeFolder();
	dataDir = emptyDataDir();
	first = run(dataDir, [folder]);
	const rate = /\(([\d.,]+) halaman\/detik\)/.exec(first.stdout)?.[1] ?? '?';
	const seconds = /Selesai dalam ([\d,]+) detik/.exec(first.stdout)?.[1] ?? '?';
	console.log(`folder import: ${seconds.replace(',', '.')} s, ${rate.replace(',', '.')} pages/s`);
	second = run(dataDir, [folder]);
}, 120_000);

describe('batch import of a folder', () => {
	it('exits 1 and lists every failure with its translated reason', () => {
		expect(first.status, first.stderr).toBe(1);
		const failures = first.stdout.slice(first.stdout.indexOf('Gagal diimpor'));
		expect(failures).toContain('terkunci.pdf: PDF ini dilindungi kata sandi');
		expect(failures).toContain('foto.pdf: Berkas ini bukan PDF.');
		expect(failures).toContain('sub/halaman.pdf: Berkas ini bukan PDF.');
		expect(failures).toContain('x.pdf: Berkas kosong.');
		expect(first.stdout).not.toContain('catatan.txt');
	});

	it('reports every file once, in path order, whatever order the workers finished in', () => {
		const reported = first.stdout
			.split('\n')
			.filter((l) => /^[✓=✗] /.test(l))
			.map((l) => l.slice(2, l.indexOf(' — ')));
		expect(reported).toEqual([
			'Manual/Debmake.PDF',
			'bomb_giant.pdf',
			'foto.pdf',
			'sub/halaman.pdf',
			'sub/hello.pdf',
			'terkunci.pdf',
			'tracemonkey.pdf',
			'x.pdf'
		]);
		// The decompression bomb is either catalogued or refused with a reason — never a crash.
		expect(first.stdout).toMatch(
			/^[✓✗] bomb_giant\.pdf — (diimpor sebagai #\d+, 1 halaman|gagal: PDF ini .+)$/m
		);
	});

	it('catalogues the good files with their page counts and leaves nothing in tmp', () => {
		const db = openReadOnly(dataDir);
		try {
			const rows = db
				.prepare(
					`select f.original_name name, f.pages, p.status, p.title from files f
					 join publications p on p.id = f.publication_id`
				)
				.all() as { name: string; pages: number; status: string; title: string }[];
			for (const [file, pages] of Object.entries(GOOD)) {
				const row = rows.find((r) => r.name === path.posix.basename(file));
				expect(row, file).toBeDefined();
				expect(row!.pages, file).toBe(pages);
				// Without --status a batch import waits for a librarian's review.
				expect(row!.status).toBe('draft');
			}
			const publications = db.prepare('select count(*) n from publications').get() as {
				n: number;
			};
			expect(publications.n).toBe(rows.length);
		} finally {
			db.close();
		}
		const tmp = path.join(dataDir, 'tmp');
		expect(fs.existsSync(tmp) ? fs.readdirSync(tmp) : []).toEqual([]);
	});

	it('imports nothing new when run again and reports the files as skipped', () => {
		expect(second.status).toBe(1);
		const imported = (first.stdout.match(/^✓ /gm) ?? []).length;
		expect(imported).toBeGreaterThanOrEqual(Object.keys(GOOD).length);
		expect(second.stdout).toContain(`0 diimpor, ${imported} dilewati, ${8 - imported} gagal`);
		expect(second.stdout).toMatch(
			/^= tracemonkey\.pdf — dilewati: Berkas yang sama sudah dikatalogkan pada publikasi #\d+/m
		);
		const db = openReadOnly(dataDir);
		try {
			const n = db.prepare('select count(*) n from publications').get() as { n: number };
			expect(n.n).toBe(imported);
		} finally {
			db.close();
		}
	});

	it('takes titles, types, series, copies and defaults from a metadata CSV', () => {
		const csv = path.join(folder, '..', `${path.basename(folder)}-metadata.csv`);
		fs.writeFileSync(
			csv,
			[
				'file;Title;type;authors;subjects;year;series;seriesTitle;volume;issue;status;barcodes',
				'tracemonkey.pdf;"Trace-based JIT; ""TraceMonkey""";article;"Andreas Gal; Brendan Eich";Kompilator;2009;;;;;;',
				'hello.pdf;Media Kekayaan Negara Edisi 2;magazine_issue;Redaksi MKN;Lelang;2024;;Media Kekayaan Negara;7;2;draft;MKN-0001',
				';Buku Saku Lelang;book;Tim DJKN;Lelang;2023;;;;;;BS-01',
				'hilang.pdf;Tidak Ada;book;;;;;;;;;'
			].join('\r\n')
		);
		const dir = emptyDataDir();
		const r = run(dir, [
			folder,
			'--metadata',
			csv,
			'--status',
			'published',
			'--access',
			'internal'
		]);
		expect(r.status, r.stderr).toBe(1);
		expect(r.stdout).toMatch(/baris 5 \(hilang\.pdf\): Berkas yang disebut di CSV tidak ada/);
		const db = openReadOnly(dir);
		try {
			const get = (title: string) =>
				db
					.prepare(
						`select p.*, s.slug, s.title series_title,
						   (select group_concat(name, '|') from publication_authors a
						     where a.publication_id = p.id) authors,
						   (select group_concat(barcode) from items i where i.publication_id = p.id) barcodes
						 from publications p left join series s on s.id = p.series_id where p.title = ?`
					)
					.get(title) as Record<string, string | number | null> | undefined;
			const trace = get('Trace-based JIT; "TraceMonkey"');
			expect(trace).toMatchObject({ type: 'article', year: 2009, status: 'published' });
			expect(trace!.access).toBe('internal');
			expect(trace!.authors).toBe('Andreas Gal|Brendan Eich');
			const issue = get('Media Kekayaan Negara Edisi 2');
			expect(issue).toMatchObject({
				type: 'magazine_issue',
				slug: 'media-kekayaan-negara',
				series_title: 'Media Kekayaan Negara',
				volume: 7,
				issue_number: 2,
				// The row's own status wins over --status.
				status: 'draft',
				barcodes: 'MKN-0001'
			});
			// A row without a file is a metadata-only record (physical collection).
			const book = get('Buku Saku Lelang');
			expect(book).toMatchObject({ type: 'book', source: 'csv', barcodes: 'BS-01' });
			// Files the CSV does not describe get their metadata from the PDF, and the defaults.
			const manual = db
				.prepare(
					`select p.title, p.status, p.access from publications p
					 join files f on f.publication_id = p.id where f.original_name = 'Debmake.PDF'`
				)
				.get() as { title: string; status: string; access: string };
			expect(manual.title.length).toBeGreaterThan(0);
			expect(manual).toMatchObject({ status: 'published', access: 'internal' });
		} finally {
			db.close();
		}
	});

	it('refuses an unknown CSV column, a missing folder and a bad flag with exit 2', () => {
		const csv = path.join(folder, '..', `${path.basename(folder)}-bad.csv`);
		fs.writeFileSync(csv, 'file,title,warna\ntracemonkey.pdf,T,merah\n');
		const dir = path.join(emptyDataDir(), 'never-created');
		const bad = run(dir, [folder, '--metadata', csv]);
		expect(bad.status).toBe(2);
		expect(bad.stderr).toContain('Kolom "warna" tidak dikenal');
		const english = run(dir, [folder, '--metadata', csv], 'en_US.UTF-8');
		expect(english.stderr).toContain('Unknown column "warna"');
		expect(run(dir, [path.join(folder, 'nope')]).stderr).toContain('tidak ditemukan');
		expect(run(dir, [path.join(folder, 'nope')]).status).toBe(2);
		const flag = run(dir, [folder, '--status', 'withdrawn']);
		expect(flag.status).toBe(2);
		expect(flag.stderr).toContain('Nilai --status tidak valid');
		expect(run(dir, []).status).toBe(2);
		// Usage errors are caught before the database is opened: nothing is left behind.
		expect(fs.existsSync(dir)).toBe(false);
	});
});
