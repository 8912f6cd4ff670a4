import fs from 'node:fs';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import lunr from 'lunr';
import SQLite from 'better-sqlite3';
import { sql } from 'kysely';
import type { Db } from '../db/index.ts';
import { config } from '../config.ts';
import { appRoot } from '../paths.ts';
import { log } from '../log.ts';
import { isStaff, visibleTo, type Viewer } from '../access.ts';
import { hydrate } from '../catalog/publications.ts';
import type { FacetCount, Publication, PublicationType } from '../../types.ts';
import { fold, queryStems, STOP_WORDS, stemEnglish, stemIndonesian } from './analyze.js';
import { INDEX_FORMAT } from './build.js';
import { catalogFingerprint } from './source.js';
import { PAGE_ROWID, readVocabulary } from './text.js';
import { expansions } from './synonyms.ts';
import * as events from '../events.ts';

/**
 * Full-text search over metadata and PDF text: Lunr for the metadata, SQLite FTS5 for the long
 * texts.
 *
 * - Lunr holds the short fields (title, subtitle, series, authors, subjects, identifiers) with
 *   their boosts, fuzzy and prefix matching. It is derived data: built from SQLite in a worker
 *   thread, persisted to DATA_DIR/search/index.json, loaded at start, and rebuilt off the request
 *   path when the catalog changes (a cheap fingerprint — record count, last update, last file —
 *   is checked every CHECK_INTERVAL_MS and after in-process changes). Queries are answered from
 *   the previous index until the new one is swapped in.
 * - The abstract and the PDF text go to the FTS5 table `search_text` as each record's distinct
 *   stems, analysed by the same Indonesian/English pipeline (text.js), in the same worker and
 *   only for records that changed. Lunr holding 5,000 full texts needed gigabytes and tens of
 *   minutes per rebuild (see the README's search section); FTS5 keeps them on disk.
 * - A query is planned once (words → stems, prefix, typo variants, synonyms) and run against
 *   both; scores add up (FTS5 BM25 with TEXT_WEIGHTS next to Lunr's field boosts) and each
 *   record counts how many typed words it matched, from either side.
 *
 * Neither index decides what a caller sees. Which candidates a caller may see, filters, totals,
 * facets, snippets and spelling hints are all decided from the live database through the access
 * policy, so nothing hidden can leak through search.
 */

/** Results matching every query word rank before those matching fewer (then by Lunr score). */
export const ALL_TERMS_FIRST = true;
/** Typo tolerance: words this long get one edit of slack, weighted down. */
export const FUZZY_MIN_LENGTH = 5;
/**
 * Longer words are matched exactly only: Lunr's edit-distance automaton grows with the word,
 * and one 400-letter "word" with a typo allowance would hold the event loop for a minute.
 */
export const FUZZY_MAX_LENGTH = 24;
/** No real word is longer; anything beyond is cut so a pasted blob cannot cost more. */
export const MAX_WORD_LENGTH = 60;
export const FUZZY_BOOST = 0.2;
/** Synonym expansions weigh less than the words typed. */
export const SYNONYM_BOOST = 0.1;
/** A prefix query needs this many letters before `*` (shorter ones match half the vocabulary). */
export const MIN_PREFIX = 3;
/** Page numbers reported per hit, and characters in a snippet. */
export const MAX_PAGES_PER_HIT = 20;
export const SNIPPET_CHARS = 240;
/** How often the catalog fingerprint is compared with the index's (a change is searchable within ~2× this plus build time). */
export const CHECK_INTERVAL_MS = 2000;

export type SearchSort = 'relevance' | 'newest' | 'oldest';

export interface SearchParams {
	q: string;
	title?: string;
	author?: string;
	subject?: string;
	number?: string;
	types?: PublicationType[];
	yearFrom?: number;
	yearTo?: number;
	subjectFilter?: string;
	series?: string;
	language?: string;
	access?: string;
	sort?: SearchSort;
	page?: number;
	pageSize?: number;
}

export interface SearchHit {
	id: number;
	title: string;
	type: PublicationType;
	year: number | null;
	access: string;
	/** HTML: the text is escaped; matched words are wrapped in <mark>. */
	snippet: string;
	pages: number[];
	score: number;
	publication: Publication;
}

export interface SearchResult {
	total: number;
	page: number;
	pageSize: number;
	hits: SearchHit[];
	facets: Record<'type' | 'year' | 'subject' | 'series' | 'language' | 'access', FacetCount[]>;
	/**
	 * True when the results are the records matching every query word (after stemming, synonyms
	 * and typo tolerance); false when none does and the results are those matching some words.
	 */
	matchedAll: boolean;
	/** A corrected query when nothing was found and a correction finds something. */
	didYouMean: string | null;
	/** The query words the results were matched on (stems), for highlighting in the reader. */
	terms: string[];
}

interface State {
	index: lunr.Index | null;
	fingerprint: string | null;
	builtAt: string | null;
	docs: number;
	building: boolean;
	pending: boolean;
	lastBuildMs: number | null;
	error: string | null;
	/** Long-text terms (FTS5 vocabulary) with their document counts: typo tolerance, hints. */
	vocab: Map<string, number>;
}

