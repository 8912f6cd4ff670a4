import { json } from '@sveltejs/kit';
import { sql } from 'kysely';
import { getDb } from '$lib/server/db/index.ts';
import * as search from '$lib/server/search/index.ts';
import type { RequestHandler } from './$types';

/** Liveness and readiness for monitors: database reachable and migrated, index state. */
export const GET: RequestHandler = async () => {
	const started = performance.now();
	try {
		const db = await getDb();
		const { n } = await db
			.selectFrom('publications')
			.select(sql<number>`count(*)`.as('n'))
			.executeTakeFirstOrThrow();
		return json(
			{
				status: 'ok',
				database: {
					status: 'ok',
					publications: Number(n),
					ms: Math.round(performance.now() - started)
				},
				index: { engine: 'lunr', ...search.status() }
			},
			{ headers: { 'Cache-Control': 'no-store' } }
		);
	} catch (err) {
		return json(
			{ status: 'error', database: { status: 'error', message: String((err as Error).message) } },
			{ status: 503, headers: { 'Cache-Control': 'no-store' } }
		);
	}
};
