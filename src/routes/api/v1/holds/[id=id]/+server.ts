import { getDb } from '$lib/server/db/index.ts';
import * as holds from '$lib/server/circulation/holds.ts';
import { caller } from '$lib/server/circulation/web.ts';
import { toApiError } from '$lib/server/http.ts';
import { clock } from '$lib/server/clock.ts';
import type { RequestHandler } from './$types';

/** `DELETE /api/v1/holds/{id}` — cancels (closes, never deletes) the caller's hold → 204. */
export const DELETE: RequestHandler = async (event) => {
	try {
		const who = caller(event);
		await holds.cancel(await getDb(), Number(event.params.id), who, clock());
		return new Response(null, { status: 204 });
	} catch (err) {
		return toApiError(err, event.locals.lang);
	}
};
