import fsp from 'node:fs/promises';
import { writeTransaction } from '../db/write.js';
import path from 'node:path';
import type { Db } from '../db/index.ts';
import { Conflict, Invalid } from '../errors.ts';
import * as pdf from '../pdf/index.ts';
import {
	validatePublication,
	type FieldErrors,
	type PublicationInput
} from '../../schemas/publication.ts';
import type { AccessLevel, PublicationStatus } from '../../types.ts';
import * as ingest from './ingest.ts';
import { ensureSeries, type Actor } from './records.ts';
import { parseCsvTable, unescapeFormula } from './csv.ts';
import {
	insertRecords,
	reasonOf,
	slugify,
	sourceIdOf,
	type Outcome,
	type Reason,
	type RecordDraft
} from './bulk-import.ts';

/**
 * Batch import of a folder of PDFs, optionally described by a metadata CSV. Every PDF goes
 * through `ingest` (inspect in the worker pool, then commit) exactly like an upload; a file
 * already catalogued (same sha256) is skipped, so re-running the import adds nothing.
 */

/** Metadata CSV columns that set a record field, named as in `validatePublication`. */
export const METADATA_COLUMNS = [
	'file',
	'type',
	'title',
	'subtitle',
	'authors',
	'publisher',
	'place',
	'year',
	'publishedDate',
	'language',
	'abstract',
	'subjects',
	'isbn',
	'issn',
	'regulationNumber',
	'regulationKind',
	'enactedDate',
	'promulgatedDate',
	'enactedPlace',
	'legalField',
	'regulationStatus',
	'relations',
	'edition',
	'series',
	'seriesTitle',
	'volume',
	'issue',
	'callNumber',
	'access',
	'status',
	'embargoUntil',
	'downloadable',
	'barcodes',
	'source',
	'sourceId'
] as const;

/** Columns the export writes that describe stored state: accepted on import and ignored. */
export const READ_ONLY_COLUMNS = [
	'id',
	'sha256',
	'pages',
	'hasTextLayer',
	'hasFile',
	'copies',
	'createdAt',
	'updatedAt'
] as const;

type MetadataColumn = (typeof METADATA_COLUMNS)[number];

/** One row of a metadata CSV: the file it describes (relative path, or null) and its values. */
export interface MetadataRow {
	line: number;
	file: string | null;
	values: Partial<Record<MetadataColumn, string>>;
}

/** Defaults from the command line; a value in the CSV row wins over them. */
export interface ImportDefaults {
	status?: PublicationStatus;
	access?: AccessLevel;
}

function usage(key: string, params: Record<string, string | number>): Invalid {
	return new Invalid(key, {}, params, 'usage');
}

