// The `scale-out` scenario (issue #16): the same catalog served by SQLite and by PostgreSQL with
// one and with two server processes, then a much larger catalog on PostgreSQL.
//
// 1. The catalog of the `pages` scenario: a copy of the demo data plus a generated SLiMS catalog
//    (BENCH_SCALE_RECORDS, default 5000; `npm run import -- --slims`). SLiMS records carry no PDF
//    text, so BENCH_SCALE_TEXTS (default 300) of them get the page texts of the `search`
//    scenario's synthetic publications (40 pages of 500 words each, written straight into
//    `files` and `page_texts` as search.ts does), every tenth with a marker word that exists only
//    in PDF text. The stored file those rows name is one real small PDF of the test corpus (the
//    search reads page texts, never the PDF). Then `npm run reindex`.
// 2. A PostgreSQL server started by the bench itself (tests/helpers/pg-server.ts: initdb in a
//    temporary directory, fsync off — tuned for tests, so writes are flattered; the loads here
//    only read), the library copied into it with `npm run db:copy`, and `npm run reindex` there.
// 3. Three set-ups, one after the other: (a) SQLite, one server; (b) PostgreSQL, one server;
//    (c) PostgreSQL, two servers (`scripts/start.js` on two ports, one database, one DATA_DIR),
//    the connections split between them (autocannon on each in parallel, requests summed,
//    latencies merged). Each loads /healthz (the ceiling of that set-up), /, a detail page,
//    /search?q=… — anonymously, as the public asks them, so after the warm-up each worker serves
//    them from its page cache — and /api/v1/search over a query mix (metadata words, full-text
//    words of the synthetic texts with prefixes and typos, the PDF-only marker) signed in as an
//    employee, so that every request runs the search (signed-in answers are never cached).
//    Before the loads, the mix's totals on SQLite and on PostgreSQL are compared (the engines
//    must agree). Set PAGE_CACHE_MB=0 to measure the pages without the cache.
// 4. BENCH_SCALE_BIG (default 50000) metadata-only SLiMS records imported straight into a second
//    PostgreSQL database (`npm run import` with DATABASE_URL), reindexed, served by two servers:
//    /api/v1/search over a query list (signed in), one request at a time (latency without load)
//    and then under load, and the resident memory of every server process.
//
// Env: BENCH_SCALE_RECORDS, BENCH_SCALE_TEXTS, BENCH_SCALE_BIG (0 skips step 4), BENCH_SECONDS
// (per URL, default 15), BENCH_CONNECTIONS (total over the servers, default 20), WEB_CONCURRENCY
// and DATABASE_POOL_SIZE (passed to every server). The machine is shared: figures are noisy.
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
// @ts-expect-error autocannon ships no type declarations; the few fields used are typed below.
import autocannon from 'autocannon';
import SQLite from 'better-sqlite3';
import { startPostgres, type PgServer } from '../../tests/helpers/pg-server.ts';
import { slimsCatalog } from './catalog.ts';
import { percentile } from './load.ts';
import { ROOT, startTimed, type BenchServer } from './server.ts';
import { syntheticDoc, syntheticQueries } from './synthetic.ts';

const RECORDS = Number(process.env.BENCH_SCALE_RECORDS || 5000);
const TEXTS = Number(process.env.BENCH_SCALE_TEXTS ?? 300);
const BIG = Number(process.env.BENCH_SCALE_BIG ?? 50000);
/** A word put into every tenth attached text: found only in PDF text, never in metadata. */
export const PDF_ONLY_WORD = 'zzteksdjkn';
/** The stored file the attached texts' rows name (real, small; the search never opens it). */
const PLACEHOLDER_PDF = 'tests/fixtures/corpus/debian/r-cran-pdftools--hello.pdf';

/** Metadata queries: words of the SLiMS catalog's titles, subjects and authors; a typo, a prefix. */
const METADATA_QUERIES = [
	'piutang negara',
	'lelang',
	'barang milik negara',
	'penilaian aset',
	'kebijakan fiskal',
	'akuntansi pemerintahan',
	'reformasi birokrasi',
	'keuangan daerah',
	'pengadaan barang dan jasa',
	'lelamg',
	'pengelo*',
	'santoso'
];

