import { getDb } from '$lib/server/db/index.ts';
import * as apiTokens from '$lib/server/accounts/api-tokens.ts';
import { apiError, toApiError } from '$lib/server/http.ts';
import { clientIp } from '$lib/server/accounts/web.ts';
import { viewerOf } from '$lib/server/request.ts';
import { translator } from '$lib/i18n/index.ts';
import type { RequestHandler } from './$types';

/** `DELETE /api/v1/tokens/{id}` — revokes one of the caller's tokens; 204. */
export const DELETE: RequestHandler = async (event) => {
	const viewer = viewerOf(event.locals.user);
	if (!viewer)
		return apiError(401, 'unauthorized', translator(event.locals.lang)('error.unauthorized'));
	try {
		await apiTokens.revoke(await getDb(), viewer, Number(event.params.id), clientIp(event));
		return new Response(null, { status: 204 });
	} catch (err) {
		return toApiError(err, event.locals.lang);
	}
};
