import crypto from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { sql, type Kysely } from 'kysely';
import { config } from '../config.ts';
import type { Db } from '../db/index.ts';
import type { Database, ImportFormat, ImportStatus } from '../db/schema.ts';
import { writeTransaction } from '../db/write.js';
import { Conflict, DomainError, NotFound } from '../errors.ts';
import { log } from '../log.ts';
import * as audit from '../audit.ts';
import * as storage from '../storage/index.ts';
import { validatePublication } from '../../schemas/publication.ts';
import { decodeCsv, parseCsv } from './csv.ts';
import { reasonOf, type Outcome, type Reason, type RecordDraft } from './bulk-import.ts';
import {
	csvDraft,
	importFolder,
	listPdfs,
	METADATA_COLUMNS,
	READ_ONLY_COLUMNS,
	rawOf,
	readMetadataCsv,
	type MetadataRow
} from './folder-import.ts';
import { importSlims, mapSlimsRow, readSlims, SLIMS_COLUMNS, type SlimsRow } from './slims.ts';
import * as ingest from './ingest.ts';
import {
	checkZip,
	extractZip,
	ImportRefused,
	isZip,
	xlsxToCsv,
	type Received
} from './import-files.ts';
import type { Actor } from './records.ts';

/**
 * Imports from the browser and the API, as jobs: an uploaded file is checked and previewed,
 * then — once confirmed — imported in the background by exactly one server process through the
 * very code the CLI runs (`importSlims`, `importFolder`, hence `insertRecords` and `ingest`).
 * State lives in the database (`import_jobs`, `import_job_rows`), so any process answers for
 * any job, a restart resumes a job from what was committed, and a cancel reaches the process
 * running it between two batches.
 */

type Tx = Kysely<Database>;

/** Where the uploaded files of jobs live, under DATA_DIR. */
export const IMPORTS_DIR = 'imports';
/** Rows of the file shown in the preview. */
const PREVIEW_ROWS = 10;
/** Invalid rows listed in the preview (the count covers them all). */
const PREVIEW_INVALID = 200;
/**
 * A job whose process has not written a heartbeat (every HEARTBEAT_MS while it runs) for this
 * long is taken for dead. The only test of liveness that holds across servers: a job running on
 * another server sharing the database is never put back while that server lives.
 */
const STALE_MS = 60_000;
/** How often a running job's process writes its heartbeat. */
const HEARTBEAT_MS = 2000;
/** How often the coordinator looks for jobs whose heartbeat went stale. */
const RECOVER_EVERY_MS = 15_000;
/** How often each process looks for a queued job. */
const POLL_MS = 500;
/** Previews never confirmed are dropped after a day (their files removed). */
const PREVIEW_TTL_MS = 24 * 3600_000;

/** SLiMS rows become published public records, sheets drafts: the CLI's defaults. */
const SLIMS_DEFAULTS = { status: 'published', access: 'public' } as const;
const SHEET_DEFAULTS = {} as const;

/** One row as the preview shows it: how it will be catalogued. */
export interface PreviewRow {
	line: number | null;
	file: string | null;
	title: string;
	type: string | null;
	authors: string;
	year: number | null;
	identifier: string | null;
	status: 'new' | 'present' | 'invalid';
}

/** What the librarian sees before confirming. */
export interface Preview {
	counts: { new: number; present: number; invalid: number };
	/** The file's headers and what each is mapped to ('' = left out); empty when headerless. */
	headers: string[];
	mapping: Record<string, string>;
	/** Columns a header may be mapped to. */
	columns: string[];
	rows: PreviewRow[];
	invalid: { line: number | null; name: string; reason: Reason }[];
	pdfs: number;
	sheet: string | null;
}

/** The job as the API and the pages show it. */
export interface JobView {
	id: number;
	status: ImportStatus;
	format: ImportFormat;
	fileName: string;
	total: number;
	done: number;
	imported: number;
	skipped: number;
	failed: number;
	createdAt: string;
	startedAt: string | null;
	finishedAt: string | null;
	createdBy: string | null;
	/** Rows per second since the job started, and the estimate of seconds left. */
	rate: number | null;
	secondsLeft: number | null;
	cancelRequested: boolean;
	error: Reason | null;
}

/** A job's folder: under DATA_DIR, or the shared FILES_DIR, so any server's runner can take it. */
function jobDir(rel: string): string {
	return path.join(config.workDir, rel);
}

const now = () => new Date().toISOString();

/* ------------------------------------------------------------------ reading the upload */

/** What a column header of a sheet most likely means, for the suggested mapping. */
const ALIASES: Record<string, string> = {
	judul: 'title',
	'sub judul': 'subtitle',
	subjudul: 'subtitle',
	pengarang: 'authors',
	penulis: 'authors',
	author: 'authors',
	penerbit: 'publisher',
	tahun: 'year',
	'tahun terbit': 'year',
	bahasa: 'language',
	abstrak: 'abstract',
	subjek: 'subjects',
	subject: 'subjects',
	topik: 'subjects',
	'nomor panggil': 'callNumber',
	'call number': 'callNumber',
	edisi: 'edition',
	tempat: 'place',
	'kota terbit': 'place',
	berkas: 'file',
	'nama berkas': 'file',
	barcode: 'barcodes',
	'kode eksemplar': 'barcodes',
	jenis: 'type',
	seri: 'seriesTitle',
	// SLiMS headers written by hand or another version
	judul_buku: 'title',
	gmd: 'gmd_name',
	isbn: 'isbn_issn',
	issn: 'isbn_issn',
	penerbit_nama: 'publisher_name',
	tahun_terbit: 'publish_year',
	pengarang_buku: 'authors',
	kode_eksemplar: 'item_code'
};

