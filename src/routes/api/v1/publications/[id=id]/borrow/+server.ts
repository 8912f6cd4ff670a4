import { json } from '@sveltejs/kit';
import { getDb } from '$lib/server/db/index.ts';
import * as publications from '$lib/server/catalog/publications.ts';
import * as digital from '$lib/server/circulation/digital.ts';
import { caller } from '$lib/server/circulation/web.ts';
import { toApiError } from '$lib/server/http.ts';
import { viewerOf } from '$lib/server/request.ts';
import { clock } from '$lib/server/clock.ts';
import type { RequestHandler } from './$types';

/**
 * `POST /api/v1/publications/{id}/borrow` → 201 a 14-day digital loan of a lendable record,
 * 409 `no_copies` when all N copies are out (place a hold instead).
 */
export const POST: RequestHandler = async (event) => {
	try {
		const who = caller(event);
		const db = await getDb();
		const now = clock();
		// Records the caller may not see stay 404, as everywhere else.
		await publications.findById(db, viewerOf(event.locals.user), Number(event.params.id));
		const loan = await digital.borrow(db, Number(event.params.id), who.id, who, now);
		return json(loan, { status: 201 });
	} catch (err) {
		return toApiError(err, event.locals.lang);
	}
};
