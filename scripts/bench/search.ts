// The `search` benchmark scenario: the application's search code, end to end (`production`),
// against SQLite FTS5 (unicode61) as the reference, over the same synthetic Indonesian-like
// publications and the same 1,000 queries, at each catalog size of BENCH_SEARCH_SIZES (default
// 1000,5000). Engines: BENCH_SEARCH_ENGINES (default `fts5,production`; `lunr` is selectable).
//
// - `production`: a real DATA_DIR, migrated by the application, filled with N publications (rows,
//   authors, subjects, a current file and its page texts) straight through SQL; then the search
//   module's own `rebuild()`, restart (`init()` until `status()` is ready), `search()` as the
//   routes call it (policy filtering, facets, snippets, page hits, spelling hints included), and a
//   one-record change found by `search()`. Populating is timed apart from building.
// - `fts5`: the reference — raw text in one FTS5 table, bm25, no stemming, no typo tolerance.
// - `lunr`: `buildIndex`/`lunrQuery` of src/lib/server/search, as standalone code, when the tree
//   still has them (the all-Lunr design: more than 20 minutes at 1,000, does not finish at 5,000).
//
// Every phase runs in a child process of its own, so the RSS reported is that of one index and a
// build that exhausts memory kills only its child. The parent polls the child's /proc status,
// enforces the time and RSS limits, and reports a phase that does not finish with the figures it
// reached. The same file is the child: BENCH_SEARCH_CHILD selects what it does.
import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import zlib from 'node:zlib';
import SQLite from 'better-sqlite3';
import lunr from 'lunr';
import type { Viewer } from '../../src/lib/server/access.ts';
import type { SearchParams } from '../../src/lib/server/search/index.ts';
import { percentile } from './load.ts';
import {
	syntheticDoc,
	syntheticQueries,
	type SyntheticDoc,
	type SyntheticQuery
} from './synthetic.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const SELF = path.join(import.meta.dirname, 'search.ts');
/** Results a search page shows: what every engine is asked for. */
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
/**
 * Seconds `production` spends on the timed queries at most: past it the remaining queries are
 * skipped and the percentiles are those of the queries run (a prefix of the fixed mix).
 */
const QUERY_BUDGET_S = Number(process.env.BENCH_SEARCH_QUERY_BUDGET_S || 600);
/** How long `production` waits for a changed record to become searchable. */
const CHANGE_WAIT_S = Number(process.env.BENCH_SEARCH_CHANGE_WAIT_S || 120);
/** Progress messages while generating documents, for the figures of a phase that does not finish. */
const PROGRESS_EVERY = 250;
/** Publications written per transaction when populating the catalog. */
const POPULATE_BATCH = 50;
/** Words no synthetic text contains, put into one changed record's body to find it by. */
const MARK_NOTIFIED = 'zzbenchuniq';
const MARK_TIMER = 'zzbenchtimer';
/** The viewer of the benchmark queries: an employee sees public and internal records. */
const VIEWER: Viewer = { id: 1, role: 'employee' };

/** The issue's targets at 5,000 publications. */
export const TARGETS = { size: 5000, p95Ms: 50, readyS: 5, rssGb: 2, changeS: 10 };

type Kind = SyntheticQuery['kind'];
type Engine = 'fts5' | 'production' | 'lunr';

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
	engine: Engine;
	size: number;
	finished: boolean;
	/** Why and where a phase stopped: "did not finish: <reason> after <figures>". */
	failure?: string;
	/** production: writing the synthetic catalog into the application's database (not build). */
	populateS?: number;
	/** production: of populateS, generating the synthetic text. */
	generateS?: number;
	/** production: the database file after populating, before any index. */
	catalogBytes?: number;
	/** Building the index, without generating (or, for production, populating) the text. */
	buildS?: number;
	/** Peak RSS of the building process (VmHWM); production: the worker thread included. */
	buildPeakRssMb?: number;
	/** On disk: lunr the snapshot; fts5 the database file; production snapshot + search tables. */
	bytes?: number;
	gzipBytes?: number;
	/** production: DATA_DIR/search/index.json (the Lunr snapshot). */
	snapshotBytes?: number;
	/** production: pages of the database's `search*` tables and indexes (dbstat). */
	searchTablesBytes?: number;
	/** production: used database pages after the build minus before. */
	dbGrowthBytes?: number;
	/** lunr: JSON.parse + Index.load; fts5: opening the database; production: init() to ready. */
	loadS?: number;
	/** production: from the process starting (node, imports, migrations check, init) to ready. */
	processReadyS?: number;
	rssAfterLoadMb?: number;
	heapAfterLoadMb?: number;
	rssAfterQueriesMb?: number;
	/** production: peak RSS of the serving process (load, queries, one-record changes). */
	servePeakRssMb?: number;
	/** production: queries run (fewer than `queries` when BENCH_SEARCH_QUERY_BUDGET_S ran out). */
	queriesRun?: number;
	/** production: queries whose `search()` threw (a failed request), left out of the latencies. */
	queryErrors?: number;
	firstQueryError?: string;
	/** production: records the index reports after restart. */
	indexedDocs?: number;
	latency?: Latencies;
	/** lunr: a single-record change with the all-Lunr design: the whole index rebuilt and reloaded. */
	fullRebuildS?: number;
	/** lunr: a one-record delta index (build + serialise + load); fts5: one insert committed. */
	deltaMs?: number;
	/** production: commit of a new record to `search()` finding it, after `checkFreshness()`. */
	changeS?: number;
	/** production: the same with no notification: the module's own periodic check finds it. */
	changeTimerS?: number;
	docsDone?: number;
	/** production: wall-clock seconds of each child (populate, build, serve). */
	wallS?: Record<string, number>;
}

