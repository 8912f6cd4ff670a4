import type { Db } from '../db/index.ts';
import { visibleTo, type Viewer } from '../access.ts';
import type { Publication } from '../../types.ts';
import { hydrate } from './publications.ts';
import { formatCsvRow } from './csv.ts';
import { formatRelationRefs } from '../../regulations.ts';

/**
 * The catalog as CSV: one row per publication the viewer may see, every field of the
 * `Publication` shape flattened, plus the facts needed to re-import it (file name, sha256,
 * barcodes, import source). Column names are those `import --metadata` reads, so an export
 * edited in a spreadsheet can be imported again. The cover URL is left out: it is derived from
 * the sha256 and means nothing outside this server.
 */

export const EXPORT_COLUMNS = [
	'id',
	'file',
	'sha256',
	'pages',
	'hasTextLayer',
	'hasFile',
	'type',
	'title',
	'subtitle',
	'authors',
	'publisher',
	'place',
	'year',
	'publishedDate',
	'language',
	'abstract',
	'subjects',
	'isbn',
	'issn',
	'regulationNumber',
	'regulationKind',
	'enactedDate',
	'promulgatedDate',
	'enactedPlace',
	'legalField',
	'regulationStatus',
	'relations',
	'edition',
	'series',
	'seriesTitle',
	'volume',
	'issue',
	'callNumber',
	'access',
	'status',
	'embargoUntil',
	'downloadable',
	'copies',
	'barcodes',
	'source',
	'sourceId',
	'createdAt',
	'updatedAt'
] as const;

type Cell = string | number | boolean | null;

/** Publications per query: bounded memory however large the catalog is. */
const PAGE = 500;

/** Joins list values the way the importers split them. */
const joinList = (values: string[]): string => values.join('; ');

function row(
	p: Publication,
	file: { original_name: string | null; sha256: string } | undefined,
	barcodes: string[],
	source: { source: string | null; source_id: string | null }
): Record<(typeof EXPORT_COLUMNS)[number], Cell> {
	const reg = p.regulation;
	return {
		id: p.id,
		file: file?.original_name ?? null,
		sha256: file?.sha256 ?? null,
		pages: p.pages,
		hasTextLayer: p.hasTextLayer,
		hasFile: p.hasFile,
		type: p.type,
		title: p.title,
		subtitle: p.subtitle,
		authors: joinList(p.authors),
		publisher: p.publisher,
		place: p.place,
		year: p.year,
		publishedDate: p.publishedDate,
		language: p.language,
		abstract: p.abstract,
		subjects: joinList(p.subjects),
		isbn: p.isbn,
		issn: p.issn,
		regulationNumber: p.regulationNumber,
		regulationKind: reg?.kind ?? null,
		enactedDate: reg?.enactedDate ?? null,
		promulgatedDate: reg?.promulgatedDate ?? null,
		enactedPlace: reg?.enactedPlace ?? null,
		legalField: reg?.legalField ?? null,
		// Only a librarian's status is data; a derived one follows from the relations again.
		regulationStatus: reg?.statusSource === 'librarian' ? reg.status : null,
		// Targets by number (ids differ in another catalog), as `import --metadata` reads them;
		// only those the exporting viewer may see, like every other row.
		relations: reg
			? joinList([
					...formatRelationRefs('amends', reg.amends),
					...formatRelationRefs('revokes', reg.revokes)
				]) || null
			: null,
		edition: p.edition,
		series: p.series?.slug ?? null,
		seriesTitle: p.series?.title ?? null,
		volume: p.volume,
		issue: p.issue,
		callNumber: p.callNumber,
		access: p.access,
		status: p.status,
		embargoUntil: p.embargoUntil,
		downloadable: p.downloadable,
		copies: p.copies,
		barcodes: joinList(barcodes),
		source: source.source,
		sourceId: source.source_id,
		createdAt: p.createdAt,
		updatedAt: p.updatedAt
	};
}

/**
 * Streams the catalog the viewer may see (`visibleTo`, the access policy's SQL form) as CSV
 * text chunks in id order: the header line, then one chunk per page of records. Cells a
 * spreadsheet would run as formulas are escaped. `stats.rows` counts the records written.
 */
export async function* exportCsv(
	db: Db,
	viewer: Viewer,
	stats: { rows: number } = { rows: 0 }
): AsyncGenerator<string> {
	yield formatCsvRow(EXPORT_COLUMNS);
	let last = 0;
	for (;;) {
		const rows = await db
			.selectFrom('publications')
			.selectAll('publications')
			.where(visibleTo(viewer))
			.where('publications.id', '>', last)
			.orderBy('publications.id')
			.limit(PAGE)
			.execute();
		if (rows.length === 0) return;
		last = rows[rows.length - 1].id;
		const ids = rows.map((r) => r.id);
		const [pubs, files, items] = await Promise.all([
			hydrate(db, rows, viewer),
			db
				.selectFrom('files')
				.select(['publication_id', 'original_name', 'sha256'])
				.where('publication_id', 'in', ids)
				.where('is_current', '=', 1)
				.execute(),
			// The same copies `Publication.copies` counts: withdrawn ones are history, not stock.
			db
				.selectFrom('items')
				.select(['publication_id', 'barcode'])
				.where('publication_id', 'in', ids)
				.where('status', '!=', 'withdrawn')
				.orderBy('id')
				.execute()
		]);
		const fileOf = new Map(files.map((f) => [f.publication_id, f]));
		const barcodesOf = new Map<number, string[]>();
		for (const it of items)
			barcodesOf.set(it.publication_id, [...(barcodesOf.get(it.publication_id) ?? []), it.barcode]);
		const sourceOf = new Map(rows.map((r) => [r.id, r]));
		let chunk = '';
		for (const p of pubs) {
			const values = row(p, fileOf.get(p.id), barcodesOf.get(p.id) ?? [], sourceOf.get(p.id)!);
			chunk += formatCsvRow(
				EXPORT_COLUMNS.map((c) => values[c]),
				{ excelSafe: true }
			);
			stats.rows++;
		}
		yield chunk;
	}
}

/** Today's date in Jakarta (`YYYY-MM-DD`), for the download's file name. */
export function exportDate(now: Date = new Date()): string {
	return new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Jakarta' }).format(now);
}
