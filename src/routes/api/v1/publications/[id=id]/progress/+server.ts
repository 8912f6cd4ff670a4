import { json } from '@sveltejs/kit';
import { getDb } from '$lib/server/db/index.ts';
import * as progress from '$lib/server/reader/progress.ts';
import { readJsonObject, toApiError } from '$lib/server/http.ts';
import { viewerOf } from '$lib/server/request.ts';
import type { RequestHandler } from './$types';

/**
 * `PUT /api/v1/publications/{id}/progress` `{ "page": n }` — remembers where the logged-in
 * reader is (the reader sends it, debounced, as pages change). 401 anonymous, 404 not
 * readable, 400 when `page` is not a whole number within the document.
 */
export const PUT: RequestHandler = async ({ params, locals, request }) => {
	try {
		const body = await readJsonObject(request);
		const saved = await progress.save(
			await getDb(),
			viewerOf(locals.user),
			Number(params.id),
			body.page
		);
		return json(saved, { headers: { 'Cache-Control': 'no-store' } });
	} catch (err) {
		return toApiError(err, locals.lang);
	}
};

/** `GET /api/v1/publications/{id}/progress` — `{ page }`, null when never read or anonymous. */
export const GET: RequestHandler = async ({ params, locals }) => {
	try {
		const page = await progress.lastPage(await getDb(), viewerOf(locals.user), Number(params.id));
		return json({ page }, { headers: { 'Cache-Control': 'private, no-store' } });
	} catch (err) {
		return toApiError(err, locals.lang);
	}
};
