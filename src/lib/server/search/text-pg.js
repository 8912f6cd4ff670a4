// Keeps the PostgreSQL text engine's tables (migration 0018) in step with the catalog: the
// index builder's half of text-engine-pg.ts. The analysis is text.js's, shared; only the writes
// differ. Plain JavaScript typed with JSDoc: it runs in the index-builder worker thread, loaded
// from disk, over its own `pg` client.
import { writeTransactionPg } from '../db/write.js';
import { analyseRecord, PAGE_TEXTS, signature, TEXT_SOURCES } from './text.js';

/** Records analysed per write transaction (as on SQLite: never hold up the site's writes). */
const BATCH = 20;
/**
 * A tsvector lexeme may not exceed 2,047 bytes, a B-tree key about 2,700: longer "words" (a run
 * of letters in a damaged text layer) are left out of PostgreSQL's indexes; nobody types them.
 */
const MAX_TERM_BYTES = 1000;

/**
 * The distinct lexemes of a space-separated stem list, split at separators as FTS5's tokenizer
 * splits what text.js stores for SQLite, so both engines hold the same words.
 * @param {string} stems
 * @returns {string[]}
 */
function lexemes(stems) {
	return [...new Set(stems.split(/[^\p{L}\p{N}]+/u).filter((t) => t && fits(t)))];
}

/** @param {string} term */
function fits(term) {
	return Buffer.byteLength(term) <= MAX_TERM_BYTES;
}

/**
 * Removes a record's row from `search_text`, counting its terms out of the vocabulary (`delta`).
 * @param {import('pg').ClientBase} c
 * @param {number} id
 * @param {Map<string, number>} delta
 */
async function dropRow(c, id, delta) {
	const { rows } = await c.query(
		`delete from search_text where publication_id = $1
		 returning tsvector_to_array(abstract || body) as terms`,
		[id]
	);
	for (const r of rows) for (const t of r.terms) delta.set(t, (delta.get(t) ?? 0) - 1);
}

/**
 * Applies a transaction's vocabulary changes in one statement (a common word's row is updated
 * once per 20 records, not once per record); terms no record holds any more leave it.
 * @param {import('pg').ClientBase} c
 * @param {Map<string, number>} delta
 */
async function applyVocabulary(c, delta) {
	const changed = [...delta].filter(([, n]) => n !== 0);
	if (changed.length === 0) return;
	await c.query(
		`insert into search_vocab (term, docs) select * from unnest($1::text[], $2::integer[])
		 on conflict (term) do update set docs = search_vocab.docs + excluded.docs`,
		[changed.map(([t]) => t), changed.map(([, n]) => n)]
	);
	const fewer = changed.filter(([, n]) => n < 0).map(([t]) => t);
	if (fewer.length > 0)
		await c.query('delete from search_vocab where term = any($1::text[]) and docs <= 0', [fewer]);
}

/**
 * Writes one analysed record: its text row, its vocabulary counts (into `delta`), its file's
 * page lists and the signature it was built from.
 * @param {import('pg').ClientBase} c
 * @param {import('./text.js').Analysed} b
 * @param {Map<string, number>} delta
 */
async function writeRecord(c, b, delta) {
	await dropRow(c, b.id, delta);
	const abstract = lexemes(b.abstract);
	const body = lexemes(b.body);
	if (b.abstract || b.body) {
		await c.query(
			`insert into search_text (publication_id, abstract, body)
			 values ($1, array_to_tsvector($2::text[]), array_to_tsvector($3::text[]))`,
			[b.id, abstract, body]
		);
		for (const t of new Set([...abstract, ...body])) delta.set(t, (delta.get(t) ?? 0) + 1);
	}
	// Pages of every file the record ever had: a replaced file's pages go too.
	await c.query(
		'delete from search_page_terms where file_id in (select id from files where publication_id = $1)',
		[b.id]
	);
	const pages = b.pages.filter(([term]) => fits(term));
	if (b.fileId !== null && pages.length > 0)
		await c.query(
			`insert into search_page_terms (file_id, term, pages)
			 select $1, unnest($2::text[]), unnest($3::bytea[])`,
			[b.fileId, pages.map(([t]) => t), pages.map(([, list]) => Buffer.from(list))]
		);
	await c.query(
		`insert into search_text_state (publication_id, signature, abstract_terms, body_terms)
		 values ($1, $2, $3, $4)
		 on conflict (publication_id) do update set signature = excluded.signature,
		   abstract_terms = excluded.abstract_terms, body_terms = excluded.body_terms`,
		[b.id, b.signature, b.abstractTerms, b.bodyTerms]
	);
}

