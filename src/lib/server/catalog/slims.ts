import type { Db } from '../db/index.ts';
import { Invalid } from '../errors.ts';
import {
	isValidIsbn,
	isValidIssn,
	validatePublication,
	type PublicationInput
} from '../../schemas/publication.ts';
import type { AccessLevel, PublicationStatus, PublicationType } from '../../types.ts';
import { looksEnclosed, parseCsv, type CsvRecord } from './csv.ts';
import {
	insertRecords,
	slugify,
	sourceIdOf,
	type Outcome,
	type Reason,
	type RecordDraft
} from './bulk-import.ts';
import type { Actor } from './records.ts';

/**
 * Reading a bibliography export of SLiMS (Senayan Library Management System, which most
 * Indonesian government libraries ran before this catalogue) and mapping its rows to records.
 * SLiMS writes repeated values as `<first><second>` and, when asked for a header, ends it
 * with a stray separator.
 */

/** The columns of SLiMS's bibliography export, in the order it writes them. */
export const SLIMS_COLUMNS = [
	'title',
	'gmd_name',
	'edition',
	'isbn_issn',
	'publisher_name',
	'publish_year',
	'collation',
	'series_title',
	'call_number',
	'language_name',
	'place_name',
	'classification',
	'notes',
	'image',
	'sor',
	'authors',
	'topics',
	'item_code'
] as const;

export type SlimsColumn = (typeof SLIMS_COLUMNS)[number];
export type SlimsValues = Record<SlimsColumn, string>;

/** One data row of a SLiMS export, or why it cannot be read. */
export type SlimsRow =
	{ line: number; ok: true; values: SlimsValues } | { line: number; ok: false; reason: Reason };

/**
 * Parses a SLiMS export. The header row is optional in SLiMS; without one the columns are
 * taken in SLiMS's fixed order. Throws Invalid (code `usage`) for an unknown column.
 */
export function readSlims(text: string, mapping?: Record<string, string>): SlimsRow[] {
	// SLiMS encloses every field and does not double the quotes inside them; a file re-saved by
	// a spreadsheet follows RFC 4180 instead.
	const records = parseCsv(text, { quotes: looksEnclosed(text) ? 'enclosed' : 'lenient' });
	if (records.length === 0) return [];
	const first = records[0].fields.map((f) => f.trim().toLowerCase());
	let columns: string[] = [...SLIMS_COLUMNS];
	let data: CsvRecord[] = records;
	// A mapping (from the web import's preview) names what each header of the file means; ''
	// leaves a column out. Without one, the header must use SLiMS's own names.
	const mapped = mapping ? first.map((h) => (h in mapping ? mapping[h] : h)) : first;
	if (mapping || (first.includes('title') && first.includes('gmd_name'))) {
		columns = mapped;
		// SLiMS's stray trailing separator: a last header that is empty in the file itself.
		while (columns.length > 0 && first[columns.length - 1] === '') columns.pop();
		const unknown = columns.find(
			(c, k) =>
				!(SLIMS_COLUMNS as readonly string[]).includes(c) &&
				!(c === '' && (mapping?.[first[k]] === '' || first[k] === ''))
		);
		if (unknown !== undefined) {
			throw new Invalid(
				'import.unknownColumn',
				{},
				{ column: unknown, known: SLIMS_COLUMNS.join(', ') },
				'usage'
			);
		}
		data = records.slice(1);
	}
	return data.map((r) => {
		// Extra fields are tolerated only when empty (a trailing separator); fewer fields usually
		// mean a row cut in two by a line break SLiMS did not escape.
		const extra = r.fields.slice(columns.length);
		if (r.fields.length < columns.length || extra.some((f) => f.trim() !== '')) {
			return {
				line: r.line,
				ok: false,
				reason: {
					key: 'import.columnCount',
					params: { count: r.fields.length, expected: columns.length }
				}
			};
		}
		const values = Object.fromEntries(SLIMS_COLUMNS.map((c) => [c, ''])) as SlimsValues;
		for (const [k, c] of columns.entries())
			if (c !== '') values[c as SlimsColumn] = r.fields[k] ?? '';
		return { line: r.line, ok: true, values };
	});
}

