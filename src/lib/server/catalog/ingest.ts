import fs from 'node:fs';
import { writeTransaction } from '../db/write.js';
import fsp from 'node:fs/promises';
import type { Db } from '../db/index.ts';
import { config } from '../config.ts';
import { asDomainError, Conflict, DomainError, Invalid } from '../errors.ts';
import { countUpload } from '../metrics.ts';
import * as audit from '../audit.ts';
import * as storage from '../storage/index.ts';
import * as pdf from '../pdf/index.ts';
import type { PdfExtract } from '../pdf/index.ts';
import { validatePublication, type PublicationInput } from '../../schemas/publication.ts';
import { createInTx, type Actor } from './records.ts';
import { catalogChanged } from '../events.ts';
import * as covers from './covers.ts';

/**
 * The one path by which a PDF enters the catalog — web upload, JSON API, batch import and the
 * demo seed all use it:
 *
 * 1. `inspect`: size, file name and magic bytes are checked, the file is hashed and compared
 *    with what is catalogued, then pdf.js opens it in a worker thread (bounded time and memory)
 *    and extracts page texts, document info and a cover. Nothing is written yet.
 * 2. `commit`: file and cover are moved into the content-addressed store, then ONE transaction
 *    creates (or updates) the record, the file version and its page texts, with an audit entry.
 *    If that transaction fails, stored files no row names are removed again.
 *
 * A crash between the two steps leaves at most unreferenced files, which `sweepOrphans` removes
 * at the next start. A failure at any step leaves no row, no file and no index entry.
 */

/** A PDF that passed every check and waits to be committed. */
export interface Inspected {
	tmpFile: string;
	sha256: string;
	bytes: number;
	originalName: string | null;
	extract: PdfExtract;
	thumbnail: Uint8Array | null;
}

/** Message keys for each reason a PDF is refused. */
const REFUSAL_KEYS: Record<pdf.PdfErrorReason, string> = {
	not_pdf: 'upload.notPdf',
	encrypted: 'upload.encrypted',
	damaged: 'upload.damaged',
	too_many_pages: 'upload.tooManyPages',
	page_too_large: 'upload.pageTooLarge',
	timeout: 'upload.timeout',
	too_large: 'upload.tooComplex'
};

/** A refused upload: 4xx with a stable code (`pdf_encrypted`, `file_too_large`, ...). */
export class UploadRefused extends DomainError {
	constructor(
		status: number,
		code: string,
		messageKey: string,
		params: Record<string, string | number> = {}
	) {
		super(status, code, messageKey, params, { file: messageKey });
	}
}

/**
 * Checks a client-supplied file name: it must be a plain name (no path, no control characters),
 * because it is shown to librarians and used in download headers.
 */
export function checkFileName(raw: string | null | undefined): string | null {
	if (raw === null || raw === undefined || raw === '') return null;
	// eslint-disable-next-line no-control-regex
	const hasControl = /[\u0000-\u001f\u007f]/.test(raw);
	if (hasControl || /[\\/]/.test(raw) || raw === '.' || raw === '..' || raw.length > 255) {
		throw new UploadRefused(400, 'bad_file_name', 'upload.badFileName');
	}
	return raw.normalize('NFC').trim() || null;
}

/** A readable title from a file name: `PMK_181_2016-final.pdf` → `PMK 181 2016 final`. */
export function titleFromFileName(name: string | null): string | null {
	if (!name) return null;
	const t = name
		.replace(/\.pdf$/i, '')
		.replace(/[_-]+/g, ' ')
		.replace(/\s+/g, ' ')
		.trim();
	return t || null;
}

/** Which publication already holds a file with this hash, if any. */
export async function findByHash(db: Db, sha256: string) {
	return db
		.selectFrom('files')
		.innerJoin('publications', 'publications.id', 'files.publication_id')
		.select(['files.publication_id as publicationId', 'publications.title'])
		.where('files.sha256', '=', sha256)
		.executeTakeFirst();
}

async function readHead(file: string): Promise<Uint8Array> {
	const fh = await fsp.open(file, 'r');
	try {
		const buf = Buffer.alloc(1024);
		const { bytesRead } = await fh.read(buf, 0, 1024, 0);
		return buf.subarray(0, bytesRead);
	} finally {
		await fh.close();
	}
}

/**
 * Step 1: checks a PDF the caller has written to `tmpFile` (which this function now owns: it
 * is deleted on refusal). Throws UploadRefused / Conflict with a translated reason.
 */
