// Index-builder worker thread: brings the FTS5 table of long texts up to date (only the records
// that changed), builds the Lunr index of the metadata and writes its snapshot, so a rebuild
// never blocks the server's event loop.
import fs from 'node:fs';
import path from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import { buildIndex, INDEX_FORMAT } from './build.js';
import { catalogFingerprint, readDocs } from './source.js';
import { syncText } from './text.js';

if (!parentPort) throw new Error('builder-worker.js must run as a worker thread');
const { databaseFile, snapshotFile, full } =
	/** @type {{ databaseFile: string, snapshotFile: string, full?: boolean }} */ (workerData);

try {
	const started = Date.now();
	// Fingerprint first: changes made during the build make the snapshot stale, not lost.
	const fingerprint = catalogFingerprint(databaseFile);
	const text = syncText(
		databaseFile,
		(done, total) =>
			parentPort?.postMessage({ type: 'progress', phase: 'text', docs: done, total }),
		{ full }
	);
	let docs = 0;
	const index = buildIndex(
		(function* () {
			for (const d of readDocs(databaseFile)) {
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
