import { sql } from 'kysely';
import { getDb } from '../db/index.ts';
import { decodePages } from './text.js';
import type { TextEngine } from './text-engine.ts';
import { termParts, textMemory } from './text-memory.ts';

/**
 * A `tsquery` matching any of `terms`, or a term starting with `prefix` — written as tsquery
 * text (`'a' | 'b' | 'pre':*`) and cast, not parsed by a text search configuration: the terms
 * are already our stems (the same ones the builder stored), so nothing may re-split or
 * re-normalise them. Empty when there is nothing to match.
 */
export function tsQuery(terms: Iterable<string>, prefix: string | null = null): string {
	const quote = (t: string) => `'${t.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;
	const parts = termParts(terms).map(quote);
	const stem = prefix?.split(/[^\p{L}\p{N}]+/u)[0];
	if (stem) parts.push(`${quote(stem)}:*`);
	return parts.join(' | ');
}

/**
 * The PostgreSQL implementation (#16), the same contract as SQLite's FTS5 engine and the same
 * data: migration 0018's `search_text` — per record the abstract's and the text's stems as
 * `tsvector`s with a GIN index each (`@@` lists the matching records; `'lela':*` is a prefix
 * match on the same index) —, its `search_vocab` (stem → records, kept by the index builder),
 * 0017's `search_page_terms` (the page lists, bytea, the same varint encoding) and the stem
 * counts in `search_text_state`. Ranking stays the search module's (BM25 from the number of
 * matches and `lengthNorm`, see text-engine.ts), so both engines score alike; `ts_rank` is not
 * used for the same reason FTS5's bm25() is not.
 *
 * The vocabulary and the length table are read into memory at reload() — also after each build
 * (learn() reads them whole too, see there): the interface asks them synchronously, dozens of
 * times per query (typo neighbours). Queries go through the application's connection pool.
 */
export function postgresTextEngine(): TextEngine {
	const memory = textMemory();

	async function readLengths(): Promise<void> {
		const db = await getDb();
		const [lengths, count] = await Promise.all([
			sql<{
				publication_id: number;
				abstract_terms: number | null;
				body_terms: number;
			}>`select publication_id, abstract_terms, body_terms from search_text_state where body_terms is not null`.execute(
				db
			),
			sql<{ n: number }>`select count(*) as n from search_text_state`.execute(db)
		]);
		memory.setLengths(
			lengths.rows.map((r) => [r.publication_id, r.abstract_terms, r.body_terms]),
			Number(count.rows[0]?.n ?? 0)
		);
	}

	/** The vocabulary and the stem counts, read whole into memory. */
	async function reload(): Promise<void> {
		const db = await getDb();
		const { rows } = await sql<{
			term: string;
			docs: number;
		}>`select term, docs from search_vocab where docs > 0`.execute(db);
		await readLengths();
		memory.clear();
		memory.setVocabulary(rows.map((r) => [r.term, r.docs]));
	}

	return {
		async matching(terms, prefix) {
			const query = tsQuery(terms, prefix);
			if (!query) return { abstract: [], body: [] };
			const db = await getDb();
			// Both columns in one statement, by their GIN indexes (migration 0020 says why a
			// function: the planner would otherwise scan the table and de-TOAST every body).
			const { rows } = await sql<{
				publication_id: number;
				in_body: boolean;
			}>`select publication_id, in_body from search_text_match(${query}::tsquery)`.execute(db);
			const abstract: number[] = [];
			const body: number[] = [];
			for (const r of rows) (r.in_body ? body : abstract).push(r.publication_id);
			return { abstract, body };
		},
		records: memory.records,
		lengthNorm: memory.lengthNorm,
		hasTerm: memory.hasTerm,
		termDocs: memory.termDocs,
		neighbours: memory.neighbours,
		async prefixTerms(prefix) {
			const db = await getDb();
			const { rows } = await sql<{ term: string }>`select term from search_vocab
				where term >= ${prefix} and term < ${`${prefix}\uffff`} and docs > 0
				order by docs desc limit 50`.execute(db);
			return rows.map((r) => r.term);
		},
		async pageHits(publicationId, terms, limit) {
			if (terms.length === 0) return [];
			const db = await getDb();
			// One round trip per hit, not two: the current file and its page lists in one
			// statement (the file id comes back even when no term has a row, for the cache key).
			// Every statement is a network round trip here, not a call into a library as on
			// SQLite: per-hit look-ups were most of a search's PostgreSQL time (issue #16 bench).
			const parts = termParts(terms);
			const { rows } = await sql<{ file: number; pages: Uint8Array | null }>`select f.id as file,
				t.pages from files f left join search_page_terms t
					on t.file_id = f.id and t.term = any(${parts}::text[])
				where f.publication_id = ${publicationId} and f.is_current = 1`.execute(db);
			const file = rows[0]?.file;
			if (file === undefined) return [];
			const key = `${file} ${limit} ${terms.join(' ')}`;
			const cached = memory.pageHitCache.get(key);
			if (cached) return cached;
			const found = new Set<number>();
			// A term with separators (a synonym such as `write-off`) is indexed as its parts.
			for (const r of rows) if (r.pages) for (const page of decodePages(r.pages)) found.add(page);
			const pages = [...found].sort((a, b) => a - b).slice(0, limit);
			memory.pageHitCache.set(key, pages);
			return pages;
		},
		async pageTexts(publicationId, pages) {
			if (pages.length === 0) return new Map();
			const db = await getDb();
			// The current file joined in: one round trip (see pageHits).
			const { rows } = await sql<{ page: number; text: string }>`select t.page, t.text
				from page_texts t join files f on f.id = t.file_id
				where f.publication_id = ${publicationId} and f.is_current = 1
					and t.page = any(${pages}::integer[])`.execute(db);
			return new Map(rows.map((r) => [r.page, r.text]));
		},
		reload,
		async learn() {
			// Read whole, not merged: with several servers on one database another server's
			// builder may have written the new rows first, and this one's build then reports no
			// new terms although its vocabulary lacks them. One indexed scan of `search_vocab`.
			await reload();
		},
		close() {
			// The connection pool is the application's (closed by db/index.ts at shutdown).
		}
	};
}
