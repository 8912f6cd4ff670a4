import { getDb } from '$lib/server/db/index.ts';
import * as publications from '$lib/server/catalog/publications.ts';
import * as series from '$lib/server/catalog/series.ts';
import { viewerOf } from '$lib/server/request.ts';
import type { PageServerLoad } from './$types';

/**
 * A page for reading and following links, with nothing interactive but the header's search
 * suggestions (an island of its own, static/islands/suggest.js): served as HTML only, without
 * the app's JavaScript to download, run and hydrate — Lighthouse's Total Blocking Time on a phone
 * was mostly that (issue #18). Links to it from hydrated pages load it as a new document.
 */
export const csr = false;

/** The magazine shown on the home page shelf. */
const HOME_SERIES = 'media-kekayaan-negara';

export const load: PageServerLoad = async ({ locals }) => {
	const db = await getDb();
	const viewer = viewerOf(locals.user);
	const [readable, newest, shelf] = await Promise.all([
		// The page leads with what a reader can open right now (availability.ts).
		publications.list(db, viewer, { availability: 'online', sort: 'added', pageSize: 8 }),
		publications.list(db, viewer, { sort: 'added', pageSize: 8 }),
		series.latestIssues(db, viewer, HOME_SERIES, 8)
	]);
	return {
		readable: readable.items,
		newest: newest.items,
		total: newest.total,
		shelf,
		shelfSlug: HOME_SERIES
	};
};