export async function inspect(
	db: Db,
	tmpFile: string,
	originalName: string | null
): Promise<Inspected> {
	try {
		const name = checkFileName(originalName);
		const { size } = await fsp.stat(tmpFile);
		if (size === 0) throw new UploadRefused(400, 'empty_file', 'upload.empty');
		if (size > config.maxUploadMb * 1024 * 1024) {
			throw new UploadRefused(413, 'file_too_large', 'upload.tooLarge', { mb: config.maxUploadMb });
		}
		if (!pdf.looksLikePdf(await readHead(tmpFile)))
			throw new UploadRefused(415, 'pdf_not_pdf', 'upload.notPdf');
		const { sha256, bytes } = await storage.hashFile(tmpFile);
		const duplicate = await findByHash(db, sha256);
		if (duplicate) {
			throw new Conflict('duplicate_file', 'upload.duplicate', {
				id: duplicate.publicationId,
				title: duplicate.title
			});
		}
		let result: pdf.Inspection;
		try {
			result = await pdf.inspect(tmpFile);
		} catch (err) {
			if (err instanceof pdf.PdfRefused) {
				throw new UploadRefused(422, `pdf_${err.reason}`, REFUSAL_KEYS[err.reason]);
			}
			throw err;
		}
		return {
			tmpFile,
			sha256,
			bytes,
			originalName: name,
			extract: result.extract,
			thumbnail: result.thumbnail
		};
	} catch (thrown) {
		await fsp.rm(tmpFile, { force: true });
		const err = asDomainError(thrown);
		countUpload('refused', err instanceof DomainError ? err.code : 'error');
		throw err;
	}
}

/** Metadata pre-filled from the PDF: what a librarian would otherwise type from the title page. */
export function prefill(
	inspected: Pick<Inspected, 'extract' | 'originalName'>
): Record<string, string> {
	const { extract } = inspected;
	const out: Record<string, string> = {};
	const title = extract.title ?? titleFromFileName(inspected.originalName);
	if (title) out.title = title;
	if (extract.author)
		out.authors = extract.author
			.split(/\s*[;,]\s*|\s+and\s+|\s+dan\s+/)
			.filter(Boolean)
			.join('\n');
	if (extract.created) {
		out.publishedDate = extract.created;
		out.year = extract.created.slice(0, 4);
	}
	if (extract.subject) out.abstract = extract.subject;
	return out;
}

export type CommitTarget = { publicationId: number } | { metadata: PublicationInput };

export interface Committed {
	publicationId: number;
	fileId: number;
	version: number;
	pages: number;
	hasTextLayer: boolean;
}

/**
 * Step 2: stores the inspected file and records it — as a new publication (`metadata`) or as
 * the new current version of an existing one (`publicationId`; older versions are kept).
 */
export async function commit(
	db: Db,
	inspected: Inspected,
	target: CommitTarget,
	actor: Actor
): Promise<Committed> {
	const { extract } = inspected;
	const stored = await storage.commitTemp(inspected.tmpFile, 'pdf', 'pdf', {
		sha256: inspected.sha256,
		bytes: inspected.bytes
	});
	let thumbKey: string | null = null;
	try {
		// Inside the try: when the cover cannot be stored (full disk), the PDF stored just above
		// is removed again rather than left without a row.
		if (inspected.thumbnail)
			thumbKey = (await storage.putBytes(inspected.thumbnail, 'thumb', 'png')).key;
		const committed = await writeTransaction(db, async (tx) => {
			// Re-checked inside the transaction: two uploads of the same file may race.
			const dup = await tx
				.selectFrom('files')
				.select('publication_id')
				.where('sha256', '=', inspected.sha256)
				.executeTakeFirst();
			if (dup) {
				const other = await tx
					.selectFrom('publications')
					.select('title')
					.where('id', '=', dup.publication_id)
					.executeTakeFirst();
				throw new Conflict('duplicate_file', 'upload.duplicate', {
					id: dup.publication_id,
					title: other?.title ?? ''
				});
			}
			const publicationId =
				'publicationId' in target
					? target.publicationId
					: await createInTx(tx, target.metadata, actor);
			const last = await tx
				.selectFrom('files')
				.select((eb) => eb.fn.max('version').as('v'))
				.where('publication_id', '=', publicationId)
				.executeTakeFirst();
			const version = Number(last?.v ?? 0) + 1;
			await tx
				.updateTable('files')
				.set({ is_current: 0 })
				.where('publication_id', '=', publicationId)
				.execute();
			const file = await tx
				.insertInto('files')
				.values({
					publication_id: publicationId,
					version,
					is_current: 1,
					sha256: stored.sha256,
					bytes: stored.bytes,
					pages: extract.pages,
					has_text_layer: extract.hasTextLayer ? 1 : 0,
					storage_key: stored.key,
					thumbnail_key: thumbKey,
					original_name: inspected.originalName,
					pdf_title: extract.title,
					pdf_author: extract.author,
					created_by: actor.id
				})
				.returning('id')
				.executeTakeFirstOrThrow();
			// Chunked inserts: one statement per page is slow for 1,000-page manuals.
			const rows = extract.pageTexts.map((text, i) => ({ file_id: file.id, page: i + 1, text }));
			for (let i = 0; i < rows.length; i += 200)
				await tx
					.insertInto('page_texts')
					.values(rows.slice(i, i + 200))
					.execute();
			await tx
				.updateTable('publications')
				.set({ updated_at: new Date().toISOString(), updated_by: actor.id })
				.where('id', '=', publicationId)
				.execute();
			await audit.record(tx, {
				actorId: actor.id,
				action: version === 1 ? 'publication.file.attach' : 'publication.file.replace',
				entity: 'publication',
				entityId: publicationId,
				after: {
					version,
					sha256: stored.sha256,
					pages: extract.pages,
					name: inspected.originalName
				},
				ip: actor.ip
			});
			return {
				publicationId,
				fileId: file.id,
				version,
				pages: extract.pages,
				hasTextLayer: extract.hasTextLayer
			};
		});
		catalogChanged();
		countUpload('accepted');
		// WebP/AVIF covers (a few ms); a failure leaves the PNG cover, never the upload.
		if (thumbKey) await covers.ensureVariants(db, committed.fileId).catch(() => false);
		return committed;
	} catch (thrown) {
		await removeIfUnreferenced(db, stored.key);
		if (thumbKey) await removeIfUnreferenced(db, thumbKey);
		const err = asDomainError(thrown);
		countUpload('refused', err instanceof DomainError ? err.code : 'error');
		throw err;
	}
}

