import { json } from '@sveltejs/kit';
import { getDb } from '$lib/server/db/index.ts';
import * as items from '$lib/server/circulation/items.ts';
import { caller } from '$lib/server/circulation/web.ts';
import { readJsonObject, toApiError } from '$lib/server/http.ts';
import { DomainError } from '$lib/server/errors.ts';
import { clock } from '$lib/server/clock.ts';
import { viewerOf } from '$lib/server/request.ts';
import type { RequestHandler } from './$types';

/** `GET /api/v1/items/{id}` (librarians) — one copy, or 404 `item_not_found`. */
export const GET: RequestHandler = async (event) => {
	try {
		caller(event, { staff: true });
		const viewer = viewerOf(event.locals.user);
		return json(
			await items.findFor(await getDb(), viewer, { id: Number(event.params.id) }, clock())
		);
	} catch (err) {
		return toApiError(err, event.locals.lang);
	}
};

/** An optional text field of the body: absent → unchanged, null → cleared, else a string. */
function optionalText(body: Record<string, unknown>, name: string): string | null | undefined {
	const v = body[name];
	if (v === undefined || v === null || typeof v === 'string') return v;
	throw new DomainError(400, 'invalid', 'error.invalidParam', { name });
}

/**
 * `PATCH /api/v1/items/{id}` {location?, condition?, status?} (librarians) → 200 the copy.
 * 400 `invalid_status` (only available, lost, damaged, withdrawn by hand), 409
 * `item_in_circulation` (on loan or on the hold shelf), 404 `item_not_found`.
 */
export const PATCH: RequestHandler = async (event) => {
	try {
		const who = caller(event, { staff: true });
		const body = await readJsonObject(event.request);
		const status = optionalText(body, 'status');
		const item = await items.update(
			await getDb(),
			Number(event.params.id),
			{
				location: optionalText(body, 'location'),
				condition: optionalText(body, 'condition'),
				status: status === null ? 'null' : status
			},
			who,
			clock()
		);
		return json(item);
	} catch (err) {
		return toApiError(err, event.locals.lang);
	}
};
