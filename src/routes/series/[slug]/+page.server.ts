import { getDb } from '$lib/server/db/index.ts';
import * as series from '$lib/server/catalog/series.ts';
import { toPageError } from '$lib/server/http.ts';
import { viewerOf } from '$lib/server/request.ts';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ params, locals }) => {
	const db = await getDb();
	try {
		return { shelf: await series.shelf(db, viewerOf(locals.user), params.slug) };
	} catch (err) {
		toPageError(err, locals.lang);
	}
};
