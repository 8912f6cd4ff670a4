import { getDb } from '$lib/server/db/index.ts';
import * as publications from '$lib/server/catalog/publications.ts';
import { parseCatalogQuery } from '$lib/server/catalog/query.ts';
import { toPageError } from '$lib/server/http.ts';
import { viewerOf } from '$lib/server/request.ts';
import type { PageServerLoad } from './$types';

/**
 * A page for reading and following links, with nothing interactive but the header's search
 * suggestions (an island of its own, static/islands/suggest.js): served as HTML only, without
 * the app's JavaScript to download, run and hydrate — Lighthouse's Total Blocking Time on a phone
 * was mostly that (issue #18). Links to it from hydrated pages load it as a new document.
 */
export const csr = false;

export const load: PageServerLoad = async ({ url, locals }) => {
	const db = await getDb();
	const viewer = viewerOf(locals.user);
	try {
		const query = parseCatalogQuery(url);
		// Only staff may narrow by access level; for everyone else the policy already decides.
		if (!publications.mayFilterByAccess(viewer)) {
			delete query.access;
			delete query.status;
		}
		const [result, facets] = await Promise.all([
			publications.list(db, viewer, query),
			publications.facets(db, viewer, query)
		]);
		return { result, facets, query, canFilterAccess: publications.mayFilterByAccess(viewer) };
	} catch (err) {
		toPageError(err, locals.lang);
	}
};
