// Builds the Lunr index from catalog documents. Plain JavaScript typed with JSDoc: it runs in
// the index-builder worker thread, loaded straight from disk.
import lunr from 'lunr';
import { identifierTerms, terms } from './analyze.js';

/**
 * Field boosts of the metadata index: a word in the title says far more about a record than one
 * on page 212. Identifiers (PMK numbers, ISBN, ISSN) rank highest so a number query puts that
 * record first; a call number is nearly as specific. The publisher names who issued a record (a
 * reader looks for "Kementerian Keuangan" publications), the place and edition only tell two
 * records apart. The long texts (abstract — SLiMS's notes —, PDF text) are not in Lunr: see
 * text.js and migration 0004.
 */
export const FIELD_BOOSTS = {
	identifiers: 12,
	title: 10,
	callnumber: 6,
	authors: 5,
	subjects: 5,
	subtitle: 4,
	series: 4,
	publisher: 3,
	place: 1,
	edition: 1
};

/** Bumped whenever analysis or fields change, so an old snapshot is rebuilt, not misread. */
export const INDEX_FORMAT = 5;

/**
 * @typedef {object} SearchDoc
 * @property {number} id
 * @property {string} language
 * @property {string} title
 * @property {string | null} subtitle
 * @property {string | null} series
 * @property {string[]} authors
 * @property {string[]} subjects
 * @property {string[]} identifiers
 * @property {string | null} [publisher]
 * @property {string | null} [place]
 * @property {string | null} [edition]
 * @property {string | null} [callNumber]
 */

/**
 * The analysed metadata fields of one document.
 * @param {SearchDoc} d
 */
export function analyzeDoc(d) {
	const t = (/** @type {string | null | undefined} */ s) =>
		s ? terms(s, d.language).join(' ') : '';
	return {
		id: String(d.id),
		identifiers: d.identifiers.flatMap(identifierTerms).join(' '),
		title: t(d.title),
		subtitle: t(d.subtitle),
		series: t(d.series),
		authors: t(d.authors.join(' ')),
		subjects: t(d.subjects.join(' ')),
		publisher: t(d.publisher),
		place: t(d.place),
		edition: t(d.edition),
		// "336.2 KEM p": its parts and the whole, like an identifier.
		callnumber: d.callNumber ? identifierTerms(d.callNumber).join(' ') : ''
	};
}

/**
 * A Lunr index over analyzed documents. Lunr's own pipeline is emptied: analysis (folding,
 * stop words, Indonesian/English stemming) already happened in `analyzeDoc`, per record
 * language, which Lunr's single pipeline cannot do.
 * @param {Iterable<SearchDoc>} docs
 */
export function buildIndex(docs) {
	const builder = new lunr.Builder();
	builder.pipeline.reset();
	builder.searchPipeline.reset();
	builder.ref('id');
	// Positions are not needed: page hits are found from page_texts for the top results only.
	builder.metadataWhitelist = [];
	for (const [field, boost] of Object.entries(FIELD_BOOSTS)) builder.field(field, { boost });
	for (const d of docs) builder.add(analyzeDoc(d));
	return builder.build();
}