/** The full-text query mix: metadata queries, words of the attached texts, the PDF-only word. */
export function queryMix(): string[] {
	const text = syntheticQueries(200)
		.filter((q) => q.kind !== 'title')
		.slice(0, 12)
		.map((q) => q.q);
	return [...METADATA_QUERIES, ...text, PDF_ONLY_WORD];
}

export interface ScaleRow {
	path: string;
	requests: number;
	/** Connection errors plus answers other than 2xx/304. */
	errors: number;
	timeouts: number;
	rps: number;
	p50: number;
	p95: number;
	p99: number;
	/** req/s divided by /healthz's req/s in the same set-up. */
	ratio: number;
	/**
	 * PostgreSQL: the most connections in use and queries waiting for one that /readyz showed
	 * during the load (sampled twice a second; each answer is one worker process's pool).
	 */
	pool?: { inUse: number; waiting: number; max: number };
	/**
	 * CPU time per answered request, in ms: the server processes (`app`, workers included) and
	 * the PostgreSQL server's processes (`db`). Unlike req/s it hardly depends on what else the
	 * machine runs, so it compares set-ups on a shared machine.
	 */
	cpuMsPerRequest?: { app: number; db: number };
}

export interface ProcessMemory {
	/** Which server (1 or 2) and its role: primary, or a worker (pid). */
	server: number;
	pid: number;
	role: 'primary' | 'worker' | 'single';
	rssMb: number;
}

export interface SetupResult {
	name: string;
	engine: 'sqlite' | 'postgres';
	servers: number;
	rows: ScaleRow[];
	/** Resident memory after the loads, per process of each server. */
	memory: ProcessMemory[];
	/**
	 * Distinct search index build times /readyz showed during the loads: 1 when every process
	 * served the snapshot `npm run reindex` wrote; more means an index was rebuilt under load.
	 */
	indexBuildsSeen: number;
}

export interface BigResult {
	records: number;
	importSeconds: number;
	reindexSeconds: number;
	queries: number;
	/** One request at a time, alternating between the two servers. */
	sequential: {
		requests: number;
		p50: number;
		p95: number;
		p99: number;
		max: number;
		cpuMsPerRequest: { app: number; db: number };
	};
	/** The query list under load over both servers. */
	loaded: ScaleRow;
	memory: ProcessMemory[];
}

export interface ScaleOutResult {
	records: number;
	textRecords: number;
	pdfOnlyWord: string;
	connections: number;
	secondsPerUrl: number;
	workers: string;
	poolSize: string;
	timings: { importSeconds: number; attachSeconds: number; reindexSqliteSeconds: number };
	copySeconds: number;
	reindexPostgresSeconds: number;
	mix: { queries: number; pdfOnlyHits: { sqlite: number; postgres: number }; agree: boolean };
	/** Queries whose totals differ between SQLite and PostgreSQL (empty when the engines agree). */
	disagreements: { q: string; sqlite: number; postgres: number }[];
	setups: SetupResult[];
	big: BigResult | null;
}

function tsx(args: string[], env: Record<string, string>): number {
	const t0 = performance.now();
	const r = spawnSync(process.execPath, ['node_modules/tsx/dist/cli.mjs', ...args], {
		cwd: ROOT,
		stdio: ['ignore', 'ignore', 'inherit'],
		env: { ...process.env, LOG_LEVEL: 'warn', ...env }
	});
	if (r.status !== 0) throw new Error(`${args.join(' ')} failed (${r.status})`);
	return (performance.now() - t0) / 1000;
}

/** Worker processes per server: start.js's rule (WEB_CONCURRENCY, else one per CPU). */
const PROCESSES_PER_SERVER = Number(
	process.env.WEB_CONCURRENCY?.trim() || os.availableParallelism()
);

const say = (line: string) => console.error(`[scale-out] ${line}`);

/** The account the search loads sign in with (created in each library by `npm run user`). */
const BENCH_NIP = '199912312026121001';
const BENCH_PASSWORD = 'bench-scale-out-2026';

/**
 * Creates the bench's employee account in a library, as an operator would. The search loads are
 * sent signed in: anonymous searches are answered from each process's page cache after their
 * first time, and the loads would then measure the cache, not the search.
 */