/** `<Rahmat, Budi><Sari, Dewi>` → `['Rahmat, Budi', 'Sari, Dewi']`; plain text is one value. */
export function splitAngle(raw: string): string[] {
	const s = raw.trim();
	if (s === '') return [];
	const inner = [...s.matchAll(/<([^<>]*)>/g)].map((m) => m[1].trim());
	const values = inner.length > 0 ? inner : [s];
	return [...new Set(values.filter((v) => v !== ''))];
}

const TYPE_BY_GMD: Record<string, PublicationType> = {
	text: 'book',
	teks: 'book',
	buku: 'book',
	book: 'book',
	majalah: 'magazine_issue',
	serial: 'magazine_issue',
	magazine: 'magazine_issue',
	peraturan: 'regulation',
	regulation: 'regulation',
	laporan: 'report',
	report: 'report'
};

/** SLiMS's general material designation (GMD) → publication type. */
export function typeFromGmd(gmd: string): PublicationType {
	return TYPE_BY_GMD[gmd.trim().toLowerCase()] ?? 'other';
}

const LANGUAGE_BY_NAME: Record<string, 'id' | 'en'> = {
	id: 'id',
	ind: 'id',
	indonesia: 'id',
	indonesian: 'id',
	'bahasa indonesia': 'id',
	en: 'en',
	eng: 'en',
	english: 'en',
	inggris: 'en',
	'bahasa inggris': 'en'
};

/** SLiMS language name → catalogue language code, or null when unknown. */
export function languageFromName(name: string): 'id' | 'en' | null {
	return LANGUAGE_BY_NAME[name.trim().toLowerCase()] ?? null;
}

/**
 * Sorts SLiMS's single `isbn_issn` field into ISBN and ISSN by their check digits. Several
 * numbers may be separated by `;`, `,`, `/` or `|`; labels like `ISBN:` and qualifiers like
 * `(pbk.)` are dropped. What validates as neither is reported, not kept.
 */
export function splitIsbnIssn(raw: string): {
	isbn: string | null;
	issn: string | null;
	invalid: string[];
} {
	let isbn: string | null = null;
	let issn: string | null = null;
	const invalid: string[] = [];
	for (const part of raw.split(/[;,/|]+/)) {
		const value = part
			.replace(/\(.*?\)/g, '')
			.replace(/^\s*(isbn|issn|e-issn|p-issn)\s*[:.]?\s*/i, '')
			.trim();
		if (value === '') continue;
		if (isValidIsbn(value)) isbn ??= value;
		else if (isValidIssn(value)) issn ??= value;
		else invalid.push(part.trim());
	}
	return { isbn, issn, invalid };
}

/**
 * The year in SLiMS's free-text `publish_year`: `2019`, and the cataloguing forms `[2019]`,
 * `c2019`, `2019.`; anything else (`t.th.`, `2019-2020`) is not a year.
 */
export function yearFrom(raw: string): number | null {
	const m = /^[[(]?\s*[c©]?\s*(\d{4})\s*[\]).]?$/i.exec(raw.trim());
	return m ? Number(m[1]) : null;
}

/** `classification` + `call_number` → one call number, without repeating the class. */
export function callNumberFrom(classification: string, callNumber: string): string | null {
	const cls = classification.trim();
	const call = callNumber.trim();
	if (!call) return cls || null;
	if (!cls || call.toLowerCase().startsWith(cls.toLowerCase())) return call;
	return `${cls} ${call}`;
}

/** The stable identity of a SLiMS row, so a re-run recognises what it already imported. */
export function slimsSourceId(v: SlimsValues): string {
	return sourceIdOf([v.title, v.edition, v.isbn_issn, v.publish_year, v.item_code]);
}

export interface SlimsDefaults {
	status: PublicationStatus;
	access: AccessLevel;
}

/**
 * Maps one SLiMS row to a record draft through the shared publication schema. Problems in
 * optional fields (bad ISBN, odd year, unknown language) become warnings; a row the schema
 * still refuses (no title, too long) is a failure with field reasons.
 */