const state: State = {
	index: null,
	fingerprint: null,
	builtAt: null,
	docs: 0,
	building: false,
	pending: false,
	lastBuildMs: null,
	error: null,
	vocab: new Map()
};
let timer: NodeJS.Timeout | undefined;
/** The builder worker while a build runs (server shutdown terminates it). */
let builder: Worker | null = null;
/** Set by `stop`: no build starts any more. */
let stopped = false;
const waiters: (() => void)[] = [];

function snapshotFile(): string {
	return path.join(config.dataDir, 'search', 'index.json');
}

/**
 * Column weights of the long texts in FTS5's BM25 (abstract, PDF text). Lunr's metadata boosts
 * (title 10, identifiers 12, ...) are on the same scale, so a title word outranks a body word.
 */
export const TEXT_WEIGHTS = { abstract: 2, body: 1 };

let reader: SQLite.Database | null = null;
let readerFile: string | null = null;
let textQuery: SQLite.Statement | null = null;

/** A read-only connection for the FTS5 queries (WAL: reads never wait for the site's writes). */
function textDb(): SQLite.Database | null {
	const file = config.databaseFile;
	if (reader && readerFile === file) return reader;
	try {
		reader?.close();
		reader = new SQLite(file, { readonly: true, fileMustExist: true });
		readerFile = file;
		textQuery = null;
		return reader;
	} catch (err) {
		state.error = String(err);
		return null;
	}
}

function textStatement(): SQLite.Statement | null {
	const db = textDb();
	if (!db) return null;
	textQuery ??= db.prepare(
		`select rowid, bm25(search_text, ${TEXT_WEIGHTS.abstract}, ${TEXT_WEIGHTS.body}) as rank
		 from search_text where search_text match ?`
	);
	return textQuery;
}

/** Loads the long-text vocabulary (at start, and after a bulk change). */
function loadVocabulary(): void {
	try {
		state.vocab = new Map(readVocabulary(config.databaseFile));
	} catch (err) {
		state.error = String(err);
	}
}

/** Index state for /healthz and the librarian dashboard. */
export function status() {
	return {
		status: state.index
			? state.building
				? 'rebuilding'
				: 'ready'
			: state.building
				? 'building'
				: 'not_built',
		docs: state.docs,
		builtAt: state.builtAt,
		lastBuildMs: state.lastBuildMs,
		error: state.error
	};
}

/** Loads a snapshot if it is readable and of the current format; null when corrupt or old. */
function loadSnapshot(): {
	index: lunr.Index;
	fingerprint: string;
	builtAt: string;
	docs: number;
} | null {
	try {
		const raw = JSON.parse(fs.readFileSync(snapshotFile(), 'utf8')) as {
			format: number;
			fingerprint: string;
			builtAt: string;
			docs: number;
			index: object;
		};
		if (raw.format !== INDEX_FORMAT) return null;
		return {
			index: lunr.Index.load(raw.index),
			fingerprint: raw.fingerprint,
			builtAt: raw.builtAt,
			docs: raw.docs
		};
	} catch {
		return null;
	}
}

/**
 * Whether this process builds the index. In a server of several processes (scripts/start.js)
 * only the leader does; the others load each snapshot it writes (see `followSnapshot`).
 */
let builds = true;
/** The modification time of the snapshot a follower loaded last. */
let snapshotMtime = 0;

/** Follower: loads the snapshot again when the leader has written a new one. */
function followSnapshot(): void {
	try {
		const mtime = fs.statSync(snapshotFile(), { throwIfNoEntry: false })?.mtimeMs ?? 0;
		if (mtime === snapshotMtime) return;
		const loaded = loadSnapshot();
		if (!loaded) return;
		snapshotMtime = mtime;
		loadVocabulary();
		adopt(loaded);
	} catch (err) {
		state.error = String(err);
	}
}

/** Serves queries from a snapshot just loaded (built here, or by the leader process). */
function adopt(loaded: NonNullable<ReturnType<typeof loadSnapshot>>): void {
	Object.assign(state, {
		index: loaded.index,
		fingerprint: loaded.fingerprint,
		builtAt: loaded.builtAt,
		docs: loaded.docs,
		error: null
	});
}

/** Starts a rebuild in a worker thread (or queues one if a build is running). */
export function rebuild(): void {
	if (stopped || !builds) return;
	if (state.building) {
		state.pending = true;
		return;
	}
	state.building = true;
	const worker = (builder = new Worker(
		path.join(appRoot(), 'src/lib/server/search/builder-worker.js'),
		{
			workerData: { databaseFile: config.databaseFile, snapshotFile: snapshotFile() }
		}
	));
	worker.on(
		'message',
		(m: {
			type: string;
			docs?: number;
			ms?: number;
			message?: string;
			added?: string[] | null;
		}) => {
			if (m.type === 'done') {
				// New terms join the vocabulary; after a bulk change it is read again whole. Terms of
				// removed texts may linger: they only cost a lookup that finds nothing.
				if (m.added) for (const t of m.added) state.vocab.set(t, (state.vocab.get(t) ?? 0) + 1);
				else loadVocabulary();
				const loaded = loadSnapshot();
				if (loaded) {
					adopt(loaded);
					state.lastBuildMs = m.ms ?? null;
					log.info({ docs: m.docs, ms: m.ms }, 'search index rebuilt');
				}
			} else if (m.type === 'error') {
				state.error = m.message ?? 'unknown';
				log.error({ err: m.message }, 'search index build failed');
			}
		}
	);
	worker.on('error', (err) => {
		state.error = String(err);
		log.error({ err }, 'search index worker crashed');
	});
	worker.on('exit', () => {
		state.building = false;
		builder = null;
		for (const w of waiters.splice(0)) w();
		if (state.pending && !stopped) {
			state.pending = false;
			rebuild();
		}
	});
}

