import {
	ACCESS_LEVELS,
	LANGUAGES,
	PUBLICATION_TYPES,
	STATUSES,
	type AccessLevel,
	type PublicationStatus,
	type PublicationType
} from '../types.ts';
import {
	REGULATION_KIND_CODES,
	REGULATION_STATUSES,
	parseRelation,
	type RegulationStatus,
	type RelationInput
} from '../regulations.ts';

/**
 * The one input schema for a publication's metadata, shared by the cataloguing form, the
 * JSON API and the importers. Errors are message keys so each caller can show them in the
 * reader's language beside the field.
 */

export const LIMITS = {
	title: 500,
	subtitle: 500,
	author: 200,
	authors: 30,
	publisher: 200,
	place: 100,
	abstract: 10_000,
	subject: 100,
	subjects: 30,
	identifier: 100,
	callNumber: 100,
	edition: 100,
	legalField: 200,
	relations: 50
} as const;

export interface PublicationInput {
	type: PublicationType;
	title: string;
	subtitle: string | null;
	authors: string[];
	publisher: string | null;
	place: string | null;
	year: number | null;
	publishedDate: string | null;
	language: string;
	abstract: string | null;
	subjects: string[];
	isbn: string | null;
	issn: string | null;
	regulationNumber: string | null;
	edition: string | null;
	seriesSlug: string | null;
	volume: number | null;
	issue: number | null;
	callNumber: string | null;
	access: AccessLevel;
	embargoUntil: string | null;
	status: PublicationStatus;
	downloadable: boolean;
	/** Regulation facts (JDIHN); null / empty for every other type. */
	regulationKind: string | null;
	enactedDate: string | null;
	promulgatedDate: string | null;
	enactedPlace: string | null;
	legalField: string | null;
	/** A librarian's status override; null = derived from relations. */
	regulationStatus: RegulationStatus | null;
	/** Amends / revokes relations to other regulation records (resolved on the server). */
	relations: RelationInput[];
}

export type FieldErrors = Partial<Record<keyof PublicationInput | string, string>>;

export type ValidationResult<T> = { ok: true; value: T } | { ok: false; errors: FieldErrors };

/** Strips control characters and collapses whitespace; '' becomes null. */
export function cleanText(raw: unknown): string | null {
	if (raw === undefined || raw === null) return null;
	const s = String(raw)
		// eslint-disable-next-line no-control-regex
		.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, '')
		.replace(/[ \t]+/g, ' ')
		.trim();
	return s === '' ? null : s;
}

/** Accepts an array, or a string separated by newlines or semicolons. */
function list(raw: unknown): string[] {
	const parts = Array.isArray(raw) ? raw : typeof raw === 'string' ? raw.split(/[\n;]+/) : [];
	return parts.map((p) => cleanText(p)).filter((p): p is string => p !== null);
}

/** True for a valid ISBN-10 or ISBN-13 (hyphens and spaces allowed). */
export function isValidIsbn(raw: string): boolean {
	const s = raw.replace(/[-\s]/g, '').toUpperCase();
	if (/^\d{13}$/.test(s)) {
		const sum = [...s].reduce((acc, d, i) => acc + Number(d) * (i % 2 === 0 ? 1 : 3), 0);
		return sum % 10 === 0;
	}
	if (/^\d{9}[\dX]$/.test(s)) {
		const sum = [...s].reduce((acc, d, i) => acc + (d === 'X' ? 10 : Number(d)) * (10 - i), 0);
		return sum % 11 === 0;
	}
	return false;
}

/** True for a valid ISSN such as 2302-6596. */
export function isValidIssn(raw: string): boolean {
	const s = raw.replace(/[-\s]/g, '').toUpperCase();
	if (!/^\d{7}[\dX]$/.test(s)) return false;
	const sum = [...s.slice(0, 7)].reduce((acc, d, i) => acc + Number(d) * (8 - i), 0);
	const check = (11 - (sum % 11)) % 11;
	return (check === 10 ? 'X' : String(check)) === s[7];
}

function isDate(s: string): boolean {
	if (!/^\d{4}-\d{2}-\d{2}$/.test(s)) return false;
	const d = new Date(`${s}T00:00:00Z`);
	return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
}

