import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import Busboy from '@fastify/busboy';
import ExcelJS from 'exceljs';
import yauzl from 'yauzl';
import { config } from '../config.ts';
import { asDomainError, DomainError } from '../errors.ts';
import * as storage from '../storage/index.ts';
import { formatCsvRow } from './csv.ts';

/**
 * The files of a web import: the upload streamed to disk (multipart, never held in memory), the
 * ZIP checked entry by entry before anything is extracted, and an Excel sheet read as CSV text
 * so the CLI's readers handle it.
 */

/** A file the import refuses, with the reason in the caller's language (never a 500). */
export class ImportRefused extends DomainError {
	constructor(
		status: number,
		code: string,
		messageKey: string,
		params: Record<string, string | number> = {}
	) {
		super(status, code, messageKey, params);
	}
}

/** What a multipart upload left on disk: the file and the form's other fields. */
export interface Received {
	tmpFile: string;
	fileName: string;
	bytes: number;
	fields: Record<string, string>;
}

/**
 * Streams a `multipart/form-data` body to DATA_DIR/tmp: the part named `file` is written to
 * disk as it arrives (refused past IMPORT_MAX_BYTES, the partial file removed); the other
 * parts are small text fields. Throws ImportRefused for a body without a file or one that
 * does not parse.
 */
export async function receiveMultipart(
	contentType: string,
	body: ReadableStream<Uint8Array> | null
): Promise<Received> {
	if (!/^multipart\/form-data/i.test(contentType) || !body)
		throw new ImportRefused(400, 'invalid_body', 'imp.err.noFile');
	const limit = config.importMaxBytes;
	const fields: Record<string, string> = {};
	let tmpFile: string | null = null;
	let fileName = '';
	let bytes = 0;
	let tooLarge = false;
	let writing: Promise<void> | null = null;
	try {
		let bb;
		try {
			bb = Busboy({
				headers: { 'content-type': contentType },
				limits: { fileSize: limit, files: 1, fields: 20, fieldSize: 64 * 1024 }
			});
		} catch {
			throw new ImportRefused(400, 'invalid_body', 'error.invalidBody');
		}
		const tmp = await storage.tempPath('.import');
		tmpFile = tmp;
		bb.on('field', (name, value) => (fields[name] = value));
		bb.on('file', (name, stream, filename) => {
			if (name !== 'file' || writing) {
				stream.resume();
				return;
			}
			fileName = path.basename(String(filename || 'upload').replaceAll('\\', '/'));
			stream.on('limit', () => (tooLarge = true));
			const counter = new Transform({
				transform(chunk: Buffer, _enc, cb) {
					bytes += chunk.length;
					cb(null, chunk);
				}
			});
			writing = pipeline(stream, counter, fs.createWriteStream(tmp));
		});
		const finished = new Promise<void>((resolve, reject) => {
			bb.on('finish', () => resolve());
			bb.on('error', (err) => reject(err));
		});
		try {
			await pipeline(Readable.fromWeb(body as never), bb);
			await finished;
		} catch (err) {
			const e = asDomainError(err);
			if (e instanceof DomainError) throw e;
			throw new ImportRefused(400, 'invalid_body', 'error.invalidBody');
		}
		if (writing) await writing;
		if (tooLarge)
			throw new ImportRefused(413, 'file_too_large', 'imp.err.tooLarge', {
				mb: Math.round(limit / 1024 / 1024)
			});
		if (!writing) throw new ImportRefused(400, 'no_file', 'imp.err.noFile');
		if (bytes === 0) throw new ImportRefused(400, 'empty_file', 'imp.err.empty');
		return { tmpFile: tmp, fileName, bytes, fields };
	} catch (err) {
		if (tmpFile) await fsp.rm(tmpFile, { force: true });
		throw asDomainError(err);
	}
}

/** The first bytes of a file: enough to tell a ZIP (and so an .xlsx) from text. */
export async function head(file: string, n = 4): Promise<Buffer> {
	const fh = await fsp.open(file, 'r');
	try {
		const buf = Buffer.alloc(n);
		const { bytesRead } = await fh.read(buf, 0, n, 0);
		return buf.subarray(0, bytesRead);
	} finally {
		await fh.close();
	}
}