export interface SearchScenario {
	sizes: number[];
	engines: Engine[];
	queries: number;
	mix: Record<Kind, number>;
	/** Words, distinct forms and distinct stems of one document (stems absent if not computable). */
	perDoc: { tokens: number; forms: number; stems?: number };
	runs: EngineRun[];
	limits: { seconds: number; rssGb: number; changeWaitS: number; queryBudgetS: number };
}

// ---------------------------------------------------------------------------------------------
// Shared helpers

function rssOf(pid: number | 'self'): { rss: number; hwm: number } {
	const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
	const kb = (key: string) => Number(new RegExp(`${key}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
	return { rss: kb('VmRSS') / 1024, hwm: kb('VmHWM') / 1024 };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const gc = () => (globalThis as { gc?: () => void }).gc?.();
const mbOf = (bytes: number) => bytes / 2 ** 20;

/** Unicode folding as the application's analyzer does it (NFKD, no diacritics, lower case). */
function fold(text: string): string {
	return text
		.normalize('NFKD')
		.replace(/[\u0300-\u036f]/g, '')
		.toLowerCase();
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

/** A line on stderr, written synchronously (a busy event loop must not hold it back). */
function say(line: string): void {
	fs.writeSync(2, `  ${process.env.BENCH_SEARCH_CHILD} ${process.env.BENCH_SEARCH_N}: ${line}\n`);
}

/**
 * Documents 1..n, with the time spent generating them kept apart from the build's. Progress goes
 * to stderr synchronously: the Lunr build never yields to the event loop, so an IPC message
 * would not leave before the build ends — and a build that is killed must say how far it got.
 */
function timedDocs(n: number, spent: { ms: number }, started: number): Generator<SyntheticDoc> {
	return (function* () {
		for (let id = 1; id <= n; id++) {
			const t0 = performance.now();
			const doc = syntheticDoc(id);
			spent.ms += performance.now() - t0;
			yield doc;
			if (id % PROGRESS_EVERY === 0 || id === n)
				say(`${id} documents in ${((performance.now() - started) / 1000).toFixed(0)} s`);
		}
	})();
}

/** A benchmark query as the search page passes it: free text, or words scoped to the title. */
function searchParams(q: SyntheticQuery): SearchParams {
	return q.title ? { q: '', title: q.title, pageSize: TOP } : { q: q.q, pageSize: TOP };
}

// ---------------------------------------------------------------------------------------------
// production: the application's own code on a real DATA_DIR

/** The application modules, imported once DATA_DIR is set (configuration is read lazily). */
async function app() {
	const { config } = await import('../../src/lib/server/config.ts');
	const db = await import('../../src/lib/server/db/index.ts');
	const search = await import('../../src/lib/server/search/index.ts');
	return { config, db, search };
}

const TYPES = ['book', 'report', 'regulation', 'article', 'magazine_issue', 'other'] as const;

/** The pages of a synthetic body (joined by form feeds, as the importer stores a PDF's text). */
function pagesOf(d: SyntheticDoc): string[] {
	return d.body.split('\n\f');
}

/** A synthetic document with `word` put into the text of its third page. */
function withWord(d: SyntheticDoc, word: string): SyntheticDoc {
	const pages = pagesOf(d);
	const i = Math.min(2, pages.length - 1);
	pages[i] = pages[i].replace(' ', ` ${word} `);
	return { ...d, body: pages.join('\n\f') };
}

/**
 * Writes synthetic publications into the application's schema, as cataloguing and the importer
 * would leave them: the record (published; one in ten internal), its authors and subjects, its
 * current file and the text of every page. Straight SQL, in one transaction per call.
 */
function catalogWriter(file: string) {
	const db = new SQLite(file);
	db.pragma('journal_mode = WAL');
	db.pragma('foreign_keys = ON');
	db.pragma('busy_timeout = 5000');
	db.pragma('synchronous = NORMAL');
	const publication = db.prepare(
		`insert into publications (id, type, title, subtitle, year, language, abstract, access, status, published_at)
		 values (?, ?, ?, ?, ?, ?, ?, ?, 'published', ?)`
	);
	const author = db.prepare(
		'insert into publication_authors (publication_id, position, name) values (?, ?, ?)'
	);
	const subject = db.prepare(
		'insert into subjects (name, name_key) values (?, ?) on conflict (name_key) do nothing'
	);
	const subjectId = db.prepare('select id from subjects where name_key = ?').pluck();
	const publicationSubject = db.prepare(
		'insert into publication_subjects (publication_id, subject_id, position) values (?, ?, ?)'
	);
	const fileRow = db.prepare(
		`insert into files (publication_id, version, is_current, sha256, bytes, pages, has_text_layer, storage_key, original_name)
		 values (?, 1, 1, ?, ?, ?, 1, ?, ?)`
	);
	const page = db.prepare('insert into page_texts (file_id, page, text) values (?, ?, ?)');
	const subjects = new Map<string, number>();
	const insert = db.transaction((docs: SyntheticDoc[]) => {
		const now = new Date().toISOString();
		for (const d of docs) {
			publication.run(
				d.id,
				TYPES[d.id % TYPES.length],
				d.title,
				d.subtitle,
				1995 + (d.id % 31),
				d.language,
				d.abstract,
				d.id % 10 === 0 ? 'internal' : 'public',
				now
			);
			d.authors.forEach((name, i) => author.run(d.id, i, name));
			d.subjects.forEach((name, i) => {
				const key = name.trim().toLowerCase();
				let id = subjects.get(key);
				if (id === undefined) {
					subject.run(name, key);
					id = subjectId.get(key) as number;
					subjects.set(key, id);
				}
				publicationSubject.run(d.id, id, i);
			});
			const pages = pagesOf(d);
			const sha = crypto.createHash('sha256').update(`bench-${d.id}`).digest('hex');
			const { lastInsertRowid } = fileRow.run(
				d.id,
				sha,
				Buffer.byteLength(d.body),
				pages.length,
				`bench/${sha}.pdf`,
				`bench-${d.id}.pdf`
			);
			pages.forEach((text, i) => page.run(lastInsertRowid, i + 1, text));
		}
	});
	return { db, insert };
}

/**
 * What the search index occupies: the files under DATA_DIR/search (the Lunr snapshot), the
 * pages of the database's `search*` tables and their indexes (dbstat), and the database's used
 * pages overall (to compare before and after a build).
 */
function footprint(dataDir: string, databaseFile: string) {
	const searchDir = path.join(dataDir, 'search');
	const snapshot = path.join(searchDir, 'index.json');
	const snapshotBytes = fs.existsSync(snapshot) ? fs.statSync(snapshot).size : 0;
	const db = new SQLite(databaseFile, { readonly: true, fileMustExist: true });
	try {
		const pageSize = db.pragma('page_size', { simple: true }) as number;
		const used =
			((db.pragma('page_count', { simple: true }) as number) -
				(db.pragma('freelist_count', { simple: true }) as number)) *
			pageSize;
		let tables: number | undefined;
		try {
			const names = db
				.prepare(
					`select name from sqlite_schema where type in ('table', 'index') and tbl_name like 'search%'`
				)
				.pluck()
				.all() as string[];
			const pages = db
				.prepare('select coalesce(sum(pgsize), 0) from dbstat where name = ?')
				.pluck();
			tables = names.reduce((sum, name) => sum + (pages.get(name) as number), 0);
		} catch {
			tables = undefined; // SQLite built without the dbstat virtual table
		}
		return { snapshotBytes, searchTablesBytes: tables, usedBytes: used };
	} finally {
		db.close();
	}
}

/** Child: a migrated DATA_DIR filled with publications 1..n (not part of the build time). */
async function populateChild(n: number): Promise<void> {
	const { config, db } = await app();
	await db.getDb(); // applies the migrations, as the server does at start
	await db.closeDb();
	const writer = catalogWriter(config.databaseFile);
	const gen = { ms: 0 };
	const t0 = performance.now();
	let pending: SyntheticDoc[] = [];
	for (const d of timedDocs(n, gen, t0)) {
		pending.push(d);
		if (pending.length === POPULATE_BATCH) {
			writer.insert(pending);
			pending = [];
		}
	}
	writer.insert(pending);
	writer.db.pragma('wal_checkpoint(TRUNCATE)');
	writer.db.close();
	await send({
		type: 'result',
		run: {
			populateS: (performance.now() - t0) / 1000,
			generateS: gen.ms / 1000,
			catalogBytes: fs.statSync(config.databaseFile).size
		}
	});
}

/** Child: the search module's own full build, `rebuild()` until `idle()`. */
async function buildChild(n: number): Promise<void> {
	const { config, db, search } = await app();
	await db.getDb();
	const before = footprint(config.dataDir, config.databaseFile);
	say('phase: rebuild() running');
	const t0 = performance.now();
	const beat = setInterval(
		() =>
			say(
				`rebuild() running, ${((performance.now() - t0) / 1000).toFixed(0)} s, RSS ${rssOf('self').rss.toFixed(0)} MB`
			),
		30_000
	);
	search.rebuild();
	await search.idle();
	const buildS = (performance.now() - t0) / 1000;
	clearInterval(beat);
	const buildPeakRssMb = rssOf('self').hwm;
	const st = search.status();
	if (st.error) throw new Error(`rebuild failed: ${st.error.split('\n')[0]}`);
	if (st.docs !== n) say(`warning: the index reports ${st.docs} records, ${n} expected`);
	const after = footprint(config.dataDir, config.databaseFile);
	const tables = after.searchTablesBytes;
	const dbGrowthBytes = after.usedBytes - before.usedBytes;
	await send({
		type: 'result',
		run: {
			buildS,
			buildPeakRssMb,
			snapshotBytes: after.snapshotBytes,
			searchTablesBytes: tables,
			dbGrowthBytes,
			bytes: after.snapshotBytes + (tables ?? Math.max(0, dbGrowthBytes)),
			docsDone: st.docs
		}
	});
}

/**
 * Child: a restart (the process starts, migrations are checked, `init()` loads the index) until
 * `status()` says ready; the 1,000 queries through `search()`; then two one-record changes
 * written by SQL — one announced with `checkFreshness()` (what an in-process change triggers),
 * one left to the module's periodic check (a change by another process, such as the import CLI).
 */
async function serveChild(n: number): Promise<void> {
	const { config, db: dbModule, search } = await app();
	const db = await dbModule.getDb();
	const i0 = performance.now();
	await search.init();
	while (search.status().status !== 'ready') {
		if ((performance.now() - i0) / 1000 > LIMIT_S)
			throw new Error(`not ready after ${LIMIT_S} s: ${JSON.stringify(search.status())}`);
		await sleep(10);
	}
	const ready = performance.now();
	// performance.now() counts from the process's start.
	const processReadyS = ready / 1000;
	const loadS = (ready - i0) / 1000;
	const indexedDocs = search.status().docs;
	gc();
	const rssAfterLoadMb = mbOf(process.memoryUsage().rss);
	const heapAfterLoadMb = mbOf(process.memoryUsage().heapUsed);
	say(`ready in ${loadS.toFixed(2)} s (${processReadyS.toFixed(2)} s from process start)`);

	const queries = syntheticQueries(QUERIES);
	// A query that throws is a failed request: counted and reported, not timed, not fatal.
	const errors: { query: string; message: string }[] = [];
	const ask = async (q: SyntheticQuery) => {
		try {
			return await search.search(db, VIEWER, searchParams(q));
		} catch (err) {
			errors.push({ query: JSON.stringify(searchParams(q)), message: String(err) });
			return null;
		}
	};
	for (const q of queries.slice(0, WARM_UP)) await ask(q);
	errors.length = 0;
	const times: { kind: Kind; ms: number; hits: number }[] = [];
	const q0 = performance.now();
	for (const [i, q] of queries.entries()) {
		const s = performance.now();
		const r = await ask(q);
		if (r) times.push({ kind: q.kind, ms: performance.now() - s, hits: r.total });
		const spent = (performance.now() - q0) / 1000;
		if ((i + 1) % 250 === 0) say(`${i + 1} queries in ${spent.toFixed(1)} s`);
		if (spent > QUERY_BUDGET_S && i + 1 < queries.length) {
			say(`query budget of ${QUERY_BUDGET_S} s spent after ${i + 1} queries; the rest skipped`);
			break;
		}
	}
	const queriesRun = times.length + errors.length;
	const rssAfterQueriesMb = mbOf(process.memoryUsage().rss);
	if (errors.length)
		say(`${errors.length} queries failed, first: ${errors[0].query}: ${errors[0].message}`);
	say('one-record changes');

	/** Seconds from now until `search()` finds record `id` by `word`; undefined past the wait. */
	const found = async (id: number, word: string): Promise<number | undefined> => {
		const t0 = performance.now();
		while ((performance.now() - t0) / 1000 < CHANGE_WAIT_S) {
			const r = await search.search(db, VIEWER, { q: word, pageSize: TOP }).catch(() => null);
			if (r?.hits.some((h) => h.id === id)) return (performance.now() - t0) / 1000;
			await sleep(20);
		}
		return undefined;
	};
	const writer = catalogWriter(config.databaseFile);
	writer.insert([withWord(syntheticDoc(n + 1), MARK_NOTIFIED)]);
	await search.checkFreshness();
	const changeS = await found(n + 1, MARK_NOTIFIED);
	await search.idle();
	writer.insert([withWord(syntheticDoc(n + 2), MARK_TIMER)]);
	const changeTimerS = await found(n + 2, MARK_TIMER);
	writer.db.close();
	await send({
		type: 'result',
		run: {
			loadS,
			processReadyS,
			indexedDocs,
			rssAfterLoadMb,
			heapAfterLoadMb,
			rssAfterQueriesMb,
			servePeakRssMb: rssOf('self').hwm,
			latency: latencies(times),
			queriesRun,
			queryErrors: errors.length,
			firstQueryError: errors[0] && `${errors[0].query}: ${errors[0].message}`,
			changeS,
			changeTimerS
		}
	});
}

// ---------------------------------------------------------------------------------------------
// fts5: the reference

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
	const row = (d: SyntheticDoc) =>
		[d.id, d.title, d.authors.join('; '), d.subjects.join('; '), d.abstract, d.body] as const;
	const gen = { ms: 0 };
	const t0 = performance.now();
	const batch = db.transaction((docs: SyntheticDoc[]) => {
		for (const d of docs) insert.run(...row(d));
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
	const l0 = performance.now();
	const ro = new SQLite(file);
	const search = ro.prepare(
		`select rowid from docs where docs match ? order by bm25(docs, 10, 5, 5, 2, 1) limit ${TOP}`
	);
	const loadS = (performance.now() - l0) / 1000;
	const rssAfterLoadMb = mbOf(process.memoryUsage().rss);
	const queries = syntheticQueries(QUERIES);
	for (const q of queries.slice(0, WARM_UP)) search.all(toFts5(q));
	const times = queries.map((q) => {
		const s = performance.now();
		const rows = search.all(toFts5(q));
		return { kind: q.kind, ms: performance.now() - s, hits: rows.length };
	});
	// One-record change: an FTS5 insert is searchable as soon as it commits.
	const extra = syntheticDoc(n + 1);
	const d0 = performance.now();
	ro.prepare(
		'insert into docs (rowid, title, authors, subjects, abstract, body) values (?, ?, ?, ?, ?, ?)'
	).run(...row(extra));
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
			rssAfterQueriesMb: mbOf(process.memoryUsage().rss),
			latency: latencies(times),
			deltaMs,
			docsDone: n
		}
	});
}

// ---------------------------------------------------------------------------------------------
// lunr: the all-Lunr design (full text in one Lunr index), as standalone code. Loaded lazily:
// it needs exports that the current design may no longer have.

interface Scored {
	score: number;
	direct: number;
	covered: number;
}

/** The exports of src/lib/server/search the all-Lunr measurement needs. */
interface LunrDesign {
	buildIndex(docs: Iterable<SyntheticDoc>): lunr.Index;
	analyzeDoc(d: SyntheticDoc): object;
	INDEX_FORMAT: number;
	lunrQuery(index: lunr.Index, params: SearchParams): Map<number, Scored>;
	ALL_TERMS_FIRST: boolean;
}

async function lunrDesign(): Promise<LunrDesign> {
	const url = (rel: string) => pathToFileURL(path.join(ROOT, 'src/lib/server/search', rel)).href;
	const m = { ...(await import(url('build.js'))), ...(await import(url('index.ts'))) } as Partial<
		LunrDesign & { FIELD_BOOSTS: Record<string, number> }
	>;
	if (
		typeof m.buildIndex !== 'function' ||
		typeof m.lunrQuery !== 'function' ||
		!m.FIELD_BOOSTS ||
		!('body' in m.FIELD_BOOSTS)
	)
		throw new Error(
			'phase: the all-Lunr design (body in Lunr, lunrQuery) is not in src/lib/server/search'
		);
	return m as LunrDesign;
}

/** The Lunr snapshot as the all-Lunr design wrote it. */
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
 * Writes the snapshot. A single JSON string is what production did; beyond V8's 512 MiB string
 * limit that throws, and the snapshot is written as lines of sections instead (header, then
 * chunks of the inverted index and of the field vectors).
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

async function lunrBuildChild(n: number, dir: string): Promise<void> {
	const { buildIndex, INDEX_FORMAT } = await lunrDesign();
	const gen = { ms: 0 };
	const t0 = performance.now();
	const index = buildIndex(timedDocs(n, gen, t0));
	const buildS = (performance.now() - t0 - gen.ms) / 1000;
	say(`phase: index built in ${buildS.toFixed(0)} s, writing snapshot`);
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
	const d0 = performance.now();
	const delta = buildIndex([syntheticDoc(n + 1)]);
	lunr.Index.load(JSON.parse(JSON.stringify(delta)) as object);
	const deltaMs = performance.now() - d0;
	await send({
		type: 'result',
		run: {
			buildS,
			buildPeakRssMb,
			bytes: snap.bytes,
			gzipBytes: await gzipSize(file),
			deltaMs,
			docsDone: n
		}
	});
}

async function lunrQueryChild(n: number, dir: string): Promise<void> {
	const { lunrQuery, ALL_TERMS_FIRST } = await lunrDesign();
	/** The all-Lunr ranking: all words matched first, then score, then id. */
	const rank = (scored: Map<number, Scored>) =>
		[...scored]
			.sort(
				([ia, a], [ib, b]) =>
					(ALL_TERMS_FIRST ? b.covered - a.covered || b.direct - a.direct : 0) ||
					b.score - a.score ||
					ib - ia
			)
			.slice(0, TOP);
	const t0 = performance.now();
	const index = readSnapshot(path.join(dir, `lunr-${n}.json`));
	const loadS = (performance.now() - t0) / 1000;
	gc(); // so RSS is the index's, not the parser's garbage
	const rssAfterLoadMb = mbOf(process.memoryUsage().rss);
	const heapAfterLoadMb = mbOf(process.memoryUsage().heapUsed);
	const queries = syntheticQueries(QUERIES);
	for (const q of queries.slice(0, WARM_UP)) rank(lunrQuery(index, searchParams(q)));
	const times = queries.map((q) => {
		const s = performance.now();
		const scored = lunrQuery(index, searchParams(q));
		rank(scored);
		return { kind: q.kind, ms: performance.now() - s, hits: scored.size };
	});
	await send({
		type: 'result',
		run: {
			loadS,
			rssAfterLoadMb,
			heapAfterLoadMb,
			rssAfterQueriesMb: mbOf(process.memoryUsage().rss),
			latency: latencies(times)
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
function child(
	mode: string,
	n: number,
	dir: string,
	env: Record<string, string> = {}
): Promise<ChildOutcome> {
	return new Promise((resolve) => {
		const started = performance.now();
		const proc = spawn(
			process.execPath,
			[
				`--max-old-space-size=${HEAP_MB}`,
				// The young generation `npm start` gives the server (package.json): a search
				// allocates several MB of short-lived strings, and with V8's default 16 MB
				// semi-space a fifth of its CPU time went to scavenges (profiled).
				...(mode === 'production-serve' ? ['--max-semi-space-size=32'] : []),
				'--expose-gc',
				'--import',
				'tsx',
				SELF
			],
			{
				cwd: ROOT,
				env: {
					...process.env,
					...env,
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
			const phase =
				[...stderr.matchAll(/phase: ([^\n]*)/g)].pop()?.[1] ??
				(docs === n ? 'in builder.build()' : '');
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

/** The FTS5 reference: one child builds, loads and queries. */
async function fts5Run(n: number, dir: string): Promise<EngineRun> {
	console.log(`  fts5 ${n}: building`);
	const f = await child('fts5', n, dir);
	return { engine: 'fts5', size: n, finished: !!f.run, failure: f.failure, ...f.run };
}

/**
 * BENCH_SEARCH_KEEP=<dir>: the built catalogs are kept there (`production-N.built/` with the
 * build's figures in `build.json`) and a later run with the same directory serves a copy of
 * them instead of populating and building again (at 5,000 full texts the build takes many
 * minutes; the query figures are what changes when the search code does). Delete the
 * directory after changing the indexer or the synthetic generator.
 */
const KEEP = process.env.BENCH_SEARCH_KEEP ? path.resolve(process.env.BENCH_SEARCH_KEEP) : null;

/** The application: populate, build, and a fresh process to serve — three children. */
async function productionRun(n: number, dir: string): Promise<EngineRun> {
	const dataDir = path.join(dir, `production-${n}`);
	const env = { DATA_DIR: dataDir, LOG_LEVEL: 'warn' };
	const run: EngineRun = { engine: 'production', size: n, finished: false, wallS: {} };
	const kept = KEEP && path.join(KEEP, `production-${n}.built`);
	let phases: ('populate' | 'build' | 'serve')[] = ['populate', 'build', 'serve'];
	if (kept && fs.existsSync(path.join(kept, 'build.json'))) {
		console.log(`  production ${n}: reusing the catalog built in ${kept}`);
		Object.assign(run, JSON.parse(fs.readFileSync(path.join(kept, 'build.json'), 'utf8')));
		fs.cpSync(kept, dataDir, { recursive: true });
		phases = ['serve'];
	}
	try {
		for (const phase of phases) {
			if (phase === 'serve' && kept && !fs.existsSync(path.join(kept, 'build.json'))) {
				fs.cpSync(dataDir, kept, { recursive: true });
				fs.writeFileSync(path.join(kept, 'build.json'), JSON.stringify(run));
			}
			console.log(`  production ${n}: ${phase}`);
			const c = await child(`production-${phase}`, n, dir, env);
			run.wallS![phase] = c.seconds;
			if (!c.run) {
				run.failure = c.failure?.replace('did not finish', `${phase} did not finish`);
				if (phase === 'build') run.buildPeakRssMb = c.peakRssMb;
				if (phase !== 'populate') run.docsDone = c.docs || undefined;
				return run;
			}
			Object.assign(run, c.run);
		}
		run.finished = true;
		return run;
	} finally {
		fs.rmSync(dataDir, { recursive: true, force: true });
	}
}

/** The all-Lunr design: one child builds and writes the snapshot, a fresh one loads and queries. */
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

/** Words, distinct forms and (with the application's analyzer, if loadable) stems of one document. */
async function perDoc(): Promise<SearchScenario['perDoc']> {
	const d = syntheticDoc(1);
	const tokens = fold(d.body).match(/[\p{L}\p{N}]+(?:-[\p{L}\p{N}]+)*/gu) ?? [];
	let stems: number | undefined;
	try {
		const analyze = (await import(
			pathToFileURL(path.join(ROOT, 'src/lib/server/search/analyze.js')).href
		)) as { terms?: (text: string, lang: string) => string[] };
		if (analyze.terms) stems = new Set(analyze.terms(d.body, d.language)).size;
	} catch {
		stems = undefined;
	}
	return { tokens: tokens.length, forms: new Set(tokens).size, stems };
}

const ENGINES: Engine[] = ['fts5', 'production', 'lunr'];

/**
 * Each engine of BENCH_SEARCH_ENGINES at each size of BENCH_SEARCH_SIZES: build, on-disk size,
 * ready after restart, RSS, query latencies, and how soon a changed record is searchable.
 * Phases that exceed BENCH_SEARCH_LIMIT_S or BENCH_SEARCH_RSS_GB are reported as not finished.
 */
export async function searchScenario(): Promise<SearchScenario> {
	const sizes = (process.env.BENCH_SEARCH_SIZES || '1000,5000')
		.split(',')
		.map((s) => Number(s.trim()))
		.filter((s) => Number.isInteger(s) && s > 0);
	const wanted = (process.env.BENCH_SEARCH_ENGINES || 'fts5,production')
		.split(',')
		.map((s) => s.trim());
	for (const e of wanted)
		if (!ENGINES.includes(e as Engine))
			throw new Error(`BENCH_SEARCH_ENGINES: unknown engine "${e}" (${ENGINES.join(', ')})`);
	const engines = ENGINES.filter((e) => wanted.includes(e));
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'djkn-bench-search-'));
	const queries = syntheticQueries(QUERIES);
	const mix = { plain: 0, prefix: 0, typo: 0, title: 0 };
	for (const q of queries) mix[q.kind]++;
	const runs: EngineRun[] = [];
	try {
		for (const n of sizes) {
			// FTS5 first: it is bounded, and its figures are wanted whatever the others do.
			if (engines.includes('fts5')) runs.push(await fts5Run(n, dir));
			if (engines.includes('production')) runs.push(await productionRun(n, dir));
			if (engines.includes('lunr')) runs.push(await lunrRun(n, dir));
		}
	} finally {
		fs.rmSync(dir, { recursive: true, force: true });
	}
	return {
		sizes,
		engines,
		queries: QUERIES,
		mix,
		perDoc: await perDoc(),
		runs,
		limits: {
			seconds: LIMIT_S,
			rssGb: RSS_LIMIT_GB,
			changeWaitS: CHANGE_WAIT_S,
			queryBudgetS: QUERY_BUDGET_S
		}
	};
}

const mb = (bytes?: number) => (bytes === undefined ? '—' : mbOf(bytes).toFixed(0));
const num = (v: number | undefined, d = 1) => (v === undefined ? '—' : v.toFixed(d));

/** Seconds until a one-record change is searchable, as each engine makes it so. */
function changeSeconds(x: EngineRun): number | undefined {
	if (x.engine === 'production') return x.changeS;
	if (x.engine === 'lunr') return x.fullRebuildS;
	return x.deltaMs === undefined ? undefined : x.deltaMs / 1000;
}

/** Ready after a restart: for production from the process's start, else opening the index. */
function readySeconds(x: EngineRun): number | undefined {
	return x.engine === 'production' ? x.processReadyS : x.loadS;
}

/** The highest RSS the engine's serving process reaches (production builds in-process too). */
function peakRss(x: EngineRun): number | undefined {
	if (!x.finished) return undefined;
	if (x.engine === 'production')
		return Math.max(x.buildPeakRssMb ?? 0, x.servePeakRssMb ?? 0, x.rssAfterQueriesMb ?? 0);
	return x.rssAfterQueriesMb;
}

/** The scenario as markdown lines: engines and sizes, ratios to FTS5, per kind, targets. */
export function searchTable(r: SearchScenario): string[] {
	const out = [
		`| engine | publications | build s | build peak RSS MB | index on disk MB | ready s | RSS after load MB | RSS after queries MB | p50 ms | p95 ms | p99 ms | max ms | 1-record change searchable s |`,
		`|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|`
	];
	for (const x of r.runs) {
		const size = `${mb(x.bytes)}${x.gzipBytes ? ` (gzip ${mb(x.gzipBytes)})` : ''}`;
		out.push(
			`| ${x.engine} | ${x.size} | ${num(x.buildS)} | ${num(x.buildPeakRssMb, 0)} | ${size} | ${num(readySeconds(x), 2)} | ${num(x.rssAfterLoadMb, 0)} | ${num(x.rssAfterQueriesMb, 0)} | ${num(x.latency?.p50)} | ${num(x.latency?.p95)} | ${num(x.latency?.p99)} | ${num(x.latency?.max)} | ${num(changeSeconds(x), 2)} |`
		);
		if (x.failure) out.push(`| ${x.engine} | ${x.size} | ${x.failure} ||||||||||||`);
	}
	out.push(
		'',
		'index on disk: fts5 the database file; production the Lunr snapshot + the `search*` tables (dbstat); lunr the snapshot.',
		'ready: fts5 opening the database; production process start → `status()` ready (node, imports, migrations check, `init()`); lunr snapshot parse + load.',
		'1-record change: fts5 one insert committed; production commit → `search()` finds it, after `checkFreshness()`; lunr full rebuild + reload.'
	);
	const prod = r.runs.filter((x) => x.engine === 'production');
	if (prod.length) {
		out.push(
			'',
			'| production | populate s (of which generating) | catalog DB MB | Lunr snapshot MB | search tables MB | DB growth by build MB | init → ready s | process start → ready s | indexed | peak RSS build / serve MB | change notified / timer only s | wall s populate / build / serve |',
			'|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|'
		);
		for (const x of prod) {
			const w = x.wallS ?? {};
			out.push(
				`| ${x.size} | ${num(x.populateS)} (${num(x.generateS)}) | ${mb(x.catalogBytes)} | ${num(x.snapshotBytes === undefined ? undefined : mbOf(x.snapshotBytes))} | ${mb(x.searchTablesBytes)} | ${mb(x.dbGrowthBytes)} | ${num(x.loadS, 2)} | ${num(x.processReadyS, 2)} | ${x.indexedDocs ?? '—'} | ${num(x.buildPeakRssMb, 0)} / ${num(x.servePeakRssMb, 0)} | ${num(x.changeS, 2)} / ${x.finished && x.changeTimerS === undefined ? `> ${r.limits.changeWaitS}` : num(x.changeTimerS, 2)} | ${num(w.populate, 0)} / ${num(w.build, 0)} / ${num(w.serve, 0)} |`
			);
		}
	}
	out.push(
		'',
		'| engine / FTS5 | publications | build | p50 | p95 | p99 |',
		'|---|---:|---:|---:|---:|---:|'
	);
	const ratio = (a?: number, b?: number) =>
		a && b ? `${(a / b).toFixed(a / b >= 100 ? 0 : 1)}×` : '—';
	for (const n of r.sizes) {
		const f = r.runs.find((x) => x.engine === 'fts5' && x.size === n);
		for (const x of r.runs.filter((x) => x.engine !== 'fts5' && x.size === n))
			out.push(
				`| ${x.engine} / fts5 | ${n} | ${ratio(x.buildS, f?.buildS)} | ${ratio(x.latency?.p50, f?.latency?.p50)} | ${ratio(x.latency?.p95, f?.latency?.p95)} | ${ratio(x.latency?.p99, f?.latency?.p99)} |`
			);
	}
	out.push(
		'',
		'| engine | publications | queries run | plain p95 | prefix p95 | typo p95 | title p95 | empty results | failed queries |',
		'|---|---:|---:|---:|---:|---:|---:|---:|---:|'
	);
	for (const x of r.runs) {
		const k = x.latency?.byKind;
		if (!k) continue;
		out.push(
			`| ${x.engine} | ${x.size} | ${x.queriesRun ?? r.queries} | ${num(k.plain.p95)} | ${num(k.prefix.p95)} | ${num(k.typo.p95)} | ${num(k.title.p95)} | ${x.latency?.empty} | ${x.queryErrors ?? 0} |`
		);
	}
	for (const x of r.runs)
		if (x.firstQueryError)
			out.push(`${x.engine} ${x.size}: first failed query: ${x.firstQueryError.split('\n')[0]}`);
	const verdict = (v: number | undefined, limit: number) =>
		v === undefined ? 'not reached' : v <= limit ? 'met' : 'MISSED';
	out.push(
		'',
		`| targets (issue: at ${TARGETS.size}) | publications | p95 ≤ ${TARGETS.p95Ms} ms | ready ≤ ${TARGETS.readyS} s | peak RSS ≤ ${TARGETS.rssGb} GB | change searchable ≤ ${TARGETS.changeS} s |`,
		'|---|---:|---|---|---|---|'
	);
	const failed = (x: EngineRun) =>
		[
			x.queryErrors ? ` (${x.queryErrors} queries failed)` : '',
			x.queriesRun !== undefined && x.queriesRun < r.queries
				? ` (over ${x.queriesRun} of ${r.queries} queries)`
				: ''
		].join('');
	for (const x of r.runs)
		out.push(
			`| ${x.engine} | ${x.size} | ${verdict(x.latency?.p95, TARGETS.p95Ms)}${failed(x)} | ${verdict(readySeconds(x), TARGETS.readyS)} | ${verdict(peakRss(x), TARGETS.rssGb * 1024)} | ${verdict(changeSeconds(x), TARGETS.changeS)} |`
		);
	const atTarget = r.runs.find((x) => x.engine === 'production' && x.size === TARGETS.size);
	out.push(
		'',
		atTarget
			? `Targets at ${TARGETS.size} (production): ${
					[
						verdict(atTarget.latency?.p95, TARGETS.p95Ms),
						verdict(readySeconds(atTarget), TARGETS.readyS),
						verdict(peakRss(atTarget), TARGETS.rssGb * 1024),
						verdict(changeSeconds(atTarget), TARGETS.changeS)
					].every((v) => v === 'met') && !atTarget.queryErrors
						? 'all met'
						: 'NOT all met'
				}.`
			: `Targets at ${TARGETS.size} (production): not measured in this run (BENCH_SEARCH_SIZES).`
	);
	return out;
}

// ---------------------------------------------------------------------------------------------
// Child entry point

const mode = process.env.BENCH_SEARCH_CHILD;
if (mode) {
	const n = Number(process.env.BENCH_SEARCH_N);
	const dir = process.env.BENCH_SEARCH_DIR!;
	try {
		if (mode === 'fts5') await fts5Child(n, dir);
		else if (mode === 'production-populate') await populateChild(n);
		else if (mode === 'production-build') await buildChild(n);
		else if (mode === 'production-serve') await serveChild(n);
		else if (mode === 'lunr-build') await lunrBuildChild(n, dir);
		else if (mode === 'lunr-query') await lunrQueryChild(n, dir);
		else throw new Error(`unknown BENCH_SEARCH_CHILD ${mode}`);
	} catch (err) {
		const message = String((err as Error).message ?? err).replace(/^phase: /, '');
		say(`phase: ${message.split('\n')[0]}`);
		fs.writeSync(2, `${(err as Error).stack ?? err}\n`);
		process.exit(1);
	}
	// Timers and the index builder's worker thread would keep the process alive.
	process.exit(0);
}
