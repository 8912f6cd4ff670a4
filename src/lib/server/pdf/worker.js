// Extraction worker thread: one PDF at a time, so a slow or hostile file only ever stalls
// its own thread, and the pool can kill it on timeout without touching the server.
import fs from 'node:fs/promises';
import { parentPort } from 'node:worker_threads';
import { extractPdf, PdfRefused } from './extract.js';

if (!parentPort) throw new Error('worker.js must run as a worker thread');
const port = parentPort;

port.on('message', async (/** @type {{ id: number, file: string, thumbnail: boolean }} */ job) => {
	try {
		const data = new Uint8Array(await fs.readFile(job.file));
		const { thumbnail, ...extract } = await extractPdf(data, { thumbnail: job.thumbnail });
		port.postMessage({ id: job.id, ok: true, extract, thumbnail });
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
