import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyDemoData, emptyDataDir } from '../helpers/demo.ts';
import { openReadOnly } from '../helpers/db.ts';
import { CORPUS_DIR, DEMO_PASSWORD, ROOT } from '../helpers/env.ts';
import { Client } from '../helpers/http.ts';
import { startServer, type RunningServer } from '../helpers/server.ts';
import { parseCsvTable, unescapeFormula } from '../../src/lib/server/catalog/csv.ts';
import { canSeePublication, type Viewer } from '../../src/lib/server/access.ts';

/**
 * The catalog export: a CSV that `import --metadata` reads back into the same catalog (the
 * round trip, through the real CLIs), that never holds what the viewer may not see, and that
 * librarians download from /staff/export.csv.
 */

function cli(script: string, dataDir: string, args: string[]) {
	const r = spawnSync(process.execPath, ['node_modules/tsx/dist/cli.mjs', script, ...args], {
		cwd: ROOT,
		env: { ...process.env, DATA_DIR: dataDir, LANG: 'id_ID.UTF-8', LOG_LEVEL: 'warn' },
		encoding: 'utf8'
	});
	return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Rows keyed by title without the columns that name this database's ids and clock. */
function comparable(csv: string): Record<string, Record<string, string>> {
	const out: Record<string, Record<string, string>> = {};
	for (const { values } of parseCsvTable(csv).rows) {
		const { id: _id, createdAt: _c, updatedAt: _u, ...rest } = values;
		// Read the cells as the importer does: without the formula-guarding apostrophe.
		for (const k of Object.keys(rest)) rest[k] = unescapeFormula(rest[k]);
		out[rest.title] = rest;
	}
	return out;
}

describe('CSV export → import --metadata round trip', () => {
	let scratch: string;
	let exportA: string;
	let exportB: string;
	let dataB: string;
	let folder: string;

	beforeAll(() => {
		scratch = emptyDataDir();
		folder = path.join(scratch, 'pdf');
		fs.mkdirSync(path.join(folder, 'sub'), { recursive: true });
		fs.copyFileSync(
			path.join(CORPUS_DIR, 'pdfjs/tracemonkey.pdf'),
			path.join(folder, 'tracemonkey.pdf')
		);
		fs.copyFileSync(
			path.join(CORPUS_DIR, 'debian/r-cran-pdftools--hello.pdf'),
			path.join(folder, 'sub/hello.pdf')
		);
		const metadata = path.join(scratch, 'metadata.csv');
		fs.writeFileSync(
			metadata,
			[
				'file,title,subtitle,type,authors,subjects,year,publishedDate,language,abstract,isbn,issn,regulationNumber,publisher,place,edition,series,seriesTitle,volume,issue,callNumber,access,status,embargoUntil,downloadable,barcodes',
				// Quotes, separators, a line break and a would-be spreadsheet formula.
				'tracemonkey.pdf,"=SUM(1;2) ""Trace"", monkey",Sebuah subjudul,article,"Gal, Andreas; Eich, Brendan","JIT; Kompilator",2009,2009-06-15,en,"Baris satu\nBaris dua",978-602-000001-5,,,ACM,New York,Cet. 1,,,,,005.1 GAL t,restricted,published,2030-01-01,false,',
				'hello.pdf,Media Kekayaan Negara Edisi 2,,magazine_issue,Redaksi MKN,Lelang,2024,,id,,,2337-8921,,DJKN,Jakarta,,media-kekayaan-negara,Media Kekayaan Negara,7,2,050 MKN,internal,draft,,true,MKN-1; MKN-2',
				',Buku Saku Lelang,,book,Tim DJKN,Lelang; Piutang Negara,2023,,id,,,,PMK 213/PMK.06/2020,,,,,,,,,public,published,,true,BS-01'
			].join('\r\n')
		);
		const slims = path.join(scratch, 'biblio.csv');
		fs.writeFileSync(
			slims,
			'"Peraturan Lelang","Peraturan","","","DJKN","2020","","","","Indonesia","Jakarta","","","","","<DJKN>","<Lelang>","<P-1>"\n'
		);
		const dataA = emptyDataDir();
		expect(cli('scripts/import.ts', dataA, [folder, '--metadata', metadata]).status).toBe(0);
		expect(cli('scripts/import.ts', dataA, ['--slims', slims]).status).toBe(0);
		const fileA = path.join(scratch, 'a.csv');
		const a = cli('scripts/export.ts', dataA, ['--out', fileA]);
		expect(a.status, a.stderr).toBe(0);
		expect(a.stderr).toContain('4 publikasi diekspor');
		exportA = fs.readFileSync(fileA, 'utf8');

		dataB = emptyDataDir();
		const imported = cli('scripts/import.ts', dataB, [folder, '--metadata', fileA]);
		expect(imported.status, imported.stdout).toBe(0);
		exportB = cli('scripts/export.ts', dataB, []).stdout;
	}, 120_000);

	it('writes a UTF-8 BOM to files (for Excel) but not to stdout', () => {
		expect(exportA.startsWith('\uFEFF')).toBe(true);
		expect(exportB.startsWith('\uFEFF')).toBe(false);
		expect(exportB.startsWith('id,file,sha256,pages,')).toBe(true);
	});

	it('escapes formula-like cells so a spreadsheet does not run them', () => {
		expect(exportA).toContain(`"'=SUM(1;2) ""Trace"", monkey"`);
	});

	it('brings back every record with the same metadata, files, copies and sources', () => {
		const a = comparable(exportA);
		const b = comparable(exportB);
		expect(Object.keys(a).sort()).toEqual([
			'=SUM(1;2) "Trace", monkey',
			'Buku Saku Lelang',
			'Media Kekayaan Negara Edisi 2',
			'Peraturan Lelang'
		]);
		expect(b).toEqual(a);
		const trace = a['=SUM(1;2) "Trace", monkey'];
		expect(trace).toMatchObject({
			file: 'tracemonkey.pdf',
			pages: '14',
			authors: 'Gal, Andreas; Eich, Brendan',
			abstract: 'Baris satu\nBaris dua',
			access: 'restricted',
			embargoUntil: '2030-01-01',
			downloadable: 'false'
		});
		expect(a['Media Kekayaan Negara Edisi 2']).toMatchObject({
			series: 'media-kekayaan-negara',
			seriesTitle: 'Media Kekayaan Negara',
			volume: '7',
			issue: '2',
			copies: '2',
			barcodes: 'MKN-1; MKN-2',
			status: 'draft'
		});
		expect(a['Peraturan Lelang']).toMatchObject({ type: 'regulation', source: 'slims' });
		expect(a['Buku Saku Lelang']).toMatchObject({ hasFile: 'false', source: 'csv' });
	});

	it('imports nothing when the export is imported again', () => {
		const again = cli('scripts/import.ts', dataB, [
			folder,
			'--metadata',
			path.join(scratch, 'a.csv')
		]);
		expect(again.status).toBe(0);
		expect(again.stdout).toContain('0 diimpor, 4 dilewati, 0 gagal');
	});
});

describe('regulations round-trip through CSV with their relations', () => {
	it('exports kind, dates, field, a librarian status and relations by number, and imports them back', () => {
		const scratch = emptyDataDir();
		const folder = path.join(scratch, 'pdf');
		fs.mkdirSync(folder);
		const metadata = path.join(scratch, 'regulations.csv');
		fs.writeFileSync(
			metadata,
			[
				'title;type;regulationNumber;regulationKind;enactedDate;promulgatedDate;enactedPlace;legalField;regulationStatus;relations;status;access',
				'PMK Lama tentang Lelang;regulation;PMK 27/PMK.06/2016;PMK;2016-02-19;2016-02-22;Jakarta;Hukum Perdata;;;published;public',
				'PMK Sisipan;regulation;PMK 28/PMK.06/2016;PMK;2016-02-20;;Jakarta;;diubah;;published;public',
				'PMK Baru tentang Lelang;regulation;PMK 213/PMK.06/2020;PMK;2020-12-22;;Jakarta;Hukum Perdata;;"revokes:pmk 27/pmk.06/2016; amends:PMK 28/PMK.06/2016";published;public'
			].join('\n')
		);
		const dataA = emptyDataDir();
		const imported = cli('scripts/import.ts', dataA, [folder, '--metadata', metadata]);
		expect(imported.status, imported.stdout).toBe(0);
		const exportA = cli('scripts/export.ts', dataA, []).stdout;
		const a = comparable(exportA);
		expect(a['PMK Baru tentang Lelang']).toMatchObject({
			regulationKind: 'PMK',
			enactedDate: '2020-12-22',
			legalField: 'Hukum Perdata',
			regulationStatus: '',
			relations: 'amends:PMK 28/PMK.06/2016; revokes:PMK 27/PMK.06/2016'
		});
		expect(a['PMK Lama tentang Lelang']).toMatchObject({
			promulgatedDate: '2016-02-22',
			enactedPlace: 'Jakarta',
			relations: ''
		});
		// The derived status is not data; the librarian's one is.
		expect(a['PMK Sisipan'].regulationStatus).toBe('diubah');

		const fileA = path.join(scratch, 'a.csv');
		fs.writeFileSync(fileA, exportA);
		const dataB = emptyDataDir();
		const again = cli('scripts/import.ts', dataB, [folder, '--metadata', fileA]);
		expect(again.status, again.stdout).toBe(0);
		expect(comparable(cli('scripts/export.ts', dataB, []).stdout)).toEqual(a);
	}, 120_000);

	it('fails a row whose relation names no catalogued regulation, with the reason', () => {
		const scratch = emptyDataDir();
		fs.mkdirSync(path.join(scratch, 'pdf'));
		const metadata = path.join(scratch, 'bad.csv');
		fs.writeFileSync(
			metadata,
			'title,type,relations,status\r\nPMK Yatim,regulation,revokes:PMK 1/TIDAK.ADA/1999,published\r\n'
		);
		const dataDir = emptyDataDir();
		const r = cli('scripts/import.ts', dataDir, [
			path.join(scratch, 'pdf'),
			'--metadata',
			metadata
		]);
		expect(r.status).toBe(1);
		expect(r.stdout).toContain('PMK 1/TIDAK.ADA/1999 tidak ditemukan di katalog');
		const db = openReadOnly(dataDir);
		expect(db.prepare('select count(*) n from publications').get()).toEqual({ n: 0 });
		db.close();
	});
});

describe('the export respects the access policy', () => {
	let dataDir: string;
	type ExportModule = typeof import('../../src/lib/server/catalog/export.ts');
	let exportCsv: ExportModule['exportCsv'];
	let db: Awaited<ReturnType<typeof import('../../src/lib/server/db/index.ts').getDb>>;

	beforeAll(async () => {
		dataDir = copyDemoData();
		process.env.DATA_DIR = dataDir;
		({ exportCsv } = await import('../../src/lib/server/catalog/export.ts'));
		db = await (await import('../../src/lib/server/db/index.ts')).getDb();
	});

	afterAll(async () => {
		await (await import('../../src/lib/server/db/index.ts')).closeDb();
	});

	it('exports exactly what each viewer may see: public < employee < staff', async () => {
		const all = await db
			.selectFrom('publications')
			.select(['id', 'access', 'status', 'embargo_until'])
			.execute();
		const counts: number[] = [];
		const viewers: Viewer[] = [null, { id: 3, role: 'employee' }, { id: 2, role: 'librarian' }];
		for (const viewer of viewers) {
			let csv = '';
			for await (const chunk of exportCsv(db, viewer)) csv += chunk;
			const ids = parseCsvTable(csv).rows.map((r) => Number(r.values.id));
			const expected = all.filter((p) => canSeePublication(viewer, p)).map((p) => p.id);
			expect(ids).toEqual(expected.sort((x, y) => x - y));
			counts.push(ids.length);
		}
		expect(counts[0]).toBeLessThan(counts[1]);
		expect(counts[1]).toBeLessThan(counts[2]);
		expect(counts[2]).toBe(all.length);
	});

	it('names a related regulation only to those who may see it', async () => {
		const relationsOf = async (viewer: Viewer) => {
			let csv = '';
			for await (const chunk of exportCsv(db, viewer)) csv += chunk;
			return Object.fromEntries(
				parseCsvTable(csv).rows.map((r) => [r.values.regulationNumber, r.values.relations])
			);
		};
		const anyone = await relationsOf(null);
		expect(anyone['PMK 213/PMK.06/2020']).toBe('revokes:PMK 27/PMK.06/2016');
		// PMK 96/PMK.06/2007 is withdrawn: staff only.
		expect(anyone['PMK 111/PMK.06/2016']).toBe('');
		expect(JSON.stringify(anyone)).not.toContain('96/PMK.06/2007');
		const staff = await relationsOf({ id: 2, role: 'librarian' });
		expect(staff['PMK 111/PMK.06/2016']).toBe('revokes:PMK 96/PMK.06/2007');
	});
});

describe('GET /staff/export.csv', () => {
	let server: RunningServer;

	beforeAll(async () => {
		server = await startServer(copyDemoData());
	});

	afterAll(async () => {
		await server?.stop();
	});

	it('gives librarians the whole catalog as an Excel-friendly attachment, audited', async () => {
		const librarian = new Client(server.url);
		expect((await librarian.login('pustakawan@perpustakaan.test', DEMO_PASSWORD)).status).toBe(200);
		const res = await librarian.fetch('/staff/export.csv');
		expect(res.status).toBe(200);
		expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
		expect(res.headers.get('content-disposition')).toMatch(
			/^attachment; filename="katalog-djkn-\d{4}-\d{2}-\d{2}\.csv"$/
		);
		const bytes = new Uint8Array(await res.arrayBuffer());
		expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
		const table = parseCsvTable(new TextDecoder().decode(bytes));
		const db = openReadOnly(server.dataDir);
		try {
			const n = db.prepare('select count(*) n from publications').get() as { n: number };
			expect(table.rows.length).toBe(n.n);
			const audit = db
				.prepare(`select count(*) n from audit_log where action = 'catalog.export'`)
				.get() as { n: number };
			expect(audit.n).toBe(1);
		} finally {
			db.close();
		}
	});

	it('is refused to employees and sends anonymous visitors to the login page', async () => {
		const employee = new Client(server.url);
		expect((await employee.login('pegawai@perpustakaan.test', DEMO_PASSWORD)).status).toBe(200);
		expect((await employee.fetch('/staff/export.csv')).status).toBe(403);
		const anonymous = await new Client(server.url).fetch('/staff/export.csv');
		expect(anonymous.status).toBe(303);
		expect(anonymous.headers.get('location')).toMatch(/^\/login\?redirectTo=/);
	});
});