function squash(s: string): string {
	return s
		.toLowerCase()
		.replace(/[\s_-]+/g, ' ')
		.trim();
}

/** Suggests a mapping of a file's headers onto `columns` (exact, case-insensitive, aliases). */
export function suggestMapping(
	headers: string[],
	columns: readonly string[]
): Record<string, string> {
	const byKey = new Map(columns.map((c) => [squash(c), c]));
	const out: Record<string, string> = {};
	for (const h of headers) {
		const k = squash(h);
		const alias = ALIASES[k] ?? ALIASES[h.trim().toLowerCase()];
		out[h] = byKey.get(k) ?? (alias && columns.includes(alias) ? alias : '');
	}
	return out;
}

/** The SLiMS file's header row (lower-cased, as readSlims compares), or null when headerless. */
function slimsHeaders(text: string): string[] | null {
	const first = parseCsv(text.split(/\r?\n/, 1)[0] ?? '')[0]?.fields ?? [];
	const lower = first.map((f) => f.trim().toLowerCase());
	const known = lower.filter((h) => (SLIMS_COLUMNS as readonly string[]).includes(h)).length;
	// A data row of SLiMS (headerless export) holds titles and years, not column names.
	return known >= 2 || (lower.includes('title') && lower.includes('gmd_name')) ? lower : null;
}

function sheetHeaders(text: string): string[] {
	return parseCsv(text.split(/\r?\n/, 1)[0] ?? '')[0]?.fields.map((f) => f.trim()) ?? [];
}

/** Guesses the format of an upload: a ZIP (not a workbook), a SLiMS export or a sheet. */
async function detectFormat(file: string, fileName: string): Promise<ImportFormat> {
	if (/\.xlsx$/i.test(fileName)) return 'metadata';
	if (await isZip(file)) return 'zip';
	const text = decodeCsv(await readHead(file)).text;
	const headers = slimsHeaders(text);
	if (headers)
		return headers.includes('gmd_name') || !headers.includes('file') ? 'slims' : 'metadata';
	const first = parseCsv(text.split(/\r?\n/, 1)[0] ?? '')[0]?.fields ?? [];
	// A headerless SLiMS export has SLiMS's 18 columns; a sheet always has a header.
	const sheetLike = first.some((f) => (METADATA_COLUMNS as readonly string[]).includes(f.trim()));
	return !sheetLike && first.length >= SLIMS_COLUMNS.length ? 'slims' : 'metadata';
}

async function readHead(file: string): Promise<Buffer> {
	const fh = await fsp.open(file, 'r');
	try {
		const buf = Buffer.alloc(64 * 1024);
		const { bytesRead } = await fh.read(buf, 0, buf.length, 0);
		return buf.subarray(0, bytesRead);
	} finally {
		await fh.close();
	}
}

async function readText(file: string): Promise<string> {
	if (/\.xlsx$/i.test(file)) return xlsxToCsv(file);
	return decodeCsv(await fsp.readFile(file)).text;
}

/** A CSV/usage error of the readers, as a refusal the librarian can act on. */
function refusedSheet(err: unknown): never {
	if (err instanceof DomainError)
		throw new ImportRefused(422, 'invalid_file', err.messageKey, err.params);
	throw err;
}

/** The parts of a job's folder: the upload, and for a ZIP its extracted files and sheet. */
interface Layout {
	upload: string;
	files: string;
	sheet: string | null;
}

async function layoutOf(dir: string, format: ImportFormat, fileName: string): Promise<Layout> {
	const upload = path.join(dir, `upload${path.extname(fileName).toLowerCase() || '.csv'}`);
	const files = path.join(dir, 'files');
	if (format !== 'zip') return { upload, files, sheet: null };
	const marker = path.join(dir, 'sheet.txt');
	const sheet = fs.existsSync(marker) ? (await fsp.readFile(marker, 'utf8')) || null : null;
	return { upload, files, sheet: sheet ? path.join(files, sheet) : null };
}

async function sheetName(dir: string): Promise<string | null> {
	const marker = path.join(dir, 'sheet.txt');
	return fs.existsSync(marker) ? (await fsp.readFile(marker, 'utf8')) || null : null;
}

/** The rows a job will import, read the same way for the preview and for the run. */
type Parsed =
	| { format: 'slims'; rows: SlimsRow[]; headers: string[] | null }
	| { format: 'metadata' | 'zip'; rows: MetadataRow[]; headers: string[]; folder: string };

async function parse(
	dir: string,
	format: ImportFormat,
	fileName: string,
	mapping: Record<string, string> | null
): Promise<Parsed> {
	const layout = await layoutOf(dir, format, fileName);
	if (format === 'slims') {
		const text = await readText(layout.upload);
		const headers = slimsHeaders(text);
		try {
			return { format, rows: readSlims(text, headers ? (mapping ?? {}) : undefined), headers };
		} catch (err) {
			refusedSheet(err);
		}
	}
	const sheetFile = format === 'zip' ? layout.sheet : layout.upload;
	if (!sheetFile) return { format, rows: [], headers: [], folder: layout.files };
	const text = await readText(sheetFile);
	try {
		return {
			format,
			rows: readMetadataCsv(text, mapping ?? undefined),
			headers: sheetHeaders(text),
			folder: layout.files
		};
	} catch (err) {
		refusedSheet(err);
	}
}

