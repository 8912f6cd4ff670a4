import { json } from '@sveltejs/kit';
import { getDb } from '$lib/server/db/index.ts';
import * as policies from '$lib/server/circulation/policies.ts';
import { caller } from '$lib/server/circulation/web.ts';
import { intParam, readJsonObject, toApiError } from '$lib/server/http.ts';
import type { RequestHandler } from './$types';

/** `GET /api/v1/holidays?year=` — the days the library is closed (signed-in members). */
export const GET: RequestHandler = async (event) => {
	try {
		caller(event);
		const year = intParam(event.url, 'year', 1900, 9999);
		return json({ items: await policies.listHolidays(await getDb(), year) });
	} catch (err) {
		return toApiError(err, event.locals.lang);
	}
};

/** `POST /api/v1/holidays` (librarians) {date: 'YYYY-MM-DD', name} → 201. */
export const POST: RequestHandler = async (event) => {
	try {
		const who = caller(event, { staff: true });
		const body = await readJsonObject(event.request);
		const day = await policies.addHoliday(await getDb(), { date: body.date, name: body.name }, who);
		return json(day, { status: 201 });
	} catch (err) {
		return toApiError(err, event.locals.lang);
	}
};
