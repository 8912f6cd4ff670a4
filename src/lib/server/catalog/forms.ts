import type { Db } from '../db/index.ts';
import { DomainError } from '../errors.ts';
import { translator } from '../../i18n/index.ts';
import type { Lang } from '../../types.ts';
import type { PublicationInput } from '../../schemas/publication.ts';
import * as records from './records.ts';
import { formatRelation } from '../../regulations.ts';

/** A record's input as the strings the cataloguing form edits (lists one item per line). */
export function toFormValues(input: PublicationInput): Record<string, string> {
	const s = (v: string | number | null) => (v === null ? '' : String(v));
	return {
		type: input.type,
		title: input.title,
		subtitle: s(input.subtitle),
		authors: input.authors.join('\n'),
		publisher: s(input.publisher),
		place: s(input.place),
		year: s(input.year),
		publishedDate: s(input.publishedDate),
		language: input.language,
		abstract: s(input.abstract),
		subjects: input.subjects.join('\n'),
		isbn: s(input.isbn),
		issn: s(input.issn),
		regulationNumber: s(input.regulationNumber),
		edition: s(input.edition),
		series: s(input.seriesSlug),
		volume: s(input.volume),
		issue: s(input.issue),
		callNumber: s(input.callNumber),
		access: input.access,
		embargoUntil: s(input.embargoUntil),
		status: input.status,
		downloadable: input.downloadable ? 'true' : 'false',
		regulationKind: s(input.regulationKind),
		enactedDate: s(input.enactedDate),
		promulgatedDate: s(input.promulgatedDate),
		enactedPlace: s(input.enactedPlace),
		legalField: s(input.legalField),
		regulationStatus: s(input.regulationStatus),
		relations: input.relations.map(formatRelation).join('\n')
	};
}

/** Defaults for a new record (draft, public, Indonesian). */
export const EMPTY_FORM: Record<string, string> = {
	type: 'book',
	language: 'id',
	access: 'public',
	status: 'draft',
	downloadable: 'true'
};

/** The field errors of a DomainError, translated, plus a headline message. */
export function formErrors(
	err: DomainError,
	lang: Lang
): { errors: Record<string, string>; message: string } {
	const t = translator(lang);
	const errors = Object.fromEntries(
		Object.entries(err.fields).map(([k, v]) => [k, t(v, err.params)])
	);
	const message = Object.keys(errors).length
		? t('catalog.form.fixErrors')
		: t(err.messageKey, err.params);
	return { errors, message };
}

/** The series the form offers. */
export function seriesOptions(db: Db) {
	return records.allSeries(db);
}
