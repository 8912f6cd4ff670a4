import { getDb } from '$lib/server/db/index.ts';
import { asDomainError, DomainError } from '$lib/server/errors.ts';
import { viewerOf } from '$lib/server/request.ts';
import { clock } from '$lib/server/clock.ts';
import * as statistics from '$lib/server/statistics/index.ts';
import { translator } from '$lib/i18n/index.ts';
import { toPageError } from '$lib/server/http.ts';
import type { PageServerLoad } from './$types';

/** `/staff/statistics?from=YYYY-MM&to=YYYY-MM` (hooks.server.ts lets only librarians in). */
export const load: PageServerLoad = async ({ url, locals }) => {
	const from = url.searchParams.get('from');
	const to = url.searchParams.get('to');
	const now = clock();
	try {
		const period = statistics.parsePeriod(from, to, now);
		const report = await statistics.report(await getDb(), viewerOf(locals.user), period, now);
		return { report, periodError: null, from: period.from, to: period.to };
	} catch (err) {
		const e = asDomainError(err);
		// A bad period is the reader's typing: say so above the form, with the status 400.
		if (e instanceof DomainError && e.code === 'invalid_period')
			return {
				report: null,
				periodError: translator(locals.lang)(e.messageKey, e.params),
				from: from ?? '',
				to: to ?? ''
			};
		toPageError(err, locals.lang);
	}
};
