import { json } from '@sveltejs/kit';
import { getDb } from '$lib/server/db/index.ts';
import * as jobs from '$lib/server/catalog/import-jobs.ts';
import { apiObject } from '$lib/server/catalog/import-report.ts';
import { receiveMultipart } from '$lib/server/catalog/import-files.ts';
import { canEditCatalog } from '$lib/server/access.ts';
import { apiError, toApiError } from '$lib/server/http.ts';
import { clientIp } from '$lib/server/accounts/web.ts';
import { viewerOf } from '$lib/server/request.ts';
import { translator } from '$lib/i18n/index.ts';
import type { RequestHandler } from './$types';

/** `GET /api/v1/imports` (librarians, tokens) — the recent import jobs, newest first. */
export const GET: RequestHandler = async ({ locals }) => {
	const viewer = viewerOf(locals.user);
	const t = translator(locals.lang);
	if (!viewer) return apiError(401, 'unauthorized', t('error.unauthorized'));
	if (!canEditCatalog(viewer)) return apiError(403, 'forbidden', t('error.forbidden'));
	return json({ items: await jobs.recent(await getDb(), 50) });
};

/**
 * `POST /api/v1/imports` (librarians, tokens) — multipart `file`, optional `format`
 * (slims | metadata | zip) and `confirm=true`. 202 with the job and its Location; a bad file is
 * a 4xx with the reason, and nothing is kept.
 */
export const POST: RequestHandler = async (event) => {
	const { request, locals } = event;
	const viewer = viewerOf(locals.user);
	const t = translator(locals.lang);
	if (!viewer) return apiError(401, 'unauthorized', t('error.unauthorized'));
	if (!canEditCatalog(viewer)) return apiError(403, 'forbidden', t('error.forbidden'));
	try {
		const db = await getDb();
		const received = await receiveMultipart(
			request.headers.get('content-type') ?? '',
			request.body
		);
		const format = received.fields.format?.trim() || undefined;
		const confirm = /^(1|true|yes|on)$/i.test(received.fields.confirm ?? '');
		const job = await jobs.create(
			db,
			received,
			{ id: viewer.id, ip: clientIp(event) },
			{
				format,
				confirm
			}
		);
		return json(await apiObject(db, job.id, locals.lang), {
			status: 202,
			headers: { Location: `/api/v1/imports/${job.id}` }
		});
	} catch (err) {
		return toApiError(err, locals.lang);
	}
};