function createBenchUser(env: Record<string, string>): void {
	const r = spawnSync(
		process.execPath,
		[
			'node_modules/tsx/dist/cli.mjs',
			'scripts/user.ts',
			'create',
			'--role',
			'employee',
			'--name',
			'Bench Scale-out',
			'--nip',
			BENCH_NIP
		],
		{
			cwd: ROOT,
			input: `${BENCH_PASSWORD}\n`,
			stdio: ['pipe', 'ignore', 'inherit'],
			env: { ...process.env, LOG_LEVEL: 'warn', ...env }
		}
	);
	if (r.status !== 0) throw new Error(`npm run user -- create failed (${r.status})`);
}

/** Signs the bench's account in on `server`: the session cookie (shared by servers of one database). */
async function signIn(server: BenchServer): Promise<Record<string, string>> {
	const res = await fetch(`${server.url}/api/v1/auth/login`, {
		method: 'POST',
		headers: { 'content-type': 'application/json', origin: server.url },
		body: JSON.stringify({ username: BENCH_NIP, password: BENCH_PASSWORD })
	});
	if (res.status !== 200) throw new Error(`bench sign-in: HTTP ${res.status}`);
	const cookie = res.headers
		.getSetCookie()
		.map((c) => c.split(';')[0])
		.join('; ');
	return { cookie };
}

/**
 * Gives `count` published, public SLiMS records the page texts of synthetic publications 1..count
 * (a current file each, pointing at one real stored PDF), every tenth with PDF_ONLY_WORD on its
 * third page. Straight SQL in one transaction, as bench/search.ts populates its catalog.
 */
function attachTexts(dataDir: string, count: number): number {
	const bytes = fs.readFileSync(path.join(ROOT, PLACEHOLDER_PDF));
	const sha = crypto.createHash('sha256').update(bytes).digest('hex');
	const key = `pdf/${sha.slice(0, 2)}/${sha}.pdf`;
	fs.mkdirSync(path.join(dataDir, 'files', path.dirname(key)), { recursive: true });
	fs.writeFileSync(path.join(dataDir, 'files', key), bytes);
	const db = new SQLite(path.join(dataDir, 'perpustakaan.sqlite'));
	db.pragma('foreign_keys = ON');
	try {
		const ids = db
			.prepare(
				`select id from publications where source = 'slims' and access = 'public'
				 and status = 'published' order by id limit ?`
			)
			.pluck()
			.all(count) as number[];
		const fileRow = db.prepare(
			`insert into files (publication_id, version, is_current, sha256, bytes, pages, has_text_layer, storage_key, original_name)
			 values (?, 1, 1, ?, ?, ?, 1, ?, ?)`
		);
		const page = db.prepare('insert into page_texts (file_id, page, text) values (?, ?, ?)');
		db.transaction(() => {
			ids.forEach((id, i) => {
				const pages = syntheticDoc(i + 1).body.split('\n\f');
				if (i % 10 === 0) pages[2] = pages[2].replace(' ', ` ${PDF_ONLY_WORD} `);
				const { lastInsertRowid } = fileRow.run(
					id,
					sha,
					bytes.length,
					pages.length,
					key,
					`teks-${id}.pdf`
				);
				pages.forEach((text, p) => page.run(lastInsertRowid, p + 1, text));
			});
		})();
		return ids.length;
	} finally {
		db.close();
	}
}

/**
 * /readyz on a new connection (no keep-alive): the cluster hands each new connection to the next
 * worker, so successive calls ask every worker, not the one a kept-alive connection sticks to.
 */
function readyOnNewConnection(base: string): Promise<{ status: number; state: string }> {
	return new Promise((resolve, reject) => {
		const req = http.get(`${base}/readyz`, { agent: false }, (res) => {
			let body = '';
			res.setEncoding('utf8');
			res.on('data', (chunk) => (body += chunk));
			res.on('end', () => {
				try {
					const state = (JSON.parse(body) as Ready).checks.search.state;
					resolve({ status: res.statusCode ?? 0, state });
				} catch (err) {
					reject(err);
				}
			});
		});
		req.on('error', reject);
	});
}