/* --------------------------------------------------------------------------- preview */

async function existingSources(db: Db, source: string, ids: string[]): Promise<Set<string>> {
	const found = new Set<string>();
	for (let i = 0; i < ids.length; i += 500) {
		const rows = await db
			.selectFrom('publications')
			.select('source_id')
			.where('source', '=', source)
			.where('source_id', 'in', ids.slice(i, i + 500))
			.execute();
		for (const r of rows) if (r.source_id) found.add(r.source_id);
	}
	return found;
}

async function buildPreview(
	db: Db,
	dir: string,
	format: ImportFormat,
	fileName: string,
	mapping: Record<string, string> | null
): Promise<{ preview: Preview; total: number; mapping: Record<string, string> }> {
	const parsed = await parse(dir, format, fileName, mapping);
	const rows: PreviewRow[] = [];
	const invalid: Preview['invalid'] = [];
	const counts = { new: 0, present: 0, invalid: 0 };
	const bad = (line: number | null, name: string, reason: Reason) => {
		counts.invalid++;
		if (invalid.length < PREVIEW_INVALID) invalid.push({ line, name, reason });
	};
	const show = (r: PreviewRow) => {
		if (rows.length < PREVIEW_ROWS) rows.push(r);
	};
	let total = 0;
	let pdfs = 0;
	let headers: string[] = [];
	let columns: readonly string[] = [];
	if (parsed.format === 'slims') {
		headers = parsed.headers ?? [];
		columns = SLIMS_COLUMNS;
		total = parsed.rows.length;
		const drafts: { line: number; draft: RecordDraft }[] = [];
		for (const row of parsed.rows) {
			if (!row.ok) {
				bad(row.line, '', row.reason);
				continue;
			}
			const m = mapSlimsRow(row, SLIMS_DEFAULTS);
			if (!m.ok) bad(row.line, row.values.title.trim(), m.reason);
			else drafts.push({ line: row.line, draft: m.draft });
		}
		const present = await existingSources(
			db,
			'slims',
			drafts.map((d) => d.draft.sourceId)
		);
		const seen = new Set<string>();
		for (const { line, draft } of drafts) {
			const isPresent = present.has(draft.sourceId) || seen.has(draft.sourceId);
			seen.add(draft.sourceId);
			if (isPresent) counts.present++;
			else counts.new++;
			const i = draft.input;
			show({
				line,
				file: null,
				title: i.title,
				type: i.type,
				authors: i.authors.join('; '),
				year: i.year,
				identifier: i.isbn ?? i.issn ?? null,
				status: isPresent ? 'present' : 'new'
			});
		}
	} else {
		headers = parsed.headers;
		columns = [...METADATA_COLUMNS, ...READ_ONLY_COLUMNS];
		const files =
			parsed.format === 'zip' && fs.existsSync(parsed.folder) ? await listPdfs(parsed.folder) : [];
		pdfs = files.length;
		const byPath = new Map(files.map((f) => [f.normalize('NFC'), f]));
		const byName = new Map<string, string[]>();
		for (const f of files) {
			const n = path.posix.basename(f).normalize('NFC');
			byName.set(n, [...(byName.get(n) ?? []), f]);
		}
		const rowOf = new Map<string, MetadataRow>();
		const loose: MetadataRow[] = [];
		for (const row of parsed.rows) {
			if (row.file === null) {
				loose.push(row);
				continue;
			}
			const candidates = byName.get(row.file) ?? [];
			const file =
				byPath.get(row.file) ??
				(!row.file.includes('/') && candidates.length === 1 ? candidates[0] : undefined);
			if (file === undefined || rowOf.has(file)) {
				total++;
				bad(row.line, row.file, {
					key: file === undefined ? 'import.fileMissing' : 'import.fileTwiceMatched'
				});
			} else rowOf.set(file, row);
		}
		total += files.length + loose.length;
		for (const rel of files) {
			const row = rowOf.get(rel);
			const raw = rawOf(row, SHEET_DEFAULTS);
			const early = validatePublication({ title: 'placeholder', ...raw });
			if (!early.ok) {
				bad(row?.line ?? null, rel, {
					key: 'error.invalid',
					fields: early.errors as Record<string, string>
				});
				continue;
			}
			const { sha256 } = await storage.hashFile(path.join(parsed.folder, rel));
			const isPresent = (await ingest.findByHash(db, sha256)) !== undefined;
			if (isPresent) counts.present++;
			else counts.new++;
			show({
				line: row?.line ?? null,
				file: rel,
				title: raw.title ?? ingest.titleFromFileName(path.posix.basename(rel)) ?? rel,
				type: raw.type ?? null,
				authors: raw.authors ?? '',
				year: raw.year ? Number(raw.year) || null : null,
				identifier: raw.isbn ?? raw.issn ?? raw.regulationNumber ?? null,
				status: isPresent ? 'present' : 'new'
			});
		}
		const drafts: ReturnType<typeof csvDraft>[] = [];
		for (const row of loose) {
			const result = validatePublication(rawOf(row, SHEET_DEFAULTS));
			if (!result.ok)
				bad(row.line, row.values.title ?? '', {
					key: 'error.invalid',
					fields: result.errors as Record<string, string>
				});
			else drafts.push(csvDraft(row, result.value));
		}
		const bySource = new Map<string, string[]>();
		for (const d of drafts) bySource.set(d.source, [...(bySource.get(d.source) ?? []), d.sourceId]);
		const present = new Set<string>();
		for (const [source, ids] of bySource)
			for (const id of await existingSources(db, source, ids)) present.add(`${source}\0${id}`);
		const seen = new Set<string>();
		for (const d of drafts) {
			const key = `${d.source}\0${d.sourceId}`;
			const isPresent = present.has(key) || seen.has(key);
			seen.add(key);
			if (isPresent) counts.present++;
			else counts.new++;
			show({
				line: d.line ?? null,
				file: null,
				title: d.input.title,
				type: d.input.type,
				authors: d.input.authors.join('; '),
				year: d.input.year,
				identifier: d.input.isbn ?? d.input.issn ?? d.input.regulationNumber ?? null,
				status: isPresent ? 'present' : 'new'
			});
		}
	}
	const used = mapping ?? suggestMapping(headers, columns);
	const shown: Record<string, string> = {};
	for (const h of headers) shown[h] = h in used ? used[h] : h;
	return {
		preview: {
			counts,
			headers,
			mapping: shown,
			columns: [...columns],
			rows,
			invalid,
			pdfs,
			sheet: parsed.format === 'zip' ? await sheetName(dir) : null
		},
		total,
		mapping: used
	};
}

