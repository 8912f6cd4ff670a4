import { Invalid } from '../errors.ts';

/**
 * CSV reading and writing for the importers and the catalog export (RFC 4180): quoted fields,
 * doubled quotes, line breaks inside quotes, CRLF / LF / CR line ends and a UTF-8 byte-order
 * mark. Written here rather than taken from a package because the rules are small and the
 * importers need exact line numbers for their messages.
 */

export type CsvDelimiter = ',' | ';' | '\t';

export interface CsvOptions {
	/** Field separator; guessed from the first line when omitted. */
	delimiter?: CsvDelimiter;
	/**
	 * How a quote inside a quoted field is read:
	 * - `strict` (default): RFC 4180 — `""` is a quote, a lone quote must end the field;
	 * - `lenient`: as strict, but a lone quote that does not end the field is kept as text;
	 * - `enclosed`: for files where every field is enclosed (SLiMS, "quote all cells"), which
	 *   may hold undoubled quotes: a quote ends the field only where the next field (or the
	 *   line) begins, so `"Buku "Pintar", jilid 2"` reads as one value.
	 */
	quotes?: 'strict' | 'lenient' | 'enclosed';
}

/** One record and the line of the file it starts on (1-based), for messages. */
export interface CsvRecord {
	line: number;
	fields: string[];
}

/** A malformed CSV file: which line and what is wrong (`csv.*` message keys). */
export class CsvError extends Invalid {
	constructor(messageKey: string, line: number) {
		super(messageKey, {}, { line }, 'csv_malformed');
	}
}

const BOM = '\uFEFF';

/**
 * Decodes file bytes: UTF-8 (BOM removed) when valid, else Windows-1252 — what older Windows
 * tools and SLiMS installations on latin1 databases write — so the caller can warn about it.
 */
export function decodeCsv(bytes: Uint8Array): { text: string; encoding: 'utf-8' | 'windows-1252' } {
	try {
		const text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
		return { text: text.startsWith(BOM) ? text.slice(1) : text, encoding: 'utf-8' };
	} catch {
		return { text: decodeWindows1252(bytes), encoding: 'windows-1252' };
	}
}

/** Windows-1252's characters for bytes 0x80–0x9f (where it differs from Latin-1). */
const CP1252_HIGH = '€\u0081‚ƒ„…†‡ˆ‰Š‹Œ\u008dŽ\u008f\u0090‘’“”•–—˜™š›œ\u009džŸ';

/**
 * Node 20's TextDecoder reads the `windows-1252` label as Latin-1, turning Word's curly quotes
 * and dashes into control characters, so the 32 bytes that differ are mapped here.
 */
function decodeWindows1252(bytes: Uint8Array): string {
	let out = '';
	for (const b of bytes)
		out += b >= 0x80 && b <= 0x9f ? CP1252_HIGH[b - 0x80] : String.fromCharCode(b);
	return out;
}

/**
 * Guesses the separator from the first record: Excel in an Indonesian locale saves CSV with
 * `;` (the comma is the decimal sign there), other tools use `,` or tabs.
 */
export function detectDelimiter(text: string): CsvDelimiter {
	const counts: Record<CsvDelimiter, number> = { ',': 0, ';': 0, '\t': 0 };
	let quoted = false;
	for (let i = 0; i < text.length; i++) {
		const c = text[i];
		if (c === '"') quoted = !quoted;
		else if (!quoted && (c === '\n' || c === '\r')) break;
		else if (!quoted && (c === ',' || c === ';' || c === '\t')) counts[c]++;
	}
	const best = (Object.keys(counts) as CsvDelimiter[]).reduce((a, b) =>
		counts[b] > counts[a] ? b : a
	);
	return counts[best] > 0 ? best : ',';
}

/**
 * True when the first line has every field enclosed in quotes, as SLiMS writes its exports
 * (and spreadsheets do with "quote all text cells") — the case for `quotes: 'enclosed'`.
 */
export function looksEnclosed(
	input: string,
	delimiter: CsvDelimiter = detectDelimiter(input)
): boolean {
	const text = input.startsWith(BOM) ? input.slice(1) : input;
	const end = text.search(/[\r\n]/);
	const first = end < 0 ? text : text.slice(0, end);
	const separated = first.split(`"${delimiter}"`).length > 1;
	return (
		first.startsWith('"') &&
		(first.endsWith('"') || first.endsWith(`"${delimiter}`)) &&
		(separated || !first.slice(1, -1).includes('"'))
	);
}

/**
 * Parses CSV text into records. Blank lines are skipped; a final line break does not make an
 * empty record. Throws CsvError for a quote left open at the end of the file and (in `strict`
 * mode) for text after a closing quote.
 */