/** Starts `count` servers on DATA_DIR `dataDir` (and DATABASE_URL `url`) and waits until ready. */
async function startServers(dataDir: string, count: number, url?: string): Promise<BenchServer[]> {
	const env: Record<string, string> = url ? { DATABASE_URL: url } : {};
	const servers: BenchServer[] = [];
	try {
		for (let i = 0; i < count; i++) servers.push(await startTimed(dataDir, env));
		// Ready: migrated and the search index loaded in EVERY worker process (each loads its
		// own), so search is measured, not an index build: ready answers from as many fresh
		// connections in a row as the server has processes, twice over.
		for (const s of servers) {
			const deadline = Date.now() + 300_000;
			const needed = 2 * PROCESSES_PER_SERVER;
			for (let inARow = 0; inARow < needed;) {
				const r = await readyOnNewConnection(s.url).catch(() => ({ status: 0, state: '' }));
				if (r.status === 200 && r.state === 'ready') inARow++;
				else {
					inARow = 0;
					if (Date.now() > deadline) throw new Error(`${s.url} not ready after 300 s`);
					await new Promise((done) => setTimeout(done, 200));
				}
			}
		}
		return servers;
	} catch (err) {
		await Promise.all(servers.map((s) => s.stop()));
		throw err;
	}
}

/**
 * Closed-loop load with autocannon on each server in parallel, `connections` split between them,
 * every connection cycling through `paths`; latencies of all responses merged. Loopback only.
 */
async function loadAcross(
	servers: BenchServer[],
	paths: string[],
	connections: number,
	seconds: number,
	headers: Record<string, string> = {}
): Promise<Omit<ScaleRow, 'ratio'>> {
	const latencies: number[] = [];
	let errors = 0;
	let timeouts = 0;
	let elapsed = 0;
	await Promise.all(
		servers.map(async (s, i) => {
			const url = new URL(s.url);
			if (url.hostname !== '127.0.0.1') throw new Error('loopback only');
			const share =
				Math.floor(connections / servers.length) + (i < connections % servers.length ? 1 : 0);
			const instance = autocannon({
				url: s.url,
				connections: Math.max(1, share),
				duration: seconds,
				timeout: 10,
				headers,
				requests: paths.map((p) => ({ method: 'GET', path: p }))
			});
			instance.on('response', (_c: unknown, status: number, _b: number, ms: number) => {
				latencies.push(ms);
				if (status < 200 || status >= 300) errors++;
			});
			const r = (await instance) as { errors: number; timeouts: number; duration: number };
			// autocannon's `errors` counts timeouts too: reported apart, as load.ts does.
			errors += r.errors - r.timeouts;
			timeouts += r.timeouts;
			elapsed = Math.max(elapsed, r.duration);
		})
	);
	latencies.sort((a, b) => a - b);
	return {
		path: paths.length === 1 ? paths[0] : `/api/v1/search (mix of ${paths.length}, signed in)`,
		requests: latencies.length,
		errors,
		timeouts,
		rps: latencies.length / elapsed,
		p50: percentile(latencies, 50),
		p95: percentile(latencies, 95),
		p99: percentile(latencies, 99)
	};
}

/** Resident memory (VmRSS) of a process, in MB; 0 when it is gone. */
function rssMb(pid: number): number {
	try {
		const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
		return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
	} catch {
		return 0;
	}
}

/** The child processes of `pid` (cluster workers), from /proc. */
function childrenOf(pid: number): number[] {
	const out: number[] = [];
	for (const entry of fs.readdirSync('/proc')) {
		if (!/^\d+$/.test(entry)) continue;
		try {
			const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
			// pid (comm) state ppid …; comm may hold spaces, so read after the last ')'.
			const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
			if (ppid === pid) out.push(Number(entry));
		} catch {
			// gone meanwhile
		}
	}
	return out;
}

/** CPU time (user + system) of processes so far, in ms (clock ticks of 10 ms). */
function cpuMs(pids: number[]): number {
	let ticks = 0;
	for (const pid of pids) {
		try {
			const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
			const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
			ticks += Number(f[11]) + Number(f[12]);
		} catch {
			// exited: its time is lost (a pooled connection closed during the load)
		}
	}
	return ticks * 10;
}

/** The processes of the PostgreSQL server listening on `port`: the postmaster and its children. */
function postgresPids(port: number): number[] {
	for (const entry of fs.readdirSync('/proc')) {
		if (!/^\d+$/.test(entry)) continue;
		try {
			const cmd = fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
			if (path.basename(cmd[0]) === 'postgres' && ` ${cmd.join(' ')} `.includes(` -p ${port} `))
				return [Number(entry), ...childrenOf(Number(entry))];
		} catch {
			// gone meanwhile
		}
	}
	return [];
}

