import { getDb } from '$lib/server/db/index.ts';
import * as loans from '$lib/server/circulation/loans.ts';
import { clock } from '$lib/server/clock.ts';
import { viewerOf } from '$lib/server/request.ts';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals }) => ({
	loans: await loans.list(
		await getDb(),
		{ viewer: viewerOf(locals.user), status: 'overdue' },
		clock()
	)
});
