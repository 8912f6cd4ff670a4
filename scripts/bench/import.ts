import { execFile, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { percentile } from './load.ts';
import { ROOT, startTimed, type BenchServer } from './server.ts';

const run = promisify(execFile);
const CORPUS = path.join(ROOT, 'tests', 'fixtures', 'corpus');
/** Uploads in flight at once: enough to keep both extraction workers busy. */
const CONCURRENCY = 4;
/** The real manuals of the corpus (the reference figures were measured on such files). */
const MANUALS = [
	'debian/debmake-doc--debmake-doc.en.pdf',
	'debian/packaging-tutorial--packaging-tutorial.pdf',
	'debian/lure-of-the-temptress--Manual_es.pdf',
	'pdfjs/tracemonkey.pdf',
	'debian/fonts-hosny-amiri--Documentation-Arabic.pdf',
	'debian/alqalam--tb87fahmy.pdf'
];
/** Each manual is imported this many times (as distinct files) to reach ~900 pages. */
const COPIES = 3;

interface Pass {
	files: number;
	pages: number;
	seconds: number;
	pagesPerSecond: number;
	refused: number;
	health: number[];
}

export interface ImportResult {
	workers: number;
	cold: { files: number; pages: number; pagesPerSecond: number };
	steady: {
		files: number;
		pages: number;
		seconds: number;
		pagesPerSecond: number;
		refused: number;
	};
	pdftotext: { seconds: number; runs: number[]; pagesPerSecond: number; ratio: number };
	healthz: { p50: number; p95: number; max: number; samples: number };
}

/**
 * The same PDF with a comment appended after %%EOF: a different file (new sha256, so it is
 * not refused as a duplicate) that every reader parses exactly like the original.
 */
function copyOf(file: string, n: number): Uint8Array<ArrayBuffer> {
	return new Uint8Array(
		Buffer.concat([fs.readFileSync(file), Buffer.from(`\n% bench copy ${n}\n`)])
	);
}

/** Uploads the jobs through the API, CONCURRENCY at a time, while /healthz is polled. */
async function pass(
	server: BenchServer,
	cookie: string,
	jobs: { file: string; n: number }[]
): Promise<Pass> {
	const queue = [...jobs];
	let pages = 0;
	let files = 0;
	let refused = 0;
	let polling = true;
	const health: number[] = [];
	const poller = (async () => {
		while (polling) {
			const t0 = performance.now();
			await fetch(`${server.url}/healthz`).then((r) => r.arrayBuffer());
			health.push(performance.now() - t0);
			await new Promise((r) => setTimeout(r, 50));
		}
	})();
	const t0 = performance.now();
	await Promise.all(
		Array.from({ length: CONCURRENCY }, async () => {
			for (let job = queue.shift(); job; job = queue.shift()) {
				const form = new FormData();
				form.append('title', `Bench ${path.basename(job.file)} ${job.n}`);
				form.append(
					'file',
					new Blob([copyOf(job.file, job.n)], { type: 'application/pdf' }),
					`copy-${job.n}-${path.basename(job.file)}`
				);
				const res = await fetch(`${server.url}/api/v1/publications`, {
					method: 'POST',
					body: form,
					headers: { cookie, origin: server.url }
				});
				const body = (await res.json()) as { pages?: number };
				if (res.status === 201 && body.pages) {
					pages += body.pages;
					files++;
				} else refused++;
			}
		})
	);
	const seconds = (performance.now() - t0) / 1000;
	polling = false;
	await poller;
	return { files, pages, seconds, pagesPerSecond: pages / seconds, refused, health };
}

/**
 * Seconds for poppler's pdftotext, one process at a time, over COPIES rounds of the manuals.
 * Asynchronous on purpose: a blocked event loop here would miss the server closing idle
 * keep-alive sockets, and the next request on one would fail.
 */
async function pdftotextSeconds(manuals: string[]): Promise<number> {
	const p0 = performance.now();
	for (let n = 0; n < COPIES; n++)
		for (const file of manuals) await run('pdftotext', ['-q', file, '/dev/null']);
	return (performance.now() - p0) / 1000;
}

/**
 * Imports copies of the corpus's real manuals through the real upload API of the built server
 * (the path a librarian's upload takes) while another client keeps asking /healthz: a first
 * pass while the extraction workers are cold (JIT), then the measured steady-state pass, with
 * poppler's pdftotext over the same files (one process) right before and after as the reference.
 */
export async function importScenario(dataDir: string): Promise<ImportResult> {
	// The reference is the point of this scenario: without it, fail rather than print half a table.
	if (spawnSync('pdftotext', ['-v']).status !== 0)
		throw new Error(
			'pdftotext (poppler) is not installed: run `apt-get install -y poppler-utils` and rerun'
		);
	const server = await startTimed(dataDir);
	try {
		const login = await fetch(`${server.url}/api/v1/auth/login`, {
			method: 'POST',
			headers: { 'content-type': 'application/json', origin: server.url },
			body: JSON.stringify({
				username: 'pustakawan@perpustakaan.test',
				password: 'bench-password-1'
			})
		});
		const cookie = login.headers
			.getSetCookie()
			.map((c) => c.split(';')[0])
			.join('; ');
		const manuals = MANUALS.map((m) => path.join(CORPUS, m));
		const cold = await pass(
			server,
			cookie,
			manuals.map((file) => ({ file, n: 100 }))
		);

		// The machine is shared and its load drifts: time pdftotext right before and right after
		// the measured pass and compare with the mean of both.
		const steadyJobs = manuals.flatMap((file) =>
			Array.from({ length: COPIES }, (_, n) => ({ file, n }))
		);
		const before = await pdftotextSeconds(manuals);
		const steady = await pass(server, cookie, steadyJobs);
		const after = await pdftotextSeconds(manuals);
		const s = (before + after) / 2;
		const pdftotext: ImportResult['pdftotext'] = {
			seconds: s,
			runs: [before, after],
			pagesPerSecond: steady.pages / s,
			ratio: steady.pagesPerSecond / (steady.pages / s)
		};
		const health = [...cold.health, ...steady.health].sort((a, b) => a - b);
		return {
			workers: Number(process.env.PDF_WORKERS) || Math.min(os.availableParallelism(), 4),
			cold: { files: cold.files, pages: cold.pages, pagesPerSecond: cold.pagesPerSecond },
			steady: {
				files: steady.files,
				pages: steady.pages,
				seconds: steady.seconds,
				pagesPerSecond: steady.pagesPerSecond,
				refused: steady.refused
			},
			pdftotext,
			healthz: {
				p50: percentile(health, 50),
				p95: percentile(health, 95),
				max: health.at(-1) ?? NaN,
				samples: health.length
			}
		};
	} finally {
		await server.stop();
	}
}
