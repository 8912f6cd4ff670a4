// The `search` benchmark scenario: Lunr (the production index code) against SQLite FTS5
// (unicode61) as the reference, over the same synthetic Indonesian-like publications and the
// same 1,000 queries, at each catalog size of BENCH_SEARCH_SIZES (default 1000,5000).
//
// Every measurement runs in a child process of its own, so the RSS reported is that of one
// index and a build that exhausts memory kills only its child. The parent polls the child's
// /proc status, enforces the time and RSS limits, and reports a build that does not finish with
// the figures it reached. The same file is the child: BENCH_SEARCH_CHILD selects what it does.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import SQLite from 'better-sqlite3';
import lunr from 'lunr';
import { analyzeDoc, buildIndex, INDEX_FORMAT } from '../../src/lib/server/search/build.js';
import {
	fold,
	queryStems,
	STOP_WORDS,
	terms,
	tokenize
} from '../../src/lib/server/search/analyze.js';
import {
	ALL_TERMS_FIRST,
	FUZZY_MAX_LENGTH,
	FUZZY_MIN_LENGTH,
	lunrQuery,
	words,
	type Scored,
	type SearchParams
} from '../../src/lib/server/search/index.ts';
import { percentile } from './load.ts';
import {
	syntheticDoc,
	syntheticQueries,
	type SyntheticDoc,
	type SyntheticQuery
} from './synthetic.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const SELF = path.join(import.meta.dirname, 'search.ts');
/** Results a search page shows: what both engines are asked to rank. */
const TOP = 20;
/** Untimed queries first, so one-off JIT and cache warm-up are not counted as tail latency. */
const WARM_UP = 20;
const QUERIES = 1000;
/** A phase running longer than this is stopped and reported as not finished. */
const LIMIT_S = Number(process.env.BENCH_SEARCH_LIMIT_S || 900);
/** A child whose RSS passes this is stopped: the machine has 24 GB and other work runs on it. */
const RSS_LIMIT_GB = Number(process.env.BENCH_SEARCH_RSS_GB || 16);
/** V8's heap cap for children: the default (~4 GB) would fail before the RSS limit is reached. */
const HEAP_MB = Math.round(RSS_LIMIT_GB * 1024);
/** Progress messages from a build, for the figures of one that does not finish. */
const PROGRESS_EVERY = 250;

/** The issue's targets at 5,000 publications. */
export const TARGETS = { p95Ms: 50, readyS: 5, rssGb: 2, changeS: 10 };

type Kind = SyntheticQuery['kind'];

interface Latencies {
	p50: number;
	p95: number;
	p99: number;
	max: number;
	/** Queries that found nothing (the typo share shows fuzzy matching at work). */
	empty: number;
	byKind: Record<Kind, { n: number; p50: number; p95: number }>;
}

/** One engine at one catalog size. Absent figures were not reached. */
export interface EngineRun {
	engine: 'lunr' | 'fts5' | 'proposal';
	size: number;
	finished: boolean;
	/** Why and where a phase stopped: "did not finish: <reason> after <figures>". */
	failure?: string;
	/** Building the index, without generating the synthetic text. */
	buildS?: number;
	/** Peak RSS of the building process (VmHWM). */
	buildPeakRssMb?: number;
	/** Lunr: the snapshot as production writes it; FTS5: the database file. */
	bytes?: number;
	gzipBytes?: number;
	/** The snapshot exceeded V8's 512 MiB string limit and was written in sections. */
	sectioned?: boolean;
	/** Restart to ready: read + JSON.parse + lunr.Index.load (FTS5: opening the database). */
	loadS?: number;
	rssAfterLoadMb?: number;
	heapAfterLoadMb?: number;
	rssAfterQueriesMb?: number;
	latency?: Latencies;
	/** A single-record change with the current design: the whole index rebuilt and reloaded. */
	fullRebuildS?: number;
	/** A one-record delta index beside the main one: build + serialise + load. */
	deltaMs?: number;
	/** Share of build time spent in analysis (folding, stop words, Sastrawi) per document. */
	analyzeMsPerDoc?: number;
	docsDone?: number;
}

export interface SearchScenario {
	sizes: number[];
	queries: number;
	mix: Record<Kind, number>;
	/** Distinct word forms and stems of one document, to compare with the issue's 6,855 → 5,004. */
	perDoc: { tokens: number; forms: number; stems: number };
	runs: EngineRun[];
	limits: { seconds: number; rssGb: number };
}

