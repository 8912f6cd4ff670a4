import { json } from '@sveltejs/kit';
import { getDb } from '$lib/server/db/index.ts';
import * as search from '$lib/server/search/index.ts';
import { parseSearchParams } from '$lib/server/search/params.ts';
import { toApiError } from '$lib/server/http.ts';
import { viewerOf } from '$lib/server/request.ts';
import { RESULT_COUNT_HEADER } from '$lib/server/statistics/search-log.ts';
import type { RequestHandler } from './$types';

/**
 * `GET /api/v1/search?q=&type=&yearFrom=&yearTo=&subject=&series=&lang=&sort=&page=&pageSize=`
 * (also `title=`, `author=`, `inSubject=`, `number=` field scopes) — only what the caller may see.
 * `total` counts the records matching every query word; `matchedAll: false` says none does and
 * the hits are the records matching some of the words instead.
 */
export const GET: RequestHandler = async ({ url, locals }) => {
	try {
		const result = await search.search(
			await getDb(),
			viewerOf(locals.user),
			parseSearchParams(url)
		);
		return json(
			{
				total: result.total,
				page: result.page,
				pageSize: result.pageSize,
				hits: result.hits.map(({ publication: _p, ...hit }) => hit),
				facets: result.facets,
				matchedAll: result.matchedAll,
				didYouMean: result.didYouMean
			},
			{
				headers: {
					'Cache-Control': 'private, no-cache',
					Vary: 'Cookie, Authorization',
					// Read by the search log in the request hook (statistics/search-log.ts).
					[RESULT_COUNT_HEADER]: String(result.total)
				}
			}
		);
	} catch (err) {
		return toApiError(err, locals.lang);
	}
};
