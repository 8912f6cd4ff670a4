import crypto from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { config } from '../config.ts';
import { asDomainError } from '../errors.ts';

/**
 * Content-addressed file store under FILES_DIR (default DATA_DIR/files). A file's key is derived
 * from its sha256, so the same bytes are stored once, and a key never changes meaning — which is
 * what lets several application servers share one FILES_DIR mount (#16): two servers storing
 * the same bytes write the same name, and a name once written never changes.
 *
 * Writes go to a temporary directory on the same file system first (`tmp/` beside the store:
 * DATA_DIR/tmp, or FILES_DIR/tmp when FILES_DIR is set, so the final rename stays atomic on a
 * shared mount) and are renamed into place only when complete, so a crash leaves at most a stray
 * temporary file (swept by `sweepTemp`), never a half file under a key. A write that fails for
 * lack of space removes its partial file and throws StorageFull (507).
 *
 * `FileStore` below is the whole of what the application asks of a store; an S3-compatible
 * implementation would provide the same operations (see the README, "Stored files").
 */

/**
 * The operations the application needs from a file store, as a type: today's implementation is
 * this module (a directory); another (an S3-compatible bucket) would implement the same. Readers
 * that need a local path (pdf.js in a worker thread, sharp) get one from `pathOf`; a remote store
 * would hand them a cached local copy instead.
 */
export interface FileStore {
	/** A fresh local path for a caller that streams an upload to disk first. */
	tempPath(suffix?: string): Promise<string>;
	/** Moves a complete temporary file into the store under its content hash. */
	commitTemp(
		tmpFile: string,
		kind: 'pdf' | 'thumb',
		ext: string,
		known?: { sha256: string; bytes: number }
	): Promise<StoredFile>;
	/** Stores bytes held in memory. */
	putBytes(data: Uint8Array, kind: 'pdf' | 'thumb', ext: string): Promise<StoredFile>;
	/** A local path holding the key's bytes (for readers that need a file). */
	pathOf(key: string): string;
	/** Size and modification time, or null when missing. */
	stat(key: string): Promise<{ bytes: number; mtime: Date } | null>;
	/** Deletes a key no row names any more. */
	remove(key: string): Promise<void>;
	/** Every stored key (the orphan sweep). */
	listKeys(): Promise<string[]>;
	/** Deletes abandoned temporary files; returns how many. */
	sweepTemp(): Promise<number>;
}

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
	return config.filesDir;
}

/** Temporary files: beside the store, so that committing one is a rename on one file system. */
export function tmpDir(): string {
	return path.join(config.workDir, 'tmp');
}

/**
 * How old a temporary file on a shared FILES_DIR must be before a sweep deletes it: another
 * server may be receiving it, or a librarian may still be filling in the form of a staged upload.
 */
export const SHARED_TEMP_MAX_AGE_MS = 24 * 60 * 60 * 1000;

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
 * Flushes a file's bytes to disk (fsync). `commitTemp` does it before its rename; a caller that
 * commits inside a write transaction calls it first, so the lock is not held while a large
 * upload is flushed (the second fsync then has nothing left to write).
 */
export async function syncFile(file: string): Promise<void> {
	const fh = await fsp.open(file, 'r');
	try {
		await fh.sync();
	} finally {
		await fh.close();
	}
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
		} else {
			// fsync before rename so a power cut cannot leave an empty file under a valid key.
			await syncFile(tmpFile);
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

/**
 * Deletes temporary files left behind by an interrupted upload or import. On a server's own
 * DATA_DIR, at start, that is every one (nothing else writes there). On a shared FILES_DIR other
 * servers may be receiving uploads right now: only files untouched for SHARED_TEMP_MAX_AGE_MS go.
 */
export async function sweepTemp(): Promise<number> {
	const oldest = config.filesShared ? Date.now() - SHARED_TEMP_MAX_AGE_MS : Infinity;
	let removed = 0;
	let names: string[];
	try {
		names = await fsp.readdir(tmpDir());
	} catch {
		return 0; // no tmp directory yet: nothing to sweep
	}
	for (const name of names) {
		const file = path.join(tmpDir(), name);
		const s = await fsp.stat(file).catch(() => null);
		if (!s || s.mtimeMs >= oldest) continue;
		await fsp.rm(file, { force: true, recursive: true });
		removed++;
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

/** This module as a `FileStore` (the compiler checks that it implements the whole interface). */
export const localStore: FileStore = {
	tempPath,
	commitTemp,
	putBytes,
	pathOf,
	stat,
	remove,
	listKeys,
	sweepTemp
};