/**
 * Relations as entered: an array of `kind:target` strings or `{kind, id | number | target}`
 * objects, or one string with one relation per line (or `;`-separated, as in CSV).
 * Returns 'invalid' when any entry cannot be read.
 */
function relationsOf(raw: unknown): RelationInput[] | 'invalid' {
	if (raw === undefined || raw === null || raw === '') return [];
	const items: unknown[] = Array.isArray(raw)
		? raw
		: typeof raw === 'string'
			? raw.split(/[\n;]+/)
			: [raw];
	const out: RelationInput[] = [];
	const seen = new Set<string>();
	for (const item of items) {
		let r: RelationInput | null = null;
		if (typeof item === 'string') {
			if (item.trim() === '') continue;
			r = parseRelation(item);
		} else if (item && typeof item === 'object') {
			const o = item as Record<string, unknown>;
			const target = o.id ?? o.number ?? o.target;
			if (typeof o.kind === 'string' && (typeof target === 'string' || typeof target === 'number'))
				r = parseRelation(
					`${o.kind}:${o.id !== undefined && o.id !== null ? `#${String(o.id)}` : String(target)}`
				);
		}
		if (!r) return 'invalid';
		const key = `${r.kind}:${r.id ?? r.number}`;
		if (!seen.has(key)) out.push(r);
		seen.add(key);
	}
	return out;
}

function int(raw: unknown): number | null | 'invalid' {
	if (raw === undefined || raw === null || raw === '') return null;
	const n = typeof raw === 'number' ? raw : Number(String(raw).trim());
	return Number.isInteger(n) ? n : 'invalid';
}

function bool(raw: unknown, fallback: boolean): boolean {
	if (raw === undefined || raw === null || raw === '') return fallback;
	if (typeof raw === 'boolean') return raw;
	return ['1', 'true', 'on', 'yes'].includes(String(raw).toLowerCase());
}

/**
 * Validates raw metadata (form fields or JSON). `now` decides what "the future" means for
 * the year check: at most next year is accepted (forthcoming issues are catalogued early).
 */
