import { json } from '@sveltejs/kit';
import { getDb } from '$lib/server/db/index.ts';
import * as loans from '$lib/server/circulation/loans.ts';
import { caller } from '$lib/server/circulation/web.ts';
import { toApiError } from '$lib/server/http.ts';
import { clock } from '$lib/server/clock.ts';
import type { RequestHandler } from './$types';

/** `POST /api/v1/loans/{id}/return` (librarians) → `{ loan, hold }` (hold: copy now on the shelf for). */
export const POST: RequestHandler = async (event) => {
	try {
		const who = caller(event, { staff: true });
		return json(await loans.checkin(await getDb(), Number(event.params.id), who, clock()));
	} catch (err) {
		return toApiError(err, event.locals.lang);
	}
};
