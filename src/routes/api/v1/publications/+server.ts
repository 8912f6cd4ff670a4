import { json } from '@sveltejs/kit';
import { getDb } from '$lib/server/db/index.ts';
import * as publications from '$lib/server/catalog/publications.ts';
import { parseCatalogQuery } from '$lib/server/catalog/query.ts';
import { toApiError } from '$lib/server/http.ts';
import { viewerOf } from '$lib/server/request.ts';
import type { RequestHandler } from './$types';

/** `GET /api/v1/publications` — the records the caller may see, filtered and paginated. */
export const GET: RequestHandler = async ({ url, locals }) => {
	try {
		const db = await getDb();
		const viewer = viewerOf(locals.user);
		const query = parseCatalogQuery(url);
		if (!publications.mayFilterByAccess(viewer) && query.access && query.access !== 'public') {
			// Asking for a level you may not see yields an empty list rather than an error that
			// would confirm such records exist.
			return json({ total: 0, page: query.page ?? 1, pageSize: query.pageSize ?? 20, items: [] });
		}
		return json(await publications.list(db, viewer, query), {
			headers: { 'Cache-Control': 'private, no-cache', Vary: 'Cookie, Authorization' }
		});
	} catch (err) {
		return toApiError(err, locals.lang);
	}
};
