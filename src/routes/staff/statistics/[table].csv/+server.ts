import { getDb } from '$lib/server/db/index.ts';
import { apiError, toApiError } from '$lib/server/http.ts';
import { viewerOf } from '$lib/server/request.ts';
import { clock } from '$lib/server/clock.ts';
import * as statistics from '$lib/server/statistics/index.ts';
import { sectionCsv } from '$lib/server/statistics/csv.ts';
import { translator } from '$lib/i18n/index.ts';
import type { RequestHandler } from './$types';

/**
 * `GET /staff/statistics/<table>.csv?from=YYYY-MM&to=YYYY-MM` — one table of the statistics page
 * (monthly, top-views, top-downloads, series, types, queries, zero-queries) for a spreadsheet.
 */
export const GET: RequestHandler = async ({ params, url, locals }) => {
	const t = translator(locals.lang);
	const section = params.table as statistics.Section;
	if (!(statistics.SECTIONS as readonly string[]).includes(section))
		return apiError(404, 'not_found', t('error.notFound'));
	try {
		const now = clock();
		const period = statistics.parsePeriod(
			url.searchParams.get('from'),
			url.searchParams.get('to'),
			now
		);
		// hooks.server.ts guards /staff; `report` asks the policy again (staff only).
		const report = await statistics.report(await getDb(), viewerOf(locals.user), period, now);
		return new Response(sectionCsv(report, section, t), {
			headers: {
				'content-type': 'text/csv; charset=utf-8',
				'content-disposition': `attachment; filename="${t('stats.filePrefix')}-${section}-${period.from}_${period.to}.csv"`,
				'cache-control': 'no-store'
			}
		});
	} catch (err) {
		return toApiError(err, locals.lang);
	}
};
