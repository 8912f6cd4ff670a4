import { json } from '@sveltejs/kit';
import { getDb } from '$lib/server/db/index.ts';
import * as policies from '$lib/server/circulation/policies.ts';
import { caller } from '$lib/server/circulation/web.ts';
import { readJsonObject, toApiError } from '$lib/server/http.ts';
import { PUBLICATION_TYPES } from '$lib/types';
import type { RequestHandler } from './$types';

/** `GET /api/v1/loan-policies` (librarians) — every policy row and the built-in fallback. */
export const GET: RequestHandler = async (event) => {
	try {
		caller(event, { staff: true });
		return json({
			items: await policies.listPolicies(await getDb()),
			fallback: policies.FALLBACK_POLICY
		});
	} catch (err) {
		return toApiError(err, event.locals.lang);
	}
};

/**
 * `PUT /api/v1/loan-policies` (librarians) {memberType, publicationType, loanDays, maxLoans,
 * maxRenewals, holdPickupDays, finePerDay?} → 200 the saved policy (created or changed).
 */
export const PUT: RequestHandler = async (event) => {
	try {
		const who = caller(event, { staff: true });
		const body = await readJsonObject(event.request);
		const saved = await policies.savePolicy(await getDb(), body, who, [
			...PUBLICATION_TYPES,
			'digital'
		]);
		return json(saved);
	} catch (err) {
		return toApiError(err, event.locals.lang);
	}
};
