// Index-builder worker thread: brings the text engine's tables up to date (SQLite FTS5, or
// PostgreSQL's tsvector tables when DATABASE_URL is set; only the records that changed), builds
// the Lunr index of the metadata and writes its snapshot, so a rebuild never blocks the server's
// event loop.
import fs from 'node:fs';
import path from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import pg from 'pg';
import { buildIndex, INDEX_FORMAT } from './build.js';
import { catalogFingerprint, readDocs } from './source.js';
import { catalogFingerprintPg, readDocsPg } from './source-pg.js';
import { syncText } from './text.js';
import { syncTextPg } from './text-pg.js';

if (!parentPort) throw new Error('builder-worker.js must run as a worker thread');
const { databaseFile, databaseUrl, snapshotFile, full } =
	/** @type {{ databaseFile: string, databaseUrl?: string | null, snapshotFile: string, full?: boolean }} */ (
		workerData
	);

/**
 * @param {number} done
 * @param {number} total
 */
const textProgress = (done, total) =>
	parentPort?.postMessage({ type: 'progress', phase: 'text', docs: done, total });

/**
 * The catalog's fingerprint, the text index brought up to date, and the records for Lunr — from
 * SQLite (raw better-sqlite3, synchronous) or, with DATABASE_URL, from PostgreSQL over this
 * thread's own `pg` client (the server's pool lives in another thread).
 * @returns {Promise<{ fingerprint: string, text: import('./text.js').SyncResult, docs: Iterable<import('./build.js').SearchDoc> }>}
 */
async function read() {
	if (!databaseUrl) {
		// Fingerprint first: changes made during the build make the snapshot stale, not lost.
		const fingerprint = catalogFingerprint(databaseFile);
		const text = syncText(databaseFile, textProgress, { full });
		return { fingerprint, text, docs: readDocs(databaseFile) };
	}
	const client = new pg.Client({
		connectionString: databaseUrl,
		options: '-c TimeZone=UTC',
		application_name: 'perpustakaan-index-builder'
	});
	await client.connect();
	try {
		// Fingerprint first, then the text sync, which waits for another server's sync to end
		// (its lock): why that keeps this server's vocabulary fresh is said in text-pg.js.
		const fingerprint = await catalogFingerprintPg(client);
		const text = await syncTextPg(client, textProgress, { full });
		return { fingerprint, text, docs: await readDocsPg(client) };
	} finally {
		await client.end();
	}
}

try {
	const started = Date.now();
	const { fingerprint, text, docs: records } = await read();
	let docs = 0;
	const index = buildIndex(
		(function* () {
			for (const d of records) {
				docs++;
				if (docs % 100 === 0) parentPort.postMessage({ type: 'progress', phase: 'metadata', docs });
				yield d;
			}
		})()
	);
	const snapshot = JSON.stringify({
		format: INDEX_FORMAT,
		fingerprint,
		builtAt: new Date().toISOString(),
		docs,
		index
	});
	fs.mkdirSync(path.dirname(snapshotFile), { recursive: true });
	// Write then rename: a crash mid-write never leaves a half snapshot under the real name.
	fs.writeFileSync(`${snapshotFile}.part`, snapshot);
	fs.renameSync(`${snapshotFile}.part`, snapshotFile);
	parentPort.postMessage({
		type: 'done',
		docs,
		ms: Date.now() - started,
		bytes: snapshot.length,
		textUpdated: text.updated,
		// A few changed records: their terms join the vocabulary; a bulk change: reload it whole.
		added: text.added.length <= 50_000 ? text.added : null
	});
} catch (err) {
	parentPort.postMessage({
		type: 'error',
		message: String(/** @type {Error} */ (err).stack ?? err)
	});
}
