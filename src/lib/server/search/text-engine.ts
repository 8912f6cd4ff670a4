import SQLite from 'better-sqlite3';
import { LRUCache } from 'lru-cache';
import { config } from '../config.ts';
import { decodePages, readVocabulary } from './text.js';

/**
 * The long-text engine: abstracts and PDF texts, held as each record's distinct stems (analysed
 * by the index-builder worker, text.js) — too large for Lunr (see the README's search section).
 * Behind this small interface so that another store (PostgreSQL full text) can take its place
 * without touching query planning, ranking or result assembly. Every method answers in terms of
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
	/** Reads the vocabulary and length table again (after a build in this or another process). */
	reload(): void;
	/** Adds the terms of a few re-analysed records to the vocabulary without a full reload. */
	learn(added: string[]): void;
	/** Releases the connection (server shutdown). */
	close(): void;
}

/** BM25's parameters (the usual ones; FTS5's bm25() uses the same). */
const K1 = 1.2;
const B = 0.75;
const ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

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
	let vocab = new Map<string, number>();
	let lengths = new Map<number, [number, number]>();
	let averages: [number, number] = [1, 1];
	let rows = 1;
	/**
	 * Page hits per file and terms: a seek per term in the page index for every shown hit was
	 * about a fifth of a search (profiled), and the same words are looked up in the same
	 * records again and again. A file's pages change only when the index is built, after which
	 * every process calls reload() or learn(), which empty this.
	 */
	const pageHitCache = new LRUCache<string, number[]>({ max: 20_000 });
	/**
	 * One-edit neighbours per word: finding them asks the vocabulary about 70 variants per letter
	 * of the word (several milliseconds per query, profiled), and people search the same words.
	 * The vocabulary changes only on reload() or learn(), which empty this.
	 */
	const neighbourCache = new LRUCache<string, string[]>({ max: 20_000 });

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
		const next = new Map<number, [number, number]>();
		let sumA = 0;
		let sumB = 0;
		let withA = 0;
		for (const [id, a, b] of st.lengths.all() as [number, number | null, number][]) {
			next.set(id, [a ?? 0, b]);
			if (a) {
				sumA += a;
				withA++;
			}
			sumB += b;
		}
		lengths = next;
		rows = Math.max(1, st.count.get() as number);
		averages = [Math.max(1, sumA / Math.max(1, withA)), Math.max(1, sumB / Math.max(1, next.size))];
	}

	function has(w: string): boolean {
		return vocab.has(w);
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
		records() {
			return rows;
		},
		lengthNorm(id, column) {
			const l = lengths.get(id);
			if (!l) return 1;
			const i = column === 'abstract' ? 0 : 1;
			return (K1 + 1) / (1 + K1 * (1 - B + (B * l[i]) / averages[i]));
		},
		hasTerm: has,
		termDocs(term) {
			return vocab.get(term) ?? 0;
		},
		neighbours(word) {
			const known = neighbourCache.get(word);
			if (known) return known;
			const out = new Set<string>();
			const letters = new Set([...ALPHABET, ...word]);
			const check = (w: string) => {
				if (w !== word && has(w)) out.add(w);
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
			const found = [...out];
			neighbourCache.set(word, found);
			return found;
		},
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
			const cached = pageHitCache.get(key);
			if (cached) return cached;
			const found = new Set<number>();
			// A term with separators (a synonym such as `write-off`) is indexed as its parts.
			const parts = [...new Set(terms.flatMap((t) => t.split(/[^\p{L}\p{N}]+/u)))].filter(Boolean);
			for (const list of st.pages.all(file, JSON.stringify(parts)) as Uint8Array[])
				for (const page of decodePages(list)) found.add(page);
			const pages = [...found].sort((a, b) => a - b).slice(0, limit);
			pageHitCache.set(key, pages);
			return pages;
		},
		async pageTexts(publicationId, pages) {
			const st = statements();
			const file = st?.file.get(publicationId) as number | undefined;
			if (!st || file === undefined || pages.length === 0) return new Map();
			return new Map(st.text.all(file, JSON.stringify(pages)) as [number, string][]);
		},
		reload() {
			pageHitCache.clear();
			neighbourCache.clear();
			vocab = new Map(readVocabulary(config.databaseFile));
			readLengths();
		},
		learn(added) {
			pageHitCache.clear();
			neighbourCache.clear();
			for (const t of added) vocab.set(t, (vocab.get(t) ?? 0) + 1);
			readLengths();
		},
		close() {
			s?.db.close();
			s = null;
		}
	};
}
