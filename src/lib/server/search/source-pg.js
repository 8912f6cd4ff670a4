// Reads the searchable text of the catalog from PostgreSQL (the builder worker's half of
// source.js when DATABASE_URL is set), over the worker's own `pg` client.
import { FINGERPRINT_SQL, fingerprintOf } from './source.js';

/**
 * Every record with its metadata, as source.js's `readDocs` gives them: three queries for the
 * whole catalog (records, authors, subjects) instead of two per record — each query is a round
 * trip to the server here, not a call into a library.
 * @param {import('pg').ClientBase} client
 * @returns {Promise<import('./build.js').SearchDoc[]>}
 */
export async function readDocsPg(client) {
	// One after the other: a client runs one query at a time.
	const records = await client.query(
		`select p.id, p.language, p.title, p.subtitle, p.isbn, p.issn, p.regulation_number,
		        p.publisher, p.place, p.edition, p.call_number, s.title as series
		 from publications p left join series s on s.id = p.series_id order by p.id`
	);
	const authors = await client.query(
		'select publication_id, name from publication_authors order by publication_id, position'
	);
	const subjects = await client.query(
		`select ps.publication_id, s.name from publication_subjects ps
		 join subjects s on s.id = ps.subject_id order by ps.publication_id, ps.position`
	);
	/** @param {{ publication_id: number, name: string }[]} rows */
	const byRecord = (rows) => {
		/** @type {Map<number, string[]>} */
		const out = new Map();
		for (const r of rows) {
			const list = out.get(r.publication_id);
			if (list) list.push(r.name);
			else out.set(r.publication_id, [r.name]);
		}
		return out;
	};
	const authorsOf = byRecord(authors.rows);
	const subjectsOf = byRecord(subjects.rows);
	return records.rows.map((r) => ({
		id: r.id,
		language: r.language,
		title: r.title,
		subtitle: r.subtitle,
		series: r.series,
		authors: authorsOf.get(r.id) ?? [],
		subjects: subjectsOf.get(r.id) ?? [],
		identifiers: [r.regulation_number, r.isbn, r.issn].filter(Boolean),
		publisher: r.publisher,
		place: r.place,
		edition: r.edition,
		callNumber: r.call_number
	}));
}

/**
 * source.js's `catalogFingerprint` on PostgreSQL (the same query, the same text).
 * @param {import('pg').ClientBase} client
 */
export async function catalogFingerprintPg(client) {
	const { rows } = await client.query(FINGERPRINT_SQL);
	return fingerprintOf(rows[0], 'postgres');
}
