import { getDb } from '$lib/server/db/index.ts';
import * as policies from '$lib/server/circulation/policies.ts';
import { caller } from '$lib/server/circulation/web.ts';
import { toApiError } from '$lib/server/http.ts';
import type { RequestHandler } from './$types';

/** `DELETE /api/v1/holidays/{YYYY-MM-DD}` (librarians) → 204; 404 when the date is not listed. */
export const DELETE: RequestHandler = async (event) => {
	try {
		const who = caller(event, { staff: true });
		await policies.removeHoliday(await getDb(), event.params.date, who);
		return new Response(null, { status: 204 });
	} catch (err) {
		return toApiError(err, event.locals.lang);
	}
};
