import { json } from '@sveltejs/kit';
import { getDb } from '$lib/server/db/index.ts';
import * as fines from '$lib/server/circulation/fines.ts';
import { caller } from '$lib/server/circulation/web.ts';
import { readJsonObject, toApiError } from '$lib/server/http.ts';
import { clock } from '$lib/server/clock.ts';
import type { RequestHandler } from './$types';

/**
 * `POST /api/v1/fines/{id}/payments` {kind: 'paid'|'waived', amount, reason?} (librarians) →
 * 201 the fine with its payments and what is still outstanding. A waiver needs a reason.
 */
export const POST: RequestHandler = async (event) => {
	try {
		const who = caller(event, { staff: true });
		const body = await readJsonObject(event.request);
		const fine = await fines.settle(await getDb(), Number(event.params.id), body, who, clock());
		return json(fine, { status: 201 });
	} catch (err) {
		return toApiError(err, event.locals.lang);
	}
};
