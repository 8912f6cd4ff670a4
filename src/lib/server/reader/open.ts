import fs from 'node:fs/promises';
import { clock } from '../clock.ts';
import type { Db } from '../db/index.ts';
import { canDownload, canReadContent, type Viewer } from '../access.ts';
import { lendingFacts } from '../circulation/digital.ts';
import { DomainError, NotFound } from '../errors.ts';
import { log } from '../log.ts';
import * as publications from '../catalog/publications.ts';
import * as storage from '../storage/index.ts';
import type { Publication } from '../../types.ts';

/** pdf.js's range chunk in the reader (READER_RANGES.chunk in lib/components/reader/pdfjs.ts). */
export const READER_CHUNK = 64 * 1024;

/**
 * Opening a publication for reading: the one place that decides, through the access policy,
 * whether a viewer gets a file and on what terms. The read page and the file endpoint both ask
 * here, so they can never disagree.
 */

/**
 * Why the read page can or cannot show the file. `loan_required`: the viewer may see a lendable
 * restricted record but holds no active digital loan (never had one, returned it, or it expired).
 */
export type FileState = 'ok' | 'no_file' | 'file_missing' | 'loan_required';

/** A stored PDF the viewer may receive, with what the HTTP layer needs to serve it. */
export interface ReadableFile {
	publicationId: number;
	path: string;
	bytes: number;
	sha256: string;
	/** When this file version was catalogued (not the disk mtime, which a restore changes). */
	lastModified: Date;
	/** Name offered to the browser, derived from the record's title. */
	title: string;
	/**
	 * True when anyone, logged in or not, may read it: only then may shared caches keep it.
	 * Anything else must not outlive the access check in someone else's cache.
	 */
	publiclyReadable: boolean;
	/** True when anyone may also download it (`?download=1` is then the same for everyone). */
	publiclyDownloadable: boolean;
	mayDownload: boolean;
}

/** A visible record without a current file (catalogued physical collection). */
export class NoFile extends DomainError {
	constructor() {
		super(404, 'no_file', 'reader.noFile');
	}
}

/** The record has a file row but the bytes are gone from the store (restore gone wrong). */
export class FileMissing extends DomainError {
	constructor() {
		super(404, 'file_missing', 'reader.fileMissing');
	}
}

/** The record is "read online only" for this viewer. */
export class DownloadRefused extends DomainError {
	constructor() {
		super(403, 'download_not_allowed', 'reader.downloadNotAllowed');
	}
}

/**
 * The access facts of a publication whose content (file, cover, reading progress) the viewer
 * may read — the policy plus, for a lendable restricted record, an active digital loan — or
 * null. Every route that serves content asks this one function.
 */
export async function readableFacts(db: Db, viewer: Viewer, publicationId: number, now = clock()) {
	const facts = await publications.accessFacts(db, publicationId);
	if (!facts) return null;
	return canReadContent(viewer, facts, now, await lendingFacts(db, viewer, facts.id, now))
		? facts
		: null;
}

/**
 * The current file of a publication for a viewer who wants its bytes. The policy is checked
 * first: a record the viewer may not see is NotFound, exactly like a record that does not
 * exist. Then NoFile / FileMissing for a visible record without bytes, and DownloadRefused when
 * `download` is asked of a read-online-only record.
 */
export async function openFile(
	db: Db,
	viewer: Viewer,
	publicationId: number,
	opts: { download: boolean } = { download: false },
	now = clock()
): Promise<ReadableFile> {
	const facts = await readableFacts(db, viewer, publicationId, now);
	if (!facts) throw new NotFound('error.publicationNotFound');
	const mayDownload = canDownload(viewer, facts, now);
	if (opts.download && !mayDownload) throw new DownloadRefused();
	const file = await publications.currentFile(db, facts.id);
	if (!file) throw new NoFile();
	const info = await storage.stat(file.storage_key);
	if (!info) {
		log.warn({ publicationId, key: file.storage_key }, 'stored file missing');
		throw new FileMissing();
	}
	return {
		publicationId: facts.id,
		path: storage.pathOf(file.storage_key),
		bytes: info.bytes,
		sha256: file.sha256,
		lastModified: new Date(file.created_at),
		title: facts.title,
		publiclyReadable: canReadContent(null, facts, now),
		publiclyDownloadable: canDownload(null, facts, now),
		mayDownload
	};
}

