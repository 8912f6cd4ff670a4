import { getDb } from '$lib/server/db/index.ts';
import * as stats from '$lib/server/catalog/stats.ts';
import * as loans from '$lib/server/circulation/loans.ts';
import { clock } from '$lib/server/clock.ts';
import * as importJobs from '$lib/server/catalog/import-jobs.ts';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async () => {
	const db = await getDb();
	const now = clock();
	return {
		overview: await stats.overview(db),
		changes: await stats.recentChanges(db),
		circulation: await loans.counts(db, now),
		loansPerMonth: await loans.perMonth(db, now),
		imports: await importJobs.recent(db, 5),
		importAttention: await importJobs.attention(db)
	};
};