export function validatePublication(
	raw: Record<string, unknown>,
	now: Date = new Date()
): ValidationResult<PublicationInput> {
	const errors: FieldErrors = {};
	const text = (field: string, max: number): string | null => {
		const v = cleanText(raw[field]);
		if (v !== null && v.length > max) errors[field] = 'validation.tooLong';
		return v;
	};

	const type = cleanText(raw.type) ?? 'book';
	if (!(PUBLICATION_TYPES as readonly string[]).includes(type))
		errors.type = 'validation.invalidChoice';

	const title = text('title', LIMITS.title);
	if (!title) errors.title = 'validation.required';
	const subtitle = text('subtitle', LIMITS.subtitle);

	const authors = list(raw.authors);
	if (authors.length > LIMITS.authors || authors.some((a) => a.length > LIMITS.author)) {
		errors.authors = 'validation.tooLong';
	}
	const subjects = list(raw.subjects);
	if (subjects.length > LIMITS.subjects || subjects.some((s) => s.length > LIMITS.subject)) {
		errors.subjects = 'validation.tooLong';
	}

	const publisher = text('publisher', LIMITS.publisher);
	const place = text('place', LIMITS.place);
	const abstract = text('abstract', LIMITS.abstract);
	const edition = text('edition', LIMITS.edition);
	const callNumber = text('callNumber', LIMITS.callNumber);
	const regulationNumber = text('regulationNumber', LIMITS.identifier);

	const maxYear = now.getUTCFullYear() + 1;
	const year = int(raw.year);
	if (year === 'invalid' || (year !== null && (year < 1800 || year > maxYear))) {
		errors.year = 'validation.yearRange';
	}
	const publishedDate = cleanText(raw.publishedDate);
	if (publishedDate !== null) {
		if (!isDate(publishedDate)) errors.publishedDate = 'validation.date';
		else if (Number(publishedDate.slice(0, 4)) > maxYear)
			errors.publishedDate = 'validation.yearRange';
	}

	const language = cleanText(raw.language) ?? 'id';
	if (!(LANGUAGES as readonly string[]).includes(language))
		errors.language = 'validation.invalidChoice';

	const isbn = cleanText(raw.isbn);
	if (isbn !== null && !isValidIsbn(isbn)) errors.isbn = 'validation.isbn';
	const issn = cleanText(raw.issn);
	if (issn !== null && !isValidIssn(issn)) errors.issn = 'validation.issn';

	const seriesSlug = cleanText(raw.series ?? raw.seriesSlug);
	if (seriesSlug !== null && !/^[a-z0-9]+(?:-[a-z0-9]+)*$/.test(seriesSlug)) {
		errors.series = 'validation.invalidChoice';
	}
	const volume = int(raw.volume);
	if (volume === 'invalid' || (volume !== null && (volume < 1 || volume > 10_000))) {
		errors.volume = 'validation.positiveInt';
	}
	const issue = int(raw.issue ?? raw.issueNumber);
	if (issue === 'invalid' || (issue !== null && (issue < 1 || issue > 10_000))) {
		errors.issue = 'validation.positiveInt';
	}
	if ((issue !== null || volume !== null) && seriesSlug === null && !errors.issue) {
		errors.issue = 'validation.issueNeedsSeries';
	}

	const access = cleanText(raw.access) ?? 'public';
	if (!(ACCESS_LEVELS as readonly string[]).includes(access))
		errors.access = 'validation.invalidChoice';
	const status = cleanText(raw.status) ?? 'draft';
	if (!(STATUSES as readonly string[]).includes(status)) errors.status = 'validation.invalidChoice';
	const embargoUntil = cleanText(raw.embargoUntil);
	if (embargoUntil !== null && !isDate(embargoUntil)) errors.embargoUntil = 'validation.date';

	// Regulation facts belong to regulation records only: on any other type they are dropped,
	// so switching a record's type cannot leave dangling relations behind.
	const isRegulation = type === 'regulation';
	const regulationKind = isRegulation ? cleanText(raw.regulationKind) : null;
	if (regulationKind !== null && !REGULATION_KIND_CODES.includes(regulationKind))
		errors.regulationKind = 'validation.invalidChoice';
	const regDate = (field: 'enactedDate' | 'promulgatedDate'): string | null => {
		const v = isRegulation ? cleanText(raw[field]) : null;
		if (v === null) return null;
		if (!isDate(v)) errors[field] = 'validation.date';
		else if (Number(v.slice(0, 4)) > maxYear || Number(v.slice(0, 4)) < 1800)
			errors[field] = 'validation.yearRange';
		return v;
	};
	const enactedDate = regDate('enactedDate');
	const promulgatedDate = regDate('promulgatedDate');
	if (
		enactedDate &&
		promulgatedDate &&
		!errors.enactedDate &&
		!errors.promulgatedDate &&
		promulgatedDate < enactedDate
	)
		errors.promulgatedDate = 'validation.promulgatedBeforeEnacted';
	const enactedPlace = isRegulation ? text('enactedPlace', LIMITS.place) : null;
	const legalField = isRegulation ? text('legalField', LIMITS.legalField) : null;
	const regulationStatus = isRegulation ? cleanText(raw.regulationStatus) : null;
	if (
		regulationStatus !== null &&
		!(REGULATION_STATUSES as readonly string[]).includes(regulationStatus)
	)
		errors.regulationStatus = 'validation.invalidChoice';
	const relations = isRegulation ? relationsOf(raw.relations) : [];
	if (relations === 'invalid') errors.relations = 'validation.relationFormat';
	else if (relations.length > LIMITS.relations) errors.relations = 'validation.tooLong';

	if (Object.keys(errors).length > 0) return { ok: false, errors };
	return {
		ok: true,
		value: {
			type: type as PublicationType,
			title: title!,
			subtitle,
			authors,
			publisher,
			place,
			// A regulation's year is the year it was enacted unless given.
			year:
				(year as number | null) ??
				(publishedDate
					? Number(publishedDate.slice(0, 4))
					: enactedDate
						? Number(enactedDate.slice(0, 4))
						: null),
			publishedDate,
			language,
			abstract,
			subjects,
			isbn,
			issn,
			regulationNumber,
			edition,
			seriesSlug,
			volume: volume as number | null,
			issue: issue as number | null,
			callNumber,
			access: access as AccessLevel,
			embargoUntil,
			status: status as PublicationStatus,
			downloadable: bool(raw.downloadable, true),
			regulationKind,
			enactedDate,
			promulgatedDate,
			enactedPlace,
			legalField,
			regulationStatus: regulationStatus as RegulationStatus | null,
			relations: relations as RelationInput[]
		}
	};
}
