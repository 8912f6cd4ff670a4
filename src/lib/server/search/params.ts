import { DomainError } from '../errors.ts';
import { intParam } from '../http.ts';
import {
	ACCESS_LEVELS,
	AVAILABILITY_FILTERS,
	PUBLICATION_TYPES,
	type AvailabilityFilter,
	type PublicationType
} from '../../types.ts';
import type { SearchParams, SearchSort } from './index.ts';

const SORTS: SearchSort[] = ['relevance', 'newest', 'oldest', 'readable'];

function invalid(name: string): DomainError {
	return new DomainError(400, 'invalid_parameter', 'error.invalidParam', { name });
}

/** Search parameters from a URL (the search page and `GET /api/v1/search` share them). */
export function parseSearchParams(url: URL): SearchParams {
	const p = url.searchParams;
	const text = (name: string, max = 500) => {
		const v = p.get(name)?.trim();
		if (v && v.length > max) throw invalid(name);
		return v || undefined;
	};
	const types = p
		.getAll('type')
		.flatMap((t) => t.split(','))
		.map((t) => t.trim())
		.filter(Boolean);
	if (types.some((t) => !(PUBLICATION_TYPES as readonly string[]).includes(t)))
		throw invalid('type');
	const sort = p.get('sort') || undefined;
	if (sort && !SORTS.includes(sort as SearchSort)) throw invalid('sort');
	const access = p.get('access') || undefined;
	if (access && !(ACCESS_LEVELS as readonly string[]).includes(access)) throw invalid('access');
	const availability = p.get('availability') || undefined;
	if (availability && !(AVAILABILITY_FILTERS as readonly string[]).includes(availability))
		throw invalid('availability');
	const language = text('lang', 5);
	if (language && !['id', 'en'].includes(language)) throw invalid('lang');
	const year = intParam(url, 'year', 1000, 9999);
	return {
		q: text('q') ?? '',
		title: text('title'),
		author: text('author'),
		subject: text('inSubject'),
		number: text('number'),
		types: types as PublicationType[],
		yearFrom: intParam(url, 'yearFrom', 1000, 9999) ?? year,
		yearTo: intParam(url, 'yearTo', 1000, 9999) ?? year,
		subjectFilter: text('subject', 200),
		series: text('series', 200),
		language,
		access,
		availability: availability as AvailabilityFilter | undefined,
		sort: sort as SearchSort | undefined,
		page: intParam(url, 'page', 1, 10_000),
		pageSize: intParam(url, 'pageSize', 1, 100)
	};
}
