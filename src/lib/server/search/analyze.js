// Text analysis for search: folding, tokenizing, stop words and stemming (Indonesian by the
// Sastrawi algorithm, English by Porter). Plain JavaScript typed with JSDoc because the index
// builder worker thread loads it straight from disk.
import { createRequire } from 'node:module';
import lunr from 'lunr';

const require = createRequire(import.meta.url);
/** @type {{ Stemmer: new () => { stem(word: string): string } }} */
const sastrawi = require('sastrawijs');
/** @type {Record<string, string[]>} */
const stopwordsIso = require('stopwords-iso');

const sastrawiStemmer = new sastrawi.Stemmer();

/**
 * Words too meaningful here to drop, although general stop-word lists carry them
 * ("state assets", "Badan Layanan Umum").
 */
const KEEP = new Set([
	'state',
	'states',
	'new',
	'umum',
	'public',
	'general',
	'negara',
	'information'
]);
/** Both languages' stop words: queries are not labelled with a language. */
export const STOP_WORDS = new Set(
	[...stopwordsIso.id, ...stopwordsIso.en].filter((w) => !KEEP.has(w))
);

/** Words shorter than this are not stemmed (Sastrawi: "don't stem short words"). */
const MIN_STEM_LENGTH = 4;
/** Particles and possessives that may follow a reduplicated word: malaikat-malaikat-Nya. */
const CLITICS = new Set(['ku', 'mu', 'nya', 'lah', 'kah', 'tah', 'pun']);

/**
 * Lower-cases and strips diacritics (é → e), so "Sépak" finds "sepak" and accents typed or not
 * match the same.
 * @param {string} text
 */
export function fold(text) {
	return text
		.normalize('NFKD')
		.replace(/[\u0300-\u036f]/g, '')
		.toLowerCase();
}

/**
 * Words of a text: letters and digits, keeping inner hyphens (reduplication: buku-buku) and
 * inner dots/slashes of numbers (181/PMK.06/2016 also yields its parts, see `identifierTerms`).
 * @param {string} text
 * @returns {string[]}
 */
export function tokenize(text) {
	return fold(text).match(/[\p{L}\p{N}]+(?:-[\p{L}\p{N}]+)*/gu) ?? [];
}

/** Prefixes whose nasal swallowed the root's first consonant, with the letters to try back. */
const PREFIX_RULES = /** @type {[string, string[]][]} */ ([
	['meny', ['s']],
	['peny', ['s']],
	['meng', ['', 'k']],
	['peng', ['', 'k']],
	['mem', ['', 'p']],
	['pem', ['', 'p']],
	['men', ['', 't']],
	['pen', ['', 't']],
	['ber', ['']],
	['per', ['']],
	['ter', ['']],
	['di', ['']],
	['ke', ['']],
	['me', ['']],
	['pe', ['']]
]);
const SUFFIXES = ['kan', 'an', 'i', 'nya', ''];
/** @type {Map<string, boolean>} */
const rootCache = new Map();

/**
 * Is this a root in Sastrawi's dictionary? sastrawijs does not export it, but it stems
 * `di` + root back to the root exactly when the root is known.
 * @param {string} candidate
 */
function isRoot(candidate) {
	let known = rootCache.get(candidate);
	if (known === undefined) {
		known = candidate.length >= 3 && sastrawiStemmer.stem(`di${candidate}`) === candidate;
		rootCache.set(candidate, known);
	}
	return known;
}

/**
 * Sastrawi's confix rules that sastrawijs misses for some words (pengelolaan → kelola:
 * peng- swallowed the k of kelola): strip a prefix and suffix, put back the consonant a nasal
 * prefix replaced, and accept the result only if it is a dictionary root.
 * @param {string} word
 */
function confixFallback(word) {
	for (const suffix of SUFFIXES) {
		if (suffix && !word.endsWith(suffix)) continue;
		const body = suffix ? word.slice(0, -suffix.length) : word;
		for (const [prefix, restore] of PREFIX_RULES) {
			if (!body.startsWith(prefix)) continue;
			const base = body.slice(prefix.length);
			for (const letter of restore) if (isRoot(letter + base)) return letter + base;
		}
	}
	return word;
}

/** @param {string} word */
function stemSingular(word) {
	if (word.length < MIN_STEM_LENGTH) return word;
	const stem = sastrawiStemmer.stem(word);
	return stem === word && word.length >= 7 ? confixFallback(word) : stem;
}

/**
 * Indonesian stem of one word by the Sastrawi algorithm, including its rule for reduplicated
 * words that sastrawijs lacks: buku-buku → buku, berbalas-balasan → balas, meniru-nirukan →
 * tiru, malaikat-malaikat-nya → malaikat.
 * @param {string} word
 */
export function stemIndonesian(word) {
	const w = fold(word);
	if (!w.includes('-')) return stemSingular(w);
	let parts = w.split('-');
	if (parts.length === 3 && CLITICS.has(parts[2])) parts = [parts[0], `${parts[1]}${parts[2]}`];
	if (parts.length !== 2 || !parts[0] || !parts[1]) return w;
	// A particle written with a hyphen: kuasa-Mu, allah-lah.
	if (CLITICS.has(parts[1])) return stemSingular(parts[0]);
	const root1 = stemSingular(parts[0]);
	let root2 = stemSingular(parts[1]);
	// The second half often drops the prefix: menyepak-nyepak, meniru-nirukan.
	if (root2 === parts[1] && root1 !== root2) root2 = stemSingular(`me${parts[1]}`);
	return root1 === root2 ? root1 : w;
}

/**
 * English stem (Porter, as Lunr's own English pipeline).
 * @param {string} word
 */
export function stemEnglish(word) {
	return lunr.stemmer(new lunr.Token(fold(word), {})).toString();
}

/**
 * The index terms of a text in a given language: folded, stop words removed, stemmed.
 * @param {string} text
 * @param {'id' | 'en' | string} lang
 * @returns {string[]}
 */
export function terms(text, lang) {
	const stem = lang === 'en' ? stemEnglish : stemIndonesian;
	/** @type {string[]} */
	const out = [];
	for (const token of tokenize(text)) {
		if (STOP_WORDS.has(token)) continue;
		const stemmed = stem(token);
		// A reduplicated word that does not collapse is indexed by its halves too.
		if (stemmed.includes('-')) for (const part of stemmed.split('-')) out.push(stem(part));
		else out.push(stemmed);
	}
	return out;
}

/**
 * Every stem a query word may have been indexed under, whatever the record's language.
 * @param {string} word
 * @returns {string[]}
 */
export function queryStems(word) {
	const w = fold(word);
	return [...new Set([stemIndonesian(w), stemEnglish(w)])].filter((s) => s && !s.includes('-'));
}

/**
 * Identifier terms: the whole number and its parts, so "PMK 181/PMK.06/2016", "181/PMK.06/2016"
 * and "PMK 181 2016" all meet.
 * @param {string} id
 * @returns {string[]}
 */
export function identifierTerms(id) {
	const f = fold(id);
	const parts = f.split(/[^\p{L}\p{N}]+/u).filter(Boolean);
	const compact = f.replace(/[^\p{L}\p{N}]+/gu, '');
	return [...new Set([...parts, compact])];
}
