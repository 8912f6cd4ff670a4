import { Cite, plugins } from '@citation-js/core';
import '@citation-js/plugin-csl';
import '@citation-js/plugin-bibtex';
import '@citation-js/plugin-ris';
// Vendored CSL files (CC BY-SA 3.0, origin in each file's header comment and csl/README.md).
// Imported as text so the production build carries them: nothing is read from disk at run time.
import ieeeStyle from './csl/ieee.csl?raw';
import idLocale from './csl/locales-id-ID.xml?raw';
import type { Db } from '../db/index.ts';
import type { Viewer } from '../access.ts';
import * as publications from '../catalog/publications.ts';
import { Invalid, NotFound } from '../errors.ts';
import type { Lang, Publication, PublicationType } from '../../types.ts';

/**
 * Citations of catalog records: the mapping Publication → CSL-JSON (the Citation Style
 * Language's data model, which every reference manager reads) and its rendering through
 * Citation.js into BibTeX, RIS, CSL-JSON and formatted APA and IEEE references. Nothing here
 * formats a reference by hand: the library and the official CSL styles do.
 *
 * Callers pass records they obtained through the access policy (`forViewer` does that for a
 * list of ids), so a citation never reveals a record its caller may not see.
 */

export const CITATION_FORMATS = ['bibtex', 'ris', 'csl-json', 'apa', 'ieee'] as const;
export type CitationFormat = (typeof CITATION_FORMATS)[number];

/** Most records one export may name: enough for a page of search hits, bounded for the server. */
export const MAX_CITE_IDS = 100;

const csl = plugins.config.get('@csl');
// APA ships with plugin-csl; IEEE and the Indonesian locale are registered once, at load.
if (!csl.styles.has('ieee')) csl.styles.add('ieee', ieeeStyle);
if (!csl.locales.has('id-ID')) csl.locales.add('id-ID', idLocale);

/** A name as CSL-JSON has it: split into family and given, or kept whole (`literal`). */
export type CslName = { family: string; given?: string } | { literal: string };

/** A CSL-JSON item (only the variables this catalog fills). */
export interface CslItem {
	id: string;
	'citation-key': string;
	type: string;
	title: string;
	author?: CslName[];
	issued?: { 'date-parts': number[][] };
	publisher?: string;
	'publisher-place'?: string;
	'container-title'?: string;
	'collection-title'?: string;
	volume?: string;
	issue?: string;
	number?: string;
	/** The kind of regulation (PMK, PP, ...). */
	genre?: string;
	/** Publication status; for a regulation no longer in force, Dicabut/Diubah. */
	status?: string;
	edition?: string;
	ISBN?: string;
	ISSN?: string;
	URL: string;
	language?: string;
	abstract?: string;
	keyword?: string;
	'number-of-pages'?: string;
	'call-number'?: string;
}

/**
 * Words that mark a corporate author (ministries, directorates, teams, editorial boards), in
 * Indonesian and English. Such names are kept whole: "Direktorat Jenderal Kekayaan Negara" must
 * not become "Negara, D. J. K.".
 */
const ORGANIZATION =
	/\b(direktorat|direktur|kementerian|menteri|pusat|badan|kantor|sekretariat|biro|bagian|subdirektorat|bidang|tim|redaksi|lembaga|dinas|komisi|dewan|republik|pemerintah|universitas|institut|sekolah|djkn|kpknl|kanwil|ministry|minister|directorate|director|office|agency|team|board|centre|center|council|university|institute|government|committee|bank)\b/i;

/** A corporate author (ministry, directorate, team, editorial board) rather than a person. */
export function isOrganizationName(name: string): boolean {
	return ORGANIZATION.test(name);
}

/** Academic degrees written after a name ("Budi Santoso, S.E., M.M."): not part of the name. */
const DEGREE =
	/^(?:[A-Za-z]{1,4}\.(?:\s?[A-Za-z]{1,5}\.?)*|MBA|MPP|MSc|MA|PhD|CPA|CA|Ak|MM|SH|SE|ST)$/;
/** Honorifics written before a name. */
const HONORIFIC = /^(?:prof|dr|drs|dra|ir|h|hj|kh)\.?$/i;

/**
 * Splits an author as catalogued into CSL name parts. "Family, Given" is taken as written; an
 * organisation, a single word (many Indonesians have one name: "Sukarno") or anything that is
 * not a plain personal name is kept literal; otherwise the last word is the family name, the
 * rule reference managers apply to Indonesian names too ("Sri Mulyani Indrawati" → Indrawati,
 * Sri Mulyani).
 */
