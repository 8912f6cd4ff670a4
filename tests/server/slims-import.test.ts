import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { emptyDataDir } from '../helpers/demo.ts';
import { openReadOnly } from '../helpers/db.ts';
import { ROOT } from '../helpers/env.ts';

/**
 * `npm run import -- --slims` on a generated 5,000-row SLiMS bibliography export shaped like
 * the real thing: enclosed fields, quotes SLiMS does not double, line breaks in notes, CRLF,
 * a BOM, a header ending in a stray separator, `<a><b>` lists, several item codes per row,
 * bad ISBNs and odd years.
 */

const ROWS = 5000;

/** Deterministic pseudo-random numbers (mulberry32), so every run sees the same file. */
function rng(seed: number): () => number {
	return () => {
		seed = (seed + 0x6d2b79f5) | 0;
		let x = Math.imul(seed ^ (seed >>> 15), 1 | seed);
		x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
		return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
	};
}

function isbn13(n: number): string {
	const body = `978602${String(n).padStart(6, '0')}`;
	const sum = [...body].reduce((acc, d, i) => acc + Number(d) * (i % 2 === 0 ? 1 : 3), 0);
	return `${body.slice(0, 3)}-${body.slice(3, 6)}-${body.slice(6)}${(10 - (sum % 10)) % 10}`;
}

function issn(n: number): string {
	const body = String(2300000 + n).padStart(7, '0');
	const sum = [...body].reduce((acc, d, i) => acc + Number(d) * (8 - i), 0);
	const check = (11 - (sum % 11)) % 11;
	return `${body.slice(0, 4)}-${body.slice(4)}${check === 10 ? 'X' : check}`;
}

const WORDS = [
	'Pengelolaan',
	'Kekayaan Negara',
	'Lelang',
	'Piutang Negara',
	'Barang Milik Negara',
	'Penilaian',
	'Aset',
	'Reformasi Birokrasi',
	'Kebijakan Fiskal'
];
const GMD: [string, string][] = [
	['Text', 'book'],
	['Buku', 'book'],
	['Majalah', 'magazine_issue'],
	['Serial', 'magazine_issue'],
	['Peraturan', 'regulation'],
	['Laporan', 'report'],
	['Audio Visual', 'other']
];
const LANGS: [string, string][] = [
	['Indonesia', 'id'],
	['English', 'en'],
	['Inggris', 'en'],
	['id', 'id'],
	['', 'id']
];

interface Expected {
	line: number;
	title: string;
	type: string;
	language: string;
	isbn: string | null;
	issn: string | null;
	year: number | null;
	series: string | null;
	barcodes: string[];
	fails: boolean;
}

/** A SLiMS export and what each row should become. */
function generate(): { csv: string; expected: Expected[] } {
	const rand = rng(2026);
	const pick = <T>(xs: T[]) => xs[Math.floor(rand() * xs.length)];
	const enclose = (v: string) => `"${v}"`;
	const lines = [
		'"title","gmd_name","edition","isbn_issn","publisher_name","publish_year","collation","series_title","call_number","language_name","place_name","classification","notes","image","sor","authors","topics","item_code",'
	];
	const expected: Expected[] = [];
	let line = 2;
	let code = 0;
	for (let i = 1; i <= ROWS; i++) {
		const [gmd, type] = GMD[i % GMD.length];
		const [langName, language] = LANGS[i % LANGS.length];
		let title = `${pick(WORDS)} dan ${pick(WORDS)}: kajian ${i}`;
		// SLiMS writes quotes inside enclosed fields without doubling them.
		if (i % 97 === 0) title = `Memahami "BMN", jilid ${i}`;
		if (i % 89 === 0) title = `Kamus "Lelang ${i}"`;
		let isbnIssn = '';
		let isbn: string | null = null;
		let issnValue: string | null = null;
		if (i % 10 === 1) {
			isbnIssn = isbn13(i);
			isbn = isbnIssn;
		} else if (i % 10 === 2) {
			isbnIssn = issn(i);
			issnValue = isbnIssn;
		} else if (i % 10 === 3) {
			// A real ISBN with its check digit mistyped.
			const good = isbn13(i);
			isbnIssn = good.slice(0, -1) + ((Number(good.slice(-1)) + 1) % 10);
		}
		let yearText = String(2000 + (i % 26));
		let year: number | null = 2000 + (i % 26);
		if (i % 50 === 7) {
			yearText = 't.th.';
			year = null;
		} else if (i % 50 === 8) yearText = `[${year}]`;
		const series = i % 4 === 0 ? 'Seri Kajian Kekayaan Negara' : i % 4 === 1 ? 'Media DJKN' : '';
		const authors = Array.from({ length: 1 + (i % 3) }, (_, k) => `<Penulis ${(i + k) % 300}>`);
		const topics = Array.from({ length: i % 4 }, (_, k) => `<${WORDS[(i + k) % WORDS.length]}>`);
		const barcodes = Array.from(
			{ length: 1 + (i % 3) },
			() => `B${String(++code).padStart(6, '0')}`
		);
		const fails = i % 1000 === 500;
		if (fails) title = '';
		const notes = i % 25 === 0 ? `Catatan baris satu\r\nbaris dua, dengan koma` : '';
		lines.push(
			[
				title,
				gmd,
				i % 5 === 0 ? 'Cet. 2' : '',
				isbnIssn,
				'Direktorat Jenderal Kekayaan Negara',
				yearText,
				'xii, 200 hlm. ; 24 cm',
				series,
				`336.1 ${title.slice(0, 3).toUpperCase()} p`,
				langName,
				'Jakarta',
				'336.1',
				notes,
				'',
				'',
				authors.join(''),
				topics.join(''),
				barcodes.map((b) => `<${b}>`).join('')
			]
				.map(enclose)
				.join(',')
		);
		expected.push({
			line,
			title,
			type,
			language,
			isbn,
			issn: issnValue,
			year,
			series: series || null,
			barcodes,
			fails
		});
		line += notes ? 2 : 1;
	}
	// A copy whose barcode is already taken: the record is imported, that copy is skipped.
	lines.push(
		['Duplikat kode eksemplar', 'Text', '', '', '', '2024', '', '', '', '', '', '', '', '', '']
			.concat(['<Penulis X>', '', '<B000001><BNEW01>'])
			.map(enclose)
			.join(',')
	);
	expected.push({
		line,
		title: 'Duplikat kode eksemplar',
		type: 'book',
		language: 'id',
		isbn: null,
		issn: null,
		year: 2024,
		series: null,
		barcodes: ['BNEW01'],
		fails: false
	});
	return { csv: '\uFEFF' + lines.join('\r\n') + '\r\n', expected };
}