// ---------------------------------------------------------------------------------------------
// Shared helpers

function rssOf(pid: number | 'self'): { rss: number; hwm: number } {
	const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
	const kb = (key: string) => Number(new RegExp(`${key}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
	return { rss: kb('VmRSS') / 1024, hwm: kb('VmHWM') / 1024 };
}

function latencies(times: { kind: Kind; ms: number; hits: number }[]): Latencies {
	const sorted = times.map((t) => t.ms).sort((a, b) => a - b);
	const byKind = {} as Latencies['byKind'];
	for (const kind of ['plain', 'prefix', 'typo', 'title'] as const) {
		const k = times
			.filter((t) => t.kind === kind)
			.map((t) => t.ms)
			.sort((a, b) => a - b);
		byKind[kind] = { n: k.length, p50: percentile(k, 50), p95: percentile(k, 95) };
	}
	return {
		p50: percentile(sorted, 50),
		p95: percentile(sorted, 95),
		p99: percentile(sorted, 99),
		max: sorted[sorted.length - 1],
		empty: times.filter((t) => t.hits === 0).length,
		byKind
	};
}

/** The one message a child sends: its figures. */
type Message = { type: 'result'; run: Partial<EngineRun> };

/** Sends to the parent; the returned promise settles once the message is written. */
function send(m: Message): Promise<void> {
	return new Promise((resolve) => {
		if (!process.send) resolve();
		else process.send(m, undefined, undefined, () => resolve());
	});
}

// ---------------------------------------------------------------------------------------------
// Children

/** The Lunr snapshot as production writes it (search/index.ts `loadSnapshot` reads this). */
interface Snapshot {
	format: number;
	fingerprint: string;
	builtAt: string;
	docs: number;
	index: SerializedIndex;
}

/** The fields of lunr.Index#toJSON that grow with the catalog. */
interface SerializedIndex {
	invertedIndex: unknown[];
	fieldVectors: unknown[];
	[key: string]: unknown;
}

/** Entries per line of a sectioned snapshot: each line stays far below V8's string limit. */
const SECTION = 20_000;

/**
 * Writes the snapshot. A single JSON string is what production does; beyond V8's 512 MiB string
 * limit that throws, and the snapshot is written as lines of sections instead (header, then
 * chunks of the inverted index and of the field vectors), which is the fix SEARCH-FACTS names.
 */
function writeSnapshot(file: string, snapshot: Snapshot): { bytes: number; sectioned: boolean } {
	try {
		const json = JSON.stringify(snapshot);
		fs.writeFileSync(file, json);
		return { bytes: fs.statSync(file).size, sectioned: false };
	} catch (err) {
		if (!(err instanceof RangeError)) throw err;
	}
	const { invertedIndex, fieldVectors, ...rest } = snapshot.index;
	const fd = fs.openSync(file, 'w');
	fs.writeSync(fd, `${JSON.stringify({ ...snapshot, index: rest, sectioned: true })}\n`);
	for (const [name, list] of [
		['invertedIndex', invertedIndex],
		['fieldVectors', fieldVectors]
	] as const) {
		for (let i = 0; i < list.length; i += SECTION)
			fs.writeSync(fd, `${JSON.stringify([name, list.slice(i, i + SECTION)])}\n`);
	}
	fs.closeSync(fd);
	return { bytes: fs.statSync(file).size, sectioned: true };
}

/** Reads a snapshot written by `writeSnapshot` and loads the Lunr index, as a restart does. */
function readSnapshot(file: string): lunr.Index {
	const buf = fs.readFileSync(file);
	const firstLine = buf.indexOf(10);
	if (firstLine < 0) return lunr.Index.load((JSON.parse(buf.toString('utf8')) as Snapshot).index);
	const head = JSON.parse(buf.subarray(0, firstLine).toString('utf8')) as Snapshot;
	const index: SerializedIndex = { ...head.index, invertedIndex: [], fieldVectors: [] };
	for (let start = firstLine + 1; start < buf.length;) {
		let end = buf.indexOf(10, start);
		if (end < 0) end = buf.length;
		const [name, chunk] = JSON.parse(buf.subarray(start, end).toString('utf8')) as [
			'invertedIndex' | 'fieldVectors',
			unknown[]
		];
		for (const entry of chunk) index[name].push(entry);
		start = end + 1;
	}
	return lunr.Index.load(index);
}

/** Gzipped size, streamed so a snapshot beyond the string limit can be measured too. */
async function gzipSize(file: string): Promise<number> {
	let bytes = 0;
	await new Promise<void>((resolve, reject) => {
		fs.createReadStream(file)
			.pipe(zlib.createGzip())
			.on('data', (c: Buffer) => (bytes += c.length))
			.on('end', resolve)
			.on('error', reject);
	});
	return bytes;
}

/**
 * Documents 1..n, with the time spent generating them kept apart from the build's. Progress goes
 * to stderr synchronously: the Lunr build never yields to the event loop, so an IPC message
 * would not leave before the build ends — and a build that is killed must say how far it got.
 */
function timedDocs(n: number, spent: { ms: number }, started: number): Generator<SyntheticDoc> {
	const label = `${process.env.BENCH_SEARCH_CHILD} ${n}`;
	return (function* () {
		for (let id = 1; id <= n; id++) {
			const t0 = performance.now();
			const doc = syntheticDoc(id);
			spent.ms += performance.now() - t0;
			yield doc;
			if (id % PROGRESS_EVERY === 0 || id === n) {
				const seconds = ((performance.now() - started) / 1000).toFixed(0);
				fs.writeSync(2, `  ${label}: ${id} documents in ${seconds} s\n`);
			}
		}
	})();
}

async function lunrBuildChild(n: number, dir: string): Promise<void> {
	const gen = { ms: 0 };
	const t0 = performance.now();
	const index = buildIndex(timedDocs(n, gen, t0));
	const buildS = (performance.now() - t0 - gen.ms) / 1000;
	fs.writeSync(
		2,
		`  lunr-build ${n}: phase: index built in ${buildS.toFixed(0)} s, writing snapshot\n`
	);
	const file = path.join(dir, `lunr-${n}.json`);
	const snap = writeSnapshot(file, {
		format: INDEX_FORMAT,
		fingerprint: 'bench',
		builtAt: new Date().toISOString(),
		docs: n,
		index: index.toJSON() as unknown as SerializedIndex
	});
	const buildPeakRssMb = rssOf('self').hwm;
	// A one-record change through a delta index: build it, serialise it, load it.
	const extra = syntheticDoc(n + 1);
	const d0 = performance.now();
	const delta = buildIndex([extra]);
	lunr.Index.load(JSON.parse(JSON.stringify(delta)) as object);
	const deltaMs = performance.now() - d0;
	// Analysis alone on a sample, to say where the build time goes.
	const sample = Array.from({ length: 10 }, (_, i) => syntheticDoc(n + 2 + i));
	const a0 = performance.now();
	for (const d of sample) analyzeDoc(d);
	const analyzeMsPerDoc = (performance.now() - a0) / sample.length;
	await send({
		type: 'result',
		run: {
			buildS,
			buildPeakRssMb,
			bytes: snap.bytes,
			gzipBytes: await gzipSize(file),
			sectioned: snap.sectioned,
			deltaMs,
			analyzeMsPerDoc,
			docsDone: n
		}
	});
}

/** Production's ranking of Lunr candidates: all words matched first, then score, then id. */
function rank(scored: Map<number, Scored>): number[] {
	return [...scored]
		.sort(
			([ia, a], [ib, b]) =>
				(ALL_TERMS_FIRST ? b.covered - a.covered || b.direct - a.direct : 0) ||
				b.score - a.score ||
				ib - ia
		)
		.slice(0, TOP)
		.map(([id]) => id);
}

function lunrParams(q: SyntheticQuery): SearchParams {
	return q.title ? { q: '', title: q.title } : { q: q.q };
}

async function lunrQueryChild(n: number, dir: string): Promise<void> {
	const t0 = performance.now();
	const index = readSnapshot(path.join(dir, `lunr-${n}.json`));
	const loadS = (performance.now() - t0) / 1000;
	// gc (the child runs with --expose-gc) so RSS is the index's, not the parser's garbage.
	(globalThis as { gc?: () => void }).gc?.();
	const rssAfterLoadMb = process.memoryUsage().rss / 2 ** 20;
	const heapAfterLoadMb = process.memoryUsage().heapUsed / 2 ** 20;
	const queries = syntheticQueries(QUERIES);
	for (const q of queries.slice(0, WARM_UP)) rank(lunrQuery(index, lunrParams(q)));
	const times = queries.map((q) => {
		const s = performance.now();
		const scored = lunrQuery(index, lunrParams(q));
		rank(scored);
		return { kind: q.kind, ms: performance.now() - s, hits: scored.size };
	});
	await send({
		type: 'result',
		run: {
			loadS,
			rssAfterLoadMb,
			heapAfterLoadMb,
			rssAfterQueriesMb: process.memoryUsage().rss / 2 ** 20,
			latency: latencies(times)
		}
	});
}

/**
 * The benchmark query in FTS5 syntax: each word quoted (so nothing is read as an operator),
 * words OR-ed like Lunr's optional clauses, `abc*` as an FTS5 prefix, title-scoped queries as a
 * column filter. FTS5 has no typo tolerance and no stemming: typos are searched as typed.
 */
export function toFts5(q: SyntheticQuery): string {
	const text = q.title ?? q.q;
	const terms = [...fold(text).matchAll(/([\p{L}\p{N}]+)(\*?)/gu)].map(
		(m) => `"${m[1]}"${m[2] && m[1].length >= 3 ? '*' : ''}`
	);
	const or = terms.join(' OR ');
	return q.title ? `title : (${or})` : or;
}

async function fts5Child(n: number, dir: string): Promise<void> {
	const file = path.join(dir, `fts5-${n}.sqlite`);
	const db = new SQLite(file);
	db.pragma('journal_mode = WAL');
	db.pragma('synchronous = NORMAL');
	db.exec(
		`create virtual table docs using fts5(title, authors, subjects, abstract, body, tokenize = 'unicode61 remove_diacritics 2')`
	);
	const insert = db.prepare(
		'insert into docs (rowid, title, authors, subjects, abstract, body) values (?, ?, ?, ?, ?, ?)'
	);
	const gen = { ms: 0 };
	const t0 = performance.now();
	const batch = db.transaction((docs: SyntheticDoc[]) => {
		for (const d of docs)
			insert.run(d.id, d.title, d.authors.join('; '), d.subjects.join('; '), d.abstract, d.body);
	});
	let pending: SyntheticDoc[] = [];
	for (const d of timedDocs(n, gen, t0)) {
		pending.push(d);
		if (pending.length === 100) {
			batch(pending);
			pending = [];
		}
	}
	batch(pending);
	db.exec(`insert into docs (docs) values ('optimize')`);
	db.pragma('wal_checkpoint(TRUNCATE)');
	const buildS = (performance.now() - t0 - gen.ms) / 1000;
	const buildPeakRssMb = rssOf('self').hwm;
	db.close();
	// One-record change: an FTS5 insert is searchable as soon as it commits.
	const l0 = performance.now();
	const ro = new SQLite(file);
	const search = ro.prepare(
		`select rowid from docs where docs match ? order by bm25(docs, 10, 5, 5, 2, 1) limit ${TOP}`
	);
	const loadS = (performance.now() - l0) / 1000;
	const rssAfterLoadMb = process.memoryUsage().rss / 2 ** 20;
	const queries = syntheticQueries(QUERIES);
	for (const q of queries.slice(0, WARM_UP)) search.all(toFts5(q));
	const times = queries.map((q) => {
		const s = performance.now();
		const rows = search.all(toFts5(q));
		return { kind: q.kind, ms: performance.now() - s, hits: rows.length };
	});
	const extra = syntheticDoc(n + 1);
	const d0 = performance.now();
	ro.prepare(
		'insert into docs (rowid, title, authors, subjects, abstract, body) values (?, ?, ?, ?, ?, ?)'
	).run(
		extra.id,
		extra.title,
		extra.authors.join('; '),
		extra.subjects.join('; '),
		extra.abstract,
		extra.body
	);
	const deltaMs = performance.now() - d0;
	ro.close();
	const bytes = fs.statSync(file).size;
	for (const f of [file, `${file}-wal`, `${file}-shm`]) fs.rmSync(f, { force: true });
	await send({
		type: 'result',
		run: {
			buildS,
			buildPeakRssMb,
			bytes,
			loadS,
			rssAfterLoadMb,
			rssAfterQueriesMb: process.memoryUsage().rss / 2 ** 20,
			latency: latencies(times),
			deltaMs,
			docsDone: n
		}
	});
}

// ---------------------------------------------------------------------------------------------
// The proposed design, measured apart from production: full text in an SQLite FTS5 table of
// the production analyzer's stems (so Indonesian stemming is kept), typo tolerance by expanding
// a word to the index's terms one edit away. Nothing here is on the production path.

/** Stems per distinct word form: the analyzer is costly per call, and forms repeat across a catalog. */
const formCache = new Map<string, string[]>();

/** The production analysis (`terms`) of a text, memoised per word form. */
function cachedTerms(text: string): string[] {
	const out: string[] = [];
	for (const token of tokenize(text)) {
		if (STOP_WORDS.has(token)) continue;
		let stems = formCache.get(token);
		if (!stems) {
			stems = terms(token, 'id');
			formCache.set(token, stems);
		}
		for (const st of stems) out.push(st);
	}
	return out;
}

const LETTERS = 'abcdefghijklmnopqrstuvwxyz';

/** Index terms one edit (delete, insert, substitute, transpose) away from a word. */
function oneEditAway(word: string, vocabulary: Set<string>): string[] {
	const found = new Set<string>();
	const check = (w: string) => {
		if (w !== word && vocabulary.has(w)) found.add(w);
	};
	for (let i = 0; i <= word.length; i++) {
		const head = word.slice(0, i);
		const tail = word.slice(i);
		if (tail) check(head + tail.slice(1));
		if (tail.length > 1) check(head + tail[1] + tail[0] + tail.slice(2));
		for (const c of LETTERS) {
			check(head + c + tail);
			if (tail) check(head + c + tail.slice(1));
		}
	}
	return [...found];
}

/**
 * A benchmark query against the stem table: stems OR-ed, prefixes, and — for a word of 5–24
 * letters that is not itself an index term — the terms one edit away (Lunr adds its fuzzy
 * clause for every such word; expanding only unknown words keeps the OR list short).
 */
function toStemFts5(q: SyntheticQuery, vocabulary: Set<string>): string {
	const parts: string[] = [];
	for (const { word, prefix } of words(q.title ?? q.q)) {
		if (STOP_WORDS.has(word) && !prefix) continue;
		if (prefix) {
			parts.push(`"${word}"*`);
			continue;
		}
		for (const st of queryStems(word)) {
			parts.push(`"${st}"`);
			if (st.length >= FUZZY_MIN_LENGTH && st.length <= FUZZY_MAX_LENGTH && !vocabulary.has(st))
				for (const near of oneEditAway(st, vocabulary)) parts.push(`"${near}"`);
		}
	}
	if (parts.length === 0) return '""';
	const or = parts.join(' OR ');
	return q.title ? `title : (${or})` : or;
}

const STEM_COLUMNS = 'rowid, title, authors, subjects, abstract, body';

function insertStems(stmt: SQLite.Statement, d: SyntheticDoc): void {
	const t = (s: string | null) => (s ? cachedTerms(s).join(' ') : '');
	stmt.run(
		d.id,
		t(d.title),
		t(d.authors.join(' ')),
		t(d.subjects.join(' ')),
		t(d.abstract),
		[...new Set(cachedTerms(d.body))].join(' ')
	);
}

async function proposalChild(n: number, dir: string): Promise<void> {
	const file = path.join(dir, `proposal-${n}.sqlite`);
	const db = new SQLite(file);
	db.pragma('journal_mode = WAL');
	db.pragma('synchronous = NORMAL');
	// Prefix indexes for the 3–5 letters people type before `*` (MIN_PREFIX is 3).
	db.exec(
		`create virtual table docs using fts5(title, authors, subjects, abstract, body, tokenize = 'unicode61 remove_diacritics 2', prefix = '3 4 5');
		 create virtual table vocab using fts5vocab(docs, 'row');`
	);
	const insert = db.prepare(`insert into docs (${STEM_COLUMNS}) values (?, ?, ?, ?, ?, ?)`);
	const gen = { ms: 0 };
	const t0 = performance.now();
	let pending: SyntheticDoc[] = [];
	const batch = db.transaction((docs: SyntheticDoc[]) => {
		for (const d of docs) insertStems(insert, d);
	});
	for (const d of timedDocs(n, gen, t0)) {
		pending.push(d);
		if (pending.length === 100) {
			batch(pending);
			pending = [];
		}
	}
	batch(pending);
	db.exec(`insert into docs (docs) values ('optimize')`);
	db.pragma('wal_checkpoint(TRUNCATE)');
	const buildS = (performance.now() - t0 - gen.ms) / 1000;
	const buildPeakRssMb = rssOf('self').hwm;
	db.close();
	formCache.clear();
	(globalThis as { gc?: () => void }).gc?.();
	// Ready to serve: open the database and load the term list used for typo expansion.
	const l0 = performance.now();
	const ro = new SQLite(file);
	const vocabulary = new Set(
		(ro.prepare('select term from vocab').all() as { term: string }[]).map((r) => r.term)
	);
	const search = ro.prepare(
		`select rowid from docs where docs match ? order by bm25(docs, 10, 5, 5, 2, 1) limit ${TOP}`
	);
	const loadS = (performance.now() - l0) / 1000;
	const rssAfterLoadMb = process.memoryUsage().rss / 2 ** 20;
	const queries = syntheticQueries(QUERIES);
	for (const q of queries.slice(0, WARM_UP)) search.all(toStemFts5(q, vocabulary));
	const times = queries.map((q) => {
		const s = performance.now();
		const rows = search.all(toStemFts5(q, vocabulary));
		return { kind: q.kind, ms: performance.now() - s, hits: rows.length };
	});
	// One changed record: analysed (cold form cache) and inserted; searchable at commit.
	const d0 = performance.now();
	insertStems(
		ro.prepare(`insert into docs (${STEM_COLUMNS}) values (?, ?, ?, ?, ?, ?)`),
		syntheticDoc(n + 1)
	);
	const deltaMs = performance.now() - d0;
	ro.close();
	const bytes = fs.statSync(file).size;
	for (const f of [file, `${file}-wal`, `${file}-shm`]) fs.rmSync(f, { force: true });
	await send({
		type: 'result',
		run: {
			buildS,
			buildPeakRssMb,
			bytes,
			loadS,
			rssAfterLoadMb,
			rssAfterQueriesMb: process.memoryUsage().rss / 2 ** 20,
			latency: latencies(times),
			deltaMs,
			docsDone: n
		}
	});
}

// ---------------------------------------------------------------------------------------------
// Parent

interface ChildOutcome {
	run: Partial<EngineRun> | null;
	failure?: string;
	peakRssMb: number;
	docs: number;
	seconds: number;
}

/** Runs one child phase under the time and RSS limits; on failure says where it stopped. */
function child(mode: string, n: number, dir: string): Promise<ChildOutcome> {
	return new Promise((resolve) => {
		const started = performance.now();
		const proc = spawn(
			process.execPath,
			[`--max-old-space-size=${HEAP_MB}`, '--expose-gc', '--import', 'tsx', SELF],
			{
				cwd: ROOT,
				env: {
					...process.env,
					BENCH_SEARCH_CHILD: mode,
					BENCH_SEARCH_N: String(n),
					BENCH_SEARCH_DIR: dir
				},
				stdio: ['ignore', 'inherit', 'pipe', 'ipc']
			}
		);
		let run: Partial<EngineRun> | null = null;
		let docs = 0;
		let peakRssMb = 0;
		let killed: string | null = null;
		let stderr = '';
		proc.stderr?.on('data', (c: Buffer) => {
			process.stderr.write(c);
			stderr = (stderr + c.toString()).slice(-4000);
			const progress = [...stderr.matchAll(/: (\d+) documents in/g)].pop();
			if (progress) docs = Number(progress[1]);
		});
		proc.on('message', (m: Message) => {
			run = m.run;
		});
		const poll = setInterval(() => {
			try {
				const { rss, hwm } = rssOf(proc.pid!);
				peakRssMb = Math.max(peakRssMb, hwm, rss);
				if (rss > RSS_LIMIT_GB * 1024 && !killed) {
					killed = `RSS above ${RSS_LIMIT_GB} GB`;
					proc.kill('SIGKILL');
				}
			} catch {
				// The child has just exited.
			}
			if ((performance.now() - started) / 1000 > LIMIT_S && !killed) {
				killed = `time limit of ${LIMIT_S} s`;
				proc.kill('SIGKILL');
			}
		}, 250);
		proc.on('exit', (code, signal) => {
			clearInterval(poll);
			const seconds = (performance.now() - started) / 1000;
			if (run && !killed) return resolve({ run, peakRssMb, docs, seconds });
			const oom = /heap out of memory|Invalid string length|RangeError[^\n]*/.exec(stderr)?.[0];
			const reason = killed ?? oom ?? `exit ${code ?? signal}`;
			// All documents added but no result: Lunr's final build() or the snapshot ran out.
			const phase = /phase: ([^\n]*)/.exec(stderr)?.[1] ?? (docs === n ? 'in builder.build()' : '');
			resolve({
				run: null,
				failure: `did not finish: ${reason} after ${docs} of ${n} documents${phase ? ` (${phase})` : ''}, ${seconds.toFixed(0)} s, peak RSS ${(peakRssMb / 1024).toFixed(1)} GB`,
				peakRssMb,
				docs,
				seconds
			});
		});
	});
}

/** An FTS5 table (raw text, or the proposal's stems): one child builds, loads and queries. */
async function fts5Run(engine: 'fts5' | 'proposal', n: number, dir: string): Promise<EngineRun> {
	console.log(`  ${engine} ${n}: building`);
	const f = await child(engine, n, dir);
	return { engine, size: n, finished: !!f.run, failure: f.failure, ...f.run };
}

/** Lunr: one child builds and writes the snapshot, a fresh one loads it and queries. */
async function lunrRun(n: number, dir: string): Promise<EngineRun> {
	console.log(`  lunr ${n}: building`);
	const b = await child('lunr-build', n, dir);
	const run: EngineRun = {
		engine: 'lunr',
		size: n,
		finished: false,
		...b.run,
		docsDone: b.run ? n : b.docs,
		buildPeakRssMb: b.run?.buildPeakRssMb ?? b.peakRssMb
	};
	if (!b.run) run.failure = b.failure;
	else {
		const q = await child('lunr-query', n, dir);
		if (q.run) {
			Object.assign(run, q.run, { finished: true });
			run.fullRebuildS = (run.buildS ?? 0) + (run.loadS ?? 0);
		} else run.failure = q.failure?.replace('did not finish', 'load/query did not finish');
	}
	fs.rmSync(path.join(dir, `lunr-${n}.json`), { force: true });
	return run;
}

/** Tokens, distinct forms and distinct stems of one synthetic document. */
function perDoc(): SearchScenario['perDoc'] {
	const d = syntheticDoc(1);
	const tokens = fold(d.body).match(/[\p{L}\p{N}]+(?:-[\p{L}\p{N}]+)*/gu) ?? [];
	const stems = analyzeDoc(d).body.split(' ');
	return { tokens: tokens.length, forms: new Set(tokens).size, stems: stems.length };
}

/**
 * Lunr and FTS5 at each size of BENCH_SEARCH_SIZES: build, snapshot, load, RSS, query
 * latencies, and the cost of making one changed record searchable. Phases that exceed
 * BENCH_SEARCH_LIMIT_S or BENCH_SEARCH_RSS_GB are reported as not finished, with their figures.
 */
export async function searchScenario(): Promise<SearchScenario> {
	const sizes = (process.env.BENCH_SEARCH_SIZES || '1000,5000')
		.split(',')
		.map((s) => Number(s.trim()))
		.filter((s) => Number.isInteger(s) && s > 0);
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'djkn-bench-search-'));
	const queries = syntheticQueries(QUERIES);
	const mix = { plain: 0, prefix: 0, typo: 0, title: 0 };
	for (const q of queries) mix[q.kind]++;
	const engines = (process.env.BENCH_SEARCH_ENGINES || 'fts5,lunr,proposal').split(',');
	const runs: EngineRun[] = [];
	try {
		for (const n of sizes) {
			// FTS5 first: it is bounded, and its figures are wanted even if Lunr does not finish.
			if (engines.includes('fts5')) runs.push(await fts5Run('fts5', n, dir));
			if (engines.includes('lunr')) runs.push(await lunrRun(n, dir));
			if (engines.includes('proposal')) runs.push(await fts5Run('proposal', n, dir));
		}
	} finally {
		fs.rmSync(dir, { recursive: true, force: true });
	}
	return {
		sizes,
		queries: QUERIES,
		mix,
		perDoc: perDoc(),
		runs,
		limits: { seconds: LIMIT_S, rssGb: RSS_LIMIT_GB }
	};
}

const mb = (bytes?: number) => (bytes === undefined ? '—' : `${(bytes / 2 ** 20).toFixed(0)}`);
const num = (v: number | undefined, d = 1) => (v === undefined ? '—' : v.toFixed(d));

/** The scenario as markdown lines: one row per engine and size, then the Lunr/FTS5 ratios. */
export function searchTable(r: SearchScenario): string[] {
	const out = [
		`| engine | publications | build s | build peak RSS MB | snapshot / DB MB (gzip) | load s | RSS after load MB | p50 ms | p95 ms | p99 ms | 1-record change: rebuild s / delta ms |`,
		`|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|`
	];
	for (const x of r.runs) {
		const size = `${mb(x.bytes)}${x.gzipBytes ? ` (${mb(x.gzipBytes)})` : ''}${x.sectioned ? ' sectioned' : ''}`;
		const change =
			x.engine === 'fts5' ? `— / ${num(x.deltaMs)}` : `${num(x.fullRebuildS)} / ${num(x.deltaMs)}`;
		out.push(
			`| ${x.engine} | ${x.size} | ${num(x.buildS)} | ${num(x.buildPeakRssMb, 0)} | ${size} | ${num(x.loadS, 2)} | ${num(x.rssAfterLoadMb, 0)} | ${num(x.latency?.p50)} | ${num(x.latency?.p95)} | ${num(x.latency?.p99)} | ${change} |`
		);
		if (x.failure) out.push(`| ${x.engine} | ${x.size} | ${x.failure} ||||||||||`);
	}
	out.push(
		'',
		'| publications | Lunr/FTS5 build | p50 | p95 | p99 |',
		'|---:|---:|---:|---:|---:|'
	);
	for (const n of r.sizes) {
		const l = r.runs.find((x) => x.engine === 'lunr' && x.size === n);
		const f = r.runs.find((x) => x.engine === 'fts5' && x.size === n);
		const ratio = (a?: number, b?: number) => (a && b ? `${(a / b).toFixed(1)}×` : '—');
		out.push(
			`| ${n} | ${ratio(l?.buildS, f?.buildS)} | ${ratio(l?.latency?.p50, f?.latency?.p50)} | ${ratio(l?.latency?.p95, f?.latency?.p95)} | ${ratio(l?.latency?.p99, f?.latency?.p99)} |`
		);
	}
	out.push(
		'',
		'| engine | publications | plain p95 | prefix p95 | typo p95 | title p95 | empty results |',
		'|---|---:|---:|---:|---:|---:|---:|'
	);
	for (const x of r.runs) {
		const k = x.latency?.byKind;
		if (!k) continue;
		out.push(
			`| ${x.engine} | ${x.size} | ${num(k.plain.p95)} | ${num(k.prefix.p95)} | ${num(k.typo.p95)} | ${num(k.title.p95)} | ${x.latency?.empty} |`
		);
	}
	out.push(
		'',
		`| engine | publications | p95 ≤ ${TARGETS.p95Ms} ms | ready ≤ ${TARGETS.readyS} s | RSS ≤ ${TARGETS.rssGb} GB | change searchable ≤ ${TARGETS.changeS} s (rebuild / delta) |`,
		'|---|---:|---|---|---|---|'
	);
	const verdict = (v: number | undefined, limit: number) =>
		v === undefined ? 'not reached' : v <= limit ? 'met' : 'MISSED';
	for (const x of r.runs) {
		const rebuild = x.engine === 'lunr' ? verdict(x.fullRebuildS, TARGETS.changeS) : '—';
		const delta = verdict(x.deltaMs === undefined ? undefined : x.deltaMs / 1000, TARGETS.changeS);
		out.push(
			`| ${x.engine} | ${x.size} | ${verdict(x.latency?.p95, TARGETS.p95Ms)} | ${verdict(x.loadS, TARGETS.readyS)} | ${verdict(x.finished ? x.rssAfterQueriesMb : undefined, TARGETS.rssGb * 1024)} | ${rebuild} / ${delta} |`
		);
	}
	return out;
}

// ---------------------------------------------------------------------------------------------
// Child entry point

const mode = process.env.BENCH_SEARCH_CHILD;
if (mode) {
	const n = Number(process.env.BENCH_SEARCH_N);
	const dir = process.env.BENCH_SEARCH_DIR!;
	if (mode === 'lunr-build') await lunrBuildChild(n, dir);
	else if (mode === 'lunr-query') await lunrQueryChild(n, dir);
	else if (mode === 'fts5') await fts5Child(n, dir);
	else if (mode === 'proposal') await proposalChild(n, dir);
	process.disconnect?.();
}
