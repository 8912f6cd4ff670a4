import os from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { appRoot } from '../paths.ts';
import { PdfRefused, type PdfErrorReason, type PdfExtract } from './extract.js';

/**
 * A small pool of worker threads that run pdf.js extraction off the request path. Each file
 * gets a bounded time (PDF_TIMEOUT_SECONDS) and each worker a bounded heap; a worker that runs
 * over either is terminated and replaced, and the file is refused with a reason.
 */

/** Wall-clock limit per file: a 1,000-page manual takes ~20 s here; a hostile file is cut off. */
export const EXTRACT_TIMEOUT_MS = (Number(process.env.PDF_TIMEOUT_SECONDS) || 180) * 1000;
/** V8 heap per worker; pdf.js holds one document at a time. */
export const WORKER_HEAP_MB = 1024;
/** Workers: one per core (2 here), so extraction uses both while the event loop stays free. */
export const POOL_SIZE = Math.max(
	1,
	Number(process.env.PDF_WORKERS) || Math.min(os.availableParallelism(), 4)
);

export interface Inspection {
	extract: PdfExtract;
	thumbnail: Uint8Array | null;
}

interface Job {
	id: number;
	file: string;
	thumbnail: boolean;
	resolve: (r: Inspection) => void;
	reject: (e: Error) => void;
}

interface Slot {
	worker: Worker;
	job: Job | null;
	timer: NodeJS.Timeout | null;
}

type WorkerReply =
	| { id: number; ok: true; extract: PdfExtract; thumbnail: Uint8Array | null }
	| { id: number; ok: false; reason: PdfErrorReason; message: string };

const queue: Job[] = [];
const slots: Slot[] = [];
let nextId = 1;

function workerFile(): string {
	return path.join(appRoot(), 'src/lib/server/pdf/worker.js');
}

function spawn(): Slot {
	const worker = new Worker(workerFile(), {
		resourceLimits: { maxOldGenerationSizeMb: WORKER_HEAP_MB }
	});
	const slot: Slot = { worker, job: null, timer: null };
	worker.unref();
	worker.on('message', (reply: WorkerReply) => {
		const job = slot.job;
		if (!job || job.id !== reply.id) return;
		finish(slot);
		if (reply.ok)
			job.resolve({
				extract: reply.extract,
				thumbnail: reply.thumbnail ? new Uint8Array(reply.thumbnail) : null
			});
		else job.reject(new PdfRefused(reply.reason, reply.message));
		pump();
	});
	const crashed = (reason: PdfErrorReason, message: string) => {
		const job = slot.job;
		retire(slot);
		job?.reject(new PdfRefused(reason, message));
		pump();
	};
	worker.on('error', (err: Error & { code?: string }) =>
		crashed(err.code === 'ERR_WORKER_OUT_OF_MEMORY' ? 'too_large' : 'damaged', err.message)
	);
	worker.on('exit', (code) => {
		if (slots.includes(slot)) crashed('damaged', `extraction worker exited with ${code}`);
	});
	slots.push(slot);
	return slot;
}

function finish(slot: Slot): void {
	if (slot.timer) clearTimeout(slot.timer);
	slot.timer = null;
	slot.job = null;
	slot.worker.unref();
}

function retire(slot: Slot): void {
	if (slot.timer) clearTimeout(slot.timer);
	const i = slots.indexOf(slot);
	if (i >= 0) slots.splice(i, 1);
	void slot.worker.terminate();
}

function pump(): void {
	while (queue.length > 0) {
		const slot =
			slots.find((s) => s.job === null) ?? (slots.length < POOL_SIZE ? spawn() : undefined);
		if (!slot) return;
		const job = queue.shift()!;
		slot.job = job;
		slot.worker.ref();
		slot.timer = setTimeout(() => {
			retire(slot);
			job.reject(
				new PdfRefused('timeout', `extraction took longer than ${EXTRACT_TIMEOUT_MS / 1000} s`)
			);
			pump();
		}, EXTRACT_TIMEOUT_MS);
		slot.worker.postMessage({ id: job.id, file: job.file, thumbnail: job.thumbnail });
	}
}

/**
 * Validates a PDF on disk and extracts its page texts, info and (optionally) a cover
 * thumbnail in a worker thread. Rejects with `PdfRefused` when the file cannot be used.
 */
export function inspect(file: string, opts: { thumbnail?: boolean } = {}): Promise<Inspection> {
	return new Promise((resolve, reject) => {
		queue.push({ id: nextId++, file, thumbnail: opts.thumbnail ?? true, resolve, reject });
		pump();
	});
}

/** Pool load, for /metrics: files waiting, workers busy, workers running, the pool's size. */
export function stats(): { queued: number; busy: number; workers: number; size: number } {
	return {
		queued: queue.length,
		busy: slots.filter((s) => s.job !== null).length,
		workers: slots.length,
		size: POOL_SIZE
	};
}

/**
 * Stops every worker (server shutdown, tests and CLI scripts before exiting). Files still queued
 * or being extracted are rejected, so whoever waits for them gets an error instead of waiting
 * forever (their upload then removes its temporary file and stores nothing). A later `inspect`
 * starts new workers.
 */
export async function shutdown(): Promise<void> {
	const all = slots.splice(0);
	const stopped = new Error('PDF extraction stopped: the server is shutting down');
	for (const job of queue.splice(0)) job.reject(stopped);
	for (const slot of all) {
		if (slot.timer) clearTimeout(slot.timer);
		slot.job?.reject(stopped);
		slot.job = null;
	}
	await Promise.all(all.map((s) => s.worker.terminate()));
}
