import { json } from '@sveltejs/kit';
import { getDb } from '$lib/server/db/index.ts';
import * as digital from '$lib/server/circulation/digital.ts';
import { caller } from '$lib/server/circulation/web.ts';
import { toApiError } from '$lib/server/http.ts';
import { clock } from '$lib/server/clock.ts';
import type { RequestHandler } from './$types';

/**
 * `POST /api/v1/publications/{id}/borrow` → 201 a 14-day digital loan of a lendable record,
 * 409 `no_copies` when all N copies are out (place a hold instead); 404
 * `publication_not_found` for a record that does not exist or that the caller may not see.
 */
export const POST: RequestHandler = async (event) => {
	try {
		const who = caller(event);
		// The domain asks the access policy first: hidden records answer as missing ones.
		const loan = await digital.borrow(await getDb(), Number(event.params.id), who.id, who, clock());
		return json(loan, { status: 201 });
	} catch (err) {
		return toApiError(err, event.locals.lang);
	}
};
