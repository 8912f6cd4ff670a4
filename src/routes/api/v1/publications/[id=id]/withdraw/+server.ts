import { json } from '@sveltejs/kit';
import { getDb } from '$lib/server/db/index.ts';
import * as publications from '$lib/server/catalog/publications.ts';
import * as records from '$lib/server/catalog/records.ts';
import { canEditCatalog } from '$lib/server/access.ts';
import { apiError, readJsonObject, toApiError } from '$lib/server/http.ts';
import { clientIp } from '$lib/server/accounts/web.ts';
import { viewerOf } from '$lib/server/request.ts';
import { translator } from '$lib/i18n/index.ts';
import type { RequestHandler } from './$types';

/** `POST /api/v1/publications/{id}/withdraw` {reason?} — withdraws (never deletes) a record. */
export const POST: RequestHandler = async (event) => {
	const { params, locals, request } = event;
	const viewer = viewerOf(locals.user);
	const t = translator(locals.lang);
	try {
		const db = await getDb();
		await publications.findById(db, viewer, Number(params.id));
		if (!canEditCatalog(viewer))
			return apiError(
				viewer ? 403 : 401,
				viewer ? 'forbidden' : 'unauthorized',
				t(viewer ? 'error.forbidden' : 'error.unauthorized')
			);
		const hasBody = Number(request.headers.get('content-length') ?? 0) > 0;
		const body = hasBody ? await readJsonObject(request) : {};
		await records.withdraw(
			db,
			Number(params.id),
			typeof body.reason === 'string' ? body.reason : null,
			{ id: viewer!.id, ip: clientIp(event) }
		);
		return json(await publications.findById(db, viewer, Number(params.id)));
	} catch (err) {
		return toApiError(err, locals.lang);
	}
};
