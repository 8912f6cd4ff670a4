import { json } from '@sveltejs/kit';
import { getDb } from '$lib/server/db/index.ts';
import * as jobs from '$lib/server/catalog/import-jobs.ts';
import { apiObject } from '$lib/server/catalog/import-report.ts';
import { canEditCatalog } from '$lib/server/access.ts';
import { apiError, readJsonObject, toApiError } from '$lib/server/http.ts';
import { clientIp } from '$lib/server/accounts/web.ts';
import { viewerOf } from '$lib/server/request.ts';
import { Invalid } from '$lib/server/errors.ts';
import { translator } from '$lib/i18n/index.ts';
import type { RequestHandler } from './$types';

function refuse(locals: App.Locals): Response | null {
	const viewer = viewerOf(locals.user);
	const t = translator(locals.lang);
	if (!viewer) return apiError(401, 'unauthorized', t('error.unauthorized'));
	if (!canEditCatalog(viewer)) return apiError(403, 'forbidden', t('error.forbidden'));
	return null;
}

/** `GET /api/v1/imports/{id}` — the job as it advances; `failures` once it has ended. */
export const GET: RequestHandler = async ({ params, locals, url }) => {
	const refused = refuse(locals);
	if (refused) return refused;
	try {
		const db = await getDb();
		const body = await apiObject(db, Number(params.id), locals.lang);
		// The page's preview (mapping, first rows, invalid rows) on request.
		if (url.searchParams.get('preview') === '1')
			body.preview = await jobs.previewOf(db, Number(params.id));
		return json(body);
	} catch (err) {
		return toApiError(err, locals.lang);
	}
};

/** `PATCH /api/v1/imports/{id}` `{ mapping }` — re-reads a previewed file with another mapping. */
export const PATCH: RequestHandler = async ({ params, locals, request }) => {
	const refused = refuse(locals);
	if (refused) return refused;
	try {
		const db = await getDb();
		const body = await readJsonObject(request);
		const mapping = body.mapping;
		if (!mapping || typeof mapping !== 'object' || Array.isArray(mapping))
			throw new Invalid('imp.err.mapping', {}, {}, 'invalid_mapping');
		const preview = await jobs.remap(db, Number(params.id), mapping as Record<string, string>);
		return json({ ...(await apiObject(db, Number(params.id), locals.lang)), preview });
	} catch (err) {
		return toApiError(err, locals.lang);
	}
};

/** `DELETE /api/v1/imports/{id}` — cancels: at once before it runs, between batches while running. */
export const DELETE: RequestHandler = async (event) => {
	const { params, locals } = event;
	const refused = refuse(locals);
	if (refused) return refused;
	try {
		const db = await getDb();
		const job = await jobs.cancel(db, Number(params.id), {
			id: locals.user!.id,
			ip: clientIp(event)
		});
		return json(await apiObject(db, job.id, locals.lang), {
			status: job.status === 'cancelled' ? 200 : 202
		});
	} catch (err) {
		return toApiError(err, locals.lang);
	}
};
