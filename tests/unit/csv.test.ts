import { describe, expect, it } from 'vitest';
import {
	CsvError,
	decodeCsv,
	detectDelimiter,
	formatCsvField,
	formatCsvRow,
	looksEnclosed,
	parseCsv,
	parseCsvTable,
	unescapeFormula
} from '../../src/lib/server/catalog/csv.ts';

const fields = (text: string, opts = {}) => parseCsv(text, opts).map((r) => r.fields);

describe('CSV parser (RFC 4180)', () => {
	it('reads plain records with LF, CRLF and CR line ends, and no empty last record', () => {
		expect(fields('a,b\n1,2\n')).toEqual([
			['a', 'b'],
			['1', '2']
		]);
		expect(fields('a,b\r\n1,2\r\n')).toEqual([
			['a', 'b'],
			['1', '2']
		]);
		expect(fields('a,b\r1,2')).toEqual([
			['a', 'b'],
			['1', '2']
		]);
	});

	it('strips a UTF-8 byte-order mark', () => {
		expect(fields('\uFEFFjudul,tahun\nLelang,2024')).toEqual([
			['judul', 'tahun'],
			['Lelang', '2024']
		]);
	});

	it('reads quoted fields with separators, doubled quotes and line breaks', () => {
		const text = 'title,notes\r\n"Lelang, Piutang","Kata ""kunci""\r\nbaris dua"\r\nakhir,x\r\n';
		const records = parseCsv(text);
		expect(records.map((r) => r.fields)).toEqual([
			['title', 'notes'],
			['Lelang, Piutang', 'Kata "kunci"\nbaris dua'],
			['akhir', 'x']
		]);
		// Line numbers count the line break inside the quotes.
		expect(records.map((r) => r.line)).toEqual([1, 2, 4]);
	});

	it('keeps empty fields, empty quoted fields and a trailing empty field', () => {
		expect(fields('a,,c,\n"",x,"",\n')).toEqual([
			['a', '', 'c', ''],
			['', 'x', '', '']
		]);
	});

	it('skips blank lines but counts them for line numbers', () => {
		const records = parseCsv('a\n\n\r\nb\n');
		expect(records).toEqual([
			{ line: 1, fields: ['a'] },
			{ line: 4, fields: ['b'] }
		]);
	});

	it('keeps a quote inside an unquoted field as text', () => {
		expect(fields('5" disket,b')).toEqual([['5" disket', 'b']]);
	});

	it('refuses a quote never closed, naming the line it opened on', () => {
		const attempt = () => parseCsv('a,b\n1,"tidak ditutup\n2,3\n');
		expect(attempt).toThrow(CsvError);
		try {
			attempt();
		} catch (err) {
			expect((err as CsvError).messageKey).toBe('csv.unterminatedQuote');
			expect((err as CsvError).params).toEqual({ line: 2 });
		}
	});

	it('refuses text after a closing quote in strict mode, keeps it in lenient mode', () => {
		expect(() => parseCsv('"Buku "Pintar" Lelang",x')).toThrow(/csv.textAfterQuote/);
		expect(fields('"Buku "Pintar" Lelang",x', { quotes: 'lenient' })).toEqual([
			['Buku "Pintar" Lelang', 'x']
		]);
	});

	it('reads all-enclosed files with undoubled quotes (SLiMS) and doubled ones alike', () => {
		const slims =
			'"title","notes","item_code",\n' +
			'"Memahami "BMN", jilid 2","","<B1><B2>"\n' +
			'"Kamus "Lelang"","Catatan\nbaris dua","<B3>"\n';
		expect(fields(slims, { quotes: 'enclosed' })).toEqual([
			['title', 'notes', 'item_code', ''],
			['Memahami "BMN", jilid 2', '', '<B1><B2>'],
			['Kamus "Lelang"', 'Catatan\nbaris dua', '<B3>']
		]);
		// "Quote all text cells" from a spreadsheet: doubled quotes, every field enclosed.
		expect(fields('"Kata ""A"", ""B""","x"', { quotes: 'enclosed' })).toEqual([
			['Kata "A", "B"', 'x']
		]);
	});

	it('guesses the separator from the first line, ignoring quoted text', () => {
		expect(detectDelimiter('judul;tahun;bahasa\nA;2024;id')).toBe(';');
		expect(detectDelimiter('judul\ttahun\nA\t2024')).toBe('\t');
		expect(detectDelimiter('"a;b;c",d\n')).toBe(',');
		expect(detectDelimiter('judul')).toBe(',');
		expect(fields('judul;tahun\n"Lelang; Piutang";2024\n')).toEqual([
			['judul', 'tahun'],
			['Lelang; Piutang', '2024']
		]);
	});

	it('recognises an all-enclosed first line', () => {
		expect(looksEnclosed('"title","gmd_name",\n"A","Text"')).toBe(true);
		expect(looksEnclosed('\uFEFF"title","gmd_name"\r\n')).toBe(true);
		expect(looksEnclosed('title,gmd_name\n')).toBe(false);
		expect(looksEnclosed('"title",gmd_name\n')).toBe(false);
	});
});

