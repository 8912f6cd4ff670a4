import { json } from '@sveltejs/kit';
import { getDb } from '$lib/server/db/index.ts';
import * as records from '$lib/server/catalog/records.ts';
import { viewerOf } from '$lib/server/request.ts';
import type { RequestHandler } from './$types';

/** `GET /api/v1/subjects?q=` — subject names for autocomplete, from records the caller may see. */
export const GET: RequestHandler = async ({ url, locals }) => {
	const q = (url.searchParams.get('q') ?? '').slice(0, 100);
	return json({ items: await records.suggestSubjects(await getDb(), viewerOf(locals.user), q) });
};