/** Starts counting CPU time of the servers' and PostgreSQL's processes; call the result to stop. */
function cpuMeter(servers: BenchServer[], pgPort: number | null) {
	const app = () => servers.flatMap((s) => [s.pid, ...childrenOf(s.pid)]);
	const db = () => (pgPort === null ? [] : postgresPids(pgPort));
	const appPids = app();
	const dbPids = db();
	const before = { app: cpuMs(appPids), db: cpuMs(dbPids) };
	return (requests: number) => {
		const a = [...new Set([...appPids, ...app()])];
		const d = [...new Set([...dbPids, ...db()])];
		const per = (ms: number) => (requests > 0 ? ms / requests : NaN);
		return {
			app: per(cpuMs(a) - before.app),
			db: per(cpuMs(d) - before.db)
		};
	};
}

/** Every process of each server: the primary and its workers (or the single process). */
function memoryOf(servers: BenchServer[]): ProcessMemory[] {
	const out: ProcessMemory[] = [];
	servers.forEach((s, i) => {
		const workers = childrenOf(s.pid);
		out.push({
			server: i + 1,
			pid: s.pid,
			role: workers.length ? 'primary' : 'single',
			rssMb: rssMb(s.pid)
		});
		for (const w of workers) out.push({ server: i + 1, pid: w, role: 'worker', rssMb: rssMb(w) });
	});
	return out;
}

const searchPath = (q: string) => `/api/v1/search?${new URLSearchParams({ q })}`;

/** Each query's total on one server, for the bench's (signed-in) account. */
async function totals(
	server: BenchServer,
	queries: string[],
	headers: Record<string, string>
): Promise<Map<string, number>> {
	const out = new Map<string, number>();
	for (const q of queries) {
		const res = await fetch(`${server.url}${searchPath(q)}`, { headers });
		if (res.status !== 200) throw new Error(`${q}: HTTP ${res.status}`);
		out.set(q, ((await res.json()) as { total: number }).total);
	}
	return out;
}

interface Ready {
	checks: { search: { state: string; builtAt: string | null } };
	database: { pool: { inUse: number; waiting: number; max: number } | null };
}

/**
 * Samples /readyz of every server twice a second until `stop` resolves: the pool's busiest
 * moment seen (PostgreSQL), and every search index build time seen (a rebuild during a load
 * would show as a second value).
 */
async function sampleReadiness(servers: BenchServer[], stop: Promise<void>) {
	let done = false;
	void stop.then(() => (done = true));
	const pool = { inUse: 0, waiting: 0, max: 0 };
	const builds = new Set<string>();
	while (!done) {
		await Promise.all(
			servers.map(async (s) => {
				try {
					const r = (await (await fetch(`${s.url}/readyz`)).json()) as Ready;
					if (r.checks.search.builtAt) builds.add(r.checks.search.builtAt);
					const p = r.database.pool;
					if (p) {
						pool.inUse = Math.max(pool.inUse, p.inUse);
						pool.waiting = Math.max(pool.waiting, p.waiting);
						pool.max = p.max;
					}
				} catch {
					// an answer lost under load says nothing about the pool
				}
			})
		);
		await new Promise((r) => setTimeout(r, 500));
	}
	return { pool, builds };
}

/** One set-up's loads: /healthz first (the ceiling), then the pages and the search mix. */
async function measure(
	name: string,
	engine: 'sqlite' | 'postgres',
	servers: BenchServer[],
	detailId: number,
	connections: number,
	seconds: number,
	signedIn: Record<string, string>,
	pgPort: number | null
): Promise<SetupResult> {
	const urls = [
		['/healthz'],
		['/'],
		[`/publications/${detailId}`],
		['/search?q=piutang+negara'],
		queryMix().map(searchPath)
	];
	const rows: ScaleRow[] = [];
	const builds = new Set<string>();
	for (const paths of urls) {
		say(`${name}: ${paths.length === 1 ? paths[0] : 'search mix'}`);
		// The pages and /search?q= are asked anonymously, as the public does: after the warm-up
		// every worker answers them from its page cache. The mix is asked signed in: every
		// request runs the search.
		const headers = paths.length > 1 ? signedIn : {};
		await loadAcross(servers, paths, connections, 2, headers); // warm-up, every worker
		let finished!: () => void;
		const sampler = sampleReadiness(servers, new Promise<void>((r) => (finished = r)));
		const meter = cpuMeter(servers, pgPort);
		const r = await loadAcross(servers, paths, connections, seconds, headers);
		const cpu = meter(r.requests);
		finished();
		const seen = await sampler;
		for (const b of seen.builds) builds.add(b);
		rows.push({
			...r,
			ratio: r.rps / (rows[0]?.rps ?? r.rps),
			cpuMsPerRequest: cpu,
			...(engine === 'postgres' ? { pool: seen.pool } : {})
		});
	}
	return {
		name,
		engine,
		servers: servers.length,
		rows,
		memory: memoryOf(servers),
		indexBuildsSeen: builds.size
	};
}