export function parseName(raw: string): CslName {
	const name = raw.normalize('NFC').replace(/\s+/g, ' ').trim();
	if (isOrganizationName(name)) return { literal: name };
	const parts = name.split(',').map((p) => p.trim());
	while (parts.length > 1 && DEGREE.test(parts[parts.length - 1])) parts.pop();
	if (parts.length === 2 && parts[0] && parts[1]) return { family: parts[0], given: parts[1] };
	if (parts.length !== 1) return { literal: name };
	const words = parts[0].split(' ');
	while (words.length > 1 && HONORIFIC.test(words[0])) words.shift();
	if (words.length === 1) return { literal: words[0] };
	return { family: words[words.length - 1], given: words.slice(0, -1).join(' ') };
}

/** "Family, Given" (the form Highwire tags and RIS want) or the literal name. */
export function invertedName(n: CslName): string {
	return 'literal' in n ? n.literal : n.given ? `${n.family}, ${n.given}` : n.family;
}

/**
 * CSL item types. A magazine issue is cited like a magazine contribution (`article-magazine`:
 * its title in the magazine, volume and number): CSL's `periodical` makes APA call every issue
 * a "special issue" and BibTeX a `@misc`. A regulation is `legislation`; an article outside a
 * series is CSL's stand-alone `article`, one inside a series (the magazine) an
 * `article-magazine` (see `cslType`).
 */
const CSL_TYPE: Record<PublicationType, string> = {
	magazine_issue: 'article-magazine',
	book: 'book',
	report: 'report',
	regulation: 'legislation',
	article: 'article',
	other: 'document'
};

/** The title as cited: title and subtitle joined the way CSL styles expect. */
export function fullTitle(pub: Publication): string {
	return pub.subtitle ? `${pub.title}: ${pub.subtitle}` : pub.title;
}

/** `[year, month, day]` from the record's date, or `[year]`, or null. */
export function dateParts(pub: Publication): number[] | null {
	const m = pub.publishedDate ? /^(\d{4})-(\d{2})-(\d{2})/.exec(pub.publishedDate) : null;
	if (m) return [Number(m[1]), Number(m[2]), Number(m[3])];
	return pub.year !== null ? [pub.year] : null;
}

/** The detail page of a record: what every citation points readers to. */
export function detailUrl(origin: string, id: number): string {
	return `${origin}/publications/${id}`;
}

/**
 * Publication → CSL-JSON item. `origin` is the site's public origin (the detail page becomes
 * the URL); only descriptive fields are mapped, never access or circulation facts.
 */
export function toCsl(pub: Publication, origin: string): CslItem {
	const item: CslItem = {
		id: `djkn-${pub.id}`,
		// The BibTeX key. Citation.js would derive "Author+Year+FirstWord", which every issue of a
		// magazine in one year shares: duplicate keys break a BibTeX file. The record id is unique
		// and stable (letters and digits only: Citation.js ignores a key with "-").
		'citation-key': `djkn${pub.id}`,
		type: pub.type === 'article' && pub.series ? 'article-magazine' : CSL_TYPE[pub.type],
		title: fullTitle(pub),
		URL: detailUrl(origin, pub.id),
		language: pub.language
	};
	if (pub.authors.length) item.author = pub.authors.map(parseName);
	const parts = dateParts(pub);
	if (parts) item.issued = { 'date-parts': [parts] };
	if (pub.publisher) item.publisher = pub.publisher;
	if (pub.place) item['publisher-place'] = pub.place;
	if (pub.series) {
		// A magazine issue or an article sits *in* its series (the periodical); a book or report
		// belongs to a series of separate works, which CSL calls the collection.
		if (pub.type === 'magazine_issue' || pub.type === 'article')
			item['container-title'] = pub.series.title;
		else item['collection-title'] = pub.series.title;
	}
	if (pub.volume !== null) item.volume = String(pub.volume);
	if (pub.issue !== null) item.issue = String(pub.issue);
	if (pub.edition) item.edition = pub.edition;
	if (pub.isbn) item.ISBN = pub.isbn;
	if (pub.issn) item.ISSN = pub.issn;
	if (pub.regulationNumber) item.number = pub.regulationNumber;
	if (pub.regulation) {
		// CSL cites a law by its number and the date it was enacted; the kind (PMK, PP, ...) is
		// its genre, and its status a note, so a citation of a revoked regulation says so.
		const reg = pub.regulation;
		if (reg.number) item.number = reg.number;
		if (reg.kindLabel) item.genre = reg.kindLabel;
		const enacted = reg.enactedDate?.match(/^(\d{4})-(\d{2})-(\d{2})$/);
		if (enacted) item.issued = { 'date-parts': [enacted.slice(1, 4).map(Number)] };
		if (reg.status !== 'berlaku') item.status = reg.status === 'dicabut' ? 'Dicabut' : 'Diubah';
	}
	if (pub.abstract) item.abstract = pub.abstract;
	if (pub.subjects.length) item.keyword = pub.subjects.join(', ');
	if (pub.pages !== null) item['number-of-pages'] = String(pub.pages);
	if (pub.callNumber) item['call-number'] = pub.callNumber;
	return item;
}

