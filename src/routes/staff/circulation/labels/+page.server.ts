import { error } from '@sveltejs/kit';
import { getDb } from '$lib/server/db/index.ts';
import * as labels from '$lib/server/circulation/labels.ts';
import { clock } from '$lib/server/clock.ts';
import { viewerOf } from '$lib/server/request.ts';
import { translator } from '$lib/i18n/index.ts';
import type { PageServerLoad } from './$types';

/**
 * Batch labels (#15): the copies named by `?barcodes=` (typed or pasted, any separator) and/or
 * repeated `?barcode=` (the copies page's checkboxes), as one A4 sheet. A GET, so the sheet can
 * be bookmarked and reprinted; more than MAX_LABELS is a 400 saying so.
 */
export const load: PageServerLoad = async ({ url, locals }) => {
	const raw = [...url.searchParams.getAll('barcodes'), ...url.searchParams.getAll('barcode')].join(
		'\n'
	);
	const wanted = labels.parseBarcodes([raw]);
	if (wanted.length > labels.MAX_LABELS)
		error(400, translator(locals.lang)('counter.labels.tooMany', { max: labels.MAX_LABELS }));
	const { labels: sheet, unknown } = await labels.forBarcodes(
		await getDb(),
		viewerOf(locals.user),
		wanted,
		clock()
	);
	return { input: wanted.join('\n'), labels: sheet, unknown };
};
