import { json } from '@sveltejs/kit';
import { getDb } from '$lib/server/db/index.ts';
import * as publications from '$lib/server/catalog/publications.ts';
import { toApiError } from '$lib/server/http.ts';
import { viewerOf } from '$lib/server/request.ts';
import type { RequestHandler } from './$types';

/** `GET /api/v1/publications/{id}` — one record, 404 when missing or not visible to the caller. */
export const GET: RequestHandler = async ({ params, locals }) => {
	try {
		const db = await getDb();
		const pub = await publications.findById(db, viewerOf(locals.user), Number(params.id));
		return json(pub, {
			headers: { 'Cache-Control': 'private, no-cache', Vary: 'Cookie, Authorization' }
		});
	} catch (err) {
		return toApiError(err, locals.lang);
	}
};