export function parseCsv(input: string, opts: CsvOptions = {}): CsvRecord[] {
	const text = input.startsWith(BOM) ? input.slice(1) : input;
	const delimiter = opts.delimiter ?? detectDelimiter(text);
	const records: CsvRecord[] = [];
	let fields: string[] = [];
	let field = '';
	let line = 1;
	let recordLine = 1;
	let quotedAt = 0;
	let i = 0;
	const n = text.length;
	// A record that is one empty unquoted field is a blank line, not data.
	let sawQuote = false;
	const quotes = opts.quotes ?? 'strict';
	const enclosed = quotes === 'enclosed';
	/** In `enclosed` mode: does a quote just before `j` end its field? */
	const endsField = (j: number): boolean => {
		if (j >= n) return true;
		const c = text[j];
		if (c === '\r' || c === '\n') return true;
		if (c !== delimiter) return false;
		const after = text[j + 1];
		return (
			after === undefined ||
			after === '"' ||
			after === delimiter ||
			after === '\r' ||
			after === '\n'
		);
	};

	const endRecord = () => {
		fields.push(field);
		if (!(fields.length === 1 && fields[0] === '' && !sawQuote))
			records.push({ line: recordLine, fields });
		fields = [];
		field = '';
		sawQuote = false;
	};
	/** Consumes a line break at i (CRLF counts as one); returns false when there is none. */
	const lineBreak = (): boolean => {
		const c = text[i];
		if (c === '\r') {
			i += text[i + 1] === '\n' ? 2 : 1;
		} else if (c === '\n') {
			i++;
		} else return false;
		line++;
		return true;
	};

	while (i < n) {
		const c = text[i];
		if (c === '"' && field === '') {
			// A quoted field: runs to the next quote not doubled.
			sawQuote = true;
			quotedAt = line;
			i++;
			let closed = false;
			while (i < n) {
				const q = text[i];
				if (q === '"') {
					const next = text[i + 1];
					if (enclosed) {
						if (endsField(i + 1)) {
							i++;
							closed = true;
							break;
						}
						// `""` right before a field end is a quote ending the value, then the closing
						// one; elsewhere `""` is a doubled quote; a lone quote is text.
						if (next === '"' && !endsField(i + 2)) i++;
						field += '"';
						i++;
					} else if (next === '"') {
						field += '"';
						i += 2;
					} else if (next === undefined || next === delimiter || next === '\n' || next === '\r') {
						i++;
						closed = true;
						break;
					} else if (quotes === 'lenient') {
						field += '"';
						i++;
					} else {
						throw new CsvError('csv.textAfterQuote', line);
					}
				} else if (q === '\r' || q === '\n') {
					// A line break inside quotes is data; CRLF is kept as one '\n' like Excel reads it.
					lineBreak();
					field += '\n';
				} else {
					// Copy a run of ordinary characters at once: long abstracts are common.
					let j = i + 1;
					while (j < n && text[j] !== '"' && text[j] !== '\r' && text[j] !== '\n') j++;
					field += text.slice(i, j);
					i = j;
				}
			}
			if (!closed) throw new CsvError('csv.unterminatedQuote', quotedAt);
			continue;
		}
		if (c === delimiter) {
			fields.push(field);
			field = '';
			i++;
			continue;
		}
		if (c === '\r' || c === '\n') {
			lineBreak();
			endRecord();
			recordLine = line;
			continue;
		}
		let j = i + 1;
		while (j < n && text[j] !== delimiter && text[j] !== '\r' && text[j] !== '\n') j++;
		field += text.slice(i, j);
		i = j;
	}
	if (field !== '' || fields.length > 0 || sawQuote) endRecord();
	return records;
}

/** A header row plus records as objects keyed by column name. */
export interface CsvTable {
	columns: string[];
	rows: { line: number; values: Record<string, string> }[];
}

/**
 * Parses CSV whose first record names the columns. Column names are trimmed; an empty name
 * at the end (a trailing separator, as SLiMS writes it) is dropped. A row with fewer fields
 * gets '' for the missing ones; extra fields must be empty.
 */
export function parseCsvTable(input: string, opts: CsvOptions = {}): CsvTable {
	const [head, ...records] = parseCsv(input, opts);
	if (!head) return { columns: [], rows: [] };
	const columns = head.fields.map((c) => c.trim());
	while (columns.length > 0 && columns[columns.length - 1] === '') columns.pop();
	const rows = records.map((r) => {
		const values: Record<string, string> = {};
		for (const [k, name] of columns.entries()) values[name] = r.fields[k] ?? '';
		return { line: r.line, values };
	});
	return { columns, rows };
}

/** Characters that make a spreadsheet read a cell as a formula (CSV injection). */
const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * One CSV field. `excelSafe` prefixes a value that a spreadsheet would run as a formula with
 * an apostrophe — titles come from uploaded PDFs, so `=HYPERLINK(...)` is not far-fetched;
 * `unescapeFormula` undoes it on import.
 */
export function formatCsvField(
	value: string | number | boolean | null | undefined,
	opts: { excelSafe?: boolean } = {}
): string {
	if (value === null || value === undefined) return '';
	let s = typeof value === 'boolean' ? (value ? 'true' : 'false') : String(value);
	if (opts.excelSafe && FORMULA_START.test(s)) s = `'${s}`;
	return /[",;\t\r\n]|^\s|\s$/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

/** One CSV record with its CRLF line end (RFC 4180). */
export function formatCsvRow(
	values: readonly (string | number | boolean | null | undefined)[],
	opts: { excelSafe?: boolean; delimiter?: CsvDelimiter } = {}
): string {
	return values.map((v) => formatCsvField(v, opts)).join(opts.delimiter ?? ',') + '\r\n';
}

/** Removes the apostrophe `formatCsvField({ excelSafe })` put before a formula-like value. */
export function unescapeFormula(value: string): string {
	return value.length > 1 && value[0] === "'" && FORMULA_START.test(value.slice(1))
		? value.slice(1)
		: value;
}
