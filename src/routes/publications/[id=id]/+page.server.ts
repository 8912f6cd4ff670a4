import { getDb } from '$lib/server/db/index.ts';
import * as publications from '$lib/server/catalog/publications.ts';
import * as reading from '$lib/server/reader/summary.ts';
import { toPageError } from '$lib/server/http.ts';
import { viewerOf } from '$lib/server/request.ts';
import { lendingSummary } from '$lib/server/circulation/digital.ts';
import { lendingActions } from '$lib/server/circulation/page-actions.ts';
import { clock } from '$lib/server/clock.ts';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ params, locals }) => {
	const db = await getDb();
	const viewer = viewerOf(locals.user);
	try {
		const pub = await publications.findById(db, viewer, Number(params.id));
		const neighbours = await publications.seriesNeighbours(db, viewer, pub);
		return {
			pub,
			...neighbours,
			reading: await reading.summarize(db, viewer, pub.id),
			lending: await lendingSummary(db, locals.user?.id ?? null, pub.id, clock())
		};
	} catch (err) {
		toPageError(err, locals.lang);
	}
};

/** Reserve (hold) and digital borrowing from the record page (circulation). */
export const actions: Actions = lendingActions;