/* ------------------------------------------------------------------------ create a job */

/**
 * Takes a received upload into a new job: guesses the format when the caller named none,
 * checks a ZIP entry by entry before extracting it, reads the rows and builds the preview. A
 * bad file is refused (ImportRefused) and leaves nothing behind: no job, no file. With
 * `confirm`, the job is queued at once.
 */
export async function create(
	db: Db,
	received: Received,
	actor: Actor,
	opts: { format?: string; confirm?: boolean }
): Promise<JobView> {
	const rel = path.join(IMPORTS_DIR, crypto.randomUUID());
	const dir = jobDir(rel);
	try {
		if (opts.format && !['slims', 'metadata', 'zip'].includes(opts.format))
			throw new ImportRefused(400, 'invalid_format', 'imp.err.format');
		const format =
			(opts.format as ImportFormat | undefined) ??
			(await detectFormat(received.tmpFile, received.fileName));
		if (format === 'zip' && !(await isZip(received.tmpFile)))
			throw new ImportRefused(422, 'zip_damaged', 'imp.err.zipDamaged');
		let entries: Awaited<ReturnType<typeof checkZip>> = [];
		// Checked where it lies, in tmp/: a refused archive never reaches the job folders.
		if (format === 'zip') entries = await checkZip(received.tmpFile);
		await fsp.mkdir(dir, { recursive: true });
		const fileName =
			format === 'metadata' &&
			(await isZip(received.tmpFile)) &&
			!/\.xlsx$/i.test(received.fileName)
				? `${received.fileName}.xlsx`
				: received.fileName;
		const layout = await layoutOf(dir, format, fileName);
		await fsp.rename(received.tmpFile, layout.upload);
		if (format === 'zip') {
			await extractZip(layout.upload, layout.files, entries);
			// The sheet: the shallowest .csv/.xlsx of the archive, if any.
			const sheets = entries
				.filter((e) => e.kind === 'sheet')
				.sort((a, b) => a.name.split('/').length - b.name.split('/').length);
			await fsp.writeFile(path.join(dir, 'sheet.txt'), sheets[0]?.name ?? '');
			if (entries.every((e) => e.kind !== 'pdf') && sheets.length === 0)
				throw new ImportRefused(422, 'zip_empty', 'imp.err.zipEmpty');
			// The archive itself is no longer needed once its files are out.
			await fsp.rm(layout.upload, { force: true });
		}
		const { preview, total, mapping } = await buildPreview(db, dir, format, fileName, null);
		if (total === 0) throw new ImportRefused(422, 'empty_file', 'imp.err.noRows');
		const id = await writeTransaction(db, async (tx) => {
			const row = await tx
				.insertInto('import_jobs')
				.values({
					format,
					file_name: fileName,
					bytes: received.bytes,
					upload_dir: rel,
					status: opts.confirm ? 'queued' : 'preview',
					mapping: JSON.stringify(mapping),
					preview: JSON.stringify(preview),
					total,
					created_by: actor.id
				})
				.returning('id')
				.executeTakeFirstOrThrow();
			return row.id;
		});
		return (await view(db, id))!;
	} catch (err) {
		await fsp.rm(dir, { recursive: true, force: true });
		await fsp.rm(received.tmpFile, { force: true });
		throw err;
	}
}

/* ----------------------------------------------------------------------- reading jobs */

async function countsOf(db: Db | Tx, id: number) {
	const rows = await db
		.selectFrom('import_job_rows')
		.select(['status', (eb) => eb.fn.countAll<number>().as('n')])
		.where('job_id', '=', id)
		.groupBy('status')
		.execute();
	const c = { imported: 0, skipped: 0, failed: 0 };
	for (const r of rows) c[r.status] = Number(r.n);
	return c;
}