/** The 50,000-record catalog on PostgreSQL: imported, reindexed, served by two servers. */
async function bigCatalog(
	pgServer: PgServer,
	workDir: string,
	connections: number,
	seconds: number
): Promise<BigResult> {
	const url = await pgServer.createDatabase('scaleout_big');
	const dataDir = `${workDir}-big`;
	fs.mkdirSync(dataDir, { recursive: true });
	try {
		const csv = path.join(dataDir, 'bench-slims-big.csv');
		fs.writeFileSync(csv, slimsCatalog(BIG, 2027));
		say(`big: importing ${BIG} SLiMS records into PostgreSQL`);
		const importSeconds = tsx(['scripts/import.ts', '--slims', csv], {
			DATA_DIR: dataDir,
			DATABASE_URL: url
		});
		say(`big: reindex`);
		const reindexSeconds = tsx(['scripts/reindex.ts'], { DATA_DIR: dataDir, DATABASE_URL: url });
		createBenchUser({ DATA_DIR: dataDir, DATABASE_URL: url });
		const servers = await startServers(dataDir, 2, url);
		try {
			const headers = await signIn(servers[0]);
			const paths = METADATA_QUERIES.map(searchPath);
			await loadAcross(servers, paths, connections, 2, headers); // warm-up, every worker
			say('big: one request at a time');
			const times: number[] = [];
			const meter = cpuMeter(servers, pgServer.port);
			const until = performance.now() + seconds * 1000;
			for (let i = 0; performance.now() < until || i < paths.length; i++) {
				const s = servers[i % servers.length];
				const t0 = performance.now();
				const res = await fetch(`${s.url}${paths[i % paths.length]}`, { headers });
				await res.arrayBuffer();
				if (res.status !== 200) throw new Error(`${paths[i % paths.length]}: ${res.status}`);
				times.push(performance.now() - t0);
			}
			const sequentialCpu = meter(times.length);
			times.sort((a, b) => a - b);
			say('big: under load');
			const loadMeter = cpuMeter(servers, pgServer.port);
			const loaded = await loadAcross(servers, paths, connections, seconds, headers);
			const loadedCpu = loadMeter(loaded.requests);
			return {
				records: BIG,
				importSeconds,
				reindexSeconds,
				queries: paths.length,
				sequential: {
					requests: times.length,
					p50: percentile(times, 50),
					p95: percentile(times, 95),
					p99: percentile(times, 99),
					max: times[times.length - 1],
					cpuMsPerRequest: sequentialCpu
				},
				loaded: {
					...loaded,
					path: `/api/v1/search (list of ${paths.length})`,
					ratio: NaN,
					cpuMsPerRequest: loadedCpu
				},
				memory: memoryOf(servers)
			};
		} finally {
			await Promise.all(servers.map((s) => s.stop()));
		}
	} finally {
		fs.rmSync(dataDir, { recursive: true, force: true });
	}
}

