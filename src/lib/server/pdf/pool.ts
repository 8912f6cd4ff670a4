import os from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { appRoot } from '../paths.ts';
import {
	mergeParts,
	PdfRefused,
	type PdfErrorReason,
	type PdfExtract,
	type PdfPart
} from './extract.js';

/**
 * A small pool of worker threads that run pdf.js extraction off the request path. Each file
 * gets a bounded time (PDF_TIMEOUT_SECONDS) and each worker a bounded heap; a worker that runs
 * over either is terminated and replaced, and the file is refused with a reason.
 *
 * When a file arrives and nothing else is waiting, it is handed to every idle worker at once,
 * each extracting its own contiguous range of pages from the same bytes (a document shorter
 * than SPLIT_MIN_PAGES is done whole by the first part); the parts are merged in page order.
 * A split file shares ONE deadline, and the first part to fail (refusal, timeout, heap) fails
 * the whole file at once and its other parts' workers are terminated: a hostile file gets no
 * more wall time than before, and the pool as a whole never holds more than POOL_SIZE ×
 * WORKER_HEAP_MB, exactly as when two files are extracted side by side.
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

/** One file to extract; it may be worked on by several parts. */
interface Job {
	file: string;
	thumbnail: boolean;
	resolve: (r: Inspection) => void;
	reject: (e: Error) => void;
	parts: (PdfPart | undefined)[];
	/** Set once the job has resolved or rejected; later replies of its parts are ignored. */
	settled: boolean;
	timer: NodeJS.Timeout | null;
}

/** One part of one job, as sent to one worker. */
interface Task {
	id: number;
	job: Job;
	index: number;
	of: number;
}

interface Slot {
	worker: Worker;
	task: Task | null;
}

type WorkerReply =
	| { id: number; ok: true; part: PdfPart }
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
	const slot: Slot = { worker, task: null };
	worker.unref();
	worker.on('message', (reply: WorkerReply) => {
		const task = slot.task;
		if (!task || task.id !== reply.id) return;
		slot.task = null;
		slot.worker.unref();
		if (reply.ok) partDone(task, reply.part);
		else fail(task.job, new PdfRefused(reply.reason, reply.message));
		pump();
	});
	const crashed = (reason: PdfErrorReason, message: string) => {
		const task = slot.task;
		retire(slot);
		if (task) fail(task.job, new PdfRefused(reason, message));
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

function retire(slot: Slot): void {
	slot.task = null;
	const i = slots.indexOf(slot);
	if (i >= 0) slots.splice(i, 1);
	void slot.worker.terminate();
}

function settle(job: Job): void {
	job.settled = true;
	if (job.timer) clearTimeout(job.timer);
	job.timer = null;
}

function partDone(task: Task, part: PdfPart): void {
	const { job } = task;
	if (job.settled) return;
	job.parts[task.index] = part;
	if (job.parts.some((p) => p === undefined)) return;
	settle(job);
	try {
		const { thumbnail, ...extract } = mergeParts(job.parts as PdfPart[]);
		job.resolve({ extract, thumbnail: thumbnail ? new Uint8Array(thumbnail) : null });
	} catch (err) {
		job.reject(err as Error);
	}
}

/** Fails a job once; workers still busy with its other parts are stopped (and replaced). */
function fail(job: Job, err: Error): void {
	if (job.settled) return;
	settle(job);
	for (const slot of [...slots]) if (slot.task?.job === job) retire(slot);
	job.reject(err);
}

function idleSlot(): Slot | undefined {
	return slots.find((s) => s.task === null) ?? (slots.length < POOL_SIZE ? spawn() : undefined);
}

function send(slot: Slot, job: Job, index: number, of: number): void {
	const task: Task = { id: nextId++, job, index, of };
	slot.task = task;
	slot.worker.ref();
	slot.worker.postMessage({ id: task.id, file: job.file, thumbnail: job.thumbnail, index, of });
}

function pump(): void {
	while (queue.length > 0) {
		const first = idleSlot();
		if (!first) return;
		const job = queue.shift()!;
		first.task = { id: 0, job, index: 0, of: 1 }; // reserved while the others are found
		// Split only when no other file is waiting: otherwise each worker has a whole file to do.
		const helpers: Slot[] = [];
		if (queue.length === 0) {
			for (let s = idleSlot(); s; s = idleSlot()) {
				s.task = first.task;
				helpers.push(s);
			}
		}
		const of = 1 + helpers.length;
		job.parts = new Array<PdfPart | undefined>(of).fill(undefined);
		job.timer = setTimeout(
			() =>
				fail(
					job,
					new PdfRefused('timeout', `extraction took longer than ${EXTRACT_TIMEOUT_MS / 1000} s`)
				),
			EXTRACT_TIMEOUT_MS
		);
		[first, ...helpers].forEach((slot, index) => send(slot, job, index, of));
	}
}

/**
 * Validates a PDF on disk and extracts its page texts, info and (optionally) a cover
 * thumbnail in worker threads. Rejects with `PdfRefused` when the file cannot be used.
 */
export function inspect(file: string, opts: { thumbnail?: boolean } = {}): Promise<Inspection> {
	return new Promise((resolve, reject) => {
		queue.push({
			file,
			thumbnail: opts.thumbnail ?? true,
			resolve,
			reject,
			parts: [],
			settled: false,
			timer: null
		});
		pump();
	});
}

/** Pool load, for /metrics: files waiting, workers busy, workers running, the pool's size. */
export function stats(): { queued: number; busy: number; workers: number; size: number } {
	return {
		queued: queue.length,
		busy: slots.filter((s) => s.task !== null).length,
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
		const job = slot.task?.job;
		slot.task = null;
		if (job && !job.settled) {
			settle(job);
			job.reject(stopped);
		}
	}
	await Promise.all(all.map((s) => s.worker.terminate()));
}