let dataDir: string;
let expected: Expected[];
let first: ReturnType<typeof spawnSync>;
let second: ReturnType<typeof spawnSync>;
let firstSeconds = 0;
const out = (r: ReturnType<typeof spawnSync>) => String(r.stdout);
/** Numbers as the Indonesian messages write them (5.000). */
const id = (n: number) => new Intl.NumberFormat('id-ID').format(n);

function run(file: string, ...args: string[]) {
	return spawnSync(
		process.execPath,
		['node_modules/tsx/dist/cli.mjs', 'scripts/import.ts', '--slims', file, ...args],
		{
			cwd: ROOT,
			env: { ...process.env, DATA_DIR: dataDir, LANG: 'id_ID.UTF-8', LOG_LEVEL: 'warn' },
			encoding: 'utf8'
		}
	);
}

beforeAll(() => {
	dataDir = emptyDataDir();
	const generated = generate();
	expected = generated.expected;
	const file = path.join(dataDir, '..', `${path.basename(dataDir)}-biblio.csv`);
	fs.writeFileSync(file, generated.csv);
	const started = performance.now();
	first = run(file);
	firstSeconds = (performance.now() - started) / 1000;
	const own = /Selesai dalam ([\d,]+) detik/.exec(out(first))?.[1] ?? '?';
	console.log(
		`SLiMS import: ${expected.length} rows in ${own.replace(',', '.')} s ` +
			`(${firstSeconds.toFixed(2)} s for the whole CLI process)`
	);
	second = run(file);
}, 120_000);

