import { formatCsvRow } from '../catalog/csv.ts';
import type { Translate } from '../../i18n/index.ts';
import type { Report, Section } from './index.ts';

/**
 * One table of the statistics report as a CSV file Excel opens correctly: UTF-8 with a byte-order
 * mark (without it Excel reads UTF-8 as the Windows code page and mangles "Perpustakaan – Ø"),
 * CRLF line ends, comma-separated, headers in the caller's language, numbers as plain integers
 * (no thousands separators, so Excel reads them as numbers in either locale), and text that
 * starts like a formula prefixed with an apostrophe (a search query is anyone's input).
 */
export function sectionCsv(report: Report, section: Section, t: Translate): string {
	const row = (values: (string | number | null)[]) => formatCsvRow(values, { excelSafe: true });
	const head = (...keys: string[]) => row(keys.map((k) => t(`stats.col.${k}`)));
	let out = '\uFEFF';
	switch (section) {
		case 'monthly':
			out += head(
				'month',
				'views',
				'downloads',
				'newRecords',
				'loans',
				'returns',
				'overdue',
				'activeBorrowers',
				'searches',
				'zeroResultSearches'
			);
			for (const m of report.monthly)
				out += row([
					m.month,
					m.views,
					m.downloads,
					m.newRecords,
					m.loans,
					m.returns,
					m.overdue,
					m.activeBorrowers,
					m.searches,
					m.zeroResultSearches
				]);
			return out;
		case 'top-views':
		case 'top-downloads': {
			out += head('rank', 'id', 'title', 'type', 'series', 'access', 'status', 'count');
			const list = section === 'top-views' ? report.topViewed : report.topDownloaded;
			list.forEach((r, i) => {
				out += row([
					i + 1,
					r.id,
					r.title,
					t(`type.${r.type}`),
					r.series ?? '',
					t(`access.${r.access}`),
					t(`status.${r.status}`),
					r.count
				]);
			});
			return out;
		}
		case 'series':
		case 'types': {
			out += head(
				section === 'series' ? 'series' : 'type',
				'records',
				'newRecords',
				'views',
				'downloads'
			);
			const list = section === 'series' ? report.bySeries : report.byType;
			for (const g of list)
				out += row([
					section === 'series' ? (g.key ?? t('stats.noSeries')) : t(`type.${g.key}`),
					g.records,
					g.newRecords,
					g.views,
					g.downloads
				]);
			return out;
		}
		case 'queries':
		case 'zero-queries': {
			const zero = section === 'zero-queries';
			out += zero ? head('query', 'searches') : head('query', 'searches', 'zeroResults');
			for (const q of zero ? report.zeroResultQueries : report.topQueries)
				out += row(zero ? [q.query, q.searches] : [q.query, q.searches, q.zeroResults]);
			return out;
		}
	}
}
