import { json } from '@sveltejs/kit';
import { readiness } from '$lib/server/health.ts';
import type { RequestHandler } from './$types';

/**
 * Readiness for load balancers and deploy scripts: 200 when the database answers, its schema is
 * current and a search index is loaded; 503 with the failing check otherwise (also while the
 * server shuts down).
 */
export const GET: RequestHandler = async () => {
	const { ready, checks } = await readiness();
	return json(
		{ status: ready ? 'ready' : 'not_ready', checks },
		{ status: ready ? 200 : 503, headers: { 'Cache-Control': 'no-store' } }
	);
};
