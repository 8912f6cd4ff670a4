import type { Db } from '../db/index.ts';
import { visibleTo, type Viewer } from '../access.ts';
import { NotFound } from '../errors.ts';
import type { Publication } from '../../types.ts';
import { hydrate } from './publications.ts';
import { readableFirst } from './availability.ts';

export interface SeriesInfo {
	id: number;
	slug: string;
	title: string;
	issn: string | null;
	publisher: string | null;
	description: string | null;
}

/** A series shelf: its issues the viewer may see, grouped by year, newest first. */
export interface SeriesShelf {
	series: SeriesInfo;
	years: { year: number | null; issues: Publication[] }[];
	total: number;
}

/** Every series with the number of issues the viewer may see. */
export async function listAll(db: Db, viewer: Viewer) {
	const rows = await db
		.selectFrom('series')
		.leftJoin('publications', (j) =>
			j.onRef('publications.series_id', '=', 'series.id').on(visibleTo(viewer))
		)
		.select([
			'series.id',
			'series.slug',
			'series.title',
			(eb) => eb.fn.count<number>('publications.id').as('issues')
		])
		.groupBy('series.id')
		.orderBy('series.title')
		.execute();
	return rows.map((r) => ({ ...r, issues: Number(r.issues) }));
}

/** The shelf of one series by slug; NotFound for an unknown slug. */
export async function shelf(db: Db, viewer: Viewer, slug: string): Promise<SeriesShelf> {
	const series = await db
		.selectFrom('series')
		.select(['id', 'slug', 'title', 'issn', 'publisher', 'description'])
		.where('slug', '=', slug)
		.executeTakeFirst();
	if (!series) throw new NotFound('error.seriesNotFound');
	const rows = await db
		.selectFrom('publications')
		.selectAll('publications')
		.where(visibleTo(viewer))
		.where('series_id', '=', series.id)
		.orderBy('year', 'desc')
		.orderBy('volume', 'desc')
		.orderBy('issue_number', 'desc')
		.execute();
	const issues = await hydrate(db, rows, viewer);
	const years: SeriesShelf['years'] = [];
	for (const issue of issues) {
		const last = years.at(-1);
		if (last && last.year === issue.year) last.issues.push(issue);
		else years.push({ year: issue.year, issues: [issue] });
	}
	// Within a year, what the viewer can open right now leads (issue order otherwise kept).
	for (const y of years) y.issues = readableFirst(y.issues);
	return { series, years, total: issues.length };
}

/**
 * The newest issues of a series the viewer may see (for the home page shelf), those the viewer
 * can read online first.
 */
export async function latestIssues(
	db: Db,
	viewer: Viewer,
	slug: string,
	limit = 8
): Promise<Publication[]> {
	const rows = await db
		.selectFrom('publications')
		.innerJoin('series', 'series.id', 'publications.series_id')
		.selectAll('publications')
		.where(visibleTo(viewer))
		.where('series.slug', '=', slug)
		.orderBy('publications.volume', 'desc')
		.orderBy('publications.issue_number', 'desc')
		.limit(limit)
		.execute();
	return readableFirst(await hydrate(db, rows, viewer));
}