/** True for a file starting with a ZIP local header (ZIP archives and .xlsx workbooks). */
export async function isZip(file: string): Promise<boolean> {
	const b = await head(file);
	return b.length === 4 && b[0] === 0x50 && b[1] === 0x4b && b[2] === 0x03 && b[3] === 0x04;
}

/** One entry of a checked archive that the import will use. */
export interface ZipEntryInfo {
	name: string;
	size: number;
	kind: 'pdf' | 'sheet';
}

/** Entries above this size whose compression ratio is above MAX_RATIO are taken for a bomb. */
const RATIO_FLOOR_BYTES = 1024 * 1024;
/** PDFs compress their own streams: a real one is rarely smaller than a tenth in a ZIP. */
const MAX_RATIO = 100;
/** More entries than any real folder of PDFs; a bomb of empty entries stops here. */
const MAX_ENTRIES = 20_000;

function openZip(file: string): Promise<yauzl.ZipFile> {
	return new Promise((resolve, reject) =>
		yauzl.open(
			file,
			{ lazyEntries: true, autoClose: false, validateEntrySizes: true, decodeStrings: true },
			(err, zip) => (err || !zip ? reject(err) : resolve(zip))
		)
	);
}

function refusedZip(err: unknown): ImportRefused {
	if (err instanceof ImportRefused) return err;
	const message = err instanceof Error ? err.message : String(err);
	// yauzl's own checks of entry names (it refuses them before anything can be extracted).
	if (/absolute path|invalid relative path|invalid characters in fileName/i.test(message))
		return new ImportRefused(422, 'zip_unsafe_path', 'imp.err.zipPath', {
			name: message.replace(/^[^:]*:\s*/, '')
		});
	if (/too many|exceeds|size/i.test(message))
		return new ImportRefused(422, 'zip_bomb', 'imp.err.zipBomb', { name: '' });
	return new ImportRefused(422, 'zip_damaged', 'imp.err.zipDamaged');
}

function kindOf(name: string): 'pdf' | 'sheet' | null {
	const base = path.posix.basename(name);
	// Finder's resource forks and metadata folders are not the librarian's files.
	if (name.startsWith('__MACOSX/') || base.startsWith('._')) return null;
	if (/\.pdf$/i.test(base)) return 'pdf';
	if (/\.(csv|xlsx)$/i.test(base)) return 'sheet';
	return null;
}

/**
 * Reads the central directory of a ZIP and refuses it — before anything is extracted — when an
 * entry has an absolute path or `..`, is a symbolic link, is encrypted, when the declared
 * uncompressed total passes IMPORT_MAX_UNZIPPED_BYTES, or when an entry's compression ratio is
 * that of a bomb. Returns the PDFs and sheets it holds.
 */
export async function checkZip(file: string): Promise<ZipEntryInfo[]> {
	const limit = config.importMaxUnzippedBytes;
	let zip: yauzl.ZipFile;
	try {
		zip = await openZip(file);
	} catch (err) {
		throw refusedZip(err);
	}
	try {
		return await new Promise<ZipEntryInfo[]>((resolve, reject) => {
			const out: ZipEntryInfo[] = [];
			let total = 0;
			let count = 0;
			zip.on('error', (err) => reject(refusedZip(err)));
			zip.on('end', () => resolve(out));
			zip.on('entry', (entry: yauzl.Entry) => {
				const name = entry.fileName;
				const mode = (entry.externalFileAttributes >>> 16) & 0o170000;
				if (++count > MAX_ENTRIES)
					return reject(new ImportRefused(422, 'zip_bomb', 'imp.err.zipBomb', { name }));
				if (
					name.startsWith('/') ||
					/^[a-z]:/i.test(name) ||
					name.split('/').some((part) => part === '..')
				)
					return reject(new ImportRefused(422, 'zip_unsafe_path', 'imp.err.zipPath', { name }));
				if (mode === 0o120000)
					return reject(new ImportRefused(422, 'zip_symlink', 'imp.err.zipSymlink', { name }));
				if (entry.isEncrypted())
					return reject(new ImportRefused(422, 'zip_encrypted', 'imp.err.zipEncrypted', { name }));
				total += entry.uncompressedSize;
				if (total > limit)
					return reject(
						new ImportRefused(413, 'zip_too_large', 'imp.err.zipTooLarge', {
							mb: Math.round(limit / 1024 / 1024)
						})
					);
				if (
					entry.uncompressedSize > RATIO_FLOOR_BYTES &&
					entry.uncompressedSize / Math.max(1, entry.compressedSize) > MAX_RATIO
				)
					return reject(new ImportRefused(422, 'zip_bomb', 'imp.err.zipBomb', { name }));
				const kind = name.endsWith('/') ? null : kindOf(name);
				if (kind) out.push({ name, size: entry.uncompressedSize, kind });
				zip.readEntry();
			});
			zip.readEntry();
		});
	} finally {
		zip.close();
	}
}

