import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { slimsCatalog } from './catalog.ts';
import { startTimed } from './server.ts';
import { percentile } from './load.ts';

/**
 * `webimport`: the 5,000-row SLiMS export (scripts/bench/catalog.ts) imported through the web
 * API exactly as the import page does it — multipart upload (preview), confirm, poll until done —
 * on the built server with two workers (BENCH_WEB_CONCURRENCY), while a second client keeps
 * searching. Target: ≤ 10 s end to end (issue #17). Reports the phases and the search latency
 * during the import.
 */

const PASSWORD = 'bench-password-1';
const LIBRARIAN = 'pustakawan@perpustakaan.test';
const ROWS = Number(process.env.BENCH_WEBIMPORT_ROWS || 5000);
export const WEBIMPORT_TARGET_S = 10;

export interface WebImportResult {
	rows: number;
	workers: number;
	uploadPreviewS: number;
	confirmToDoneS: number;
	totalS: number;
	imported: number;
	searches: number;
	searchP50Ms: number;
	searchP95Ms: number;
	searchMaxMs: number;
	searchErrors: number;
}

/** Runs the scenario over a copy of the seeded demo catalog. */
export async function webImportScenario(seededDir: string): Promise<WebImportResult> {
	const dataDir = path.join(os.tmpdir(), `djkn-bench-webimport-${crypto.randomUUID()}`);
	fs.cpSync(seededDir, dataDir, { recursive: true });
	const workers = Number(process.env.BENCH_WEB_CONCURRENCY || 2);
	const server = await startTimed(dataDir, { WEB_CONCURRENCY: String(workers) });
	try {
		const login = await fetch(`${server.url}/api/v1/auth/login`, {
			method: 'POST',
			headers: { 'content-type': 'application/json', origin: server.url },
			body: JSON.stringify({ username: LIBRARIAN, password: PASSWORD })
		});
		const cookie = login.headers
			.getSetCookie()
			.map((c) => c.split(';')[0])
			.join('; ');
		const headers = { cookie, origin: server.url };
		const csv = slimsCatalog(ROWS, 2026);

		let searching = true;
		const latencies: number[] = [];
		let searchErrors = 0;
		const searcher = (async () => {
			const words = ['lelang', 'piutang negara', 'aset', 'kekayaan', 'penilaian'];
			for (let i = 0; searching; i++) {
				const t = performance.now();
				const r = await fetch(
					`${server.url}/api/v1/search?q=${encodeURIComponent(words[i % words.length])}&page=${(i % 3) + 1}`
				).catch(() => null);
				if (!r || r.status !== 200) searchErrors++;
				await r?.arrayBuffer();
				latencies.push(performance.now() - t);
			}
		})();

		const t0 = performance.now();
		const form = new FormData();
		form.append('file', new Blob([csv]), 'slims-5000.csv');
		const created = await fetch(`${server.url}/api/v1/imports`, {
			method: 'POST',
			headers,
			body: form
		});
		if (created.status !== 202)
			throw new Error(`upload: ${created.status} ${await created.text()}`);
		const { id } = (await created.json()) as { id: number };
		const t1 = performance.now();
		await fetch(`${server.url}/api/v1/imports/${id}/confirm`, { method: 'POST', headers });
		let job: { status: string; imported: number };
		for (;;) {
			job = await (await fetch(`${server.url}/api/v1/imports/${id}`, { headers })).json();
			if (!['queued', 'running'].includes(job.status)) break;
			await new Promise((r) => setTimeout(r, 100));
		}
		const t2 = performance.now();
		searching = false;
		await searcher;
		if (job.status !== 'done') throw new Error(`job ended ${job.status}`);
		const sorted = [...latencies].sort((a, b) => a - b);
		return {
			rows: ROWS,
			workers,
			uploadPreviewS: (t1 - t0) / 1000,
			confirmToDoneS: (t2 - t1) / 1000,
			totalS: (t2 - t0) / 1000,
			imported: job.imported,
			searches: latencies.length,
			searchP50Ms: percentile(sorted, 50),
			searchP95Ms: percentile(sorted, 95),
			searchMaxMs: sorted[sorted.length - 1] ?? 0,
			searchErrors
		};
	} finally {
		await server.stop();
		fs.rmSync(dataDir, { recursive: true, force: true });
	}
}

/** The result as lines for the terminal. */
export function webImportTable(r: WebImportResult): string[] {
	const f = (n: number, d = 2) => n.toFixed(d);
	return [
		`\nWeb import — ${r.rows} SLiMS rows through /api/v1/imports, ${r.workers} workers (target ≤ ${WEBIMPORT_TARGET_S} s)`,
		`| upload + preview s | confirm → done s | end to end s | imported | searches meanwhile | search p50 ms | p95 ms | max ms | errors |`,
		`|---:|---:|---:|---:|---:|---:|---:|---:|---:|`,
		`| ${f(r.uploadPreviewS)} | ${f(r.confirmToDoneS)} | ${f(r.totalS)} | ${r.imported} | ${r.searches} | ${f(r.searchP50Ms, 0)} | ${f(r.searchP95Ms, 0)} | ${f(r.searchMaxMs, 0)} | ${r.searchErrors} |`
	];
}
