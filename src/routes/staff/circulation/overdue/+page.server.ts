import { getDb } from '$lib/server/db/index.ts';
import * as loans from '$lib/server/circulation/loans.ts';
import { clock } from '$lib/server/clock.ts';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async () => ({
	loans: await loans.list(await getDb(), { status: 'overdue' }, clock())
});
