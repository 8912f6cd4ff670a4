import { getDb } from '$lib/server/db/index.ts';
import * as publications from '$lib/server/catalog/publications.ts';
import { parseCatalogQuery } from '$lib/server/catalog/query.ts';
import { toPageError } from '$lib/server/http.ts';
import { viewerOf } from '$lib/server/request.ts';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ url, locals }) => {
	try {
		const query = parseCatalogQuery(url);
		query.sort ??= 'added';
		query.pageSize ??= 50;
		return { result: await publications.list(await getDb(), viewerOf(locals.user), query), query };
	} catch (err) {
		toPageError(err, locals.lang);
	}
};
