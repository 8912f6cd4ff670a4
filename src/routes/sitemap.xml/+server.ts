import { getDb } from '$lib/server/db/index.ts';
import { config } from '$lib/server/config.ts';
import { clock } from '$lib/server/clock.ts';
import { sitemapRoot } from '$lib/server/interop/sitemap.ts';
import { publicAnswer } from '$lib/server/interop/public-answer.ts';
import type { RequestHandler } from './$types';

/** The sitemap, or the sitemap index once the site outgrows one file (interop/sitemap.ts). */
export const GET: RequestHandler = async ({ request }) => {
	const body = await sitemapRoot(await getDb(), {
		origin: config.origin,
		pageSize: config.sitemapPageSize,
		now: clock()
	});
	return publicAnswer(request, body, 'application/xml');
};
