import fsp from 'node:fs/promises';
import type { Db } from '../db/index.ts';
import { Conflict, Invalid } from '../errors.ts';
import * as audit from '../audit.ts';
import * as storage from '../storage/index.ts';
import { extractPdf, PdfRefused, renderThumbnail, type PdfExtract } from '../pdf/index.ts';
import type { Actor } from './records.ts';

export interface AttachedFile {
	fileId: number;
	version: number;
	sha256: string;
	pages: number;
	hasTextLayer: boolean;
	extract: PdfExtract;
}

/** Message keys for each reason pdf.js refuses a file. */
const REFUSAL_KEYS: Record<PdfRefused['reason'], string> = {
	not_pdf: 'upload.notPdf',
	encrypted: 'upload.encrypted',
	damaged: 'upload.damaged',
	too_many_pages: 'upload.tooManyPages',
	page_too_large: 'upload.pageTooLarge'
};

/** Which publication already holds a file with this hash, if any. */
export async function findByHash(db: Db, sha256: string) {
	return db
		.selectFrom('files')
		.innerJoin('publications', 'publications.id', 'files.publication_id')
		.select(['files.publication_id as publicationId', 'publications.title'])
		.where('files.sha256', '=', sha256)
		.executeTakeFirst();
}

/**
 * Attaches a PDF to a publication as its new current version.
 *
 * Order matters for crash safety: the PDF is validated and its text extracted first, then
 * file and thumbnail are committed to the content-addressed store, and only then does one
 * transaction insert the rows that name them. If that transaction fails, stored files that no
 * row names are removed again, so nothing is left behind.
 */
export async function attachPdf(
	db: Db,
	publicationId: number,
	data: Uint8Array,
	meta: { originalName?: string | null },
	actor: Actor
): Promise<AttachedFile> {
	let extract: PdfExtract;
	try {
		extract = await extractPdf(data);
	} catch (err) {
		if (err instanceof PdfRefused)
			throw new Invalid(REFUSAL_KEYS[err.reason], {}, {}, `pdf_${err.reason}`);
		throw err;
	}
	const stored = await storage.putBytes(data, 'pdf', 'pdf');
	const duplicate = await findByHash(db, stored.sha256);
	if (duplicate) {
		throw new Conflict('duplicate_file', 'upload.duplicate', {
			id: duplicate.publicationId,
			title: duplicate.title
		});
	}
	let thumbKey: string | null = null;
	try {
		thumbKey = (await storage.putBytes(await renderThumbnail(data), 'thumb', 'png')).key;
	} catch {
		// A page that cannot be drawn still leaves a readable document; it just has no cover.
	}
	try {
		return await db.transaction().execute(async (tx) => {
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
					original_name: meta.originalName ?? null,
					pdf_title: extract.title,
					pdf_author: extract.author,
					created_by: actor.id
				})
				.returning('id')
				.executeTakeFirstOrThrow();
			// Insert page texts in chunks: one statement per page is slow for 1,000-page manuals.
			const rows = extract.pageTexts.map((text, i) => ({ file_id: file.id, page: i + 1, text }));
			for (let i = 0; i < rows.length; i += 200) {
				await tx
					.insertInto('page_texts')
					.values(rows.slice(i, i + 200))
					.execute();
			}
			await tx
				.updateTable('publications')
				.set({ updated_at: new Date().toISOString(), updated_by: actor.id })
				.where('id', '=', publicationId)
				.execute();
			await audit.record(tx, {
				actorId: actor.id,
				action: 'publication.file.attach',
				entity: 'publication',
				entityId: publicationId,
				after: {
					version,
					sha256: stored.sha256,
					pages: extract.pages,
					name: meta.originalName ?? null
				},
				ip: actor.ip
			});
			return {
				fileId: file.id,
				version,
				sha256: stored.sha256,
				pages: extract.pages,
				hasTextLayer: extract.hasTextLayer,
				extract
			};
		});
	} catch (err) {
		await removeIfUnreferenced(db, stored.key);
		if (thumbKey) await removeIfUnreferenced(db, thumbKey);
		throw err;
	}
}

/** Deletes a stored file unless some files row still names it. */
export async function removeIfUnreferenced(db: Db, key: string): Promise<void> {
	const used = await db
		.selectFrom('files')
		.select('id')
		.where((eb) => eb.or([eb('storage_key', '=', key), eb('thumbnail_key', '=', key)]))
		.executeTakeFirst();
	if (!used) await storage.remove(key);
}

/** Reads a whole PDF from disk (CLI imports). */
export async function readPdf(file: string): Promise<Uint8Array> {
	return new Uint8Array(await fsp.readFile(file));
}
