import { json } from '@sveltejs/kit';
import { getDb } from '$lib/server/db/index.ts';
import * as search from '$lib/server/search/index.ts';
import { viewerOf } from '$lib/server/request.ts';
import type { RequestHandler } from './$types';

/** `GET /api/v1/suggest?q=` — autocomplete (titles, subjects, series) from what the caller may see. */
export const GET: RequestHandler = async ({ url, locals }) => {
	const items = await search.suggest(
		await getDb(),
		viewerOf(locals.user),
		url.searchParams.get('q') ?? ''
	);
	return json(
		{ items },
		{ headers: { 'Cache-Control': 'private, no-cache', Vary: 'Cookie, Authorization' } }
	);
};
