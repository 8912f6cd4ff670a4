import { getDb } from '$lib/server/db/index.ts';
import * as publications from '$lib/server/catalog/publications.ts';
import * as items from '$lib/server/circulation/items.ts';
import { toPageError } from '$lib/server/http.ts';
import { viewerOf } from '$lib/server/request.ts';
import type { PageServerLoad } from './$types';

/** A title short enough for a label: at most `max` characters, cut at a word with "…". */
function shorten(title: string, max = 60): string {
	if (title.length <= max) return title;
	const cut = title.slice(0, max - 1);
	const space = cut.lastIndexOf(' ');
	return `${(space > max / 2 ? cut.slice(0, space) : cut).trimEnd()}…`;
}

/**
 * Printable barcode labels of a record's copies: every copy still in the collection (not lost
 * or withdrawn), or exactly the copies named by `?barcodes=A,B` (in that order).
 */
export const load: PageServerLoad = async ({ params, locals, url }) => {
	const db = await getDb();
	try {
		const pub = await publications.findById(db, viewerOf(locals.user), Number(params.id));
		const copies = await items.listForPublication(db, pub.id);
		const wanted = [
			...new Set(
				(url.searchParams.get('barcodes') ?? '')
					.split(',')
					.map((b) => b.trim())
					.filter(Boolean)
			)
		];
		const chosen = wanted.length
			? wanted.flatMap((b) => copies.filter((c) => c.barcode === b))
			: copies.filter((c) => c.status !== 'withdrawn' && c.status !== 'lost');
		return {
			pub: { id: pub.id, title: pub.title },
			subset: wanted.length > 0,
			labels: chosen.map((c) => ({
				id: c.id,
				barcode: c.barcode,
				callNumber: c.callNumber ?? pub.callNumber,
				title: shorten(pub.title)
			}))
		};
	} catch (err) {
		toPageError(err, locals.lang);
	}
};
