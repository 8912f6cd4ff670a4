import { getDb } from '$lib/server/db/index.ts';
import { config } from '$lib/server/config.ts';
import { clock } from '$lib/server/clock.ts';
import * as opds from '$lib/server/interop/opds.ts';
import { publicAnswer, publicError } from '$lib/server/interop/public-answer.ts';
import type { RequestHandler } from './$types';

/**
 * OPDS catalogs: 1.2 (Atom) under /opds, 2.0 (JSON) under /opds/v2 (lib/server/interop/opds.ts).
 * The public view whatever session the request carries, so the answer is shareable.
 */
export const GET: RequestHandler = async ({ params, url, request, locals }) => {
	try {
		const answer = await opds.respond(await getDb(), params.path, url.searchParams, {
			origin: config.origin,
			pageSize: config.opdsPageSize,
			now: clock()
		});
		return publicAnswer(request, answer.body, answer.type);
	} catch (err) {
		return publicError(err, locals.lang);
	}
};
