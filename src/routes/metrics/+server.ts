import { config } from '$lib/server/config.ts';
import { apiError } from '$lib/server/http.ts';
import { mayReadMetrics, metricsSnapshot } from '$lib/server/health.ts';
import * as metrics from '$lib/server/metrics.ts';
import { viewerOf } from '$lib/server/request.ts';
import { translator } from '$lib/i18n/index.ts';
import type { RequestHandler } from './$types';

/** Request headers a reverse proxy adds: such a request is not "from localhost". */
const FORWARDING = ['forwarded', 'x-forwarded-for', 'x-real-ip'];

/**
 * Prometheus metrics (text format 0.0.4) for those METRICS_ALLOW admits; everyone else gets a
 * 404 `not_found`, which shows nothing of them.
 */
export const GET: RequestHandler = async (event) => {
	let address: string | null = null;
	try {
		address = event.getClientAddress();
	} catch {
		// no address (ADDRESS_HEADER missing): not localhost
	}
	const allowed = mayReadMetrics(config.metricsAllow, {
		address,
		forwarded: FORWARDING.some((h) => event.request.headers.has(h)),
		viewer: viewerOf(event.locals.user)
	});
	if (!allowed) return apiError(404, 'not_found', translator(event.locals.lang)('error.notFound'));
	return new Response(await metrics.render(await metricsSnapshot()), {
		headers: { 'Content-Type': metrics.CONTENT_TYPE, 'Cache-Control': 'no-store' }
	});
};
