import type { Publication } from '../../types.ts';
import { translator } from '../../i18n/index.ts';

/**
 * The one Dublin Core mapping of a publication (README "OAI-PMH (Indonesia OneSearch)" has the
 * table). It yields statements, not XML: OAI-PMH renders them as simple Dublin Core (`oai_dc`:
 * each statement under its DC 1.1 element) and as qualified Dublin Core (`oai_qdc`: under the
 * DCMI term refinement, with its encoding scheme), and feeds can reuse them.
 *
 * The caller decides who may see the record; this function only describes what it is given.
 * It is called for records the anonymous public may see, so it never reaches for anything the
 * `Publication` does not already show that audience.
 */

/** The fifteen elements of the Dublin Core Metadata Element Set 1.1. */
export type DcElement =
	| 'title'
	| 'creator'
	| 'subject'
	| 'description'
	| 'publisher'
	| 'contributor'
	| 'date'
	| 'type'
	| 'format'
	| 'identifier'
	| 'source'
	| 'language'
	| 'relation'
	| 'coverage'
	| 'rights';

/** DCMI Metadata Terms refinements used here (each refines the element it is stated under). */
export type DcTerm =
	| 'alternative'
	| 'abstract'
	| 'issued'
	| 'extent'
	| 'isPartOf'
	| 'accessRights'
	| 'bibliographicCitation'
	| 'created'
	| 'spatial'
	| 'replaces'
	| 'isReplacedBy';

/** DCMI encoding schemes (`xsi:type="dcterms:…"` in qualified DC). */
export type DcScheme = 'URI' | 'W3CDTF' | 'DCMIType' | 'IMT' | 'RFC3066';

/** One Dublin Core statement about a publication. */
export interface DcStatement {
	/** The DC 1.1 element (what simple Dublin Core shows). */
	element: DcElement;
	/** The DCMI term that refines the element, when one says more precisely what this is. */
	term?: DcTerm;
	/** Encoding scheme of the value, when it follows one. */
	scheme?: DcScheme;
	value: string;
	/** Language of a human-readable value (`xml:lang`); never set on coded values. */
	lang?: 'id' | 'en';
}

/** What the mapping needs besides the record: where the site lives. */
export interface DcContext {
	/** The site's public origin (config.origin), e.g. `https://perpustakaan.djkn.kemenkeu.go.id`. */
	origin: string;
}

const ID = translator('id');
const EN = translator('en');

/** `YYYY`, `YYYY-MM` or `YYYY-MM-DD` that is a real date (W3CDTF without time). */
function w3cdtf(pub: Publication): string | null {
	const d = pub.publishedDate?.trim();
	if (d && /^\d{4}(-\d{2}(-\d{2})?)?$/.test(d)) {
		const [y, m = '01', day = '01'] = d.split('-');
		const t = new Date(`${y}-${m}-${day}T00:00:00Z`);
		if (!Number.isNaN(t.getTime()) && t.toISOString().startsWith(`${y}-${m}-${day}`)) return d;
	}
	return pub.year !== null && pub.year >= 1 && pub.year <= 9999
		? String(pub.year).padStart(4, '0')
		: null;
}

/** The language code as ISO 639-1 (two letters) or 639-2/3 (three), or null when not one. */
function isoLanguage(code: string): string | null {
	const c = code.trim().toLowerCase();
	return /^[a-z]{2,3}$/.test(c) ? c : null;
}

/** A human statement in both interface languages (Indonesian first: the catalog's own). */
function both(
	element: DcElement,
	term: DcTerm | undefined,
	key: string,
	params?: Record<string, string | number>
): DcStatement[] {
	return [
		{ element, term, value: ID(key, params), lang: 'id' },
		{ element, term, value: EN(key, params), lang: 'en' }
	];
}

/**
 * The Dublin Core statements describing `pub`, in a stable order (their fingerprint decides
 * whether a harvester is told the record changed).
 */