/**
 * The advisory-lock key of "the text tables' builder" (db/write.js's write lock is …016, the
 * coordinator's …017): one text sync at a time per database, whichever server runs it.
 */
export const TEXT_LOCK_KEY = 7_316_042_018;

/**
 * `syncText` (text.js) on PostgreSQL: every record whose signature differs from what its row was
 * built from is analysed again and written, 20 records per transaction, each transaction under
 * the database's one write lock (db/write.js).
 *
 * One builder per database: every server's leader builds its own Lunr index after a catalog
 * change, and each build syncs the text tables first. The whole sync runs under a session
 * advisory lock, `pg_advisory_lock(TEXT_LOCK_KEY)`, taken (waiting) BEFORE the signatures are
 * read: a second server's sync waits for the first, then reads signatures the first has already
 * brought up to date and finds nothing to do — no record is analysed twice. The lock is released
 * at the end (or by PostgreSQL when a terminated worker's connection closes).
 * Why the vocabulary stays fresh: a server reloads it whole (text-engine-pg.ts `learn`) after its
 * build, and its build read the catalog fingerprint before waiting for this lock. Whatever that
 * fingerprint covers was committed before the lock was had, so it is in the text tables when this
 * sync ends — written by this sync or by the one it waited for — and the reload that follows
 * reads it. A change after the fingerprint changes the fingerprint, so the server builds again.
 * @param {import('pg').ClientBase} client
 * @param {(done: number, total: number) => void} [onProgress]
 * @param {{ full?: boolean }} [opts] `full`: analyse every record again (`npm run reindex`)
 * @returns {Promise<import('./text.js').SyncResult>}
 */
export async function syncTextPg(client, onProgress, opts = {}) {
	await client.query(`select pg_advisory_lock(${TEXT_LOCK_KEY})`);
	try {
		return await syncUnderLock(client, onProgress, opts);
	} finally {
		await client.query(`select pg_advisory_unlock(${TEXT_LOCK_KEY})`);
	}
}

/**
 * @param {import('pg').ClientBase} client
 * @param {((done: number, total: number) => void) | undefined} onProgress
 * @param {{ full?: boolean }} opts
 * @returns {Promise<import('./text.js').SyncResult>}
 */
async function syncUnderLock(client, onProgress, opts) {
	if (opts.full) await writeTransactionPg(client, (c) => c.query('delete from search_text_state'));
	const { rows } = await client.query(TEXT_SOURCES);
	const stale = /** @type {import('./text.js').TextSource[]} */ (rows).filter(
		(r) => r.signature !== signature(r)
	);
	const pageTexts = PAGE_TEXTS.replace('?', '$1');
	const write = (/** @type {import('./text.js').Analysed[]} */ batch) =>
		writeTransactionPg(client, async (c) => {
			/** @type {Map<string, number>} */
			const delta = new Map();
			for (const b of batch) await writeRecord(c, b, delta);
			await applyVocabulary(c, delta);
		});
	/** @type {Set<string>} */
	const added = new Set();
	/** @type {import('./text.js').Analysed[]} */
	let batch = [];
	let done = 0;
	for (const r of stale) {
		const pages = r.file_id === null ? [] : (await client.query(pageTexts, [r.file_id])).rows;
		batch.push(analyseRecord(r, pages, added));
		if (batch.length >= BATCH) {
			await write(batch);
			done += batch.length;
			batch = [];
			onProgress?.(done, stale.length);
		}
	}
	await write(batch);
	done += batch.length;
	// Rows of records that no longer exist (records are withdrawn, not deleted — but be safe).
	const removed = await writeTransactionPg(client, async (c) => {
		const gone = await c.query(
			'select publication_id from search_text where publication_id not in (select id from publications)'
		);
		/** @type {Map<string, number>} */
		const delta = new Map();
		for (const r of gone.rows) await dropRow(c, r.publication_id, delta);
		await applyVocabulary(c, delta);
		await c.query(
			'delete from search_text_state where publication_id not in (select id from publications)'
		);
		return gone.rows.length;
	});
	return { updated: done, removed, added: [...added] };
}