/** Resolves when no build is running (tests, reindex CLI). */
export function idle(): Promise<void> {
	return state.building ? new Promise((r) => waiters.push(r)) : Promise.resolve();
}

/** Compares the catalog fingerprint with the index's and rebuilds when they differ. */
export function checkFreshness(): void {
	if (!builds) return followSnapshot();
	if (state.building) return;
	try {
		if (catalogFingerprint(config.databaseFile) !== state.fingerprint) rebuild();
	} catch (err) {
		state.error = String(err);
	}
}

/**
 * Loads the persisted index (no rebuild on a normal start), detects a missing, corrupt or
 * stale snapshot and rebuilds it in the background, and starts watching for changes. With
 * `build: false` (a follower process) it never builds: it loads each snapshot the leader writes.
 */
export function init(options: { build?: boolean } = {}): void {
	builds = options.build ?? true;
	if (builds) {
		loadVocabulary();
		const loaded = loadSnapshot();
		if (loaded) adopt(loaded);
	}
	checkFreshness();
	if (!timer) {
		timer = setInterval(checkFreshness, CHECK_INTERVAL_MS);
		timer.unref();
		events.onCatalogChanged(notifyChange);
	}
}

/**
 * Server shutdown: no more freshness checks or rebuilds; a build in progress gets `graceMs` to
 * finish, then its worker is terminated (its text updates are short transactions, which SQLite
 * rolls back if cut, and the snapshot is written then renamed, so nothing is left half-done: the
 * next start sees the catalog changed and builds again). Closes the read-only text connection.
 * Returns whether a build had to be cut short.
 */
export async function stop(graceMs = 2000): Promise<{ interrupted: boolean }> {
	stopped = true;
	if (timer) clearInterval(timer);
	timer = undefined;
	state.pending = false;
	let interrupted = false;
	const running = builder;
	if (running) {
		const finished = idle().then(() => true);
		const late = new Promise<false>((r) => setTimeout(() => r(false), graceMs).unref());
		if (!(await Promise.race([finished, late]))) {
			interrupted = true;
			await running.terminate();
		}
	}
	reader?.close();
	reader = null;
	readerFile = null;
	textQuery = null;
	pageQueries = null;
	return { interrupted };
}

/** Called after an in-process catalog change: check at once instead of at the next tick. */
function notifyChange(): void {
	if (timer) setImmediate(checkFreshness);
}

// ---------------------------------------------------------------------------------------------
// Queries

interface Group {
	/** Index terms that count as this word having matched. */
	exact: Set<string>;
	prefix: string | null;
	fuzzy: string[];
	/** A field-scoped word (advanced search) counts only when found in these metadata fields. */
	fields?: Field[];
}

/**
 * A synonym phrase of the query (`state property` for `barang milik negara`): a record that
 * matches every one of its words counts as matching the typed words it `covers`.
 */
interface Synonym {
	words: Group[];
	covers: Group[];
}

/** Turns what a person typed into plain words: Lunr syntax (`:`, `~`, `^`, `+`, `-`) is not special. */
export function words(raw: string): { word: string; prefix: boolean }[] {
	const out: { word: string; prefix: boolean }[] = [];
	for (const m of fold(raw.slice(0, 500)).matchAll(/([\p{L}\p{N}]+(?:-[\p{L}\p{N}]+)*)(\*?)/gu)) {
		out.push({
			word: m[1].slice(0, MAX_WORD_LENGTH),
			prefix: m[2] === '*' && m[1].length >= MIN_PREFIX
		});
	}
	return out.slice(0, 12);
}

function levenshtein1(a: string, b: string): boolean {
	if (Math.abs(a.length - b.length) > 1) return false;
	let i = 0;
	let j = 0;
	let edits = 0;
	while (i < a.length && j < b.length) {
		if (a[i] === b[j]) {
			i++;
			j++;
			continue;
		}
		if (++edits > 1) return false;
		if (a.length > b.length) i++;
		else if (a.length < b.length) j++;
		else {
			i++;
			j++;
		}
	}
	return edits + (a.length - i) + (b.length - j) <= 1;
}

type Field = 'title' | 'authors' | 'subjects' | 'identifiers' | 'callnumber';

/** Lunr treats a present-but-undefined `fields` as "no field": leave the key out instead. */
function scope(fields: Field[] | undefined): { fields?: Field[] } {
	return fields ? { fields } : {};
}

/** What a query asks for, word by word, before it is run against either index. */
interface Plan {
	clauses: { fields?: Field[]; groups: Group[] }[];
	/** Synonym expansions of the free-text query: optional, weaker. */
	synonyms: Synonym[];
}

const queryStemCache = new Map<string, string[]>();
/** The stems of a typed word, memoised: the same words are searched again and again. */
function stemsOfQueryWord(word: string): string[] {
	let s = queryStemCache.get(word);
	if (!s) {
		s = queryStems(word);
		if (queryStemCache.size > 50_000) queryStemCache.clear();
		queryStemCache.set(word, s);
	}
	return s;
}

