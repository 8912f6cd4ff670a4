import { json } from '@sveltejs/kit';
import { getDb } from '$lib/server/db/index.ts';
import * as apiTokens from '$lib/server/accounts/api-tokens.ts';
import { isStaff } from '$lib/server/access.ts';
import { apiError, readJsonObject, toApiError } from '$lib/server/http.ts';
import { clientIp } from '$lib/server/accounts/web.ts';
import { viewerOf } from '$lib/server/request.ts';
import { translator } from '$lib/i18n/index.ts';
import type { RequestHandler } from './$types';

/** `GET /api/v1/tokens` — the caller's tokens (librarians and admins). */
export const GET: RequestHandler = async ({ locals }) => {
	const viewer = viewerOf(locals.user);
	if (!viewer) return apiError(401, 'unauthorized', translator(locals.lang)('error.unauthorized'));
	if (!isStaff(viewer))
		return apiError(403, 'forbidden', translator(locals.lang)('error.forbidden'));
	return json({ items: await apiTokens.listMine(await getDb(), viewer) });
};

/** `POST /api/v1/tokens` {name} → 201 `{ id, token }`; the secret is never shown again. */
export const POST: RequestHandler = async (event) => {
	const viewer = viewerOf(event.locals.user);
	const t = translator(event.locals.lang);
	if (!viewer) return apiError(401, 'unauthorized', t('error.unauthorized'));
	try {
		const body = await readJsonObject(event.request);
		const created = await apiTokens.create(
			await getDb(),
			viewer,
			String(body.name ?? ''),
			clientIp(event)
		);
		return json(created, { status: 201 });
	} catch (err) {
		return toApiError(err, event.locals.lang);
	}
};