/** Runs the scenario on a copy of `demoDir` (the demo seed), which it leaves untouched. */
export async function scaleOutScenario(
	demoDir: string,
	connections: number,
	seconds: number
): Promise<ScaleOutResult> {
	const dataDir = `${demoDir}-scaleout`;
	const pgDir = `${demoDir}-scaleout-pg`;
	fs.cpSync(demoDir, dataDir, { recursive: true });
	let pgServer: PgServer | undefined;
	try {
		const csv = path.join(dataDir, 'bench-slims.csv');
		fs.writeFileSync(csv, slimsCatalog(RECORDS));
		say(`importing ${RECORDS} SLiMS records (SQLite)`);
		const importSeconds = tsx(['scripts/import.ts', '--slims', csv], { DATA_DIR: dataDir });
		const t0 = performance.now();
		const textRecords = attachTexts(dataDir, TEXTS);
		const attachSeconds = (performance.now() - t0) / 1000;
		say(`attached ${textRecords} texts; reindex (SQLite)`);
		const reindexSqliteSeconds = tsx(['scripts/reindex.ts'], { DATA_DIR: dataDir });
		createBenchUser({ DATA_DIR: dataDir });
		const db = new SQLite(path.join(dataDir, 'perpustakaan.sqlite'), { readonly: true });
		const { id: detailId } = db
			.prepare(
				`select id from publications where source = 'slims' and access = 'public' and status = 'published' order by id desc limit 1`
			)
			.get() as { id: number };
		const { n: records } = db.prepare(`select count(*) as n from publications`).get() as {
			n: number;
		};
		db.close();

		say('starting PostgreSQL');
		pgServer = await startPostgres();
		const url = await pgServer.createDatabase('scaleout');
		say('npm run db:copy');
		const copySeconds = tsx(['scripts/db-copy.ts', '--to', url], { DATA_DIR: dataDir });
		// The PostgreSQL servers' DATA_DIR: the same stored files, no SQLite database, its own
		// search snapshot (written by the reindex below).
		fs.cpSync(dataDir, pgDir, {
			recursive: true,
			filter: (src) => !/perpustakaan\.sqlite|[/\\]search$|\.csv$/.test(src)
		});
		say('reindex (PostgreSQL)');
		const reindexPostgresSeconds = tsx(['scripts/reindex.ts'], {
			DATA_DIR: pgDir,
			DATABASE_URL: url
		});

		const mixQueries = queryMix();
		const setups: SetupResult[] = [];
		let onSqlite: Map<string, number>;
		let onPostgres: Map<string, number>;
		{
			const servers = await startServers(dataDir, 1);
			try {
				const signedIn = await signIn(servers[0]);
				onSqlite = await totals(servers[0], mixQueries, signedIn);
				setups.push(
					await measure(
						'SQLite, 1 server',
						'sqlite',
						servers,
						detailId,
						connections,
						seconds,
						signedIn,
						null
					)
				);
			} finally {
				await Promise.all(servers.map((s) => s.stop()));
			}
		}
		for (const count of [1, 2]) {
			const servers = await startServers(pgDir, count, url);
			try {
				const signedIn = await signIn(servers[0]);
				if (count === 1) onPostgres = await totals(servers[0], mixQueries, signedIn);
				const name = `PostgreSQL, ${count} server${count > 1 ? 's' : ''}`;
				setups.push(
					await measure(
						name,
						'postgres',
						servers,
						detailId,
						connections,
						seconds,
						signedIn,
						pgServer.port
					)
				);
			} finally {
				await Promise.all(servers.map((s) => s.stop()));
			}
		}
		const disagreements = mixQueries
			.filter((q) => onSqlite.get(q) !== onPostgres!.get(q))
			.map((q) => ({ q, sqlite: onSqlite.get(q)!, postgres: onPostgres!.get(q)! }));
		const big = BIG > 0 ? await bigCatalog(pgServer, dataDir, connections, seconds) : null;
		return {
			records,
			textRecords,
			pdfOnlyWord: PDF_ONLY_WORD,
			connections,
			secondsPerUrl: seconds,
			workers: process.env.WEB_CONCURRENCY || 'default (one per CPU)',
			poolSize: process.env.DATABASE_POOL_SIZE || '10 (default)',
			timings: { importSeconds, attachSeconds, reindexSqliteSeconds },
			copySeconds,
			reindexPostgresSeconds,
			mix: {
				queries: mixQueries.length,
				pdfOnlyHits: {
					sqlite: onSqlite.get(PDF_ONLY_WORD)!,
					postgres: onPostgres!.get(PDF_ONLY_WORD)!
				},
				agree: disagreements.length === 0
			},
			disagreements,
			setups,
			big
		};
	} finally {
		await pgServer?.stop();
		for (const dir of [dataDir, pgDir]) fs.rmSync(dir, { recursive: true, force: true });
	}
}

