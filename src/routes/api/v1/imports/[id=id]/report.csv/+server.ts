import { getDb } from '$lib/server/db/index.ts';
import { reportCsv } from '$lib/server/catalog/import-report.ts';
import { canEditCatalog } from '$lib/server/access.ts';
import { apiError, toApiError } from '$lib/server/http.ts';
import { viewerOf } from '$lib/server/request.ts';
import { translator } from '$lib/i18n/index.ts';
import type { RequestHandler } from './$types';

/** `GET /api/v1/imports/{id}/report.csv` — every row's outcome, with record links and reasons. */
export const GET: RequestHandler = async ({ params, locals, url }) => {
	const viewer = viewerOf(locals.user);
	const t = translator(locals.lang);
	if (!viewer) return apiError(401, 'unauthorized', t('error.unauthorized'));
	if (!canEditCatalog(viewer)) return apiError(403, 'forbidden', t('error.forbidden'));
	try {
		const body = await reportCsv(await getDb(), Number(params.id), locals.lang, url.origin);
		return new Response(body, {
			headers: {
				'content-type': 'text/csv; charset=utf-8',
				'content-disposition': `attachment; filename="import-${params.id}.csv"`
			}
		});
	} catch (err) {
		return toApiError(err, locals.lang);
	}
};