/**
 * Inspect + commit for a new publication. Metadata fields override what the PDF suggests;
 * `title` may be omitted when the PDF (or its file name) supplies one.
 */
export async function ingestNew(
	db: Db,
	tmpFile: string,
	originalName: string | null,
	raw: Record<string, unknown>,
	actor: Actor
): Promise<Committed & { inspected: Inspected }> {
	// Validate the metadata before the (slow) PDF work, so typing errors come back at once —
	// except a missing title, which the PDF may fill.
	const early = validatePublication({ title: 'placeholder', ...raw });
	if (!early.ok) {
		await fsp.rm(tmpFile, { force: true });
		throw new Invalid('error.invalid', early.errors as Record<string, string>);
	}
	const inspected = await inspect(db, tmpFile, originalName);
	const merged = {
		...prefill(inspected),
		...Object.fromEntries(Object.entries(raw).filter(([, v]) => v !== undefined && v !== ''))
	};
	const result = validatePublication(merged);
	if (!result.ok) {
		await fsp.rm(inspected.tmpFile, { force: true });
		throw new Invalid('error.invalid', result.errors as Record<string, string>);
	}
	return { ...(await commit(db, inspected, { metadata: result.value }, actor)), inspected };
}

/** Deletes a stored file unless some files row still names it. */
export async function removeIfUnreferenced(db: Db, key: string): Promise<void> {
	const used = await db
		.selectFrom('files')
		.select('id')
		.where((eb) => eb.or([eb('storage_key', '=', key), eb('thumbnail_key', '=', key)]))
		.executeTakeFirst();
	const variant = await db
		.selectFrom('cover_variants')
		.select('file_id')
		.where('storage_key', '=', key)
		.executeTakeFirst();
	if (!used && !variant) await storage.remove(key);
}

/**
 * Removes stored files that no database row names — what a crash between storing a file and
 * committing its row leaves behind. Run at a server's start, before its processes serve.
 * `minAgeMs`: spare files younger than that. Several servers may share one store (FILES_DIR on a
 * shared mount) while another server is storing a file whose row has not committed yet; such a
 * file is seconds old, a crash's leftover is swept at a later start.
 */
export async function sweepOrphans(db: Db, opts: { minAgeMs?: number } = {}): Promise<number> {
	const minAgeMs = opts.minAgeMs ?? 0;
	const rows = await db.selectFrom('files').select(['storage_key', 'thumbnail_key']).execute();
	const known = new Set<string>();
	for (const r of rows) {
		known.add(r.storage_key);
		if (r.thumbnail_key) known.add(r.thumbnail_key);
	}
	for (const key of await covers.storedKeys(db)) known.add(key);
	let removed = 0;
	for (const key of await storage.listKeys()) {
		if (!known.has(key)) {
			if (minAgeMs > 0) {
				const st = await storage.stat(key);
				if (!st || Date.now() - st.mtime.getTime() < minAgeMs) continue;
			}
			await storage.remove(key);
			removed++;
		}
	}
	return removed;
}

/** Writes in-memory bytes to a temporary file for `inspect` (demo seed, tests). */
export async function writeTemp(data: Uint8Array): Promise<string> {
	const tmp = await storage.tempPath('.pdf');
	await fsp.writeFile(tmp, data);
	return tmp;
}

/** Copies a file on disk to a temporary file for `inspect` (batch import keeps the original). */
export async function copyToTemp(file: string): Promise<string> {
	const tmp = await storage.tempPath('.pdf');
	await fsp.copyFile(file, tmp, fs.constants.COPYFILE_FICLONE);
	return tmp;
}
