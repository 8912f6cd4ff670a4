// Extraction worker thread: one PDF (or one part of one) at a time, so a slow or hostile file
// only ever stalls its own thread, and the pool can kill it on timeout without touching the
// server.
import fs from 'node:fs/promises';
import { parentPort } from 'node:worker_threads';
import { extractPart, preload, PdfRefused } from './extract.js';

if (!parentPort) throw new Error('worker.js must run as a worker thread');
const port = parentPort;

// Warm up while no file is waiting yet: load pdf.js (and its worker half) at spawn.
const ready = preload().catch(() => {});

/** @typedef {{ id: number, file: string, thumbnail: boolean, index: number, of: number }} PartJob */

port.on('message', async (/** @type {PartJob} */ job) => {
	try {
		await ready;
		const data = new Uint8Array(await fs.readFile(job.file));
		const part = await extractPart(data, {
			thumbnail: job.thumbnail,
			index: job.index,
			of: job.of
		});
		port.postMessage({ id: job.id, ok: true, part });
	} catch (err) {
		const refused = err instanceof PdfRefused;
		port.postMessage({
			id: job.id,
			ok: false,
			reason: refused ? err.reason : 'damaged',
			message: String(/** @type {Error} */ (err).message ?? err)
		});
	}
});
