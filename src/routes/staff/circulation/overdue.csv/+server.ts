import { getDb } from '$lib/server/db/index.ts';
import { isStaff } from '$lib/server/access.ts';
import { apiError } from '$lib/server/http.ts';
import { viewerOf } from '$lib/server/request.ts';
import { overdueCsv } from '$lib/server/circulation/desk.ts';
import { clock } from '$lib/server/clock.ts';
import { translator } from '$lib/i18n/index.ts';
import type { RequestHandler } from './$types';

/** `GET /staff/circulation/overdue.csv` — the overdue list for a spreadsheet (librarians). */
export const GET: RequestHandler = async ({ locals }) => {
	const t = translator(locals.lang);
	// hooks.server.ts already guards /staff; this is the second lock on the door.
	if (!isStaff(viewerOf(locals.user))) return apiError(403, 'forbidden', t('error.forbidden'));
	const now = clock();
	const headers = ['nip', 'member', 'barcode', 'title', 'due', 'daysOverdue', 'fine'].map((k) =>
		t(k === 'nip' ? 'circ.col.nip' : `circ.col.${k}`)
	);
	const body = await overdueCsv(await getDb(), viewerOf(locals.user), headers, now);
	return new Response(body, {
		headers: {
			'content-type': 'text/csv; charset=utf-8',
			'content-disposition': `attachment; filename="terlambat-${now.toISOString().slice(0, 10)}.csv"`,
			'cache-control': 'no-store'
		}
	});
};