/** The job as the API shows it, or null when there is none with that id. */
export async function view(db: Db, id: number): Promise<JobView | null> {
	const job = await db
		.selectFrom('import_jobs as j')
		.leftJoin('users as u', 'u.id', 'j.created_by')
		.selectAll('j')
		.select('u.name as creator')
		.where('j.id', '=', id)
		.executeTakeFirst();
	if (!job) return null;
	const c = await countsOf(db, id);
	const done = c.imported + c.skipped + c.failed;
	let rate: number | null = null;
	let secondsLeft: number | null = null;
	if (job.started_at && done > 0) {
		const end = job.finished_at ? Date.parse(job.finished_at) : Date.now();
		const seconds = Math.max(0.001, (end - Date.parse(job.started_at)) / 1000);
		rate = Math.round((done / seconds) * 10) / 10;
		if (job.status === 'running') secondsLeft = Math.ceil((job.total - done) / (done / seconds));
	}
	return {
		id: job.id,
		status: job.status,
		format: job.format,
		fileName: job.file_name,
		total: job.total,
		done,
		...c,
		createdAt: job.created_at,
		startedAt: job.started_at,
		finishedAt: job.finished_at,
		createdBy: job.creator ?? null,
		rate,
		secondsLeft,
		cancelRequested: job.cancel_requested === 1,
		error: job.error ? (JSON.parse(job.error) as Reason) : null
	};
}

/** The job or NotFound. */
export async function get(db: Db, id: number): Promise<JobView> {
	const job = await view(db, id);
	if (!job) throw new NotFound('imp.err.notFound');
	return job;
}

/** The stored preview of a job (null once it has none). */
export async function previewOf(db: Db, id: number): Promise<Preview | null> {
	const row = await db
		.selectFrom('import_jobs')
		.select('preview')
		.where('id', '=', id)
		.executeTakeFirst();
	return row?.preview ? (JSON.parse(row.preview) as Preview) : null;
}

/** One reported row of a job, in file order. */
export interface ReportRow {
	line: number | null;
	name: string;
	status: 'imported' | 'skipped' | 'failed';
	publicationId: number | null;
	/** The record's title (for a PDF, the name is its path in the archive). */
	title: string | null;
	reason: Reason | null;
}

/** Every outcome of a job (or only its failures), in file order: lines, then files. */
export async function report(
	db: Db,
	id: number,
	opts: { status?: 'imported' | 'skipped' | 'failed'; limit?: number } = {}
): Promise<ReportRow[]> {
	let q = db
		.selectFrom('import_job_rows as r')
		.leftJoin('publications as p', 'p.id', 'r.publication_id')
		.select(['r.line', 'r.name', 'r.status', 'r.publication_id', 'r.reason', 'p.title'])
		.where('r.job_id', '=', id)
		.orderBy(sql`r.line is null`)
		.orderBy('r.line')
		.orderBy('r.item');
	if (opts.status) q = q.where('r.status', '=', opts.status);
	if (opts.limit) q = q.limit(opts.limit);
	return (await q.execute()).map((r) => ({
		line: r.line,
		name: r.name,
		status: r.status,
		publicationId: r.publication_id,
		title: r.title,
		reason: r.reason ? (JSON.parse(r.reason) as Reason) : null
	}));
}

/** Recent jobs, newest first (the import page and the dashboard). */
export async function recent(db: Db, limit = 20): Promise<JobView[]> {
	const ids = await db
		.selectFrom('import_jobs')
		.select('id')
		.orderBy('id', 'desc')
		.limit(limit)
		.execute();
	const out: JobView[] = [];
	for (const { id } of ids) {
		const v = await view(db, id);
		if (v) out.push(v);
	}
	return out;
}

/* ------------------------------------------------------------------- changing a job */

/** Re-reads a previewed file with another column mapping (the preview's editable mapping). */
export async function remap(db: Db, id: number, mapping: Record<string, string>): Promise<Preview> {
	const job = await db
		.selectFrom('import_jobs')
		.selectAll()
		.where('id', '=', id)
		.executeTakeFirst();
	if (!job) throw new NotFound('imp.err.notFound');
	if (job.status !== 'preview') throw new Conflict('not_in_preview', 'imp.err.notPreview');
	const clean: Record<string, string> = {};
	for (const [k, v] of Object.entries(mapping)) if (typeof v === 'string') clean[k] = v;
	const { preview, total } = await buildPreview(
		db,
		jobDir(job.upload_dir),
		job.format,
		job.file_name,
		clean
	);
	await writeTransaction(db, (tx) =>
		tx
			.updateTable('import_jobs')
			.set({ mapping: JSON.stringify(clean), preview: JSON.stringify(preview), total })
			.where('id', '=', id)
			.where('status', '=', 'preview')
			.execute()
	);
	return preview;
}

/** Starts a previewed job: it is queued, and the next free process picks it up. */
export async function confirm(db: Db, id: number): Promise<JobView> {
	const updated = await writeTransaction(db, (tx) =>
		tx
			.updateTable('import_jobs')
			.set({ status: 'queued' })
			.where('id', '=', id)
			.where('status', '=', 'preview')
			.executeTakeFirst()
	);
	if (Number(updated.numUpdatedRows) === 0) {
		const job = await get(db, id);
		if (job.status !== 'queued' && job.status !== 'running')
			throw new Conflict('not_in_preview', 'imp.err.notPreview');
	}
	return get(db, id);
}

/**
 * Cancels a job. A preview or queued job ends at once (its files removed); a running one is
 * flagged and stops before its next batch — what it committed stays. A finished job: Conflict.
 */
