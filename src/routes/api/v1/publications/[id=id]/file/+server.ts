import { getDb } from '$lib/server/db/index.ts';
import * as reader from '$lib/server/reader/open.ts';
import * as usage from '$lib/server/reader/usage.ts';
import { fileResponse, startsDownload } from '$lib/server/reader/file-response.ts';
import { toApiError } from '$lib/server/http.ts';
import { clientIp } from '$lib/server/accounts/web.ts';
import { viewerOf } from '$lib/server/request.ts';
import type { RequestEvent, RequestHandler } from './$types';

/**
 * `GET|HEAD /api/v1/publications/{id}/file[?download=1]` — the current PDF, through the access
 * policy first (404 for what the caller may not see, exactly like the detail page), then with
 * byte ranges, validators and caching (see file-response.ts). `?download=1` asks for an
 * attachment and is refused (403) for read-online-only records unless the caller is staff.
 */
async function serve(event: RequestEvent, method: 'GET' | 'HEAD'): Promise<Response> {
	const { params, locals, request, url } = event;
	const download = url.searchParams.get('download') === '1';
	try {
		const db = await getDb();
		const viewer = viewerOf(locals.user);
		const file = await reader.openFile(db, viewer, Number(params.id), { download });
		const response = fileResponse(request, file, {
			method,
			disposition: download ? 'attachment' : 'inline'
		});
		if (download && method === 'GET' && startsDownload(response)) {
			await usage.record(db, {
				publicationId: file.publicationId,
				kind: 'download',
				userId: locals.user?.id ?? null,
				ip: clientIp(event),
				userAgent: request.headers.get('user-agent')
			});
		}
		return response;
	} catch (err) {
		const res = toApiError(err, locals.lang);
		// A refusal depends on who asks; no cache may replay it to someone else.
		res.headers.set('Cache-Control', 'no-store');
		return res;
	}
}

export const GET: RequestHandler = (event) => serve(event, 'GET');
export const HEAD: RequestHandler = (event) => serve(event, 'HEAD');
