import { json } from '@sveltejs/kit';
import { readiness } from '$lib/server/health.ts';
import type { RequestHandler } from './$types';

/**
 * Readiness for load balancers and deploy scripts: 200 when the database answers (within 2 s),
 * its schema is current and a search index is loaded; 503 with the failing check otherwise (also
 * while the server shuts down). `database` names the engine and, on PostgreSQL, the pool's
 * connections (total, idle, in use, waiting).
 */
export const GET: RequestHandler = async () => {
	const { ready, checks, database } = await readiness();
	return json(
		{ status: ready ? 'ready' : 'not_ready', checks, database },
		{ status: ready ? 200 : 503, headers: { 'Cache-Control': 'no-store' } }
	);
};
