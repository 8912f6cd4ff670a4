import { getDb } from '$lib/server/db/index.ts';
import * as publications from '$lib/server/catalog/publications.ts';
import * as items from '$lib/server/circulation/items.ts';
import * as labels from '$lib/server/circulation/labels.ts';
import { toPageError } from '$lib/server/http.ts';
import { viewerOf } from '$lib/server/request.ts';
import type { PageServerLoad } from './$types';

/**
 * Printable barcode labels of a record's copies: every copy still in the collection (not lost
 * or withdrawn), or exactly the copies named by `?barcodes=A,B` (in that order).
 */
export const load: PageServerLoad = async ({ params, locals, url }) => {
	const db = await getDb();
	try {
		const pub = await publications.findById(db, viewerOf(locals.user), Number(params.id));
		const copies = await items.listForPublication(db, pub.id);
		const wanted = labels.parseBarcodes([url.searchParams.get('barcodes') ?? '']);
		const chosen = wanted.length
			? wanted.flatMap((b) => copies.filter((c) => c.barcode === b))
			: copies.filter((c) => c.status !== 'withdrawn' && c.status !== 'lost');
		return {
			pub: { id: pub.id, title: pub.title },
			subset: wanted.length > 0,
			labels: labels.forCopies(chosen, pub)
		};
	} catch (err) {
		toPageError(err, locals.lang);
	}
};
