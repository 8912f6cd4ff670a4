// Reads the searchable text of the catalog from SQLite (used by the builder worker).
import Database from 'better-sqlite3';

/**
 * Every record with its metadata (the long texts live in FTS5, see text.js), streamed one by one.
 * @param {string} file path of the SQLite database
 * @returns {Generator<import('./build.js').SearchDoc>}
 */
export function* readDocs(file) {
	const db = new Database(file, { readonly: true, fileMustExist: true });
	try {
		const authors = db.prepare(
			'select name from publication_authors where publication_id = ? order by position'
		);
		const subjects = db.prepare(
			'select s.name from publication_subjects ps join subjects s on s.id = ps.subject_id where ps.publication_id = ? order by ps.position'
		);
		const rows = db
			.prepare(
				`select p.id, p.language, p.title, p.subtitle, p.isbn, p.issn, p.regulation_number,
				        p.publisher, p.place, p.edition, p.call_number, s.title as series
				 from publications p left join series s on s.id = p.series_id order by p.id`
			)
			.iterate();
		for (const r of /** @type {Iterable<Record<string, any>>} */ (rows)) {
			yield {
				id: r.id,
				language: r.language,
				title: r.title,
				subtitle: r.subtitle,
				series: r.series,
				authors: authors.all(r.id).map((/** @type {any} */ a) => a.name),
				subjects: subjects.all(r.id).map((/** @type {any} */ s) => s.name),
				identifiers: [r.regulation_number, r.isbn, r.issn].filter(Boolean),
				publisher: r.publisher,
				place: r.place,
				edition: r.edition,
				callNumber: r.call_number
			};
		}
	} finally {
		db.close();
	}
}

/** The query of the catalog's fingerprint (the same on both engines). */
export const FINGERPRINT_SQL =
	'select count(*) n, max(updated_at) updated, (select max(id) from files) files from publications';

/**
 * The fingerprint's text from its query's row, prefixed with the engine. The engine is part of
 * it because `npm run db:copy` moves a library to PostgreSQL with the same records, dates and
 * file ids: a server started there on the old DATA_DIR must not take the SQLite-era snapshot
 * for current — the PostgreSQL text tables have not been built yet.
 * @param {{ n: number | string, updated: string | null, files: number | null }} r
 * @param {'sqlite' | 'postgres'} engine
 */
export function fingerprintOf(r, engine) {
	return `${engine}:${r.n}:${r.updated ?? ''}:${r.files ?? 0}`;
}

/**
 * A fingerprint of everything the index depends on; a snapshot with another fingerprint is stale.
 * @param {string} file
 */
export function catalogFingerprint(file) {
	const db = new Database(file, { readonly: true, fileMustExist: true });
	try {
		return fingerprintOf(
			/** @type {{ n: number, updated: string | null, files: number | null }} */ (
				db.prepare(FINGERPRINT_SQL).get()
			),
			'sqlite'
		);
	} finally {
		db.close();
	}
}
