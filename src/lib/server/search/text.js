// Keeps the FTS5 table of long texts (PDF text and abstract, as stems) in step with the catalog.
// Plain JavaScript typed with JSDoc: it runs in the index-builder worker thread, loaded from disk.
import Database from 'better-sqlite3';
import { terms } from './analyze.js';
import { writeSync } from '../db/write.js';

/** Bumped whenever the analysis of long texts changes, so every row is rebuilt once. */
export const TEXT_FORMAT = 3;
/** Row id of a page in `search_pages`: the file id times this, plus the page number. */
export const PAGE_ROWID = 65536;
/** Records analysed per write transaction: short transactions never hold up the site's writes. */
const BATCH = 20;
/** A larger change than this rewrites many FTS segments: merge them afterwards. */
const OPTIMIZE_AFTER = 200;

/** @type {Map<string, string[]>} */
const termCache = new Map();
/**
 * The stems of one token, memoised: a 20,000-word text repeats its words, and stemming is the
 * costly part of analysis.
 * @param {string} text
 * @param {string} lang
 */
function cachedTerms(text, lang) {
	/** @type {string[]} */
	const out = [];
	// Words never span whitespace, so analysing whitespace-separated chunks one by one (and
	// remembering each) gives exactly `terms(text)`.
	for (const token of text.match(/\S+/g) ?? []) {
		const key = `${lang}:${token}`;
		let t = termCache.get(key);
		if (!t) {
			t = terms(token, lang);
			if (termCache.size > 500_000) termCache.clear();
			termCache.set(key, t);
		}
		for (const s of t) out.push(s);
	}
	return out;
}

/**
 * @typedef {object} Analysed one record's rows, ready to write
 * @property {number} id
 * @property {string} abstract
 * @property {string} body
 * @property {{ rowid: number, stems: string }[]} pages
 * @property {string} signature
 * @property {number} abstractTerms stems in the abstract (BM25's length, see text-engine.ts)
 * @property {number} bodyTerms distinct stems of the text
 */

/**
 * @typedef {object} SyncResult
 * @property {number} updated records (re)analysed
 * @property {number} removed rows dropped (record gone or without text)
 * @property {string[]} added distinct terms of the records analysed (for the vocabulary)
 */

/**
 * Brings `search_text` up to date: every record whose signature (format, language, current file,
 * last update) differs from what its row was built from is analysed again — its distinct stems,
 * so a 20,000-word text costs a few thousand terms — and written in short transactions.
 * @param {string} file path of the SQLite database
 * @param {(done: number, total: number) => void} [onProgress]
 * @param {{ full?: boolean }} [opts] `full`: analyse every record again (`npm run reindex`)
 * @returns {SyncResult}
 */
export function syncText(file, onProgress, opts = {}) {
	const db = new Database(file, { fileMustExist: true });
	db.pragma('busy_timeout = 10000');
	try {
		if (opts.full) db.prepare('delete from search_text_state').run();
		const rows =
			/** @type {{ id: number, language: string, abstract: string | null, updated_at: string, file_id: number | null, signature: string | null }[]} */ (
				db
					.prepare(
						`select p.id, p.language, p.abstract, p.updated_at, f.id as file_id, s.signature
					 from publications p
					 left join files f on f.publication_id = p.id and f.is_current = 1
					 left join search_text_state s on s.publication_id = p.id`
					)
					.all()
			);
		const signature = (/** @type {(typeof rows)[number]} */ r) =>
			`${TEXT_FORMAT}|${r.language}|${r.file_id ?? ''}|${r.updated_at}`;
		const stale = rows.filter((r) => r.signature !== signature(r));
		const pages = db.prepare('select page, text from page_texts where file_id = ? order by page');
		const del = db.prepare('delete from search_text where rowid = ?');
		const ins = db.prepare('insert into search_text (rowid, abstract, body) values (?, ?, ?)');
		const files = db.prepare('select id from files where publication_id = ?');
		const delPages = db.prepare('delete from search_pages where rowid >= ? and rowid < ?');
		const insPage = db.prepare('insert into search_pages (rowid, stems) values (?, ?)');
		const mark = db.prepare(
			`insert into search_text_state (publication_id, signature, abstract_terms, body_terms)
			 values (?, ?, ?, ?)
			 on conflict (publication_id) do update set signature = excluded.signature,
			   abstract_terms = excluded.abstract_terms, body_terms = excluded.body_terms`
		);
		const write = writeSync(db, (/** @type {Analysed[]} */ batch) => {
			for (const b of batch) {
				del.run(b.id);
				if (b.abstract || b.body) ins.run(b.id, b.abstract, b.body);
				// Pages of every file the record ever had: a replaced file's pages go too.
				for (const f of /** @type {{ id: number }[]} */ (files.all(b.id)))
					delPages.run(f.id * PAGE_ROWID, (f.id + 1) * PAGE_ROWID);
				for (const p of b.pages) insPage.run(p.rowid, p.stems);
				mark.run(b.id, b.signature, b.abstractTerms, b.bodyTerms);
			}
		});
		/** @type {Set<string>} */
		const added = new Set();
		/** @type {Analysed[]} */
		let batch = [];
		let done = 0;
		for (const r of stale) {
			const fileId = r.file_id;
			const pageTexts =
				fileId === null
					? []
					: /** @type {{ page: number, text: string }[]} */ (pages.all(fileId)).filter(
							(p) => p.page > 0 && p.page < PAGE_ROWID
						);
			/** @type {Set<string>} */
			const all = new Set();
			const pageRows = pageTexts.map((p) => {
				const stems = new Set(cachedTerms(p.text, r.language));
				for (const t of stems) all.add(t);
				return {
					rowid: /** @type {number} */ (fileId) * PAGE_ROWID + p.page,
					stems: [...stems].join(' ')
				};
			});
			const body = [...all];
			const abstract = r.abstract ? cachedTerms(r.abstract, r.language) : [];
			for (const t of body) added.add(t);
			for (const t of abstract) added.add(t);
			batch.push({
				id: r.id,
				abstract: abstract.join(' '),
				body: body.join(' '),
				pages: pageRows.filter((p) => p.stems),
				signature: signature(r),
				abstractTerms: abstract.length,
				bodyTerms: body.length
			});
			if (batch.length >= BATCH) {
				write(batch);
				done += batch.length;
				batch = [];
				onProgress?.(done, stale.length);
			}
		}
		write(batch);
		done += batch.length;
		// Rows of records that no longer exist (records are withdrawn, not deleted — but be safe).
		const removed = db
			.prepare('delete from search_text where rowid not in (select id from publications)')
			.run().changes;
		db.prepare(
			'delete from search_text_state where publication_id not in (select id from publications)'
		).run();
		if (stale.length > OPTIMIZE_AFTER)
			writeSync(db, () => {
				db.prepare(`insert into search_text (search_text) values ('optimize')`).run();
				db.prepare(`insert into search_pages (search_pages) values ('optimize')`).run();
			})();
		return { updated: done, removed, added: [...added] };
	} finally {
		db.close();
	}
}

/**
 * The vocabulary of the long texts with document counts, for typo tolerance and spelling hints.
 * @param {string} file
 * @returns {[string, number][]}
 */
export function readVocabulary(file) {
	const db = new Database(file, { readonly: true, fileMustExist: true });
	try {
		return /** @type {[string, number][]} */ (
			db.prepare('select term, doc from search_vocab').raw().all()
		);
	} finally {
		db.close();
	}
}