describe('SLiMS import', () => {
	it('imports every good row and reports the bad ones with their line, exit code 1', () => {
		const failures = expected.filter((e) => e.fails);
		expect(first.status, String(first.stderr)).toBe(1);
		expect(out(first)).toContain(
			`${id(expected.length - failures.length)} diimpor, 0 dilewati, ${failures.length} gagal`
		);
		for (const f of failures)
			expect(out(first)).toContain(
				`baris ${id(f.line)}: Metadata tidak valid (title: Wajib diisi.)`
			);
		const db = openReadOnly(dataDir);
		try {
			const n = db
				.prepare(`select count(*) as n from publications where source = 'slims'`)
				.get() as { n: number };
			expect(n.n).toBe(expected.length - failures.length);
		} finally {
			db.close();
		}
	});

	it('maps type, language, ISBN vs ISSN, year, series, authors, subjects and copies', () => {
		const db = openReadOnly(dataDir);
		try {
			const rows = db
				.prepare(
					`select p.id, p.title, p.type, p.language, p.isbn, p.issn, p.year, p.status, p.access,
					        p.call_number, p.abstract, s.title as series,
					        (select group_concat(barcode, ' ') from (select barcode from items i
					          where i.publication_id = p.id order by i.id)) as barcodes,
					        (select count(*) from publication_authors a where a.publication_id = p.id) as authors
					 from publications p left join series s on s.id = p.series_id order by p.id`
				)
				.all() as {
				title: string;
				type: string;
				language: string;
				isbn: string | null;
				issn: string | null;
				year: number | null;
				status: string;
				access: string;
				call_number: string;
				abstract: string | null;
				series: string | null;
				barcodes: string | null;
				authors: number;
			}[];
			const good = expected.filter((e) => !e.fails);
			expect(rows.length).toBe(good.length);
			for (const [k, e] of good.entries()) {
				const r = rows[k];
				const at = `line ${e.line}`;
				expect(r.title, at).toBe(e.title);
				expect(r.type, at).toBe(e.type);
				expect(r.language, at).toBe(e.language);
				expect(r.isbn, at).toBe(e.isbn);
				expect(r.issn, at).toBe(e.issn);
				expect(r.year, at).toBe(e.year);
				expect(r.series, at).toBe(e.series);
				expect(r.barcodes?.split(' ') ?? [], at).toEqual(e.barcodes);
				expect(r.status).toBe('published');
				expect(r.access).toBe('public');
			}
			expect(rows[96].title).toBe('Memahami "BMN", jilid 97');
			expect(rows[88].title).toBe('Kamus "Lelang 89"');
			expect(rows[24].abstract).toBe('Catatan baris satu\nbaris dua, dengan koma');
			// The class is already at the head of the call number: not repeated.
			expect(rows[0].call_number).toBe(`336.1 ${good[0].title.slice(0, 3).toUpperCase()} p`);
			expect(rows[1].authors).toBe(3);
			const series = db.prepare('select slug, title from series order by slug').all();
			expect(series).toEqual([
				{ slug: 'media-djkn', title: 'Media DJKN' },
				{ slug: 'seri-kajian-kekayaan-negara', title: 'Seri Kajian Kekayaan Negara' }
			]);
			const subjects = db.prepare('select count(*) as n from subjects').get() as { n: number };
			expect(subjects.n).toBe(WORDS.length);
			// One audit entry per record, plus the run's summary.
			const audit = db
				.prepare(`select action, count(*) as n from audit_log group by action order by action`)
				.all();
			expect(audit).toEqual([
				{ action: 'catalog.import', n: 2 },
				{ action: 'publication.create', n: good.length }
			]);
		} finally {
			db.close();
		}
	});

	it('warns about bad ISBNs, odd years and taken barcodes without failing the row', () => {
		const badIsbn = expected.filter((_, i) => (i + 1) % 10 === 3 && !expected[i].fails);
		const warnings = out(first)
			.split('\n')
			.filter((l) => l.includes('tidak valid dan diabaikan') && l.includes('ISBN/ISSN'));
		expect(warnings.length).toBe(badIsbn.length);
		expect(out(first)).toMatch(/Tahun terbit "t\.th\." bukan tahun yang valid dan diabaikan/);
		expect(out(first)).toContain(
			'(Duplikat kode eksemplar): Eksemplar B000001 dilewati: kode eksemplar sudah terdaftar.'
		);
	});

	it('adds nothing when run again: every row is skipped', () => {
		const failures = expected.filter((e) => e.fails).length;
		expect(second.status).toBe(1);
		expect(out(second)).toContain(
			`0 diimpor, ${id(expected.length - failures)} dilewati, ${failures} gagal`
		);
		const db = openReadOnly(dataDir);
		try {
			const n = db.prepare('select count(*) as n from publications').get() as { n: number };
			expect(n.n).toBe(expected.length - failures);
			const items = db.prepare('select count(*) as n from items').get() as { n: number };
			expect(items.n).toBe(expected.filter((e) => !e.fails).flatMap((e) => e.barcodes).length);
		} finally {
			db.close();
		}
	});

	it('refuses an unknown column before touching the database (exit 2)', () => {
		const dir = emptyDataDir();
		const file = path.join(dir, 'bad.csv');
		fs.writeFileSync(file, '"title","gmd_name","warna"\n"A","Text","merah"\n');
		const r = spawnSync(
			process.execPath,
			['node_modules/tsx/dist/cli.mjs', 'scripts/import.ts', '--slims', file],
			{ cwd: ROOT, env: { ...process.env, DATA_DIR: path.join(dir, 'data') }, encoding: 'utf8' }
		);
		expect(r.status).toBe(2);
		expect(r.stderr).toContain('Kolom "warna" tidak dikenal');
		expect(fs.existsSync(path.join(dir, 'data'))).toBe(false);
	});
});
