import { getDb } from '$lib/server/db/index.ts';
import * as search from '$lib/server/search/index.ts';
import { parseSearchParams } from '$lib/server/search/params.ts';
import { isStaff } from '$lib/server/access.ts';
import { toPageError } from '$lib/server/http.ts';
import { viewerOf } from '$lib/server/request.ts';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ url, locals }) => {
	try {
		const params = parseSearchParams(url);
		const viewer = viewerOf(locals.user);
		const result = await search.search(await getDb(), viewer, { ...params });
		return { params, result, staff: isStaff(viewer), indexStatus: search.status().status };
	} catch (err) {
		toPageError(err, locals.lang);
	}
};