export async function cancel(db: Db, id: number, actor: Actor): Promise<JobView> {
	const job = await get(db, id);
	if (job.status === 'running') {
		await writeTransaction(db, (tx) =>
			tx.updateTable('import_jobs').set({ cancel_requested: 1 }).where('id', '=', id).execute()
		);
		return get(db, id);
	}
	if (job.status !== 'preview' && job.status !== 'queued')
		throw new Conflict('job_finished', 'imp.err.finished');
	const ended = await finish(db, id, 'cancelled', actor, null, ['preview', 'queued']);
	if (!ended) return cancel(db, id, actor); // it was claimed meanwhile: flag it instead
	return get(db, id);
}

/**
 * Ends a job: its status, the time, its files removed, one audit entry (who, which file, the
 * counts). Only from one of `from`, so two processes cannot both end it.
 */
async function finish(
	db: Db,
	id: number,
	status: 'done' | 'failed' | 'cancelled',
	actor: Actor,
	error: Reason | null,
	from: ImportStatus[],
	/** Only while this process holds the job (a runner ending it; see `heartbeat`). */
	claimedBy?: string
): Promise<boolean> {
	const ended = await writeTransaction(db, async (tx) => {
		const job = await tx
			.selectFrom('import_jobs')
			.selectAll()
			.where('id', '=', id)
			.where('status', 'in', from)
			.$if(claimedBy !== undefined, (q) => q.where('claimed_by', '=', claimedBy!))
			.executeTakeFirst();
		if (!job) return null;
		await tx
			.updateTable('import_jobs')
			.set({
				status,
				finished_at: now(),
				error: error ? JSON.stringify(error) : null,
				claimed_by: null,
				// The preview (and its list of invalid rows) was for deciding; the report replaces it.
				preview: null
			})
			.where('id', '=', id)
			.execute();
		const c = await countsOf(tx, id);
		await audit.record(tx, {
			actorId: actor.id,
			action: 'catalog.import',
			entity: 'import',
			entityId: id,
			after: {
				status,
				format: job.format,
				file: job.file_name,
				bytes: job.bytes,
				total: job.total,
				...c,
				error: error?.key
			},
			ip: actor.ip
		});
		return job;
	});
	if (!ended) return false;
	await fsp.rm(jobDir(ended.upload_dir), { recursive: true, force: true });
	return true;
}

/* ------------------------------------------------------------------------ running jobs */

const PROCESS_ID = `${process.pid}-${crypto.randomUUID().slice(0, 8)}`;

/** Inserts outcomes of a job (ignoring those already recorded: a batch's imported rows). */
async function record(tx: Tx, jobId: number, outcomes: Outcome[]): Promise<void> {
	const rows = outcomes.map((o) => ({
		job_id: jobId,
		item: o.line !== undefined ? `L${o.line}` : `F${o.name}`,
		line: o.line ?? null,
		name: o.name.slice(0, 500),
		status: o.status,
		publication_id: o.publicationId ?? null,
		reason: o.reason ? JSON.stringify(o.reason) : null
	}));
	for (let i = 0; i < rows.length; i += 200)
		await tx
			.insertInto('import_job_rows')
			.values(rows.slice(i, i + 200))
			.onConflict((oc) => oc.doNothing())
			.execute();
}

/**
 * Claims the oldest queued job for this process: a conditional UPDATE inside one write
 * transaction, so of several processes — of several servers on PostgreSQL — polling at once
 * exactly one gets it. No `for update skip locked`: on PostgreSQL the select already runs under
 * the one write lock (db/write.js), so no other claim can hold the row, and SQLite has no such
 * clause (domain code would have to branch on the engine for nothing).
 */
async function claim(db: Db): Promise<number | null> {
	// A plain read first: every process of every server polls twice a second, and a write
	// transaction per poll took the one write lock (on PostgreSQL a pooled connection, BEGIN, the
	// advisory lock and COMMIT) eight times a second with two servers while no job was queued —
	// queueing the search log and session writes behind it. The claim below re-checks under the
	// lock, so a job another process took in between is simply not claimed here.
	const queued = await db
		.selectFrom('import_jobs')
		.select('id')
		.where('status', '=', 'queued')
		.limit(1)
		.executeTakeFirst();
	if (!queued) return null;
	return writeTransaction(db, async (tx) => {
		const next = await tx
			.selectFrom('import_jobs')
			.select('id')
			.where('status', '=', 'queued')
			.orderBy('id')
			.limit(1)
			.executeTakeFirst();
		if (!next) return null;
		const res = await tx
			.updateTable('import_jobs')
			.set({
				status: 'running',
				claimed_by: PROCESS_ID,
				heartbeat_at: now(),
				started_at: sql<string>`coalesce(started_at, ${now()})`
			})
			.where('id', '=', next.id)
			.where('status', '=', 'queued')
			.executeTakeFirst();
		return Number(res.numUpdatedRows) === 1 ? next.id : null;
	});
}

/**
 * Writes the job's heartbeat. Says whether a cancel was asked for, and whether this process
 * still holds the job: a process that stalled past STALE_MS may find its job put back (and
 * perhaps claimed by another process) — it must then stop running it, or two would.
 */
async function heartbeat(db: Db, id: number): Promise<{ cancel: boolean; held: boolean }> {
	return writeTransaction(db, async (tx) => {
		const res = await tx
			.updateTable('import_jobs')
			.set({ heartbeat_at: now() })
			.where('id', '=', id)
			.where('status', '=', 'running')
			.where('claimed_by', '=', PROCESS_ID)
			.executeTakeFirst();
		const row = await tx
			.selectFrom('import_jobs')
			.select('cancel_requested')
			.where('id', '=', id)
			.executeTakeFirst();
		return { cancel: row?.cancel_requested === 1, held: Number(res.numUpdatedRows) === 1 };
	});
}

