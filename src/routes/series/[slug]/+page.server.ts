import { getDb } from '$lib/server/db/index.ts';
import * as series from '$lib/server/catalog/series.ts';
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

export const load: PageServerLoad = async ({ params, locals }) => {
	const db = await getDb();
	try {
		return { shelf: await series.shelf(db, viewerOf(locals.user), params.slug) };
	} catch (err) {
		toPageError(err, locals.lang);
	}
};
