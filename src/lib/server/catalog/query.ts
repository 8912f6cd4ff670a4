import {
	PUBLICATION_TYPES,
	ACCESS_LEVELS,
	STATUSES,
	AVAILABILITY_FILTERS,
	type AvailabilityFilter,
	type PublicationType,
	type AccessLevel,
	type PublicationStatus
} from '../../types.ts';
import { DomainError } from '../errors.ts';
import { intParam } from '../http.ts';
import type { CatalogQuery, CatalogSort } from './publications.ts';

const SORTS: CatalogSort[] = ['newest', 'oldest', 'title', 'added', 'year', 'readable'];

function invalid(name: string): DomainError {
	return new DomainError(400, 'invalid_parameter', 'error.invalidParam', { name });
}

/**
 * Parses catalog filters from a URL (browse page and API share this). Unknown values are a
 * 400 with the parameter named, never silently ignored.
 */
export function parseCatalogQuery(url: URL): CatalogQuery {
	const p = url.searchParams;
	const types = p
		.getAll('type')
		.flatMap((t) => t.split(','))
		.map((t) => t.trim())
		.filter(Boolean);
	if (types.some((t) => !(PUBLICATION_TYPES as readonly string[]).includes(t)))
		throw invalid('type');
	const access = p.get('access') || undefined;
	if (access && !(ACCESS_LEVELS as readonly string[]).includes(access)) throw invalid('access');
	const status = p.get('status') || undefined;
	if (status && !(STATUSES as readonly string[]).includes(status)) throw invalid('status');
	const availability = p.get('availability') || undefined;
	if (availability && !(AVAILABILITY_FILTERS as readonly string[]).includes(availability))
		throw invalid('availability');
	const sort = p.get('sort') || undefined;
	if (sort && !SORTS.includes(sort as CatalogSort)) throw invalid('sort');
	const dir = p.get('dir') || undefined;
	if (dir && dir !== 'asc' && dir !== 'desc') throw invalid('dir');
	const text = (name: string, max = 200) => {
		const v = p.get(name)?.trim();
		if (v && v.length > max) throw invalid(name);
		return v || undefined;
	};
	const language = text('lang', 5);
	if (language && !['id', 'en'].includes(language)) throw invalid('lang');
	return {
		q: text('q', 500),
		types: types as PublicationType[],
		year: intParam(url, 'year', 1000, 9999),
		yearFrom: intParam(url, 'yearFrom', 1000, 9999),
		yearTo: intParam(url, 'yearTo', 1000, 9999),
		subject: text('subject'),
		series: text('series'),
		access: access as AccessLevel | undefined,
		status: status as PublicationStatus | undefined,
		language,
		availability: availability as AvailabilityFilter | undefined,
		sort: sort as CatalogSort | undefined,
		dir: dir as 'asc' | 'desc' | undefined,
		page: intParam(url, 'page', 1, 100_000),
		pageSize: intParam(url, 'pageSize', 1, 100)
	};
}
