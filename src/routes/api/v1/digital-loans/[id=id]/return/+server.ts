import { json } from '@sveltejs/kit';
import { getDb } from '$lib/server/db/index.ts';
import * as digital from '$lib/server/circulation/digital.ts';
import { caller } from '$lib/server/circulation/web.ts';
import { toApiError } from '$lib/server/http.ts';
import { clock } from '$lib/server/clock.ts';
import type { RequestHandler } from './$types';

/** `POST /api/v1/digital-loans/{id}/return` — ends the caller's digital loan early. */
export const POST: RequestHandler = async (event) => {
	try {
		const who = caller(event);
		return json(await digital.giveBack(await getDb(), Number(event.params.id), who, clock()));
	} catch (err) {
		return toApiError(err, event.locals.lang);
	}
};