/** Outcomes already recorded for a job: a resumed job does not start them again. */
async function doneItems(db: Db, id: number): Promise<Set<string>> {
	const rows = await db
		.selectFrom('import_job_rows')
		.select('item')
		.where('job_id', '=', id)
		.execute();
	return new Set(rows.map((r) => r.item));
}

/**
 * Runs one claimed job to its end through the CLI's importers. Imported rows are recorded in
 * their batch's transaction (`onCommit`); other outcomes after each batch. A cancel flag or the
 * process stopping aborts before the next batch: cancelled jobs end, stopped ones go back to
 * the queue and resume from what was committed.
 */
async function run(db: Db, id: number, stop: AbortSignal): Promise<void> {
	const job = await db
		.selectFrom('import_jobs')
		.selectAll()
		.where('id', '=', id)
		.executeTakeFirstOrThrow();
	const actor: Actor = { id: job.created_by, ip: null };
	const controller = new AbortController();
	const onStop = () => controller.abort('stop');
	stop.addEventListener('abort', onStop);
	let cancelled = false;
	const beat = async () => {
		const { cancel, held } = await heartbeat(db, id);
		if (!held) {
			if (!controller.signal.aborted) log.warn({ job: id }, 'import job taken back, stopping it');
			controller.abort('lost');
		} else if (cancel) {
			cancelled = true;
			controller.abort('cancel');
		}
	};
	const timer = setInterval(() => void beat().catch(() => {}), HEARTBEAT_MS);
	let pending: Outcome[] = [];
	const flush = async () => {
		const batch = pending;
		pending = [];
		if (batch.length > 0) await writeTransaction(db, (tx) => record(tx, id, batch));
		await beat();
		// better-sqlite3 is synchronous: without a turn of the event loop between batches, the
		// whole import would run on promise continuations and this process would answer no
		// request (searches, the progress poll) until it ended.
		await new Promise((r) => setImmediate(r));
	};
	const onCommit = (tx: Tx, outcomes: Outcome[]) => record(tx, id, outcomes);
	try {
		const done = await doneItems(db, id);
		const mapping = job.mapping ? (JSON.parse(job.mapping) as Record<string, string>) : null;
		const parsed = await parse(jobDir(job.upload_dir), job.format, job.file_name, mapping);
		if (parsed.format === 'slims') {
			const rows = parsed.rows.filter((r) => !done.has(`L${r.line}`));
			await importSlims(db, rows, {
				defaults: SLIMS_DEFAULTS,
				actor,
				signal: controller.signal,
				onCommit,
				onProgress: async (outcomes) => {
					pending.push(...outcomes);
					await flush();
				}
			});
		} else {
			await fsp.mkdir(parsed.folder, { recursive: true });
			await importFolder(db, {
				folder: parsed.folder,
				rows: parsed.rows,
				defaults: SHEET_DEFAULTS,
				actor,
				done,
				signal: controller.signal,
				onCommit,
				onOutcome: async (o) => {
					pending.push(o);
					// lead: a PDF's outcome is recorded after ingest.commit's own transaction, not in it;
					// a crash in between shows that PDF as skipped (same sha256) on resume — never
					// imported twice, but counted as skipped. An onCommit hook in ingest.commit would close it.
					// PDFs one by one are slow anyway; metadata rows arrive in batches of 500.
					if (o.pages !== undefined || pending.length >= 500 || o.line === undefined) await flush();
				}
			});
		}
		await flush();
		if (controller.signal.aborted && !cancelled) {
			// The process is stopping: back to the queue, resumed by the next start. (A job this
			// process no longer holds is someone else's: left alone.)
			await writeTransaction(db, (tx) =>
				tx
					.updateTable('import_jobs')
					.set({ status: 'queued', claimed_by: null })
					.where('id', '=', id)
					.where('status', '=', 'running')
					.where('claimed_by', '=', PROCESS_ID)
					.execute()
			);
			return;
		}
		await finish(db, id, cancelled ? 'cancelled' : 'done', actor, null, ['running'], PROCESS_ID);
	} catch (err) {
		await flush().catch(() => {});
		if (controller.signal.aborted && !cancelled) return;
		log.error({ err, job: id }, 'import job failed');
		await finish(db, id, 'failed', actor, reasonOf(err), ['running'], PROCESS_ID);
	} finally {
		clearInterval(timer);
		stop.removeEventListener('abort', onStop);
	}
}

let runner: { stop: AbortController; loop: Promise<void> } | null = null;

/**
 * Puts back jobs whose process died (a crash, a kill): `running` jobs with a stale heartbeat are
 * queued again and resume from their committed rows. With `everyRunning` — the coordinator's
 * start on a database no other server uses (db/coordinator.ts `soleServer`) — every `running`
 * job is, since no process of the previous run is left; with several servers a job's heartbeat
 * is the only sign of its process's life, so a live job elsewhere is never taken. Also drops
 * day-old previews. Run by the library's coordinator alone.
 */