describe('CSV decoding', () => {
	it('reads UTF-8 (dropping the BOM) and falls back to Windows-1252', () => {
		const utf8 = decodeCsv(new TextEncoder().encode('\uFEFFPéngelolaan,中文'));
		expect(utf8).toEqual({ text: 'Péngelolaan,中文', encoding: 'utf-8' });
		const latin = decodeCsv(Uint8Array.from([0x50, 0xe9, 0x2c, 0x93, 0x41, 0x94]));
		expect(latin).toEqual({ text: 'Pé,“A”', encoding: 'windows-1252' });
	});
});

describe('CSV tables', () => {
	it('names values by trimmed column, drops a trailing empty column, fills missing fields', () => {
		const table = parseCsvTable(' file ,title,\na.pdf,A\nb.pdf,B,\n');
		expect(table.columns).toEqual(['file', 'title']);
		expect(table.rows).toEqual([
			{ line: 2, values: { file: 'a.pdf', title: 'A' } },
			{ line: 3, values: { file: 'b.pdf', title: 'B' } }
		]);
		expect(parseCsvTable('')).toEqual({ columns: [], rows: [] });
	});
});

describe('CSV writer', () => {
	it('quotes only what needs quoting and ends records with CRLF', () => {
		expect(formatCsvField('Lelang')).toBe('Lelang');
		expect(formatCsvField('Lelang, Piutang')).toBe('"Lelang, Piutang"');
		expect(formatCsvField('a; b')).toBe('"a; b"');
		expect(formatCsvField('Kata "kunci"')).toBe('"Kata ""kunci"""');
		expect(formatCsvField('dua\nbaris')).toBe('"dua\nbaris"');
		expect(formatCsvField(' spasi')).toBe('" spasi"');
		expect(formatCsvField(null)).toBe('');
		expect(formatCsvField(14)).toBe('14');
		expect(formatCsvField(false)).toBe('false');
		expect(formatCsvRow(['a', null, 2, true])).toBe('a,,2,true\r\n');
	});

	it('escapes what a spreadsheet would run as a formula, and unescapes it on import', () => {
		const risky = ['=HYPERLINK("http://x")', '+62 21', '-', '@SUM(A1)'];
		for (const v of risky) {
			const cell = formatCsvField(v, { excelSafe: true });
			expect(parseCsv(cell)[0].fields[0].startsWith("'")).toBe(true);
			expect(unescapeFormula(parseCsv(cell)[0].fields[0])).toBe(v);
		}
		expect(formatCsvField('2024-01-01', { excelSafe: true })).toBe('2024-01-01');
		expect(unescapeFormula("'biasa")).toBe("'biasa");
	});

	it('round-trips arbitrary values through write and read', () => {
		const alphabet = ['a', 'Z', ' ', ',', ';', '"', '\n', '\r\n', '\t', 'é', '中', "'", '='];
		let seed = 7;
		const rand = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
		const rows: string[][] = [];
		for (let r = 0; r < 200; r++) {
			const row: string[] = [];
			for (let c = 0; c < 5; c++) {
				let s = '';
				const len = Math.floor(rand() * 12);
				for (let k = 0; k < len; k++) s += alphabet[Math.floor(rand() * alphabet.length)];
				row.push(s);
			}
			// A record of one empty field is indistinguishable from a blank line.
			if (row.join('') === '') row[0] = 'x';
			rows.push(row);
		}
		const text = rows.map((r) => formatCsvRow(r)).join('');
		// A CR LF inside a quoted value is read back as LF, as spreadsheets do.
		const expected = rows.map((r) => r.map((v) => v.replaceAll('\r\n', '\n')));
		expect(fields(text, { delimiter: ',' })).toEqual(expected);
	});
});
