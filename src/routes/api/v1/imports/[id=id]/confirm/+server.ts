import { json } from '@sveltejs/kit';
import { getDb } from '$lib/server/db/index.ts';
import * as jobs from '$lib/server/catalog/import-jobs.ts';
import { apiObject } from '$lib/server/catalog/import-report.ts';
import { canEditCatalog } from '$lib/server/access.ts';
import { apiError, toApiError } from '$lib/server/http.ts';
import { viewerOf } from '$lib/server/request.ts';
import { translator } from '$lib/i18n/index.ts';
import type { RequestHandler } from './$types';

/** `POST /api/v1/imports/{id}/confirm` — starts a previewed job (202; 409 when not in preview). */
export const POST: RequestHandler = async ({ params, locals }) => {
	const viewer = viewerOf(locals.user);
	const t = translator(locals.lang);
	if (!viewer) return apiError(401, 'unauthorized', t('error.unauthorized'));
	if (!canEditCatalog(viewer)) return apiError(403, 'forbidden', t('error.forbidden'));
	try {
		const db = await getDb();
		const job = await jobs.confirm(db, Number(params.id));
		return json(await apiObject(db, job.id, locals.lang), {
			status: 202,
			headers: { Location: `/api/v1/imports/${job.id}` }
		});
	} catch (err) {
		return toApiError(err, locals.lang);
	}
};