function plan(params: SearchParams): Plan {
	const raw: { text: string; fields?: Field[] }[] = [];
	if (params.q.trim()) raw.push({ text: params.q });
	if (params.title) raw.push({ text: params.title, fields: ['title'] });
	if (params.author) raw.push({ text: params.author, fields: ['authors'] });
	if (params.subject) raw.push({ text: params.subject, fields: ['subjects'] });
	if (params.number) raw.push({ text: params.number, fields: ['identifiers', 'callnumber'] });
	const out: Plan = { clauses: [], synonyms: [] };
	for (const clause of raw) {
		const groups: Group[] = [];
		const ws = words(clause.text);
		const meaningful = ws.filter((w) => !STOP_WORDS.has(w.word) || w.prefix);
		const typed: { word: string; group: Group }[] = [];
		for (const { word, prefix } of meaningful.length ? meaningful : ws) {
			const group: Group = { exact: new Set(), prefix: null, fuzzy: [], fields: clause.fields };
			groups.push(group);
			typed.push({ word, group });
			if (prefix) {
				group.prefix = word;
				continue;
			}
			const stems = clause.fields?.includes('identifiers')
				? [word.replace(/-/g, '')]
				: [...stemsOfQueryWord(word)];
			if (word.includes('-')) stems.push(...word.split('-').map((p) => stemIndonesian(p)));
			// An ISBN or ISSN typed with hyphens is also indexed whole (see identifierTerms).
			if (word.includes('-') && /\d/.test(word)) stems.push(word.replace(/-/g, ''));
			for (const s of new Set(stems)) {
				group.exact.add(s);
				if (s.length >= FUZZY_MIN_LENGTH && s.length <= FUZZY_MAX_LENGTH && !/^\d+$/.test(s))
					group.fuzzy.push(s);
			}
		}
		out.clauses.push({ fields: clause.fields, groups });
		if (!clause.fields) {
			for (const { phrase, stands } of expansions(clause.text)) {
				const standing = new Set(stands.split(' '));
				const covers = typed.filter((t) => standing.has(t.word)).map((t) => t.group);
				const syn: Synonym = { words: [], covers };
				// `state-owned property` asks for state, owned and property, as Lunr and FTS5 split it.
				for (const w of words(phrase.replace(/-/g, ' '))) {
					if (STOP_WORDS.has(w.word)) continue;
					const exact = new Set([stemIndonesian(w.word), stemEnglish(w.word)]);
					syn.words.push({ exact, prefix: null, fuzzy: [] });
				}
				if (syn.words.length && covers.length) out.synonyms.push(syn);
			}
		}
	}
	return out;
}

/** Builds and runs the Lunr query; returns scores and how many word groups each doc matched. */
export interface Scored {
	score: number;
	/** Query words matched as typed (or by stem, prefix or one typo). */
	direct: number;
	/** Query words matched directly or through a synonym phrase matched in full. */
	covered: number;
	/** Every query word is covered: the record counts towards the all-word total. */
	all: boolean;
	terms: Set<string>;
}

interface Candidate {
	score: number;
	groups: Set<Group>;
	terms: Set<string>;
}

function partial(map: Map<number, Candidate>, id: number): Candidate {
	let p = map.get(id);
	if (!p) map.set(id, (p = { score: 0, groups: new Set(), terms: new Set() }));
	return p;
}

/** The metadata fields (Lunr): title, subtitle, series, authors, subjects, identifiers. */
function runLunr(index: lunr.Index, p: Plan, into: Map<number, Candidate>): void {
	const all = [...p.clauses.flatMap((c) => c.groups), ...p.synonyms.flatMap((s) => s.words)];
	const results = index.query((query) => {
		for (const clause of p.clauses) {
			for (const g of clause.groups) {
				if (g.prefix) {
					query.term(g.prefix, {
						...scope(clause.fields),
						wildcard: lunr.Query.wildcard.TRAILING,
						boost: 1
					});
					continue;
				}
				for (const s of g.exact) query.term(s, { ...scope(clause.fields), boost: 1 });
				for (const s of g.fuzzy)
					query.term(s, { ...scope(clause.fields), editDistance: 1, boost: FUZZY_BOOST });
			}
		}
		for (const syn of p.synonyms)
			for (const g of syn.words) for (const s of g.exact) query.term(s, { boost: SYNONYM_BOOST });
	});
	for (const r of results) {
		const metadata = r.matchData.metadata as Record<string, Record<string, unknown>>;
		const matched = Object.keys(metadata);
		const hit = partial(into, Number(r.ref));
		hit.score += r.score;
		for (const t of matched) hit.terms.add(t);
		for (const g of all)
			if (
				matched.some(
					(t) =>
						(!g.fields || g.fields.some((f) => Object.hasOwn(metadata[t], f))) &&
						(g.exact.has(t) ||
							(g.prefix && t.startsWith(g.prefix)) ||
							g.fuzzy.some((f) => levenshtein1(f, t)))
				)
			)
				hit.groups.add(g);
	}
}

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

