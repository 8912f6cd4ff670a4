import { getDb } from '$lib/server/db/index.ts';
import * as stats from '$lib/server/catalog/stats.ts';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async () => {
	const db = await getDb();
	return { overview: await stats.overview(db), changes: await stats.recentChanges(db) };
};
