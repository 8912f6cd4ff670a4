import { getDb } from '$lib/server/db/index.ts';
import { config } from '$lib/server/config.ts';
import { clock } from '$lib/server/clock.ts';
import { ATOM_TYPE, newArrivalsFeed } from '$lib/server/interop/feeds.ts';
import { publicAnswer } from '$lib/server/interop/public-answer.ts';
import type { RequestHandler } from './$types';

/** The Atom feed of new arrivals (lib/server/interop/feeds.ts): public records only. */
export const GET: RequestHandler = async ({ request }) => {
	const body = await newArrivalsFeed(await getDb(), {
		origin: config.origin,
		pageSize: config.opdsPageSize,
		now: clock()
	});
	return publicAnswer(request, body, ATOM_TYPE);
};