/** The scenario's tables as markdown lines. */
export function scaleOutTable(r: ScaleOutResult): string[] {
	const fmt = (n: number, d = 0) => (Number.isFinite(n) ? n.toFixed(d) : '—');
	const cpuText = (c?: { app: number; db: number }) =>
		c ? `${fmt(c.app, 1)} + ${fmt(c.db, 1)}` : '—';
	const lines = [
		`\nScale-out — ${r.records} records (${r.textRecords} with 40 pages of PDF text), SQLite vs PostgreSQL, 1 and 2 servers`,
		`| set-up | URL | req/s | p50 ms | p99 ms | errors / timeouts | × /healthz | CPU ms/request app + db | pool in use / waiting (max seen) |`,
		`|---|---|---:|---:|---:|---:|---:|---:|---:|`
	];
	for (const s of r.setups)
		for (const row of s.rows)
			lines.push(
				`| ${s.name} | ${row.path} | ${fmt(row.rps)} | ${fmt(row.p50)} | ${fmt(row.p99)} | ${row.errors} / ${row.timeouts} | ${fmt(row.ratio, 2)} | ${cpuText(row.cpuMsPerRequest)} | ${row.pool ? `${row.pool.inUse} / ${row.pool.waiting} of ${row.pool.max}` : '—'} |`
			);
	lines.push(
		`(search index builds seen by /readyz during the loads: ${r.setups.map((s) => `${s.name} ${s.indexBuildsSeen}`).join(', ')} — 1 means none rebuilt under load)`
	);
	lines.push(
		`(${r.connections} connections in all, split between the servers; ${r.secondsPerUrl} s per URL; WEB_CONCURRENCY: ${r.workers}; DATABASE_POOL_SIZE: ${r.poolSize}; autocannon on 127.0.0.1 sharing the machine with the servers and PostgreSQL — noisy; pages and /search?q= anonymous (served from each worker's page cache after the warm-up), the mix signed in (every request searches))`,
		`(search mix: ${r.mix.queries} queries; "${r.pdfOnlyWord}", only in PDF text, found ${r.mix.pdfOnlyHits.sqlite} on SQLite / ${r.mix.pdfOnlyHits.postgres} on PostgreSQL; totals of the mix ${r.mix.agree ? 'equal on both engines' : `DIFFER: ${r.disagreements.map((d) => `${d.q} ${d.sqlite}/${d.postgres}`).join(', ')}`})`,
		`(import ${fmt(r.timings.importSeconds, 1)} s, texts attached ${fmt(r.timings.attachSeconds, 1)} s, reindex SQLite ${fmt(r.timings.reindexSqliteSeconds, 1)} s; db:copy ${fmt(r.copySeconds, 1)} s, reindex PostgreSQL ${fmt(r.reindexPostgresSeconds, 1)} s)`,
		'',
		`| set-up | process | RSS MB after the loads |`,
		`|---|---|---:|`
	);
	const memoryRows = (name: string, memory: ProcessMemory[]) => {
		for (const m of memory)
			lines.push(`| ${name} | server ${m.server} ${m.role} (pid ${m.pid}) | ${fmt(m.rssMb)} |`);
	};
	for (const s of r.setups) memoryRows(s.name, s.memory);
	if (r.big) {
		const b = r.big;
		lines.push(
			'',
			`${b.records} metadata records on PostgreSQL, 2 servers — /api/v1/search over ${b.queries} queries`,
			`| measure | requests | req/s | p50 ms | p95 ms | p99 ms | CPU ms/request app + db |`,
			`|---|---:|---:|---:|---:|---:|---:|`,
			`| one request at a time | ${b.sequential.requests} | — | ${fmt(b.sequential.p50, 1)} | ${fmt(b.sequential.p95, 1)} | ${fmt(b.sequential.p99, 1)} | ${cpuText(b.sequential.cpuMsPerRequest)} |`,
			`| under load (${r.connections} connections) | ${b.loaded.requests} | ${fmt(b.loaded.rps)} | ${fmt(b.loaded.p50)} | ${fmt(b.loaded.p95)} | ${fmt(b.loaded.p99)} | ${cpuText(b.loaded.cpuMsPerRequest)} |`,
			`(import ${fmt(b.importSeconds, 1)} s, reindex ${fmt(b.reindexSeconds, 1)} s; loaded errors / timeouts ${b.loaded.errors} / ${b.loaded.timeouts})`,
			'',
			`| ${b.records} on PostgreSQL | process | RSS MB after the loads |`,
			`|---|---|---:|`
		);
		memoryRows('2 servers', b.memory);
	}
	return lines;
}