/** Reads `format`: one of CITATION_FORMATS, else a 400 naming the valid ones. */
export function parseFormat(raw: string | null): CitationFormat {
	const value = (raw ?? '').trim().toLowerCase();
	if ((CITATION_FORMATS as readonly string[]).includes(value)) return value as CitationFormat;
	throw new Invalid(
		'error.citeFormat',
		{},
		{ formats: CITATION_FORMATS.join(', ') },
		'invalid_format'
	);
}

/**
 * Reads the ids of a multi-record export: `ids=1,2,3`, repeated `ids` parameters (what a form
 * of checkboxes sends), or both. Duplicates collapse, order is kept. 1 to MAX_CITE_IDS positive
 * integers, else a 400.
 */
export function parseIds(values: string[]): number[] {
	const bad = () => new Invalid('error.citeIds', {}, { max: MAX_CITE_IDS }, 'invalid_ids');
	const ids = new Set<number>();
	for (const token of values.flatMap((v) => v.split(','))) {
		const t = token.trim();
		if (t === '') continue;
		if (!/^\d{1,15}$/.test(t) || Number(t) < 1) throw bad();
		ids.add(Number(t));
	}
	if (ids.size === 0 || ids.size > MAX_CITE_IDS) throw bad();
	return [...ids];
}

/**
 * The records among `ids` the viewer may see, in the order asked. Each goes through the access
 * policy (catalog.findById); a hidden id is dropped exactly like a missing one, so the answer
 * tells nothing about records the caller may not see. None visible → NotFound.
 */
export async function forViewer(db: Db, viewer: Viewer, ids: number[]): Promise<Publication[]> {
	const found: Publication[] = [];
	for (const id of ids) {
		try {
			found.push(await publications.findById(db, viewer, id));
		} catch (err) {
			if (!(err instanceof NotFound)) throw err;
		}
	}
	if (!found.length) throw new NotFound('error.publicationNotFound');
	return found;
}

/** How each format travels as a file. */
export const FORMAT_FILE: Record<CitationFormat, { contentType: string; extension: string }> = {
	bibtex: { contentType: 'application/x-bibtex; charset=utf-8', extension: 'bib' },
	ris: { contentType: 'application/x-research-info-systems; charset=utf-8', extension: 'ris' },
	'csl-json': {
		contentType: 'application/vnd.citationstyles.csl+json; charset=utf-8',
		extension: 'json'
	},
	apa: { contentType: 'text/plain; charset=utf-8', extension: 'txt' },
	ieee: { contentType: 'text/plain; charset=utf-8', extension: 'txt' }
};

/** A file name for a citation download: `djkn-12.bib`, `djkn-citations-apa.txt`. */
export function fileName(format: CitationFormat, id?: number): string {
	const stem = id === undefined ? 'djkn-citations' : `djkn-${id}`;
	const style = format === 'apa' || format === 'ieee' ? `-${format}` : '';
	return `${stem}${style}.${FORMAT_FILE[format].extension}`;
}

/** The CSL locale for formatted references in the reader's language. */
const CSL_LOCALE: Record<Lang, string> = { id: 'id-ID', en: 'en-US' };

/**
 * Renders records in one format. APA and IEEE come out as plain text in the reader's language
 * (the CSL locale supplies words such as "Diakses" / "Accessed"); the other formats are data
 * and do not depend on it.
 */
export function render(
	pubs: Publication[],
	format: CitationFormat,
	opts: { origin: string; lang: Lang }
): string {
	const cite = new Cite(
		pubs.map((p) => toCsl(p, opts.origin)),
		{ forceType: '@csl/list+object' }
	);
	switch (format) {
		case 'bibtex':
			return cite.format('bibtex', { format: 'text' });
		case 'ris':
			return cite.format('ris', { format: 'text' });
		case 'csl-json':
			return cite.format('data', { format: 'text' });
		default:
			return cite
				.format('bibliography', { format: 'text', template: format, lang: CSL_LOCALE[opts.lang] })
				.trim();
	}
}
