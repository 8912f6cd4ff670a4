import SQLite from 'better-sqlite3';
import { config } from '../config.ts';
import { dialectName } from '../db/dialect.ts';
import { decodePages, readVocabulary } from './text.js';
import { postgresTextEngine } from './text-engine-pg.ts';
import { termParts, textMemory } from './text-memory.ts';

/**
 * The long-text engine: abstracts and PDF texts, held as each record's distinct stems (analysed
 * by the index-builder worker, text.js) — too large for Lunr (see the README's search section).
 * Behind this small interface so that another store takes its place without touching query
 * planning, ranking or result assembly: SQLite FTS5 here, PostgreSQL's tsvector tables in
 * text-engine-pg.ts (`configuredTextEngine` picks by DATABASE_URL). Every method answers in terms of
 * stems, record ids and page numbers; none decides what a caller may see (that is the access
 * policy's, applied by the search module to whatever the engine returns).
 */
export interface TextEngine {
	/**
	 * Records whose abstract or body (PDF text) contains any of `terms`, or a term starting with
	 * `prefix`: the record ids per column. No ranking here: the search module scores matches
	 * itself (see `lengthNorm`), which is what keeps a common word cheap at 5,000 full texts.
	 */
	matching(terms: string[], prefix: string | null): Promise<{ abstract: number[]; body: number[] }>;
	/** Records with a long-text row (the N of inverse document frequency). */
	records(): number;
	/** BM25's length factor of a record's column (distinct stems against the average); 1 if unknown. */
	lengthNorm(id: number, column: 'abstract' | 'body'): number;
	/** Is the stem in any long text? */
	hasTerm(term: string): boolean;
	/** In how many records the stem occurs (0 when unknown). */
	termDocs(term: string): number;
	/** Long-text terms one edit away from `word` (typo tolerance, spelling hints). */
	neighbours(word: string): string[];
	/** Long-text terms starting with `prefix`, most frequent first (to highlight `lela*`). */
	prefixTerms(prefix: string): Promise<string[]>;
	/** Pages of the record's current file holding any of the terms, in order, at most `limit`. */
	pageHits(publicationId: number, terms: string[], limit: number): Promise<number[]>;
	/** Pages' texts of the record's current file (for snippets), by page number. */
	pageTexts(publicationId: number, pages: number[]): Promise<Map<number, string>>;
	/**
	 * Reads the vocabulary and length table again (after a build in this or another process);
	 * resolves once the synchronous methods above answer from them.
	 */
	reload(): Promise<void>;
	/** Adds the terms of a few re-analysed records to the vocabulary without a full reload. */
	learn(added: string[]): Promise<void>;
	/** Releases the connection (server shutdown). */
	close(): void;
}

/** FTS5 query text: each term quoted; `prefix*` as a prefix query. */
export function ftsTerms(terms: Iterable<string>, prefix: string | null = null): string {
	// A term with a hyphen or other separator (a synonym such as `write-off`) would be a phrase,
	// which a `detail=column` table refuses: its parts are searched instead.
	const parts = [...new Set([...terms].flatMap((t) => t.split(/[^\p{L}\p{N}]+/u)))]
		.filter(Boolean)
		.map((t) => `"${t}"`);
	const stem = prefix?.split(/[^\p{L}\p{N}]+/u)[0];
	if (stem) parts.push(`"${stem}"*`);
	return parts.join(' OR ');
}

interface Statements {
	db: SQLite.Database;
	path: string;
	matching: SQLite.Statement;
	prefix: SQLite.Statement;
	file: SQLite.Statement;
	pages: SQLite.Statement;
	text: SQLite.Statement;
	lengths: SQLite.Statement;
	count: SQLite.Statement;
}

/**
 * The SQLite implementation: the FTS5 table `search_text` (one row per record: abstract and body
 * stems, `detail=column`, contentless), the page lists `search_page_terms` (one row per stem of a
 * file: the pages holding it — one B-tree seek per term for a hit's pages), the vocabulary
 * view `search_vocab`, and the per-record stem counts in `search_text_state`. Read through one
 * read-only connection: in WAL mode reads never wait for the site's writes.
 *
 * Why no `bm25()`: the body holds distinct stems, so every term frequency is 1 and BM25 reduces
 * to IDF times a length factor — which FTS5 computes by visiting every matching row's size
 * record, 100–260 ms for a word found in every record of 1,000 (measured), against about 1 ms to
 * list the matching ids. The search module multiplies the IDF of each word (from the number of
 * matches) by `lengthNorm`, kept here in memory: the same BM25, at the cost of a list of ids.
 */