export async function recover(db: Db, opts: { everyRunning: boolean }): Promise<number> {
	const stale = new Date(Date.now() - STALE_MS).toISOString();
	const requeued = await writeTransaction(db, async (tx) => {
		let q = tx
			.updateTable('import_jobs')
			.set({ status: 'queued', claimed_by: null })
			.where('status', '=', 'running');
		if (!opts.everyRunning)
			q = q.where((eb) => eb.or([eb('heartbeat_at', '<', stale), eb('heartbeat_at', 'is', null)]));
		return Number((await q.executeTakeFirst()).numUpdatedRows);
	});
	const old = new Date(Date.now() - PREVIEW_TTL_MS).toISOString();
	const expired = await db
		.selectFrom('import_jobs')
		.select('id')
		.where('status', '=', 'preview')
		.where('created_at', '<', old)
		.execute();
	for (const { id } of expired) await finish(db, id, 'cancelled', { id: null }, null, ['preview']);
	return requeued;
}

/**
 * At a server's start (its leader, before any of its processes serves): removes the job folders
 * that no live job names — jobs that ended, or an upload a crash cut off before its row existed.
 * In DATA_DIR, or in a FILES_DIR shared by several servers: there another server may be
 * receiving an upload whose row does not exist yet, so only folders untouched for a day go.
 */
export async function sweepFolders(db: Db): Promise<number> {
	const root = path.join(config.workDir, IMPORTS_DIR);
	const oldest = config.filesShared ? Date.now() - storage.SHARED_TEMP_MAX_AGE_MS : Infinity;
	if (!fs.existsSync(root)) return 0;
	const live = new Set(
		(
			await db
				.selectFrom('import_jobs')
				.select('upload_dir')
				.where('status', 'in', ['preview', 'queued', 'running'])
				.execute()
		).map((r) => path.basename(r.upload_dir))
	);
	let removed = 0;
	for (const name of await fsp.readdir(root)) {
		if (live.has(name)) continue;
		const s = await fsp.stat(path.join(root, name)).catch(() => null);
		if (!s || s.mtimeMs >= oldest) continue;
		await fsp.rm(path.join(root, name), { recursive: true, force: true });
		removed++;
	}
	return removed;
}

let recovery: NodeJS.Timeout | null = null;

/**
 * The coordinator's part (db/coordinator.ts): puts back the jobs interrupted before it took over
 * (see `recover`), then every RECOVER_EVERY_MS those whose heartbeat went stale.
 */
export async function startRecovery(db: Db, opts: { everyRunning: boolean }): Promise<void> {
	const requeued = await recover(db, opts);
	if (requeued) log.warn({ requeued }, 'import: jobs interrupted by a stop are resumed');
	recovery ??= setInterval(
		() =>
			void recover(db, { everyRunning: false }).then(
				(n) => n && log.warn({ requeued: n }, 'import: jobs of a stopped process are resumed'),
				(err: unknown) => log.error({ err }, 'import: recovery failed')
			),
		RECOVER_EVERY_MS
	);
	recovery.unref();
}

/** Stops the periodic recovery (the coordinator gives its duties up). */
export function stopRecovery(): void {
	if (recovery) clearInterval(recovery);
	recovery = null;
}

/**
 * Starts this process's job loop (every process of every server runs one: whichever is free
 * claims the next queued job). Recovering what dead processes left is the coordinator's.
 */
export async function startRunner(db: Db): Promise<void> {
	if (runner) return;
	const stop = new AbortController();
	const loop = (async () => {
		while (!stop.signal.aborted) {
			try {
				const id = await claim(db);
				if (id !== null) {
					log.info({ job: id }, 'import job started');
					await run(db, id, stop.signal);
					log.info({ job: id }, 'import job left');
					continue;
				}
			} catch (err) {
				if (stop.signal.aborted) break;
				log.error({ err }, 'import: job loop');
			}
			await new Promise<void>((r) => {
				const t = setTimeout(r, POLL_MS);
				stop.signal.addEventListener('abort', () => (clearTimeout(t), r()), { once: true });
			});
		}
	})();
	runner = { stop, loop };
}

/** Stops the job loop: a running job halts before its next batch and is queued again. */
export async function stopRunner(): Promise<void> {
	if (!runner) return;
	runner.stop.abort();
	await runner.loop;
	runner = null;
}

/** For the dashboard: jobs running or queued, and PDFs that failed in imports of the last 30 days. */
export async function attention(db: Db): Promise<{ active: JobView[]; failedPdfs: number }> {
	const ids = await db
		.selectFrom('import_jobs')
		.select('id')
		.where('status', 'in', ['queued', 'running'])
		.orderBy('id')
		.execute();
	const active: JobView[] = [];
	for (const { id } of ids) {
		const v = await view(db, id);
		if (v) active.push(v);
	}
	const since = new Date(Date.now() - 30 * 86400_000).toISOString();
	const failed = await db
		.selectFrom('import_job_rows as r')
		.innerJoin('import_jobs as j', 'j.id', 'r.job_id')
		.select((eb) => eb.fn.countAll<number>().as('n'))
		.where('r.status', '=', 'failed')
		.where('r.item', 'like', 'F%')
		.where('j.created_at', '>=', since)
		.executeTakeFirst();
	return { active, failedPdfs: Number(failed?.n ?? 0) };
}

/**
 * Whether any process (of any server sharing the database) is running an import job right now:
 * a running job whose heartbeat is recent. The search index's freshness check asks this and
 * holds its rebuild until the job is over.
 */
export async function jobRunning(db: Db): Promise<boolean> {
	const since = new Date(Date.now() - STALE_MS).toISOString();
	const row = await db
		.selectFrom('import_jobs')
		.select('id')
		.where('status', '=', 'running')
		.where('heartbeat_at', '>', since)
		.limit(1)
		.executeTakeFirst();
	return row !== undefined;
}