/** Terms of the long-text vocabulary one edit away from `word` (generated, then looked up). */
function neighbours(word: string): string[] {
	const vocab = state.vocab;
	const out = new Set<string>();
	const letters = new Set([...ALPHABET, ...word]);
	const check = (w: string) => {
		if (w !== word && vocab.has(w)) out.add(w);
	};
	for (let i = 0; i <= word.length; i++) {
		const head = word.slice(0, i);
		const tail = word.slice(i);
		if (i < word.length) check(head + tail.slice(1)); // deletion
		for (const c of letters) {
			check(head + c + tail); // insertion
			if (i < word.length) check(head + c + tail.slice(1)); // substitution
		}
	}
	return [...out];
}

/** FTS5 query text: each term quoted (stems are letters and digits, but be safe). */
function ftsTerms(terms: Iterable<string>, prefix: string | null = null): string {
	// A term with a hyphen or other separator (a synonym such as `write-off`) would be a phrase,
	// which a `detail=column` table refuses: its parts are searched instead.
	const parts = [...new Set([...terms].flatMap((t) => t.split(/[^\p{L}\p{N}]+/u)))]
		.filter(Boolean)
		.map((t) => `"${t}"`);
	const stem = prefix?.split(/[^\p{L}\p{N}]+/u)[0];
	if (stem) parts.push(`"${stem}"*`);
	return parts.join(' OR ');
}

/**
 * The long texts (abstract and PDF text, FTS5): one query per word group, so every record
 * knows which of the typed words it contains. BM25 from FTS5 (column weights TEXT_WEIGHTS)
 * adds to the metadata score the way Lunr's body field used to.
 */
function runText(p: Plan, into: Map<number, Candidate>): void {
	const stmt = textStatement();
	if (!stmt) return;
	const free = p.clauses.filter((c) => !c.fields).flatMap((c) => c.groups);
	const ask = (g: Group, terms: Iterable<string>, prefix: string | null, weight: number) => {
		const match = ftsTerms(terms, prefix);
		if (!match) return;
		const highlight = [...terms, ...(prefix ? prefixTerms(prefix) : [])];
		for (const row of stmt.all(match) as { rowid: number; rank: number }[]) {
			const hit = partial(into, row.rowid);
			hit.score += -row.rank * weight;
			hit.groups.add(g);
			for (const t of highlight) hit.terms.add(t);
		}
	};
	for (const g of free) {
		ask(g, g.exact, g.prefix, 1);
		const near = g.fuzzy.flatMap(neighbours).filter((t) => !g.exact.has(t));
		if (near.length) ask(g, near, null, FUZZY_BOOST);
	}
	for (const syn of p.synonyms) for (const g of syn.words) ask(g, g.exact, null, SYNONYM_BOOST);
}

let prefixQuery: { db: SQLite.Database; stmt: SQLite.Statement } | null = null;

/** Long-text terms starting with `prefix` (for highlighting what a `lela*` query matched). */
function prefixTerms(prefix: string): string[] {
	const db = textDb();
	if (!db) return [];
	if (prefixQuery?.db !== db)
		prefixQuery = {
			db,
			stmt: db.prepare(
				'select term from search_vocab where term >= ? and term < ? order by doc desc limit 50'
			)
		};
	return (prefixQuery.stmt.all(prefix, `${prefix}\uffff`) as { term: string }[]).map((r) => r.term);
}

/** Scores every candidate record over both indexes and counts the query words it matched. */
function score(index: lunr.Index, params: SearchParams): Map<number, Scored> {
	const p = plan(params);
	const parts = new Map<number, Candidate>();
	runLunr(index, p, parts);
	runText(p, parts);
	const groups = p.clauses.flatMap((c) => c.groups);
	const out = new Map<number, Scored>();
	for (const [id, hit] of parts) {
		const covered = new Set(groups.filter((g) => hit.groups.has(g)));
		const direct = covered.size;
		// A synonym phrase matched in full stands in for the typed words it translates
		// (state property ↔ barang milik negara), but a record with the words as typed ranks first.
		for (const syn of p.synonyms)
			if (syn.words.every((w) => hit.groups.has(w))) for (const g of syn.covers) covered.add(g);
		out.set(id, {
			score: hit.score,
			direct,
			covered: covered.size,
			all: covered.size === groups.length,
			terms: hit.terms
		});
	}
	return out;
}

/**
 * Candidates with score and matched-word counts, before any policy filtering — exactly the
 * production scoring, for the benchmark.
 */
export function lunrQuery(index: lunr.Index, params: SearchParams): Map<number, Scored> {
	return score(index, params);
}

interface Row {
	id: number;
	type: PublicationType;
	year: number | null;
	language: string;
	access: string;
	published_date: string | null;
	series_slug: string | null;
	series_title: string | null;
}

/**
 * Live metadata of the candidate records the viewer may see: two queries whatever the number of
 * candidates (the ids travel as one JSON array, which SQLite's parameter limit does not cap).
 */
