import { json } from '@sveltejs/kit';
import { getDb } from '$lib/server/db/index.ts';
import * as loans from '$lib/server/circulation/loans.ts';
import { caller } from '$lib/server/circulation/web.ts';
import { toApiError } from '$lib/server/http.ts';
import { clock } from '$lib/server/clock.ts';
import type { RequestHandler } from './$types';

/** `POST /api/v1/loans/{id}/renew` — the member's own loan, or any loan for librarians. */
export const POST: RequestHandler = async (event) => {
	try {
		const who = caller(event);
		return json(await loans.renew(await getDb(), Number(event.params.id), who, clock()));
	} catch (err) {
		return toApiError(err, event.locals.lang);
	}
};
