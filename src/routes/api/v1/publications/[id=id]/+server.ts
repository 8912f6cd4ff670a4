import { json } from '@sveltejs/kit';
import { getDb } from '$lib/server/db/index.ts';
import * as publications from '$lib/server/catalog/publications.ts';
import * as records from '$lib/server/catalog/records.ts';
import { fieldsFromJson } from '$lib/server/catalog/api-input.ts';
import * as digital from '$lib/server/circulation/digital.ts';
import { clock } from '$lib/server/clock.ts';
import { canEditCatalog } from '$lib/server/access.ts';
import { apiError, readJsonObject, toApiError } from '$lib/server/http.ts';
import { clientIp } from '$lib/server/accounts/web.ts';
import { viewerOf } from '$lib/server/request.ts';
import { translator } from '$lib/i18n/index.ts';
import type { RequestHandler } from './$types';

/** `GET /api/v1/publications/{id}` — one record, 404 when missing or not visible to the caller. */
export const GET: RequestHandler = async ({ params, locals }) => {
	try {
		const db = await getDb();
		const pub = await publications.findById(db, viewerOf(locals.user), Number(params.id));
		return json(pub, {
			headers: { 'Cache-Control': 'private, no-cache', Vary: 'Cookie, Authorization' }
		});
	} catch (err) {
		return toApiError(err, locals.lang);
	}
};

/** `PATCH /api/v1/publications/{id}` (librarians, tokens) — JSON with the fields to change. */
export const PATCH: RequestHandler = async (event) => {
	const { params, locals, request } = event;
	const viewer = viewerOf(locals.user);
	const t = translator(locals.lang);
	try {
		const db = await getDb();
		// Callers who may not edit learn no more than GET would tell them.
		await publications.findById(db, viewer, Number(params.id));
		if (!canEditCatalog(viewer))
			return apiError(
				viewer ? 403 : 401,
				viewer ? 'forbidden' : 'unauthorized',
				t(viewer ? 'error.forbidden' : 'error.unauthorized')
			);
		// `digitalCopies` (circulation: concurrent digital loans, 0 = not lendable) is not part
		// of the cataloguing schema; it is split off and set by its own domain function.
		const { digitalCopies, ...fields } = await readJsonObject(request);
		const actor = { id: viewer!.id, ip: clientIp(event) };
		if (digitalCopies !== undefined)
			await digital.setDigitalCopies(
				db,
				Number(params.id),
				typeof digitalCopies === 'number' ? digitalCopies : NaN,
				actor,
				clock()
			);
		if (Object.keys(fields).length || digitalCopies === undefined)
			await records.update(db, Number(params.id), fieldsFromJson(fields), actor);
		return json(await publications.findById(db, viewer, Number(params.id)));
	} catch (err) {
		return toApiError(err, locals.lang);
	}
};
