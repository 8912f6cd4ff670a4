import { getDb } from '$lib/server/db/index.ts';
import { config } from '$lib/server/config.ts';
import { clock } from '$lib/server/clock.ts';
import { NotFound } from '$lib/server/errors.ts';
import { sitemapPage } from '$lib/server/interop/sitemap.ts';
import { publicAnswer, publicError } from '$lib/server/interop/public-answer.ts';
import type { RequestHandler } from './$types';

/** One page of the sitemap (/sitemap-1.xml …); 404 for anything but a page that exists. */
export const GET: RequestHandler = async ({ params, request, locals }) => {
	try {
		if (!/^[1-9]\d{0,6}$/.test(params.n)) throw new NotFound();
		const body = await sitemapPage(
			await getDb(),
			{ origin: config.origin, pageSize: config.sitemapPageSize, now: clock() },
			Number(params.n)
		);
		return publicAnswer(request, body, 'application/xml');
	} catch (err) {
		return publicError(err, locals.lang);
	}
};
