import { json } from '@sveltejs/kit';
import { getDb } from '$lib/server/db/index.ts';
import * as items from '$lib/server/circulation/items.ts';
import { caller, intField, stringField } from '$lib/server/circulation/web.ts';
import { intParam, readJsonObject, toApiError } from '$lib/server/http.ts';
import { DomainError } from '$lib/server/errors.ts';
import { clock } from '$lib/server/clock.ts';
import { viewerOf } from '$lib/server/request.ts';
import type { RequestHandler } from './$types';

/**
 * `GET /api/v1/items?publicationId=` (librarians) — the copies of a publication (404
 * `publication_not_found` for a record that does not exist or the caller may not see);
 * `GET /api/v1/items?barcode=` — the one copy with that barcode (404 `item_not_found`).
 */
export const GET: RequestHandler = async (event) => {
	try {
		caller(event, { staff: true });
		const viewer = viewerOf(event.locals.user);
		const barcode = event.url.searchParams.get('barcode');
		if (barcode !== null)
			return json(await items.findFor(await getDb(), viewer, { barcode }, clock()));
		const publicationId = intParam(event.url, 'publicationId', 1);
		if (publicationId === undefined)
			throw new DomainError(400, 'invalid_parameter', 'error.invalidParam', {
				name: 'publicationId'
			});
		return json({ items: await items.listFor(await getDb(), viewer, publicationId, clock()) });
	} catch (err) {
		return toApiError(err, event.locals.lang);
	}
};

/** `POST /api/v1/items` {publicationId, barcode, location?, condition?} → 201 the new copy. */
export const POST: RequestHandler = async (event) => {
	try {
		const who = caller(event, { staff: true });
		const body = await readJsonObject(event.request);
		const item = await items.create(
			await getDb(),
			{
				publicationId: intField(body, 'publicationId'),
				barcode: stringField(body, 'barcode'),
				location: typeof body.location === 'string' ? body.location : null,
				condition: typeof body.condition === 'string' ? body.condition : undefined
			},
			who,
			clock()
		);
		return json(item, { status: 201 });
	} catch (err) {
		return toApiError(err, event.locals.lang);
	}
};