async function visibleRows(
	db: Db,
	viewer: Viewer,
	ids: number[]
): Promise<Map<number, Row & { subjects: string[] }>> {
	const out = new Map<number, Row & { subjects: string[] }>();
	if (ids.length === 0) return out;
	const candidates = sql<boolean>`publications.id in (select value from json_each(${JSON.stringify(ids)}))`;
	const rows = await db
		.selectFrom('publications')
		.leftJoin('series', 'series.id', 'publications.series_id')
		.select([
			'publications.id',
			'publications.type',
			'publications.year',
			'publications.language',
			'publications.access',
			'publications.published_date',
			'series.slug as series_slug',
			'series.title as series_title'
		])
		.where(candidates)
		.where(visibleTo(viewer))
		.execute();
	for (const r of rows) out.set(r.id, { ...r, subjects: [] });
	const subjects = await db
		.selectFrom('publication_subjects as ps')
		.innerJoin('subjects as s', 's.id', 'ps.subject_id')
		.select(['ps.publication_id', 's.name'])
		.where(
			sql<boolean>`ps.publication_id in (select value from json_each(${JSON.stringify(rows.map((r) => r.id))}))`
		)
		.execute();
	for (const s of subjects) out.get(s.publication_id)?.subjects.push(s.name);
	return out;
}

type FacetName = keyof SearchResult['facets'];

function passes(r: Row & { subjects: string[] }, p: SearchParams, except?: FacetName): boolean {
	if (except !== 'type' && p.types?.length && !p.types.includes(r.type)) return false;
	if (except !== 'year' && p.yearFrom !== undefined && (r.year === null || r.year < p.yearFrom))
		return false;
	if (except !== 'year' && p.yearTo !== undefined && (r.year === null || r.year > p.yearTo))
		return false;
	if (
		except !== 'subject' &&
		p.subjectFilter &&
		!r.subjects.some((s) => fold(s) === fold(p.subjectFilter!))
	)
		return false;
	if (except !== 'series' && p.series && r.series_slug !== p.series) return false;
	if (except !== 'language' && p.language && r.language !== p.language) return false;
	if (except !== 'access' && p.access && r.access !== p.access) return false;
	return true;
}

function facetCounts(
	rows: (Row & { subjects: string[] })[],
	p: SearchParams,
	name: FacetName,
	key: (r: Row & { subjects: string[] }) => (string | null)[]
): FacetCount[] {
	const counts = new Map<string, number>();
	for (const r of rows) {
		if (!passes(r, p, name)) continue;
		for (const k of key(r)) if (k !== null) counts.set(k, (counts.get(k) ?? 0) + 1);
	}
	const list = [...counts].map(([value, count]) => ({ value, count }));
	return name === 'year'
		? list.sort((a, b) => Number(b.value) - Number(a.value))
		: list.sort((a, b) => b.count - a.count || a.value.localeCompare(b.value)).slice(0, 30);
}

