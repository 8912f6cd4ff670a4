import crypto from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Db } from '../db/index.ts';
import { config } from '../config.ts';
import { Invalid } from '../errors.ts';
import * as storage from '../storage/index.ts';
import { inspect, prefill, UploadRefused, type Inspected } from './ingest.ts';

/**
 * Uploads from the cataloguing form are staged: the PDF is streamed to DATA_DIR/tmp, inspected
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
	return path.join(config.dataDir, 'tmp', `${uploadId}.staged.json`);
}

/**
 * Streams a request body to a temporary file, refusing it (and deleting the partial file) once
 * it passes the size limit, so a 2 GB upload never fills the disk or memory.
 */
export async function receive(
	body: ReadableStream<Uint8Array> | null,
	declaredLength: number | null
): Promise<string> {
	const limit = config.maxUploadMb * 1024 * 1024;
	if (declaredLength !== null && declaredLength > limit) {
		throw new UploadRefused(413, 'file_too_large', 'upload.tooLarge', { mb: config.maxUploadMb });
	}
	if (!body) throw new UploadRefused(400, 'empty_file', 'upload.empty');
	const tmp = await storage.tempPath('.pdf');
	let seen = 0;
	try {
		await pipeline(
			Readable.fromWeb(body as import('node:stream/web').ReadableStream<Uint8Array>),
			async function* (source: AsyncIterable<Buffer>) {
				for await (const chunk of source) {
					seen += chunk.length;
					if (seen > limit)
						throw new UploadRefused(413, 'file_too_large', 'upload.tooLarge', {
							mb: config.maxUploadMb
						});
					yield chunk;
				}
			},
			fs.createWriteStream(tmp)
		);
	} catch (err) {
		await fsp.rm(tmp, { force: true });
		throw err;
	}
	return tmp;
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
	await fsp.writeFile(
		sidecar(uploadId),
		JSON.stringify({ staged, inspected: { ...inspected, thumbnail } })
	);
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
