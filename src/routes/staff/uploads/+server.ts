import { json } from '@sveltejs/kit';
import { getDb } from '$lib/server/db/index.ts';
import * as staging from '$lib/server/catalog/staging.ts';
import { canEditCatalog } from '$lib/server/access.ts';
import { apiError, toApiError } from '$lib/server/http.ts';
import { viewerOf } from '$lib/server/request.ts';
import { translator } from '$lib/i18n/index.ts';
import type { RequestHandler } from './$types';

/**
 * `POST /staff/uploads` — the cataloguing form's upload: the raw PDF as the body (so the
 * browser can report progress and the server can stream it to disk), the file name in
 * `X-File-Name` (URI-encoded). Answers what the form needs to pre-fill itself.
 */
export const POST: RequestHandler = async ({ request, locals }) => {
	// hooks.server.ts already guards /staff; this is the second lock on the door.
	if (!canEditCatalog(viewerOf(locals.user)))
		return apiError(403, 'forbidden', translator(locals.lang)('error.forbidden'));
	try {
		let name: string | null = null;
		const header = request.headers.get('x-file-name');
		if (header) {
			try {
				name = decodeURIComponent(header);
			} catch {
				name = header;
			}
		}
		const length = request.headers.get('content-length');
		const tmp = await staging.receive(request.body, length ? Number(length) : null);
		return json(await staging.stage(await getDb(), tmp, name), { status: 201 });
	} catch (err) {
		return toApiError(err, locals.lang);
	}
};
