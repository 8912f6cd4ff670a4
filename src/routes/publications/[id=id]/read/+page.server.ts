import { getDb } from '$lib/server/db/index.ts';
import * as reader from '$lib/server/reader/open.ts';
import * as usage from '$lib/server/reader/usage.ts';
import { NotFound } from '$lib/server/errors.ts';
import { toPageError } from '$lib/server/http.ts';
import { clientIp } from '$lib/server/accounts/web.ts';
import { viewerOf } from '$lib/server/request.ts';
import type { PageServerLoad } from './$types';

/**
 * The reader. Opening it counts one view (see usage.ts for the rules). An anonymous visitor
 * asking for a record they may not see gets the login prompt — for every such id alike, whether
 * it exists or not, so the prompt reveals nothing; a logged-in member gets 404.
 */
export const load: PageServerLoad = async (event) => {
	const { params, locals, request } = event;
	const db = await getDb();
	const viewer = viewerOf(locals.user);
	const id = Number(params.id);
	try {
		const ctx = await reader.openReader(db, viewer, id);
		if (ctx.state === 'ok') {
			await usage.record(db, {
				publicationId: id,
				kind: 'view',
				userId: viewer?.id ?? null,
				ip: clientIp(event),
				userAgent: request.headers.get('user-agent')
			});
		}
		const pub = ctx.publication;
		const img = pub.coverImage;
		return {
			loginRequired: false as const,
			pub,
			// Page 1 as stored at upload (its WebP renderings when there are some), shown until
			// pdf.js has drawn the page; sized by the thumbnail's own proportions.
			placeholder:
				ctx.state === 'ok' && pub.cover
					? {
							src: pub.cover,
							srcset: img?.formats.includes('webp')
								? img.widths.map((w) => `${pub.cover}&f=webp&w=${w} ${w}w`).join(', ')
								: undefined,
							width: img?.width ?? 320,
							height: img?.height ?? 452
						}
					: null,
			state: ctx.state,
			tailStart: ctx.tailStart,
			fileUrl: `/api/v1/publications/${id}/file`,
			downloadUrl: ctx.mayDownload ? `/api/v1/publications/${id}/file?download=1` : null,
			progressUrl: viewer ? `/api/v1/publications/${id}/progress` : null
		};
	} catch (err) {
		if (err instanceof NotFound && viewer === null) {
			return {
				loginRequired: true as const,
				loginUrl: `/login?redirectTo=/publications/${id}/read`
			};
		}
		toPageError(err, locals.lang);
	}
};
