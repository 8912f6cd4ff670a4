import { getDb } from '$lib/server/db/index.ts';
import * as publications from '$lib/server/catalog/publications.ts';
import * as series from '$lib/server/catalog/series.ts';
import { viewerOf } from '$lib/server/request.ts';
import type { PageServerLoad } from './$types';

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
