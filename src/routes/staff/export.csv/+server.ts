import { getDb } from '$lib/server/db/index.ts';
import { canEditCatalog } from '$lib/server/access.ts';
import * as audit from '$lib/server/audit.ts';
import { clientIp } from '$lib/server/accounts/web.ts';
import { apiError } from '$lib/server/http.ts';
import { viewerOf } from '$lib/server/request.ts';
import { exportCsv, exportDate } from '$lib/server/catalog/export.ts';
import { translator } from '$lib/i18n/index.ts';
import type { RequestHandler } from './$types';

/**
 * `GET /staff/export.csv` — the whole catalog as a CSV download for librarians, streamed page
 * by page. It starts with a UTF-8 byte-order mark so Excel reads accents and non-Latin titles
 * correctly instead of guessing the Windows code page.
 */
export const GET: RequestHandler = async (event) => {
	const { locals } = event;
	const viewer = viewerOf(locals.user);
	// hooks.server.ts already guards /staff; this is the second lock on the door.
	if (!viewer || !canEditCatalog(viewer))
		return apiError(403, 'forbidden', translator(locals.lang)('error.forbidden'));
	const db = await getDb();
	// The export holds restricted and draft records: who took a copy is worth knowing.
	await audit.record(db, {
		actorId: viewer.id,
		action: 'catalog.export',
		entity: 'catalog',
		ip: clientIp(event)
	});
	const chunks = exportCsv(db, viewer);
	const encoder = new TextEncoder();
	const body = new ReadableStream<Uint8Array>({
		start(controller) {
			controller.enqueue(encoder.encode('\uFEFF'));
		},
		async pull(controller) {
			const next = await chunks.next();
			if (next.done) controller.close();
			else controller.enqueue(encoder.encode(next.value));
		},
		async cancel() {
			await chunks.return(undefined);
		}
	});
	return new Response(body, {
		headers: {
			'content-type': 'text/csv; charset=utf-8',
			'content-disposition': `attachment; filename="katalog-djkn-${exportDate()}.csv"`,
			'cache-control': 'no-store'
		}
	});
};