export function dublinCore(pub: Publication, ctx: DcContext): DcStatement[] {
	const origin = ctx.origin.replace(/\/+$/, '');
	const out: DcStatement[] = [];
	// Titles are in the record's own language, which may be any; no xml:lang guess.
	out.push({ element: 'title', value: pub.title });
	if (pub.subtitle) out.push({ element: 'title', term: 'alternative', value: pub.subtitle });
	for (const name of pub.authors) out.push({ element: 'creator', value: name });
	for (const s of pub.subjects) out.push({ element: 'subject', value: s });
	if (pub.abstract) out.push({ element: 'description', term: 'abstract', value: pub.abstract });
	if (pub.publisher) out.push({ element: 'publisher', value: pub.publisher });
	const date = w3cdtf(pub);
	if (date) out.push({ element: 'date', term: 'issued', scheme: 'W3CDTF', value: date });
	// DCMI Type vocabulary first (what aggregators filter on), then the library's own genre.
	out.push({ element: 'type', scheme: 'DCMIType', value: 'Text' });
	out.push(...both('type', undefined, `type.${pub.type}`));
	if (pub.hasFile) {
		out.push({ element: 'format', scheme: 'IMT', value: 'application/pdf' });
		if (pub.pages) out.push(...both('format', 'extent', 'oai.extent', { pages: pub.pages }));
	}
	out.push({ element: 'identifier', scheme: 'URI', value: `${origin}/publications/${pub.id}` });
	// The PDF is named only when the public may read it: the records given here are public and
	// visible, so a file means an openly readable PDF (the reader route checks the policy again).
	if (pub.hasFile && pub.access === 'public')
		out.push({
			element: 'identifier',
			scheme: 'URI',
			value: `${origin}/api/v1/publications/${pub.id}/file`
		});
	if (pub.isbn) out.push({ element: 'identifier', scheme: 'URI', value: `urn:isbn:${pub.isbn}` });
	if (pub.issn) out.push({ element: 'identifier', scheme: 'URI', value: `urn:issn:${pub.issn}` });
	if (pub.regulationNumber) out.push({ element: 'identifier', value: pub.regulationNumber });
	const lang = isoLanguage(pub.language);
	if (lang) out.push({ element: 'language', scheme: 'RFC3066', value: lang });
	if (pub.series) {
		out.push({ element: 'relation', term: 'isPartOf', value: pub.series.title });
		out.push({
			element: 'relation',
			term: 'isPartOf',
			scheme: 'URI',
			value: `${origin}/series/${encodeURIComponent(pub.series.slug)}`
		});
		const parts = [
			pub.series.title,
			pub.volume !== null ? `Vol. ${pub.volume}` : null,
			pub.issue !== null ? `No. ${pub.issue}` : null,
			date ? date.slice(0, 4) : null
		].filter(Boolean);
		if (parts.length > 1)
			out.push({ element: 'identifier', term: 'bibliographicCitation', value: parts.join(', ') });
	}
	out.push(...both('rights', 'accessRights', `oai.rights.${pub.access}`));
	if (pub.hasFile && !pub.downloadable)
		out.push(...both('rights', undefined, 'oai.rights.readOnly'));
	if (pub.regulation) out.push(...regulation(pub, origin));
	return out;
}

/**
 * A regulation's JDIHN facts as Dublin Core: its kind (`type`), number (`identifier`), the
 * enactment date (`created`: a regulation exists from the day it is enacted), field of law
 * (`subject`), place of enactment (`coverage`/`spatial`), status in both languages
 * (`description`), and its relations as the related records' URLs: `replaces`/`isReplacedBy`
 * for revocations, plain `relation` for amendments (DCMI has no "amends"). The relations come
 * from hydrate for the same (anonymous) viewer, so only public regulations are named.
 */
function regulation(pub: Publication, origin: string): DcStatement[] {
	const reg = pub.regulation;
	if (!reg) return [];
	const out: DcStatement[] = [];
	if (reg.kindLabel) out.push({ element: 'type', value: reg.kindLabel, lang: 'id' });
	if (reg.number && reg.number !== pub.regulationNumber)
		out.push({ element: 'identifier', value: reg.number });
	if (reg.enactedDate && /^\d{4}-\d{2}-\d{2}$/.test(reg.enactedDate))
		out.push({ element: 'date', term: 'created', scheme: 'W3CDTF', value: reg.enactedDate });
	if (reg.legalField) out.push({ element: 'subject', value: reg.legalField });
	if (reg.enactedPlace) out.push({ element: 'coverage', term: 'spatial', value: reg.enactedPlace });
	const status = `reg.status.${reg.status}`;
	out.push(
		{ element: 'description', value: `Status: ${ID(status)}`, lang: 'id' },
		{ element: 'description', value: `Status: ${EN(status)}`, lang: 'en' }
	);
	const url = (id: number) => `${origin}/publications/${id}`;
	for (const r of reg.revokes)
		out.push({ element: 'relation', term: 'replaces', scheme: 'URI', value: url(r.id) });
	for (const r of reg.revokedBy)
		out.push({ element: 'relation', term: 'isReplacedBy', scheme: 'URI', value: url(r.id) });
	for (const r of [...reg.amends, ...reg.amendedBy])
		out.push({ element: 'relation', scheme: 'URI', value: url(r.id) });
	return out;
}
