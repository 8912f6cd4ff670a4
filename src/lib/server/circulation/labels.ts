// The Node build explicitly: the package's root export picks a build by runtime condition.
import bwipjs from 'bwip-js/node';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import { canSeePublication, type Viewer } from '../access.ts';

/**
 * Spine/barcode labels for copies (#15): one record's copies or any batch of barcodes, printed
 * on one A4 sheet. The barcodes are Code 128 drawn by bwip-js (the maintained port of Barcode
 * Writer in Pure PostScript) on the server as SVG: crisp in print, nothing to run in the
 * browser, and the symbol a scanner reads is exactly the copy's barcode.
 */

/** At most this many labels per sheet request (a few A4 pages; a typo must not render 10,000). */
export const MAX_LABELS = 300;

/** One printable label. */
export interface Label {
	id: number;
	barcode: string;
	/** The copy's call number, else the record's. */
	callNumber: string | null;
	/** The record's title, shortened to fit a label. */
	title: string;
	/** The Code 128 symbol as an SVG document (bars only; the text is printed below it). */
	svg: string;
}

/** A title short enough for a label: at most `max` characters, cut at a word with "…". */
export function shorten(title: string, max = 60): string {
	if (title.length <= max) return title;
	const cut = title.slice(0, max - 1);
	const space = cut.lastIndexOf(' ');
	return `${(space > max / 2 ? cut.slice(0, space) : cut).trimEnd()}…`;
}

/**
 * The Code 128 symbol of `text` as SVG (bwip-js picks the code sets and the check symbol).
 * Quiet zones of 10 modules on both sides, as the standard asks, are part of the drawing so a
 * label's border never eats them. Null when bwip-js cannot encode the text (barcodes are
 * validated on entry, so only a hand-edited database gets here).
 */
export function barcodeSvg(text: string): string | null {
	try {
		const svg = bwipjs.toSVG({
			bcid: 'code128',
			text,
			scale: 2,
			height: 12,
			includetext: false,
			paddingwidth: 10,
			paddingheight: 0,
			backgroundcolor: 'FFFFFF'
		});
		// An accessible name for screen readers; the viewBox alone scales it to the label.
		return svg.replace(
			'<svg ',
			`<svg role="img" aria-label="${text.replace(/[<>&"]/g, '')}" preserveAspectRatio="none" `
		);
	} catch {
		return null;
	}
}

/**
 * Splits what a librarian typed or pasted (one per line, or separated by commas, semicolons or
 * spaces; repeated `barcode` fields from the copies page) into distinct barcodes, in order.
 */
export function parseBarcodes(inputs: string[]): string[] {
	return [
		...new Set(
			inputs
				.flatMap((s) => s.split(/[\s,;]+/))
				.map((b) => b.trim())
				.filter(Boolean)
		)
	];
}

/**
 * The labels of the copies with these barcodes, in the order asked, and the barcodes that name
 * no copy the viewer may see (a copy of a hidden record is an unknown barcode, as at the desk).
 */
export async function forBarcodes(
	db: Kysely<Database>,
	viewer: Viewer,
	barcodes: string[],
	now: Date
): Promise<{ labels: Label[]; unknown: string[] }> {
	if (!barcodes.length) return { labels: [], unknown: [] };
	const rows = await db
		.selectFrom('items as i')
		.innerJoin('publications as p', 'p.id', 'i.publication_id')
		.select([
			'i.id',
			'i.barcode',
			'i.call_number as item_call_number',
			'p.call_number',
			'p.title',
			'p.access',
			'p.status',
			'p.embargo_until',
			'p.digital_copies'
		])
		.where('i.barcode', 'in', barcodes)
		.execute();
	const by = new Map(
		rows.filter((r) => canSeePublication(viewer, r, now)).map((r) => [r.barcode, r])
	);
	const labels: Label[] = [];
	const unknown: string[] = [];
	for (const b of barcodes) {
		const r = by.get(b);
		if (!r) {
			unknown.push(b);
			continue;
		}
		labels.push({
			id: r.id,
			barcode: r.barcode,
			callNumber: r.item_call_number ?? r.call_number,
			title: shorten(r.title),
			svg: barcodeSvg(r.barcode) ?? ''
		});
	}
	return { labels, unknown };
}

/** Labels for copies already read (one record's copies page), with their symbols drawn. */
export function forCopies(
	copies: { id: number; barcode: string; callNumber: string | null }[],
	pub: { title: string; callNumber: string | null }
): Label[] {
	return copies.map((c) => ({
		id: c.id,
		barcode: c.barcode,
		callNumber: c.callNumber ?? pub.callNumber,
		title: shorten(pub.title),
		svg: barcodeSvg(c.barcode) ?? ''
	}));
}
