// `npm run bench [scenario ...]`: performance figures on this machine, printed as a table and
// written to bench-results/<timestamp>.json (and bench-results/latest.json).
// Scenarios: foundation (cold start, page latency under load), import, reader (first page of a
// 300+ page PDF), search (the application's search code vs SQLite FTS5 on synthetic
// publications), pages (a 5,000-record catalog generated and imported, then /healthz, home,
// catalog, a detail page and search under autocannon load; BENCH_SECONDS default 15 here,
// BENCH_CONNECTIONS default 20, BENCH_PAGES_RECORDS default 5000), circulation (desk operations, 20 concurrent desks and the digital-copy race over
// HTTP, then invariants checked by SQL; exits non-zero on a violation or an unexpected answer),
// statistics (1,000,000 usage events, BENCH_STATS_ROWS; the statistics page, API and a CSV timed
// against /healthz; BENCH_STATS_RECORDS extra records, default 5000), webimport (the 5,000-row
// SLiMS export through /api/v1/imports on two workers while searches run; BENCH_WEBIMPORT_ROWS,
// BENCH_WEB_CONCURRENCY; exits non-zero over 10 s), web (Lighthouse mobile on
// home, catalog, search, detail and reader, and the reader's first page under two throttled
// networks; BENCH_WEB_LH_RUNS default 3, BENCH_WEB_RUNS default 5; see bench/web.ts),
// scale-out (#16: the pages catalog plus PDF texts on SQLite, copied to a PostgreSQL the bench
// starts itself (`npm run db:copy`), served by one SQLite server, one and two PostgreSQL servers:
// /healthz, home, detail, search and a full-text query mix; then BENCH_SCALE_BIG metadata records
// on PostgreSQL: search p95 and RSS per server process. BENCH_SCALE_RECORDS default 5000,
// BENCH_SCALE_TEXTS default 300, BENCH_SCALE_BIG default 50000 (0 skips it), BENCH_SECONDS
// default 15, BENCH_CONNECTIONS default 20 split between the servers; needs PostgreSQL ≥ 15
// binaries; see bench/scaleout.ts).
// Later issues add theirs here.
// Env: BENCH_SECONDS (per page, default 10), BENCH_CONNECTIONS (default 10); search:
// BENCH_SEARCH_SIZES (default 1000,5000), BENCH_SEARCH_ENGINES (default fts5,production; also
// lunr), BENCH_SEARCH_LIMIT_S, BENCH_SEARCH_RSS_GB, BENCH_SEARCH_QUERY_BUDGET_S,
// BENCH_SEARCH_CHANGE_WAIT_S; circulation: BENCH_CIRC_SECONDS (default 15), BENCH_CIRC_CLIENTS
// (default 20).
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { load, type LoadResult } from './bench/load.ts';
import { startTimed } from './bench/server.ts';
import { importScenario } from './bench/import.ts';
import { readerScenario } from './bench/reader.ts';
import { searchScenario, searchTable } from './bench/search.ts';
import { circulationScenario, circulationTable } from './bench/circulation.ts';
import { pagesScenario, pagesTable } from './bench/pages.ts';
import { statisticsScenario, statisticsTable } from './bench/statistics.ts';
import { webImportScenario, webImportTable, WEBIMPORT_TARGET_S } from './bench/webimport.ts';
import { webScenario, webTable } from './bench/web.ts';
import { scaleOutScenario, scaleOutTable } from './bench/scaleout.ts';

const ROOT = path.resolve(import.meta.dirname, '..');
const SECONDS = Number(process.env.BENCH_SECONDS || 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS || 10);
const COLD_START_RUNS = 3;
const PAGES_SECONDS = Number(process.env.BENCH_SECONDS || 15);
const PAGES_CONNECTIONS = Number(process.env.BENCH_CONNECTIONS || 20);

function node(args: string[], env: Record<string, string> = {}): void {
	const r = spawnSync(process.execPath, args, {
		cwd: ROOT,
		stdio: 'inherit',
		env: { ...process.env, ...env }
	});
	if (r.status !== 0) throw new Error(`${args.join(' ')} failed`);
}

