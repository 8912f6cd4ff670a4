import { getDb } from '$lib/server/db/index.ts';
import * as publications from '$lib/server/catalog/publications.ts';
import { toPageError } from '$lib/server/http.ts';
import { viewerOf } from '$lib/server/request.ts';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ params, locals }) => {
	const db = await getDb();
	const viewer = viewerOf(locals.user);
	try {
		const pub = await publications.findById(db, viewer, Number(params.id));
		const neighbours = await publications.seriesNeighbours(db, viewer, pub);
		return { pub, ...neighbours };
	} catch (err) {
		toPageError(err, locals.lang);
	}
};
