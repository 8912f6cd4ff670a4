import { getDb } from '$lib/server/db/index.ts';
import * as publications from '$lib/server/catalog/publications.ts';
import * as reading from '$lib/server/reader/summary.ts';
import { toPageError } from '$lib/server/http.ts';
import { viewerOf } from '$lib/server/request.ts';
import { lendingSummary } from '$lib/server/circulation/digital.ts';
import { lendingActions } from '$lib/server/circulation/page-actions.ts';
import { clock } from '$lib/server/clock.ts';
import * as structuredData from '$lib/server/interop/structured-data.ts';
import { translator } from '$lib/i18n/index.ts';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ params, locals, url }) => {
	const db = await getDb();
	const viewer = viewerOf(locals.user);
	try {
		const pub = await publications.findById(db, viewer, Number(params.id));
		const neighbours = await publications.seriesNeighbours(db, viewer, pub);
		const readingSummary = await reading.summarize(db, viewer, pub.id);
		return {
			pub,
			...neighbours,
			reading: readingSummary,
			lending: await lendingSummary(db, locals.user?.id ?? null, pub.id, clock()),
			// Citation meta tags, Open Graph and JSON-LD, for this viewer (a PDF link only when
			// they may download it).
			head: structuredData.forPage(pub, {
				origin: url.origin,
				siteName: translator(locals.lang)('app.name'),
				mayDownload: readingSummary.mayDownload
			})
		};
	} catch (err) {
		toPageError(err, locals.lang);
	}
};

/** Reserve (hold) and digital borrowing from the record page (circulation). */
export const actions: Actions = lendingActions;