export function sqliteTextEngine(): TextEngine {
	let s: Statements | null = null;
	const memory = textMemory();

	function statements(): Statements | null {
		// Tests and the benchmark switch databases within one process.
		if (s && s.path === config.databaseFile) return s;
		s?.db.close();
		s = null;
		try {
			const db = new SQLite(config.databaseFile, { readonly: true, fileMustExist: true });
			const matching = db
				.prepare('select rowid from search_text where search_text match ?')
				.pluck();
			s = {
				db,
				path: config.databaseFile,
				matching,
				prefix: db
					.prepare(
						'select term from search_vocab where term >= ? and term < ? order by doc desc limit 50'
					)
					.pluck(),
				file: db
					.prepare('select id from files where publication_id = ? and is_current = 1')
					.pluck(),
				// One statement per hit, however many terms: each call costs more than a seek.
				pages: db
					.prepare(
						'select pages from search_page_terms where file_id = ? and term in (select value from json_each(?))'
					)
					.pluck(),
				text: db
					.prepare(
						'select page, text from page_texts where file_id = ? and page in (select value from json_each(?))'
					)
					.raw(),
				count: db.prepare('select count(*) from search_text_state').pluck(),
				lengths: db
					.prepare(
						'select publication_id, abstract_terms, body_terms from search_text_state where body_terms is not null'
					)
					.raw()
			};
			return s;
		} catch (error) {
			// A database not created or not migrated yet has no text to search; anything
			// else (a typo in a statement) is a programming error and must surface.
			if (/unable to open|no such table|does not exist/i.test(String(error))) return null;
			throw error;
		}
	}

	/** Distinct stems per record and column, and their averages (BM25's length factor). */
	function readLengths(): void {
		const st = statements();
		if (!st) return;
		memory.setLengths(
			st.lengths.all() as [number, number | null, number][],
			st.count.get() as number
		);
	}

	return {
		async matching(terms, prefix) {
			const st = statements();
			const match = ftsTerms(terms, prefix);
			if (!st || !match) return { abstract: [], body: [] };
			return {
				abstract: st.matching.all(`{abstract} : (${match})`) as number[],
				body: st.matching.all(`{body} : (${match})`) as number[]
			};
		},
		records: memory.records,
		lengthNorm: memory.lengthNorm,
		hasTerm: memory.hasTerm,
		termDocs: memory.termDocs,
		neighbours: memory.neighbours,
		async prefixTerms(prefix) {
			const st = statements();
			return st ? (st.prefix.all(prefix, `${prefix}\uffff`) as string[]) : [];
		},
		async pageHits(publicationId, terms, limit) {
			const st = statements();
			if (!st || terms.length === 0) return [];
			const file = st.file.get(publicationId) as number | undefined;
			if (file === undefined) return [];
			const key = `${file} ${limit} ${terms.join(' ')}`;
			const cached = memory.pageHitCache.get(key);
			if (cached) return cached;
			const found = new Set<number>();
			// A term with separators (a synonym such as `write-off`) is indexed as its parts.
			const parts = termParts(terms);
			for (const list of st.pages.all(file, JSON.stringify(parts)) as Uint8Array[])
				for (const page of decodePages(list)) found.add(page);
			const pages = [...found].sort((a, b) => a - b).slice(0, limit);
			memory.pageHitCache.set(key, pages);
			return pages;
		},
		async pageTexts(publicationId, pages) {
			const st = statements();
			const file = st?.file.get(publicationId) as number | undefined;
			if (!st || file === undefined || pages.length === 0) return new Map();
			return new Map(st.text.all(file, JSON.stringify(pages)) as [number, string][]);
		},
		async reload() {
			memory.clear();
			memory.setVocabulary(readVocabulary(config.databaseFile));
			readLengths();
		},
		async learn(added) {
			memory.clear();
			memory.learn(added);
			readLengths();
		},
		close() {
			s?.db.close();
			s = null;
		}
	};
}

/**
 * The text engine of the configured database: PostgreSQL's when DATABASE_URL is set
 * (text-engine-pg.ts), else SQLite's FTS5. Chosen at first use, so a process that sets its
 * environment after loading this module (a test, the benchmark) still gets the right one.
 */
export function configuredTextEngine(): TextEngine {
	let chosen: TextEngine | null = null;
	const e = () =>
		(chosen ??= dialectName() === 'postgres' ? postgresTextEngine() : sqliteTextEngine());
	return {
		matching: (terms, prefix) => e().matching(terms, prefix),
		records: () => e().records(),
		lengthNorm: (id, column) => e().lengthNorm(id, column),
		hasTerm: (term) => e().hasTerm(term),
		termDocs: (term) => e().termDocs(term),
		neighbours: (word) => e().neighbours(word),
		prefixTerms: (prefix) => e().prefixTerms(prefix),
		pageHits: (id, terms, limit) => e().pageHits(id, terms, limit),
		pageTexts: (id, pages) => e().pageTexts(id, pages),
		reload: () => e().reload(),
		learn: (added) => e().learn(added),
		close: () => chosen?.close()
	};
}
