import { getDb } from '$lib/server/db/index.ts';
import * as search from '$lib/server/search/index.ts';
import { parseSearchParams } from '$lib/server/search/params.ts';
import { isStaff } from '$lib/server/access.ts';
import { toPageError } from '$lib/server/http.ts';
import { viewerOf } from '$lib/server/request.ts';
import { RESULT_COUNT_HEADER } from '$lib/server/statistics/search-log.ts';
import type { PageServerLoad } from './$types';

/**
 * Served as HTML only, without the app's JavaScript to download, run and hydrate (Lighthouse's
 * Total Blocking Time on a phone was mostly that; issue #18): the page's few interactive pieces
 * are an island of their own (static/islands/search.js), the header's suggestions another.
 */
export const csr = false;

export const load: PageServerLoad = async ({ url, locals, setHeaders }) => {
	try {
		const params = parseSearchParams(url);
		const viewer = viewerOf(locals.user);
		const result = await search.search(await getDb(), viewer, { ...params });
		// Read by the search log in the request hook (statistics/search-log.ts).
		setHeaders({ [RESULT_COUNT_HEADER]: String(result.total) });
		return { params, result, staff: isStaff(viewer), indexStatus: search.status().status };
	} catch (err) {
		toPageError(err, locals.lang);
	}
};