/**
 * Extracts the entries `checkZip` returned into `dir`, streamed, each path checked again to stay
 * inside `dir`. yauzl verifies every entry's real size against the declared one, so an archive
 * that lies about its sizes fails here; the caller removes `dir` on any failure.
 */
export async function extractZip(file: string, dir: string, wanted: ZipEntryInfo[]): Promise<void> {
	const names = new Set(wanted.map((w) => w.name));
	const root = path.resolve(dir);
	let zip: yauzl.ZipFile;
	try {
		zip = await openZip(file);
	} catch (err) {
		throw refusedZip(err);
	}
	try {
		await new Promise<void>((resolve, reject) => {
			zip.on('error', (err) => reject(refusedZip(err)));
			zip.on('end', () => resolve());
			zip.on('entry', (entry: yauzl.Entry) => {
				if (!names.has(entry.fileName)) return zip.readEntry();
				const dest = path.resolve(root, entry.fileName);
				if (!dest.startsWith(root + path.sep))
					return reject(
						new ImportRefused(422, 'zip_unsafe_path', 'imp.err.zipPath', { name: entry.fileName })
					);
				zip.openReadStream(entry, (err, stream) => {
					if (err || !stream) return reject(refusedZip(err));
					fsp
						.mkdir(path.dirname(dest), { recursive: true })
						.then(() => pipeline(stream, fs.createWriteStream(dest, { flags: 'wx' })))
						.then(
							() => zip.readEntry(),
							(e: unknown) => reject(asDomainError(e) instanceof DomainError ? e : refusedZip(e))
						);
				});
			});
			zip.readEntry();
		});
	} finally {
		zip.close();
	}
}

function cellText(cell: ExcelJS.Cell): string {
	const v = cell.value;
	if (v === null || v === undefined) return '';
	// Dates the spreadsheet typed as dates: the catalogue's ISO form, not the display format.
	if (v instanceof Date) return v.toISOString().slice(0, 10);
	if (typeof v === 'object' && 'result' in v && v.result instanceof Date)
		return v.result.toISOString().slice(0, 10);
	return cell.text ?? '';
}

/**
 * The first worksheet of an .xlsx workbook as CSV text (RFC 4180), so the metadata reader
 * treats an Excel list exactly like the CSV `export` writes. Throws ImportRefused for a file
 * exceljs cannot read.
 */
export async function xlsxToCsv(file: string): Promise<string> {
	const wb = new ExcelJS.Workbook();
	try {
		await wb.xlsx.readFile(file);
	} catch {
		throw new ImportRefused(422, 'xlsx_unreadable', 'imp.err.xlsx');
	}
	const ws = wb.worksheets[0];
	if (!ws) throw new ImportRefused(422, 'xlsx_unreadable', 'imp.err.xlsx');
	const width = ws.columnCount;
	let out = '';
	ws.eachRow({ includeEmpty: false }, (row) => {
		const values: string[] = [];
		for (let c = 1; c <= width; c++) values.push(cellText(row.getCell(c)));
		out += formatCsvRow(values);
	});
	return out;
}
