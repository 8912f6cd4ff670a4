import { getDb } from '$lib/server/db/index.ts';
import * as publications from '$lib/server/catalog/publications.ts';
import { parseCatalogQuery } from '$lib/server/catalog/query.ts';
import { toPageError } from '$lib/server/http.ts';
import { viewerOf } from '$lib/server/request.ts';
import type { PageServerLoad } from './$types';

const TABLE_SORTS: string[] = ['title', 'year', 'added'];

export const load: PageServerLoad = async ({ url, locals }) => {
	try {
		const query = parseCatalogQuery(url);
		query.sort ??= 'added';
		query.pageSize ??= 50;
		// The records table sorts through its headers (?sort=title|year|added&dir=asc|desc).
		const sort = query.sort && TABLE_SORTS.includes(query.sort) ? query.sort : null;
		return {
			result: await publications.list(await getDb(), viewerOf(locals.user), query),
			query,
			sort: sort ? { key: sort, dir: query.dir ?? (sort === 'title' ? 'asc' : 'desc') } : null
		};
	} catch (err) {
		toPageError(err, locals.lang);
	}
};