function escapeHtml(s: string): string {
	return s.replace(
		/[&<>"']/g,
		(c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!
	);
}

const stemCache = new Map<string, string[]>();
/** All stems a word of running text could be indexed under (memoised: texts repeat words). */
function stemsOf(word: string): string[] {
	let s = stemCache.get(word);
	if (!s) {
		s = [stemIndonesian(word), stemEnglish(word)];
		if (stemCache.size > 200_000) stemCache.clear();
		stemCache.set(word, s);
	}
	return s;
}

/**
 * The part of a stem every word stemmed to it contains: the stem without its first letter (a
 * nasal prefix may have replaced it: memukul → pukul) and its last (Porter: happy → happi).
 * Checking this substring first spares the stemmer almost every word of a page — which matters
 * when 20 hits of 40 pages each are scanned for a query.
 */
function cores(terms: Set<string>): string[] {
	return [...terms].map((t) => (t.length >= 4 ? t.slice(1, -1) : t));
}

/** Could `word` (folded) be indexed under one of `terms`? Cheap test first, stemmer second. */
function matches(word: string, terms: Set<string>, core: string[]): boolean {
	return (
		!STOP_WORDS.has(word) &&
		core.some((c) => word.includes(c)) &&
		stemsOf(word).some((s) => terms.has(s))
	);
}

/** Highlights the words of `text` whose stems are among `terms`; everything else escaped. */
export function highlight(text: string, terms: Set<string>): { html: string; first: number } {
	let html = '';
	let last = 0;
	let first = -1;
	const core = cores(terms);
	for (const m of text.matchAll(/[\p{L}\p{N}]+/gu)) {
		const folded = fold(m[0]);
		if (!matches(folded, terms, core)) continue;
		if (first < 0) first = m.index!;
		html += `${escapeHtml(text.slice(last, m.index))}<mark>${escapeHtml(m[0])}</mark>`;
		last = m.index! + m[0].length;
	}
	return { html: html + escapeHtml(text.slice(last)), first };
}

let pageQueries: {
	db: SQLite.Database;
	file: SQLite.Statement;
	pages: SQLite.Statement;
	text: SQLite.Statement;
} | null = null;

/**
 * The pages of the current file where the matched terms occur (from the page-level index
 * `search_pages`, never by re-analysing the text), and a snippet from the first of them — a page
 * inside the document rather than the cover, which repeats the title. Only the one page the
 * snippet comes from is read.
 */
function locate(pub: Publication, terms: Set<string>): { pages: number[]; snippet: string } {
	const db = textDb();
	const match = ftsTerms(terms);
	let pages: number[] = [];
	let snippet = '';
	if (db && match) {
		if (pageQueries?.db !== db)
			pageQueries = {
				db,
				file: db.prepare('select id from files where publication_id = ? and is_current = 1'),
				pages: db.prepare(
					`select rowid from search_pages where search_pages match ? and rowid >= ? and rowid < ?
					 order by rowid limit ${MAX_PAGES_PER_HIT + 1}`
				),
				text: db.prepare('select text from page_texts where file_id = ? and page = ?')
			};
		const q = pageQueries;
		const file = q.file.get(pub.id) as { id: number } | undefined;
		if (file) {
			const found = (
				q.pages.all(match, file.id * PAGE_ROWID, (file.id + 1) * PAGE_ROWID) as {
					rowid: number;
				}[]
			).map((r) => r.rowid - file.id * PAGE_ROWID);
			const at = found.find((n) => n !== 1) ?? found[0];
			pages = found.slice(0, MAX_PAGES_PER_HIT);
			if (at !== undefined) {
				const row = q.text.get(file.id, at) as { text: string } | undefined;
				if (row) snippet = window(row.text, terms);
			}
		}
	}
	if (!snippet) snippet = window(pub.abstract ?? pub.subtitle ?? pub.title, terms);
	return { pages, snippet };
}

/** About SNIPPET_CHARS of text around the first matched word, highlighted. */
function window(text: string, terms: Set<string>): string {
	const flat = text.replace(/\s+/g, ' ');
	const { first } = highlight(flat, terms);
	const start =
		first < 0 ? 0 : Math.max(0, flat.lastIndexOf(' ', Math.max(0, first - SNIPPET_CHARS / 3)) + 1);
	let cut = flat.slice(start, start + SNIPPET_CHARS);
	if (start + SNIPPET_CHARS < flat.length)
		cut = cut.slice(0, cut.lastIndexOf(' ') > 0 ? cut.lastIndexOf(' ') : cut.length);
	const { html } = highlight(cut, terms);
	return `${start > 0 ? '… ' : ''}${html}${start + cut.length < flat.length ? ' …' : ''}`;
}

/** Terms within two edits of `word` in the long-text vocabulary (only for unknown words). */
function neighbours2(word: string): string[] {
	const out = new Set<string>();
	for (const n of neighbours(word)) {
		out.add(n);
		if (word.length >= 7) for (const m of neighbours(n)) if (m !== word) out.add(m);
	}
	return [...out];
}

/**
 * The closest known term to a word (one edit, two for long words) in either index, preferring
 * the term found in most records.
 */
function closestTerm(index: lunr.Index, word: string): string | null {
	const candidates = index.query((q) => q.term(word, { editDistance: word.length >= 7 ? 2 : 1 }));
	const seen = new Map<string, number>();
	for (const r of candidates)
		for (const t of Object.keys(r.matchData.metadata)) seen.set(t, (seen.get(t) ?? 0) + 1);
	for (const t of neighbours2(word)) seen.set(t, (seen.get(t) ?? 0) + (state.vocab.get(t) ?? 0));
	let best: string | null = null;
	for (const [t, n] of seen) {
		if (t === word) continue;
		if (!best || n > (seen.get(best) ?? 0)) best = t;
	}
	return best;
}

/** Is this stem in either index? */
function isKnown(index: lunr.Index, stem: string): boolean {
	const lunrTerms = (index as unknown as { invertedIndex: Record<string, unknown> }).invertedIndex;
	return state.vocab.has(stem) || Object.hasOwn(lunrTerms, stem);
}

/**
 * Searches what the viewer may see. Totals, facets, snippets and spelling hints are computed
 * only over visible records.
 */
export async function search(db: Db, viewer: Viewer, params: SearchParams): Promise<SearchResult> {
	const page = Math.max(1, params.page ?? 1);
	const pageSize = Math.min(Math.max(1, params.pageSize ?? 20), 100);
	if (!isStaff(viewer)) delete params.access;
	const empty: SearchResult = {
		total: 0,
		page,
		pageSize,
		hits: [],
		facets: { type: [], year: [], subject: [], series: [], language: [], access: [] },
		matchedAll: true,
		didYouMean: null,
		terms: []
	};
	const index = state.index;
	const hasQuery = [params.q, params.title, params.author, params.subject, params.number].some(
		(s) => s?.trim()
	);
	if (!index || !hasQuery) return empty;

	const scored = score(index, params);
	const rows = await visibleRows(db, viewer, [...scored.keys()]);
	// A query's results are the records matching every word; only when no record the viewer may
	// see (with the filters chosen) does, those matching some words are shown, and labelled.
	const every = [...rows.values()].filter((r) => scored.get(r.id)!.all);
	const matchedAll = every.some((r) => passes(r, params));
	const visible = matchedAll ? every : [...rows.values()];
	const matching = visible.filter((r) => passes(r, params));
	const sort = params.sort ?? 'relevance';
	const date = (r: Row) => r.published_date ?? (r.year ? `${r.year}-12-31` : '');
	matching.sort((a, b) => {
		if (sort === 'newest') return date(b).localeCompare(date(a)) || b.id - a.id;
		if (sort === 'oldest') return date(a).localeCompare(date(b)) || a.id - b.id;
		const sa = scored.get(a.id)!;
		const sb = scored.get(b.id)!;
		return (
			(ALL_TERMS_FIRST ? sb.covered - sa.covered || sb.direct - sa.direct : 0) ||
			sb.score - sa.score ||
			b.id - a.id
		);
	});
	const facets: SearchResult['facets'] = {
		type: facetCounts(visible, params, 'type', (r) => [r.type]),
		year: facetCounts(visible, params, 'year', (r) => [r.year === null ? null : String(r.year)]),
		subject: facetCounts(visible, params, 'subject', (r) => r.subjects),
		series: facetCounts(visible, params, 'series', (r) => [r.series_slug]).map((f) => ({
			...f,
			label: visible.find((r) => r.series_slug === f.value)?.series_title ?? f.value
		})),
		language: facetCounts(visible, params, 'language', (r) => [r.language]),
		access: isStaff(viewer) ? facetCounts(visible, params, 'access', (r) => [r.access]) : []
	};
	const slice = matching.slice((page - 1) * pageSize, page * pageSize);
	const pubs = await hydrate(
		db,
		await db
			.selectFrom('publications')
			.selectAll()
			.where('id', 'in', slice.map((r) => r.id).concat(-1))
			.execute()
	);
	const byId = new Map(pubs.map((p) => [p.id, p]));
	const allTerms = new Set<string>();
	const hits: SearchHit[] = [];
	for (const r of slice) {
		const pub = byId.get(r.id)!;
		const s = scored.get(r.id)!;
		for (const t of s.terms) allTerms.add(t);
		const { pages, snippet } = locate(pub, s.terms);
		hits.push({
			id: pub.id,
			title: pub.title,
			type: pub.type,
			year: pub.year,
			access: pub.access,
			snippet,
			pages,
			score: Math.round(s.score * 1000) / 1000,
			publication: pub
		});
	}
	let didYouMean: string | null = null;
	// Offered when a typed word is not in the index at all, even if typo tolerance found
	// something: the reader should see the likely spelling.
	if (params.q.trim()) didYouMean = await correction(db, viewer, index, params);
	return {
		total: matching.length,
		page,
		pageSize,
		hits,
		facets,
		matchedAll: matchedAll || matching.length === 0,
		didYouMean,
		terms: [...allTerms]
	};
}

/**
 * A spelling correction of the query, word by word. A corrected word is offered only if, on its
 * own, it finds something the viewer may see — so a word known only from internal records is
 * never suggested to the public.
 */
async function correction(
	db: Db,
	viewer: Viewer,
	index: lunr.Index,
	params: SearchParams
): Promise<string | null> {
	const ws = words(params.q).filter((w) => !w.prefix);
	if (ws.length === 0) return null;
	let changed = false;
	const fixed: string[] = [];
	for (const { word } of ws) {
		const known =
			word.length < 4 ||
			word.length > FUZZY_MAX_LENGTH ||
			STOP_WORDS.has(word) ||
			queryStems(word).some((s) => isKnown(index, s));
		const best = known
			? null
			: (closestTerm(index, stemIndonesian(word)) ?? closestTerm(index, word));
		if (best && (await visibleCount(db, viewer, index, { q: best }, params)) > 0) {
			fixed.push(best);
			changed = true;
		} else fixed.push(word);
	}
	if (!changed) return null;
	const q = fixed.join(' ');
	return (await visibleCount(db, viewer, index, { q }, params)) > 0 ? q : null;
}

/** How many records the viewer may see match the query (with the caller's filters). */
async function visibleCount(
	db: Db,
	viewer: Viewer,
	index: lunr.Index,
	query: { q: string },
	params: SearchParams
): Promise<number> {
	const check = score(index, {
		...params,
		...query,
		title: undefined,
		author: undefined,
		subject: undefined,
		number: undefined
	});
	const rows = await visibleRows(db, viewer, [...check.keys()]);
	return [...rows.values()].filter((r) => passes(r, params)).length;
}

/** Autocomplete: titles, subjects and series of records the viewer may see. */
export async function suggest(
	db: Db,
	viewer: Viewer,
	raw: string,
	limit = 8
): Promise<{ kind: 'title' | 'subject' | 'series'; value: string; id?: number; slug?: string }[]> {
	const q = raw.trim().slice(0, 100);
	if (q.length < 2) return [];
	const like = `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
	const titles = await db
		.selectFrom('publications')
		.select(['id', 'title'])
		.where(visibleTo(viewer))
		.where(sql<boolean>`title like ${like} escape '\\'`)
		.orderBy(sql`instr(lower(title), lower(${q}))`)
		.limit(limit)
		.execute();
	const subjects = await db
		.selectFrom('subjects')
		.select('name')
		.where(sql<boolean>`name like ${like} escape '\\'`)
		.where(({ exists, selectFrom }) =>
			exists(
				selectFrom('publication_subjects as ps')
					.innerJoin('publications', 'publications.id', 'ps.publication_id')
					.select(sql`1`.as('one'))
					.whereRef('ps.subject_id', '=', 'subjects.id')
					.where(visibleTo(viewer))
			)
		)
		.limit(4)
		.execute();
	const series = await db
		.selectFrom('series')
		.select(['slug', 'title'])
		.where(sql<boolean>`title like ${like} escape '\\'`)
		.where(({ exists, selectFrom }) =>
			exists(
				selectFrom('publications')
					.select(sql`1`.as('one'))
					.whereRef('publications.series_id', '=', 'series.id')
					.where(visibleTo(viewer))
			)
		)
		.limit(2)
		.execute();
	return [
		...series.map((s) => ({ kind: 'series' as const, value: s.title, slug: s.slug })),
		...subjects.map((s) => ({ kind: 'subject' as const, value: s.name })),
		...titles.map((t) => ({ kind: 'title' as const, value: t.title, id: t.id }))
	].slice(0, limit);
}
