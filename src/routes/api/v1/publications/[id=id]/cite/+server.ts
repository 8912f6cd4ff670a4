import { getDb } from '$lib/server/db/index.ts';
import * as publications from '$lib/server/catalog/publications.ts';
import * as citation from '$lib/server/interop/citation.ts';
import { toApiError } from '$lib/server/http.ts';
import { viewerOf } from '$lib/server/request.ts';
import type { RequestHandler } from './$types';

/**
 * `GET /api/v1/publications/{id}/cite?format=bibtex|ris|csl-json|apa|ieee[&download=1]` — one
 * record's citation as text in the format's own media type; 404 when the record is missing or
 * hidden from the caller (the same answer), 400 for an unknown format.
 */
export const GET: RequestHandler = async ({ params, url, locals }) => {
	try {
		const format = citation.parseFormat(url.searchParams.get('format'));
		const pub = await publications.findById(
			await getDb(),
			viewerOf(locals.user),
			Number(params.id)
		);
		const body = citation.render([pub], format, { origin: url.origin, lang: locals.lang });
		const disposition = url.searchParams.get('download') === '1' ? 'attachment' : 'inline';
		return new Response(body, {
			headers: {
				'Content-Type': citation.FORMAT_FILE[format].contentType,
				'Content-Disposition': `${disposition}; filename="${citation.fileName(format, pub.id)}"`,
				// Depends on who asks (hidden records) and, for APA and IEEE, on the language.
				'Cache-Control': 'private, no-cache',
				Vary: 'Cookie, Authorization'
			}
		});
	} catch (err) {
		return toApiError(err, locals.lang);
	}
};
