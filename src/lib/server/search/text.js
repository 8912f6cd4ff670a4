// Keeps the FTS5 table of long texts (PDF text and abstract, as stems) in step with the catalog.
// Plain JavaScript typed with JSDoc: it runs in the index-builder worker thread, loaded from disk.
import Database from 'better-sqlite3';
import { terms } from './analyze.js';
import { writeSync } from '../db/write.js';

/** Bumped whenever the analysis of long texts changes, so every row is rebuilt once. */
export const TEXT_FORMAT = 4;
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
 * @property {number | null} fileId the current file, whose page terms are `pages`
 * @property {[string, Uint8Array][]} pages each stem of the file with its pages (`encodePages`)
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
 * @typedef {object} TextSource what a record's long-text row is built from
 * @property {number} id
 * @property {string} language
 * @property {string | null} abstract
 * @property {string} updated_at
 * @property {number | null} file_id the current file
 * @property {string | null} signature what its row was built from last (null: no row)
 */

/** Every record with its current file and the signature of its text row (both engines' SQL). */
export const TEXT_SOURCES = `select p.id, p.language, p.abstract, p.updated_at, f.id as file_id, s.signature
					 from publications p
					 left join files f on f.publication_id = p.id and f.is_current = 1
					 left join search_text_state s on s.publication_id = p.id`;

/** A file's page texts in order (both engines: `?` is rewritten to `$1` for PostgreSQL). */
export const PAGE_TEXTS = 'select page, text from page_texts where file_id = ? order by page';

/**
 * What a record's text row is built from: when this differs from the stored signature, the
 * record is analysed again.
 * @param {TextSource} r
 */
export function signature(r) {
	return `${TEXT_FORMAT}|${r.language}|${r.file_id ?? ''}|${r.updated_at}`;
}

/**
 * Analyses one record's long texts — the same on both engines: the distinct stems of its
 * current file's pages (each with the pages it is on) and the stems of its abstract. Every term
 * is also added to `added` (the vocabulary's new words).
 * @param {TextSource} r
 * @param {{ page: number, text: string }[]} pageTexts the current file's pages, in order
 * @param {Set<string>} added
 * @returns {Analysed}
 */
export function analyseRecord(r, pageTexts, added) {
	// Each stem of the text with the pages it is on (pages come in order).
	/** @type {Map<string, number[]>} */
	const onPages = new Map();
	for (const p of pageTexts) {
		if (p.page <= 0) continue;
		for (const t of new Set(cachedTerms(p.text, r.language))) {
			const list = onPages.get(t);
			if (list) list.push(p.page);
			else onPages.set(t, [p.page]);
		}
	}
	const body = [...onPages.keys()];
	const abstract = r.abstract ? cachedTerms(r.abstract, r.language) : [];
	for (const t of body) added.add(t);
	for (const t of abstract) added.add(t);
	return {
		id: r.id,
		abstract: abstract.join(' '),
		body: body.join(' '),
		fileId: r.file_id,
		// Key order: the rows go into the B-tree in sequence.
		pages: [...onPages]
			.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
			.map(([t, list]) => [t, encodePages(list)]),
		signature: signature(r),
		abstractTerms: abstract.length,
		bodyTerms: body.length
	};
}

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
		if (opts.full) writeSync(db, () => db.prepare('delete from search_text_state').run())();
		const rows = /** @type {TextSource[]} */ (db.prepare(TEXT_SOURCES).all());
		const stale = rows.filter((r) => r.signature !== signature(r));
		const pages = db.prepare(PAGE_TEXTS);
		const del = db.prepare('delete from search_text where rowid = ?');
		const ins = db.prepare('insert into search_text (rowid, abstract, body) values (?, ?, ?)');
		const files = db.prepare('select id from files where publication_id = ?');
		const delPages = db.prepare('delete from search_page_terms where file_id = ?');
		const insPage = db.prepare(
			'insert into search_page_terms (file_id, term, pages) values (?, ?, ?)'
		);
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
				for (const f of /** @type {{ id: number }[]} */ (files.all(b.id))) delPages.run(f.id);
				for (const [term, pageList] of b.pages) insPage.run(b.fileId, term, pageList);
				mark.run(b.id, b.signature, b.abstractTerms, b.bodyTerms);
			}
		});
		/** @type {Set<string>} */
		const added = new Set();
		/** @type {Analysed[]} */
		let batch = [];
		let done = 0;
		for (const r of stale) {
			const pageTexts =
				r.file_id === null
					? []
					: /** @type {{ page: number, text: string }[]} */ (pages.all(r.file_id));
			batch.push(analyseRecord(r, pageTexts, added));
			if (batch.length >= BATCH) {
				write(batch);
				done += batch.length;
				batch = [];
				onProgress?.(done, stale.length);
			}
		}
		write(batch);
		done += batch.length;
		// Rows of records that no longer exist (records are withdrawn, not deleted — but be safe);
		// a write like any other, so it takes the write lock first (see db/write.js).
		const removed = writeSync(db, () => {
			const n = db
				.prepare('delete from search_text where rowid not in (select id from publications)')
				.run().changes;
			db.prepare(
				'delete from search_text_state where publication_id not in (select id from publications)'
			).run();
			return n;
		})();
		if (stale.length > OPTIMIZE_AFTER)
			writeSync(db, () => {
				db.prepare(`insert into search_text (search_text) values ('optimize')`).run();
			})();
		return { updated: done, removed, added: [...added] };
	} finally {
		db.close();
	}
}

/**
 * A page list as stored in `search_page_terms.pages`: ascending page numbers as gaps, each an
 * unsigned LEB128 varint — one byte per page for all but the sparsest stems.
 * @param {number[]} pages ascending, each ≥ 1
 * @returns {Uint8Array}
 */
export function encodePages(pages) {
	const out = [];
	let last = 0;
	for (const p of pages) {
		let gap = p - last;
		last = p;
		while (gap >= 0x80) {
			out.push((gap & 0x7f) | 0x80);
			gap >>>= 7;
		}
		out.push(gap);
	}
	// Buffer.from: small lists share pooled memory instead of one external allocation each,
	// which let the builder's RSS grow by hundreds of megabytes before a GC noticed.
	return Buffer.from(out);
}

/**
 * The page numbers of an `encodePages` list.
 * @param {Uint8Array} bytes
 * @returns {number[]}
 */
export function decodePages(bytes) {
	/** @type {number[]} */
	const out = [];
	let page = 0;
	let gap = 0;
	let shift = 0;
	for (const b of bytes) {
		gap |= (b & 0x7f) << shift;
		if (b & 0x80) shift += 7;
		else {
			page += gap;
			out.push(page);
			gap = 0;
			shift = 0;
		}
	}
	return out;
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