export function mapSlimsRow(
	row: { line: number; values: SlimsValues },
	defaults: SlimsDefaults,
	now: Date = new Date()
): { ok: true; draft: RecordDraft } | { ok: false; reason: Reason; warnings: Reason[] } {
	const v = row.values;
	const warnings: Reason[] = [];
	const { isbn, issn, invalid } = splitIsbnIssn(v.isbn_issn);
	for (const value of invalid) warnings.push({ key: 'import.badIsbnIssn', params: { value } });

	let year: number | null = null;
	if (v.publish_year.trim() !== '') {
		year = yearFrom(v.publish_year);
		if (year === null || year < 1800 || year > now.getUTCFullYear() + 1) {
			warnings.push({ key: 'import.badYear', params: { value: v.publish_year.trim() } });
			year = null;
		}
	}

	let language: 'id' | 'en' = 'id';
	if (v.language_name.trim() !== '') {
		const code = languageFromName(v.language_name);
		if (code === null)
			warnings.push({ key: 'import.unknownLanguage', params: { value: v.language_name.trim() } });
		language = code ?? 'id';
	}

	const seriesTitle = v.series_title.trim() || null;
	const raw: Record<string, unknown> = {
		type: typeFromGmd(v.gmd_name),
		title: v.title,
		edition: v.edition,
		isbn,
		issn,
		publisher: v.publisher_name,
		place: v.place_name,
		year,
		language,
		abstract: v.notes,
		series: seriesTitle ? slugify(seriesTitle) : null,
		callNumber: callNumberFrom(v.classification, v.call_number),
		authors: splitAngle(v.authors),
		subjects: splitAngle(v.topics),
		status: defaults.status,
		access: defaults.access
	};
	const result = validatePublication(raw, now);
	if (!result.ok) {
		return {
			ok: false,
			reason: { key: 'error.invalid', fields: result.errors as Record<string, string> },
			warnings
		};
	}
	const input: PublicationInput = result.value;
	return {
		ok: true,
		draft: {
			name: input.title,
			line: row.line,
			input,
			seriesTitle,
			source: 'slims',
			sourceId: slimsSourceId(v),
			barcodes: splitAngle(v.item_code),
			warnings
		}
	};
}

/**
 * Imports the rows of a SLiMS export (`readSlims`) as metadata-only records (SLiMS holds no
 * PDFs). Rows are mapped first — unreadable rows fail with their line — then written in batched
 * transactions.
 * `onProgress` gets outcomes as they are decided; the result is in file order.
 */
export async function importSlims(
	db: Db,
	rows: SlimsRow[],
	opts: {
		defaults: SlimsDefaults;
		actor: Actor;
		now?: Date;
		onProgress?: (outcomes: Outcome[], total: number) => void | Promise<void>;
		/** See `insertRecords`: bookkeeping that commits with each batch of records. */
		onCommit?: NonNullable<Parameters<typeof insertRecords>[3]>['onCommit'];
		/** Stops before the next batch; what was committed stays. */
		signal?: AbortSignal;
	}
): Promise<Outcome[]> {
	const early: Outcome[] = [];
	const drafts: RecordDraft[] = [];
	for (const row of rows) {
		if (!row.ok) {
			early.push({ name: '', line: row.line, status: 'failed', reason: row.reason, warnings: [] });
			continue;
		}
		const mapped = mapSlimsRow(row, opts.defaults, opts.now);
		if (mapped.ok) drafts.push(mapped.draft);
		else
			early.push({
				name: row.values.title.trim(),
				line: row.line,
				status: 'failed',
				reason: mapped.reason,
				warnings: mapped.warnings
			});
	}
	await opts.onProgress?.(early, rows.length);
	const written = await insertRecords(db, drafts, opts.actor, {
		onBatch: (outcomes) => opts.onProgress?.(outcomes, rows.length),
		onCommit: opts.onCommit,
		signal: opts.signal
	});
	return [...early, ...written].sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
}
