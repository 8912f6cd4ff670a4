// Index-builder worker thread: reads the catalog from SQLite, builds the Lunr index and writes
// the snapshot, so a rebuild never blocks the server's event loop.
import fs from 'node:fs';
import path from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import { buildIndex, INDEX_FORMAT } from './build.js';
import { catalogFingerprint, readDocs } from './source.js';

if (!parentPort) throw new Error('builder-worker.js must run as a worker thread');
const { databaseFile, snapshotFile } =
	/** @type {{ databaseFile: string, snapshotFile: string }} */ (workerData);

try {
	const started = Date.now();
	// Fingerprint first: changes made during the build make the snapshot stale, not lost.
	const fingerprint = catalogFingerprint(databaseFile);
	let docs = 0;
	const index = buildIndex(
		(function* () {
			for (const d of readDocs(databaseFile)) {
				docs++;
				if (docs % 100 === 0) parentPort.postMessage({ type: 'progress', docs });
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
	parentPort.postMessage({ type: 'done', docs, ms: Date.now() - started, bytes: snapshot.length });
} catch (err) {
	parentPort.postMessage({
		type: 'error',
		message: String(/** @type {Error} */ (err).stack ?? err)
	});
}
