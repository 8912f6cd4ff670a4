import crypto from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { config } from '../config.ts';
import { asDomainError } from '../errors.ts';

/**
 * Content-addressed file store under DATA_DIR/files. A file's key is derived from its sha256,
 * so the same bytes are stored once, and a key never changes meaning.
 *
 * Writes go to DATA_DIR/tmp first and are renamed into place only when complete, so a crash
 * leaves at most a stray temporary file (swept by `sweepTemp`), never a half file under a key.
 * A write that fails for lack of space removes its partial file and throws StorageFull (507).
 */

export interface StoredFile {
	key: string;
	sha256: string;
	bytes: number;
}

/** The store's directory inside DATA_DIR. */
export const FILES_DIR = 'files';

/** What a storage key looks like: `<kind>/<first two hex digits>/<sha256>.<ext>`. */
export const KEY_PATTERN = /^[a-z0-9]+\/[0-9a-f]{2}\/[0-9a-f]{64}\.[a-z0-9]+$/;

function root(): string {
	return path.join(config.dataDir, FILES_DIR);
}

function tmpDir(): string {
	return path.join(config.dataDir, 'tmp');
}

/** Absolute path of a stored key; rejects keys that could escape the store. */
export function pathOf(key: string): string {
	if (!KEY_PATTERN.test(key)) {
		throw new Error(`invalid storage key: ${key}`);
	}
	return path.join(root(), key);
}

function keyFor(kind: string, sha256: string, ext: string): string {
	return `${kind}/${sha256.slice(0, 2)}/${sha256}.${ext}`;
}

/** A fresh path in DATA_DIR/tmp for a caller that streams an upload to disk first. */
export async function tempPath(suffix = '.part'): Promise<string> {
	await fsp.mkdir(tmpDir(), { recursive: true }).catch((err) => {
		throw asDomainError(err);
	});
	return path.join(tmpDir(), `${crypto.randomUUID()}${suffix}`);
}

/** sha256 of a file on disk, streamed (uploads can be hundreds of megabytes). */
export async function hashFile(file: string): Promise<{ sha256: string; bytes: number }> {
	const hash = crypto.createHash('sha256');
	let bytes = 0;
	for await (const chunk of fs.createReadStream(file)) {
		hash.update(chunk as Buffer);
		bytes += (chunk as Buffer).length;
	}
	return { sha256: hash.digest('hex'), bytes };
}

/**
 * Moves a complete temporary file into the store under its content hash. When the same
 * content is already stored the temporary file is simply removed.
 */
export async function commitTemp(
	tmpFile: string,
	kind: 'pdf' | 'thumb',
	ext: string,
	known?: { sha256: string; bytes: number }
): Promise<StoredFile> {
	const { sha256, bytes } = known ?? (await hashFile(tmpFile));
	const key = keyFor(kind, sha256, ext);
	const dest = pathOf(key);
	try {
		await fsp.mkdir(path.dirname(dest), { recursive: true });
		if (fs.existsSync(dest)) {
			await fsp.rm(tmpFile, { force: true });
			// Fresh again: the orphan sweep spares young files (catalog/ingest.ts sweepOrphans), and
			// this one is about to be named by a row that has not committed yet.
			const t = new Date();
			await fsp.utimes(dest, t, t).catch(() => {});
		} else {
			// fsync before rename so a power cut cannot leave an empty file under a valid key.
			const fh = await fsp.open(tmpFile, 'r');
			try {
				await fh.sync();
			} finally {
				await fh.close();
			}
			await fsp.rename(tmpFile, dest);
		}
	} catch (err) {
		throw asDomainError(err);
	}
	return { key, sha256, bytes };
}

/** Stores bytes held in memory (thumbnails, generated demo files). */
export async function putBytes(
	data: Uint8Array,
	kind: 'pdf' | 'thumb',
	ext: string
): Promise<StoredFile> {
	const tmp = await tempPath();
	try {
		await fsp.writeFile(tmp, data);
	} catch (err) {
		await fsp.rm(tmp, { force: true });
		throw asDomainError(err);
	}
	const sha256 = crypto.createHash('sha256').update(data).digest('hex');
	return commitTemp(tmp, kind, ext, { sha256, bytes: data.byteLength });
}

/** Removes a stored file when no database row names it any more. */
export async function remove(key: string): Promise<void> {
	await fsp.rm(pathOf(key), { force: true });
}

/** Size and modification time of a stored file, or null when it is missing. */
export async function stat(key: string): Promise<{ bytes: number; mtime: Date } | null> {
	try {
		const s = await fsp.stat(pathOf(key));
		return { bytes: s.size, mtime: s.mtime };
	} catch {
		return null;
	}
}

/** Deletes temporary files left behind by an interrupted upload or import. */
export async function sweepTemp(): Promise<number> {
	let removed = 0;
	try {
		for (const name of await fsp.readdir(tmpDir())) {
			await fsp.rm(path.join(tmpDir(), name), { force: true, recursive: true });
			removed++;
		}
	} catch {
		// no tmp directory yet: nothing to sweep
	}
	return removed;
}

/** Every key in the store (for the orphan sweep at start). */
export async function listKeys(): Promise<string[]> {
	const keys: string[] = [];
	for (const kind of ['pdf', 'thumb']) {
		let shards: string[] = [];
		try {
			shards = await fsp.readdir(path.join(root(), kind));
		} catch {
			continue;
		}
		for (const shard of shards) {
			for (const name of await fsp.readdir(path.join(root(), kind, shard)))
				keys.push(`${kind}/${shard}/${name}`);
		}
	}
	return keys.filter((k) => KEY_PATTERN.test(k));
}