/** What the read page needs: the record, whether its file can be shown, and the viewer's rights. */
export interface ReaderContext {
	publication: Publication;
	state: FileState;
	mayDownload: boolean;
	/** Where the reader's first request for the file's end starts (`tailChunkStart`); ok only. */
	tailStart: number | null;
}

/**
 * Where the reader's first request for the end of the PDF at `file` (`size` bytes) should
 * start: on a `chunk` boundary, early enough to hold at least the last `minTail` bytes and the
 * cross-reference section (from the `startxref` line in the last KiB, when it is no more than
 * `maxTail` before the end).
 *
 * Why: the reader asks for the file's end together with its start before pdf.js runs
 * (reader/pdfjs.ts), and pdf.js then reads the file in whole, aligned chunks. A tail of exactly
 * the last 64 KiB began inside a chunk, so pdf.js asked for that chunk's remaining bytes in a
 * round trip of their own before the first page could be drawn (the bench PDF: 5 KB, one more
 * round trip; issue #18). Files written with object streams (pdf-lib, most producers) keep the
 * catalogue and page tree there, just before a small cross-reference stream: hence a tail of
 * whole chunks rather than the cross-reference section alone.
 */
export async function tailChunkStart(
	file: string,
	size: number,
	chunk: number,
	minTail = chunk,
	maxTail = 4 * chunk
): Promise<number> {
	let from = Math.max(0, size - minTail);
	const want = Math.min(size, 1024);
	const fh = await fs.open(file, 'r').catch(() => null);
	if (fh) {
		try {
			const buf = Buffer.alloc(want);
			const { bytesRead } = await fh.read(buf, 0, want, size - want);
			const text = buf.subarray(0, bytesRead).toString('latin1');
			const all = [...text.matchAll(/startxref\s+(\d+)/g)];
			const at = all.length ? Number(all[all.length - 1][1]) : NaN;
			if (Number.isSafeInteger(at) && at < size && size - at <= maxTail) from = Math.min(from, at);
		} finally {
			await fh.close();
		}
	}
	return Math.floor(from / chunk) * chunk;
}

/**
 * The read page's view of a publication. Throws NotFound when the viewer may not see it (the
 * route decides whether that means "log in" or 404). File problems are returned as `state`
 * so the page can explain them instead of failing.
 */
export async function openReader(
	db: Db,
	viewer: Viewer,
	publicationId: number,
	now = clock()
): Promise<ReaderContext> {
	const publication = await publications.findById(db, viewer, publicationId);
	// Seeing a lendable restricted record is not reading it: that takes an active digital loan.
	const facts = await readableFacts(db, viewer, publicationId, now);
	if (!facts) {
		// The page explains how to get a loan instead of pretending the record does not exist.
		if (viewer && publication.access === 'restricted' && publication.digitalCopies > 0)
			return { publication, state: 'loan_required', mayDownload: false, tailStart: null };
		throw new NotFound('error.publicationNotFound');
	}
	const file = await publications.currentFile(db, publicationId);
	let state: FileState = 'ok';
	let tailStart: number | null = null;
	const st = file ? await storage.stat(file.storage_key) : null;
	if (!file) state = 'no_file';
	else if (!st) {
		log.warn({ publicationId, key: file.storage_key }, 'stored file missing');
		state = 'file_missing';
	} else tailStart = await tailChunkStart(storage.pathOf(file.storage_key), st.bytes, READER_CHUNK);
	return {
		publication,
		state,
		mayDownload: state === 'ok' && canDownload(viewer, facts, now),
		tailStart
	};
}
