import crypto from 'node:crypto';
import fs from 'node:fs';
import fsp, { type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import type { Db } from '../db/index.ts';
import { config } from '../config.ts';
import { asDomainError, DomainError, Invalid, StorageFull } from '../errors.ts';
import { countUpload } from '../metrics.ts';
import * as storage from '../storage/index.ts';
import { inspect, prefill, UploadRefused, type Inspected } from './ingest.ts';

/**
 * Uploads from the cataloguing form are staged: the PDF is streamed to tmp/ (storage.tmpDir:
 * DATA_DIR/tmp, or FILES_DIR/tmp shared by every server, so the form may be submitted to another), inspected
 * (worker thread), and kept with its extraction results until the librarian submits the form
 * with the metadata — so the form can be pre-filled from the PDF and corrected before anything
 * enters the catalog. Staged uploads live in tmp/ and are swept at start.
 */

export interface StagedUpload {
	uploadId: string;
	fileName: string | null;
	bytes: number;
	pages: number;
	hasTextLayer: boolean;
	prefill: Record<string, string>;
}

const ID = /^[0-9a-f-]{36}$/;

function sidecar(uploadId: string): string {
	return path.join(storage.tmpDir(), `${uploadId}.staged.json`);
}

/**
 * Streams a request body to a temporary file, refusing it (and deleting the partial file) once
 * it passes the size limit, so a 2 GB upload never fills the disk or memory. When the disk fills
 * up instead, the rest of the body (at most the size limit) is read and discarded before
 * StorageFull is thrown: cancelling it would reset the connection, and the uploader would see
 * "connection reset" instead of the 507 that says what happened.
 */
export async function receive(
	body: ReadableStream<Uint8Array> | null,
	declaredLength: number | null
): Promise<string> {
	const limit = config.maxUploadMb * 1024 * 1024;
	const tooLarge = () =>
		new UploadRefused(413, 'file_too_large', 'upload.tooLarge', { mb: config.maxUploadMb });
	if (declaredLength !== null && declaredLength > limit) throw tooLarge();
	if (!body) throw new UploadRefused(400, 'empty_file', 'upload.empty');
	const reader = body.getReader();
	let seen = 0;
	let tmp: string | null = null;
	let out: FileHandle | null = null;
	try {
		tmp = await storage.tempPath('.pdf');
		out = await fsp.open(tmp, 'w');
		for (;;) {
			const { done, value } = await reader.read();
			if (done) break;
			seen += value.length;
			if (seen > limit) throw tooLarge();
			// write(2) may write part of a chunk (a disk filling up does that before ENOSPC).
			for (let off = 0; off < value.length;) {
				const { bytesWritten } = await out.write(value, off, value.length - off);
				if (bytesWritten === 0) throw Object.assign(new Error('no space left'), { code: 'ENOSPC' });
				off += bytesWritten;
			}
		}
		await out.close();
		out = null;
		return tmp;
	} catch (thrown) {
		await out?.close().catch(() => {});
		if (tmp) await fsp.rm(tmp, { force: true });
		const err = asDomainError(thrown);
		if (err instanceof StorageFull) {
			try {
				for (let r = await reader.read(); !r.done && seen <= limit; r = await reader.read())
					seen += r.value.length;
			} catch {
				// the uploader went away: nothing left to answer
			}
		}
		await reader.cancel().catch(() => {});
		countUpload('refused', err instanceof DomainError ? err.code : 'error');
		throw err;
	}
}

/** Inspects a received upload and stages it; returns what the form needs to pre-fill itself. */
export async function stage(
	db: Db,
	tmpFile: string,
	fileName: string | null
): Promise<StagedUpload> {
	const inspected = await inspect(db, tmpFile, fileName);
	const uploadId = crypto.randomUUID();
	const staged: StagedUpload = {
		uploadId,
		fileName: inspected.originalName,
		bytes: inspected.bytes,
		pages: inspected.extract.pages,
		hasTextLayer: inspected.extract.hasTextLayer,
		prefill: prefill(inspected)
	};
	const thumbnail = inspected.thumbnail
		? Buffer.from(inspected.thumbnail).toString('base64')
		: null;
	try {
		await fsp.writeFile(
			sidecar(uploadId),
			JSON.stringify({ staged, inspected: { ...inspected, thumbnail } })
		);
	} catch (err) {
		// A half-written sidecar (full disk) must not stage anything.
		await fsp.rm(sidecar(uploadId), { force: true });
		await fsp.rm(inspected.tmpFile, { force: true });
		throw asDomainError(err);
	}
	return staged;
}

/** Takes a staged upload back (once) for committing; Invalid when it expired or never existed. */
export async function take(uploadId: string): Promise<Inspected> {
	if (!ID.test(uploadId)) throw new Invalid('error.invalid', { file: 'upload.expired' });
	let raw: string;
	try {
		raw = await fsp.readFile(sidecar(uploadId), 'utf8');
	} catch {
		throw new Invalid('error.invalid', { file: 'upload.expired' });
	}
	const { inspected } = JSON.parse(raw) as {
		inspected: Omit<Inspected, 'thumbnail'> & { thumbnail: string | null };
	};
	await fsp.rm(sidecar(uploadId), { force: true });
	if (!fs.existsSync(inspected.tmpFile))
		throw new Invalid('error.invalid', { file: 'upload.expired' });
	return {
		...inspected,
		thumbnail: inspected.thumbnail
			? new Uint8Array(Buffer.from(inspected.thumbnail, 'base64'))
			: null
	};
}

/** What the form shows about a staged upload after a validation error (without consuming it). */
export async function peek(uploadId: string): Promise<StagedUpload | null> {
	if (!ID.test(uploadId)) return null;
	try {
		return (JSON.parse(await fsp.readFile(sidecar(uploadId), 'utf8')) as { staged: StagedUpload })
			.staged;
	} catch {
		return null;
	}
}