async function foundation(dataDir: string) {
	const starts: number[] = [];
	for (let i = 0; i < COLD_START_RUNS; i++) {
		const s = await startTimed(dataDir);
		starts.push(s.ms);
		await s.stop();
	}
	starts.sort((a, b) => a - b);
	const db = new SQLite(path.join(dataDir, 'perpustakaan.sqlite'), { readonly: true });
	const { id } = db
		.prepare(
			`select id from publications where type = 'magazine_issue' and access = 'public' and status = 'published' order by id limit 1`
		)
		.get() as { id: number };
	db.close();
	const server = await startTimed(dataDir);
	const pages: LoadResult[] = [];
	try {
		for (const p of [
			'/',
			'/catalog',
			'/catalog?type=magazine_issue&page=2',
			`/publications/${id}`,
			'/api/v1/publications'
		]) {
			await load(server.url, p, 2, 1); // warm-up
			pages.push(await load(server.url, p, CONNECTIONS, SECONDS));
		}
	} finally {
		await server.stop();
	}
	return {
		coldStartMs: { median: starts[1], runs: starts },
		connections: CONNECTIONS,
		secondsPerPage: SECONDS,
		pages
	};
}

const fmt = (n: number, d = 1) => n.toFixed(d);

async function main() {
	const wanted = process.argv.slice(2);
	const run = (name: string) => wanted.length === 0 || wanted.includes(name);
	if (!fs.existsSync(path.join(ROOT, 'build', 'index.js')))
		node(['node_modules/vite/bin/vite.js', 'build', '--logLevel', 'warn']);
	const dataDir = path.join(os.tmpdir(), `djkn-bench-${crypto.randomUUID()}`);
	const seedStart = performance.now();
	node(['node_modules/tsx/dist/cli.mjs', 'scripts/seed-demo.ts'], {
		DATA_DIR: dataDir,
		DEMO_PASSWORD: 'bench-password-1',
		LOG_LEVEL: 'warn'
	});
	const seedSeconds = (performance.now() - seedStart) / 1000;

	const results: Record<string, unknown> = {
		machine: {
			cpus: os.cpus().length,
			cpu: os.cpus()[0]?.model,
			memoryGb: Math.round(os.totalmem() / 2 ** 30),
			node: process.version
		},
		at: new Date().toISOString(),
		seedSeconds
	};
	try {
		if (run('foundation')) {
			const f = await foundation(dataDir);
			results.foundation = f;
			console.log(`\nFoundation — demo catalog seeded in ${fmt(seedSeconds)} s`);
			console.log(
				`Cold start to first 200 on /healthz: median ${fmt(f.coldStartMs.median, 0)} ms (runs: ${f.coldStartMs.runs.map((r) => fmt(r, 0)).join(', ')} ms)`
			);
			console.log(`\n| page | requests | req/s | p50 ms | p97.5 ms | p99 ms | errors |`);
			console.log(`|---|---:|---:|---:|---:|---:|---:|`);
			for (const p of f.pages) {
				console.log(
					`| ${p.path} | ${p.requests} | ${fmt(p.rps)} | ${fmt(p.p50)} | ${fmt(p.p97_5)} | ${fmt(p.p99)} | ${p.errors} |`
				);
			}
			console.log(
				`(${f.connections} concurrent connections, ${f.secondsPerPage} s per page, 127.0.0.1)`
			);
		}
		if (run('pages')) {
			const r = await pagesScenario(dataDir, PAGES_CONNECTIONS, PAGES_SECONDS);
			results.pages = r;
			console.log(`\nPages — public pages and search at library scale`);
			for (const line of pagesTable(r)) console.log(line);
		}
		if (run('scale-out')) {
			const r = await scaleOutScenario(dataDir, PAGES_CONNECTIONS, PAGES_SECONDS);
			results.scaleOut = r;
			for (const line of scaleOutTable(r)) console.log(line);
		}
		if (run('import')) {
			const r = await importScenario(dataDir);
			results.import = r;
			console.log(`\nImport — real manuals of the test corpus through the upload API`);
			console.log(`| measure | value |`);
			console.log(`|---|---:|`);
			console.log(
				`| cold workers (first ${r.cold.files} files, ${r.cold.pages} pages) | ${r.cold.pagesPerSecond.toFixed(1)} pages/s |`
			);
			console.log(
				`| steady state (${r.steady.files} files, ${r.steady.pages} pages; upload, hash, extract in ${r.workers} workers, store, commit) | ${r.steady.pagesPerSecond.toFixed(1)} pages/s |`
			);
			// The scenario refuses to run without pdftotext, so the reference is always there.
			console.log(
				`| pdftotext (poppler) on the same files, one process | ${r.pdftotext.pagesPerSecond.toFixed(1)} pages/s |`
			);
			console.log(
				`| ratio pdf.js pipeline / pdftotext (target >= 0.3) | ${r.pdftotext.ratio.toFixed(2)}x |`
			);
			console.log(
				`| /healthz while importing: p50 / p95 / max | ${r.healthz.p50.toFixed(1)} / ${r.healthz.p95.toFixed(1)} / ${r.healthz.max.toFixed(1)} ms |`
			);
		}
		if (run('reader')) {
			const r = await readerScenario();
			results.reader = r;
			const mb = (r.fileBytes / 2 ** 20).toFixed(1);
			console.log(`\nReader — ${r.pages}-page, ${mb} MB PDF, cold cache, ${r.runs.length} runs`);
			console.log(`| measure | median | worst | target |`);
			console.log(`|---|---:|---:|---:|`);
			console.log(
				`| navigation → first page painted | ${fmt(r.firstPageMs.median, 0)} ms | ${fmt(r.firstPageMs.max, 0)} ms | < ${r.targets.firstPageMs} ms |`
			);
			console.log(
				`| file fetched before first paint | ${fmt(r.share.median * 100)} % | ${fmt(r.share.max * 100)} % | < ${r.targets.share * 100} % |`
			);
			console.log(
				`(${r.pass ? 'targets met' : 'TARGETS MISSED'}; ingest took ${fmt(r.ingestSeconds)} s)`
			);
		}
		if (run('search')) {
			// Synthetic publications, independent of the demo seed.
			const r = await searchScenario();
			results.search = r;
			const { tokens, forms, stems } = r.perDoc;
			const mix = Object.entries(r.mix)
				.map(([k, v]) => `${v} ${k}`)
				.join(', ');
			console.log(
				`\nSearch — ${r.engines.join(', ')} (production: the application's search module end to end; fts5: SQLite FTS5 unicode61 reference), synthetic publications of ${tokens} words (${forms} forms${stems === undefined ? '' : `, ${stems} stems`} each), ${r.queries} queries (${mix}), top 20`
			);
			for (const line of searchTable(r)) console.log(line);
			console.log(
				`(limits per phase: ${r.limits.seconds} s, ${r.limits.rssGb} GB RSS; production: timed queries ${r.limits.queryBudgetS} s, change wait ${r.limits.changeWaitS} s; shared machine: noisy)`
			);
		}
		if (run('circulation')) {
			const r = await circulationScenario(dataDir);
			results.circulation = r;
			console.log(circulationTable(r));
			// Results are still written below; the exit code reports the failure.
			if (r.failures.length) process.exitCode = 1;
		}
		if (run('web')) {
			const r = await webScenario(dataDir);
			results.web = r;
			for (const line of webTable(r)) console.log(line);
		}
		if (run('statistics')) {
			const r = await statisticsScenario(dataDir);
			results.statistics = r;
			for (const line of statisticsTable(r)) console.log(line);
		}
		if (run('webimport')) {
			const r = await webImportScenario(dataDir);
			results.webimport = r;
			for (const line of webImportTable(r)) console.log(line);
			if (r.totalS > WEBIMPORT_TARGET_S) process.exitCode = 1;
		}
	} finally {
		fs.rmSync(dataDir, { recursive: true, force: true });
	}
	const outDir = path.join(ROOT, 'bench-results');
	fs.mkdirSync(outDir, { recursive: true });
	const file = path.join(outDir, `${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
	fs.writeFileSync(file, JSON.stringify(results, null, 2));
	fs.writeFileSync(path.join(outDir, 'latest.json'), JSON.stringify(results, null, 2));
	console.log(`\nwritten to ${path.relative(ROOT, file)}`);
}

await main();
