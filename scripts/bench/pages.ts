// The `pages` scenario: public pages and search over HTTP at library scale. A copy of the demo
// data gets a generated 5,000-record SLiMS catalog (`npm run import -- --slims`) and a rebuilt
// search index; the built server (scripts/start.js, WEB_CONCURRENCY as configured) is then
// loaded with autocannon, one URL after the other, /healthz first as the ceiling of the same run.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { slimsCatalog } from './catalog.ts';
import { load, type LoadResult } from './load.ts';
import { ROOT, startTimed } from './server.ts';

export const PAGE_TARGETS = { rps: 800, p99: 100, searchRps: 350, ratio: 0.5 };
const RECORDS = Number(process.env.BENCH_PAGES_RECORDS || 5000);

export interface PagesRow extends LoadResult {
	kind: 'ceiling' | 'page' | 'search';
	ratio: number;
	pass: boolean | null;
}

export interface PagesResult {
	records: number;
	connections: number;
	secondsPerUrl: number;
	workers: string;
	importSeconds: number;
	rows: PagesRow[];
}

function tsx(args: string[], env: Record<string, string>): void {
	const r = spawnSync(process.execPath, ['node_modules/tsx/dist/cli.mjs', ...args], {
		cwd: ROOT,
		stdio: ['ignore', 'ignore', 'inherit'],
		env: { ...process.env, LOG_LEVEL: 'warn', ...env }
	});
	if (r.status !== 0) throw new Error(`${args.join(' ')} failed (${r.status})`);
}

/** Runs the scenario on a copy of `demoDir` (the demo seed), which it leaves untouched. */
export async function pagesScenario(
	demoDir: string,
	connections: number,
	seconds: number
): Promise<PagesResult> {
	const dataDir = `${demoDir}-pages`;
	fs.cpSync(demoDir, dataDir, { recursive: true });
	try {
		const csv = path.join(dataDir, 'bench-slims.csv');
		fs.writeFileSync(csv, slimsCatalog(RECORDS));
		const t0 = performance.now();
		tsx(['scripts/import.ts', '--slims', csv], { DATA_DIR: dataDir });
		tsx(['scripts/reindex.ts'], { DATA_DIR: dataDir });
		const importSeconds = (performance.now() - t0) / 1000;
		const db = new SQLite(path.join(dataDir, 'perpustakaan.sqlite'), { readonly: true });
		const { id } = db
			.prepare(
				`select id from publications where source = 'slims' and access = 'public' and status = 'published' order by id desc limit 1`
			)
			.get() as { id: number };
		const { n } = db.prepare(`select count(*) as n from publications`).get() as { n: number };
		db.close();
		const urls: [PagesRow['kind'], string][] = [
			['ceiling', '/healthz'],
			['page', '/'],
			['page', '/catalog'],
			['page', '/catalog?type=report&page=3'],
			['page', `/publications/${id}`],
			['search', '/search?q=piutang+negara'],
			['search', '/api/v1/search?q=piutang+negara']
		];
		const server = await startTimed(dataDir);
		const rows: PagesRow[] = [];
		try {
			// Wait until the (rebuilt) search index is loaded, so search is measured, not its build.
			for (let i = 0; i < 600; i++) {
				const r = await fetch(`${server.url}/readyz`);
				const body = (await r.json()) as { checks: { search: { state: string } } };
				if (r.status === 200 && body.checks.search.state === 'ready') break;
				await new Promise((r) => setTimeout(r, 100));
			}
			for (const [kind, url] of urls) {
				await load(server.url, url, 2, 1); // warm-up
				const r = await load(server.url, url, connections, seconds);
				const ceiling = rows[0]?.rps ?? r.rps;
				const ratio = r.rps / ceiling;
				const rpsTarget = kind === 'search' ? PAGE_TARGETS.searchRps : PAGE_TARGETS.rps;
				rows.push({
					...r,
					kind,
					ratio,
					pass:
						kind === 'ceiling'
							? null
							: r.rps >= rpsTarget &&
								r.p99 <= PAGE_TARGETS.p99 &&
								ratio >= PAGE_TARGETS.ratio &&
								r.errors + r.timeouts === 0
				});
			}
		} finally {
			await server.stop();
		}
		return {
			records: n,
			connections,
			secondsPerUrl: seconds,
			workers: process.env.WEB_CONCURRENCY || 'default (CPUs)',
			importSeconds,
			rows
		};
	} finally {
		fs.rmSync(dataDir, { recursive: true, force: true });
	}
}

/** The scenario's table as markdown lines. */
export function pagesTable(r: PagesResult): string[] {
	const fmt = (n: number, d = 1) => n.toFixed(d);
	const lines = [
		`| URL | req/s | p50 ms | p99 ms | errors / timeouts | × /healthz | target | met |`,
		`|---|---:|---:|---:|---:|---:|---|---|`
	];
	for (const row of r.rows) {
		const target =
			row.kind === 'ceiling'
				? 'ceiling'
				: `≥ ${row.kind === 'search' ? PAGE_TARGETS.searchRps : PAGE_TARGETS.rps} req/s, p99 ≤ ${PAGE_TARGETS.p99} ms, ≥ ${PAGE_TARGETS.ratio}×`;
		lines.push(
			`| ${row.path} | ${fmt(row.rps, 0)} | ${fmt(row.p50, 0)} | ${fmt(row.p99, 0)} | ${row.errors} / ${row.timeouts} | ${fmt(row.ratio, 2)} | ${target} | ${row.pass === null ? '' : row.pass ? 'yes' : 'NO'} |`
		);
	}
	lines.push(
		`(${r.records} records, ${r.connections} connections, ${r.secondsPerUrl} s per URL, autocannon on 127.0.0.1 sharing the machine, workers: ${r.workers}; catalog import + reindex ${fmt(r.importSeconds)} s)`
	);
	return lines;
}
