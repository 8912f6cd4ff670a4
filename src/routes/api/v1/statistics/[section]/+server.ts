import { json } from '@sveltejs/kit';
import { getDb } from '$lib/server/db/index.ts';
import { toApiError } from '$lib/server/http.ts';
import { DomainError, NotFound } from '$lib/server/errors.ts';
import { isStaff } from '$lib/server/access.ts';
import { viewerOf } from '$lib/server/request.ts';
import { clock } from '$lib/server/clock.ts';
import * as statistics from '$lib/server/statistics/index.ts';
import type { RequestHandler } from './$types';

/** The API's sections: the whole report, or one part of it. */
const PARTS = ['summary', 'monthly', 'top', 'groups', 'searches'] as const;

/**
 * `GET /api/v1/statistics/{summary|monthly|top|groups|searches}?from=YYYY-MM&to=YYYY-MM` —
 * librarians and admins (session or bearer token): 401 without credentials, 403 for other
 * roles, 400 `invalid_period` for a bad period. `summary` is everything the page shows.
 */
export const GET: RequestHandler = async ({ params, url, locals }) => {
	try {
		const viewer = viewerOf(locals.user);
		if (!viewer) throw new DomainError(401, 'unauthorized', 'error.unauthorized');
		if (!isStaff(viewer)) throw new DomainError(403, 'forbidden', 'error.forbidden');
		const part = params.section as (typeof PARTS)[number];
		if (!(PARTS as readonly string[]).includes(part)) throw new NotFound();
		const now = clock();
		const period = statistics.parsePeriod(
			url.searchParams.get('from'),
			url.searchParams.get('to'),
			now
		);
		const r = await statistics.report(await getDb(), viewer, period, now);
		const { months: _m, ...p } = r.period;
		const sections = {
			summary: { period: p, totals: r.totals, ...withoutPeriod(r) },
			monthly: { period: p, monthly: r.monthly },
			top: { period: p, topViewed: r.topViewed, topDownloaded: r.topDownloaded },
			groups: { period: p, bySeries: r.bySeries, byType: r.byType },
			searches: { period: p, topQueries: r.topQueries, zeroResultQueries: r.zeroResultQueries }
		};
		return json(sections[part], { headers: { 'cache-control': 'private, no-store' } });
	} catch (err) {
		return toApiError(err, locals.lang);
	}
};

function withoutPeriod(r: statistics.Report) {
	const { period: _p, totals: _t, ...rest } = r;
	return rest;
}
