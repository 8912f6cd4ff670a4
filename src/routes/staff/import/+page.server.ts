import { getDb } from '$lib/server/db/index.ts';
import * as jobs from '$lib/server/catalog/import-jobs.ts';
import { config } from '$lib/server/config.ts';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async () => ({
	jobs: await jobs.recent(await getDb(), 20),
	maxMb: Math.round(config.importMaxBytes / 1024 / 1024)
});