/** Normalises a relative path for matching: `/` separators, NFC, no leading `./`. */
function relKey(p: string): string {
	return p.replaceAll('\\', '/').replace(/^\.\//, '').normalize('NFC');
}

/**
 * Reads a metadata CSV. Column names match case-insensitively. Throws Invalid with code
 * `usage` for an unknown or repeated column and for a file named twice — mistakes to fix
 * before anything is imported.
 */
export function readMetadataCsv(text: string, mapping?: Record<string, string>): MetadataRow[] {
	const table = parseCsvTable(text);
	const byLower = new Map<string, string>(
		[...METADATA_COLUMNS, ...READ_ONLY_COLUMNS].map((c) => [c.toLowerCase(), c])
	);
	const canonical: (string | null)[] = [];
	const seen = new Set<string>();
	for (const column of table.columns) {
		// A mapping (the web import's preview) says what a header means; '' leaves it out.
		const target = mapping && column in mapping ? mapping[column] : column;
		if (target === '') {
			canonical.push(null);
			continue;
		}
		const name = byLower.get(target.toLowerCase());
		if (name === undefined)
			throw usage('import.unknownColumn', {
				column,
				known: METADATA_COLUMNS.join(', ')
			});
		if (seen.has(name)) throw usage('import.repeatedColumn', { column });
		seen.add(name);
		canonical.push((METADATA_COLUMNS as readonly string[]).includes(name) ? name : null);
	}
	const files = new Map<string, number>();
	return table.rows.map((r) => {
		const values: Partial<Record<MetadataColumn, string>> = {};
		for (const [k, column] of table.columns.entries()) {
			const name = canonical[k];
			const value = unescapeFormula(r.values[column] ?? '').trim();
			if (name !== null && value !== '') values[name as MetadataColumn] = value;
		}
		const file = values.file ? relKey(values.file) : null;
		if (file !== null) {
			const earlier = files.get(file);
			if (earlier !== undefined) throw usage('import.fileTwice', { file, line: r.line, earlier });
			files.set(file, r.line);
		}
		return { line: r.line, file, values };
	});
}

/** Raw input for `validatePublication` from a CSV row and the command-line defaults. */
export function rawOf(
	row: MetadataRow | undefined,
	defaults: ImportDefaults
): Record<string, string> {
	const raw: Record<string, string> = {};
	if (defaults.status) raw.status = defaults.status;
	if (defaults.access) raw.access = defaults.access;
	const skip = new Set(['file', 'seriesTitle', 'barcodes', 'source', 'sourceId']);
	for (const [k, v] of Object.entries(row?.values ?? {})) if (!skip.has(k)) raw[k] = v;
	if (!raw.series && row?.values.seriesTitle) raw.series = slugify(row.values.seriesTitle);
	return raw;
}

function barcodesOf(row: MetadataRow | undefined): string[] {
	const list = (row?.values.barcodes ?? '').split(/[;\n]+/).map((b) => b.trim());
	return [...new Set(list.filter(Boolean))];
}

function invalid(errors: FieldErrors): Reason {
	return { key: 'error.invalid', fields: errors as Record<string, string> };
}

/** Every `*.pdf` under a folder (case-insensitive, recursive), as sorted relative paths. */
export async function listPdfs(folder: string): Promise<string[]> {
	const out: string[] = [];
	const walk = async (dir: string, rel: string) => {
		for (const entry of await fsp.readdir(dir, { withFileTypes: true })) {
			const abs = path.join(dir, entry.name);
			const relPath = rel ? `${rel}/${entry.name}` : entry.name;
			// Symlinked folders are not followed: a link back up would loop forever.
			if (entry.isDirectory()) await walk(abs, relPath);
			else if (/\.pdf$/i.test(entry.name)) {
				const isFile = entry.isFile() || (entry.isSymbolicLink() && (await isRegular(abs)));
				if (isFile) out.push(relPath);
			}
		}
	};
	await walk(folder, '');
	// Code-point order, not locale order: the same folder gives the same run everywhere.
	return out.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

async function isRegular(file: string): Promise<boolean> {
	try {
		return (await fsp.stat(file)).isFile();
	} catch {
		return false;
	}
}

type Prepared =
	| { ok: true; inspected: ingest.Inspected; input: PublicationInput; warnings: Reason[] }
	| { ok: false; skipped: boolean; reason: Reason };

/**
 * Inspects one PDF and settles its metadata — everything but writing. Never rejects, so
 * several can run at once while results are committed in order.
 */
async function prepare(
	db: Db,
	abs: string,
	rel: string,
	row: MetadataRow | undefined,
	defaults: ImportDefaults
): Promise<Prepared> {
	const raw = rawOf(row, defaults);
	// Typing errors in the CSV come back before the (slow) PDF work; the PDF may fill the title.
	const early = validatePublication({ title: 'placeholder', ...raw });
	if (!early.ok) return { ok: false, skipped: false, reason: invalid(early.errors) };
	let tmp: string | null = null;
	try {
		tmp = await ingest.copyToTemp(abs);
		const inspected = await ingest.inspect(db, tmp, path.basename(rel));
		tmp = inspected.tmpFile;
		const guessed = ingest.prefill(inspected);
		// A year from the CSV beats the PDF's creation date; keeping both would disagree.
		if (raw.year || raw.publishedDate) {
			delete guessed.year;
			delete guessed.publishedDate;
		}
		let result = validatePublication({ ...guessed, ...raw });
		const warnings: Reason[] = [];
		if (!result.ok) {
			// What the PDF's info dictionary suggests is a guess (a creation date in 1601, say):
			// drop the guessed fields the schema refuses rather than refuse the file.
			const bad = Object.keys(result.errors).filter((f) => !(f in raw));
			if (bad.length > 0 && bad.length === Object.keys(result.errors).length) {
				for (const f of bad) delete guessed[f];
				const fromName = ingest.titleFromFileName(inspected.originalName);
				if (bad.includes('title') && fromName) guessed.title = fromName;
				if (bad.includes('publishedDate') || bad.includes('year')) {
					delete guessed.publishedDate;
					delete guessed.year;
				}
				result = validatePublication({ ...guessed, ...raw });
				warnings.push({ key: 'import.pdfInfoIgnored', params: { fields: bad.join(', ') } });
			}
		}
		if (!result.ok) {
			await fsp.rm(inspected.tmpFile, { force: true });
			return { ok: false, skipped: false, reason: invalid(result.errors) };
		}
		return { ok: true, inspected, input: result.value, warnings };
	} catch (err) {
		// inspect removes its temporary file on refusal; this covers a failed copy.
		if (tmp) await fsp.rm(tmp, { force: true });
		const duplicate = err instanceof Conflict && err.code === 'duplicate_file';
		return { ok: false, skipped: duplicate, reason: reasonOf(err) };
	}
}

/** Adds copies with the given barcodes; a barcode already in use is skipped with a warning. */
async function addCopies(
	db: Db,
	publicationId: number,
	barcodes: string[],
	callNumber: string | null
): Promise<Reason[]> {
	if (barcodes.length === 0) return [];
	return writeTransaction(db, async (tx) => {
		const warnings: Reason[] = [];
		const taken = new Set(
			(
				await tx.selectFrom('items').select('barcode').where('barcode', 'in', barcodes).execute()
			).map((r) => r.barcode)
		);
		for (const barcode of barcodes) {
			if (taken.has(barcode)) {
				warnings.push({ key: 'import.barcodeExists', params: { barcode } });
				continue;
			}
			await tx
				.insertInto('items')
				.values({ publication_id: publicationId, barcode, call_number: callNumber })
				.execute();
		}
		return warnings;
	});
}

/** Identifying fields of a CSV row without a file, hashed when the row names no source id. */
export function csvDraft(row: MetadataRow, input: PublicationInput): RecordDraft {
	const v = row.values;
	return {
		name: input.title,
		line: row.line,
		input,
		seriesTitle: v.seriesTitle ?? null,
		source: v.source ?? 'csv',
		sourceId:
			v.sourceId ??
			sourceIdOf([
				input.title,
				input.edition,
				input.isbn,
				input.issn,
				input.year === null ? null : String(input.year),
				input.regulationNumber,
				input.seriesSlug,
				input.volume === null ? null : String(input.volume),
				input.issue === null ? null : String(input.issue)
			]),
		barcodes: barcodesOf(row),
		warnings: []
	};
}

/**
 * Imports every PDF under `folder` (sorted by path), then the CSV rows that name no file as
 * metadata-only records. PDFs are inspected a few at a time in the worker pool (both cores
 * busy) but committed in path order, so record ids and output are the same on every run.
 * `onOutcome` is called once per file or row, in that order.
 */
export async function importFolder(
	db: Db,
	opts: {
		folder: string;
		rows: MetadataRow[] | null;
		defaults: ImportDefaults;
		actor: Actor;
		onStart?: (total: number) => void;
		onOutcome?: (outcome: Outcome) => void | Promise<void>;
		/** Files (and rows) already done by an earlier run of the same job: not started again. */
		done?: Set<string>;
		/** See `insertRecords`: bookkeeping that commits with each batch of records. */
		onCommit?: NonNullable<Parameters<typeof insertRecords>[3]>['onCommit'];
		/** Stops before the next file or batch (a cancelled job): what was committed stays. */
		signal?: AbortSignal;
	}
): Promise<Outcome[]> {
	const done = opts.done ?? new Set<string>();
	const files = (await listPdfs(opts.folder)).filter((f) => !done.has(`F${f}`));
	const rows = opts.rows ?? [];
	// CSV rows find their file by relative path, or by bare name when that is unambiguous.
	const byPath = new Map(files.map((f) => [f.normalize('NFC'), f]));
	const byName = new Map<string, string[]>();
	for (const f of files) {
		const name = path.posix.basename(f).normalize('NFC');
		byName.set(name, [...(byName.get(name) ?? []), f]);
	}
	const rowOf = new Map<string, MetadataRow>();
	const missing: Outcome[] = [];
	const loose: MetadataRow[] = [];
	for (const row of rows) {
		if (done.has(`L${row.line}`)) continue;
		if (row.file === null) {
			loose.push(row);
			continue;
		}
		const candidates = byName.get(row.file) ?? [];
		const file =
			byPath.get(row.file) ??
			(!row.file.includes('/') && candidates.length === 1 ? candidates[0] : undefined);
		if (file === undefined || rowOf.has(file)) {
			missing.push({
				name: row.file,
				line: row.line,
				status: 'failed',
				reason: { key: file === undefined ? 'import.fileMissing' : 'import.fileTwiceMatched' },
				warnings: []
			});
		} else rowOf.set(file, row);
	}
	// A series titled in any row may be named by slug alone in the others.
	const seriesTitles = new Map<string, string>();
	for (const row of rows) {
		const title = row.values.seriesTitle;
		const slug = row.values.series ?? (title ? slugify(title) : undefined);
		if (slug && title && !seriesTitles.has(slug)) seriesTitles.set(slug, title);
	}
	const total = files.length + missing.length + loose.length;
	opts.onStart?.(total);
	const outcomes: Outcome[] = [];
	const emit = async (o: Outcome) => {
		outcomes.push(o);
		await opts.onOutcome?.(o);
	};

	// A sliding window of inspections keeps both workers busy while commits stay in order.
	const window = pdf.POOL_SIZE * 2;
	const pending: Promise<Prepared>[] = [];
	let next = 0;
	const startNext = () => {
		if (next >= files.length) return;
		const rel = files[next++];
		pending.push(prepare(db, path.join(opts.folder, rel), rel, rowOf.get(rel), opts.defaults));
	};
	for (let i = 0; i < window; i++) startNext();
	for (const rel of files) {
		if (opts.signal?.aborted) {
			// Inspections already started are let finish and their temporary files removed.
			for (const p of pending.splice(0))
				void p.then((r) => (r.ok ? fsp.rm(r.inspected.tmpFile, { force: true }) : undefined));
			break;
		}
		const prepared = await pending.shift()!;
		startNext();
		if (!prepared.ok) {
			await emit({
				name: rel,
				status: prepared.skipped ? 'skipped' : 'failed',
				reason: prepared.reason,
				warnings: []
			});
			continue;
		}
		const row = rowOf.get(rel);
		try {
			const slug = prepared.input.seriesSlug;
			const seriesTitle = slug ? seriesTitles.get(slug) : undefined;
			if (slug && seriesTitle) await ensureSeries(db, { slug, title: seriesTitle });
			const committed = await ingest.commit(
				db,
				prepared.inspected,
				{ metadata: prepared.input },
				opts.actor
			);
			const copyWarnings = await addCopies(
				db,
				committed.publicationId,
				barcodesOf(row),
				prepared.input.callNumber
			);
			await emit({
				name: rel,
				status: 'imported',
				publicationId: committed.publicationId,
				pages: committed.pages,
				warnings: [...prepared.warnings, ...copyWarnings]
			});
		} catch (err) {
			// commit removes stored files no row names; the temporary file is gone by now.
			const duplicate = err instanceof Conflict && err.code === 'duplicate_file';
			await emit({
				name: rel,
				status: duplicate ? 'skipped' : 'failed',
				reason: reasonOf(err),
				warnings: []
			});
		}
	}

	if (opts.signal?.aborted) return outcomes;
	for (const o of missing) await emit(o);
	const drafts: RecordDraft[] = [];
	for (const row of loose) {
		const result = validatePublication(rawOf(row, opts.defaults));
		if (result.ok) {
			const draft = csvDraft(row, result.value);
			const slug = result.value.seriesSlug;
			draft.seriesTitle ??= slug ? (seriesTitles.get(slug) ?? null) : null;
			drafts.push(draft);
		} else
			await emit({
				name: row.values.title ?? '',
				line: row.line,
				status: 'failed',
				reason: invalid(result.errors),
				warnings: []
			});
	}
	await insertRecords(db, drafts, opts.actor, {
		onBatch: async (batch) => {
			for (const o of batch) await emit(o);
		},
		onCommit: opts.onCommit,
		signal: opts.signal
	});
	return outcomes;
}
