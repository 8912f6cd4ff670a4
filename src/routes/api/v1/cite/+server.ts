import { getDb } from '$lib/server/db/index.ts';
import * as citation from '$lib/server/interop/citation.ts';
import { toApiError } from '$lib/server/http.ts';
import { viewerOf } from '$lib/server/request.ts';
import type { RequestHandler } from './$types';

/**
 * `GET /api/v1/cite?ids=1,2,3&format=…` — a citation file of several records (the search
 * page's export), downloaded as an attachment. Each id goes through the access policy; ids the
 * caller may not see are left out exactly like missing ones, and 404 when none is left. At most
 * 100 ids; `ids` may also repeat (`ids=1&ids=2`), as a form of checkboxes sends them.
 */
export const GET: RequestHandler = async ({ url, locals }) => {
	try {
		const format = citation.parseFormat(url.searchParams.get('format'));
		const ids = citation.parseIds(url.searchParams.getAll('ids'));
		const pubs = await citation.forViewer(await getDb(), viewerOf(locals.user), ids);
		const body = citation.render(pubs, format, { origin: url.origin, lang: locals.lang });
		return new Response(body, {
			headers: {
				'Content-Type': citation.FORMAT_FILE[format].contentType,
				'Content-Disposition': `attachment; filename="${citation.fileName(format)}"`,
				'Cache-Control': 'private, no-cache',
				Vary: 'Cookie, Authorization'
			}
		});
	} catch (err) {
		return toApiError(err, locals.lang);
	}
};
