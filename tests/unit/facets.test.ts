import { describe, expect, it } from 'vitest';
import {
	facetCounts,
	facetTable,
	type AvailabilityTests,
	type FacetName,
	type Filters,
	type RecordFacts
} from '../../src/lib/server/search/facts.ts';

// Search's facets come from one pass over the candidates (facetTable); they must count exactly
// what each facet counted on its own (facetCounts): a record counts in a facet when it passes
// every other chosen filter.
const NAMES: FacetName[] = [
	'type',
	'year',
	'subject',
	'series',
	'language',
	'access',
	'availability'
];

function random(seed: number) {
	return () => {
		seed = (seed * 1103515245 + 12345) % 2 ** 31;
		return seed / 2 ** 31;
	};
}

describe('facets in one pass', () => {
	it('equal each facet counted alone, for any combination of filters', () => {
		const rnd = random(7);
		const pick = <T>(xs: T[]) => xs[Math.floor(rnd() * xs.length)];
		const subjects = ['Lelang', 'Piutang Negara', 'Kekayaan Negara', 'Penilaian'];
		const rows: RecordFacts[] = Array.from({ length: 400 }, (_, i) => ({
			id: i + 1,
			type: pick(['book', 'report', 'regulation', 'magazine_issue'] as const),
			year: rnd() < 0.1 ? null : 2010 + Math.floor(rnd() * 15),
			language: pick(['id', 'en']),
			access: pick(['public', 'internal', 'restricted'] as const),
			status: 'published',
			embargo_until: null,
			digital_copies: 0,
			published_date: null,
			series_slug: rnd() < 0.5 ? null : pick(['mkn', 'laporan']),
			series_title: null,
			has_file: rnd() < 0.5,
			downloadable: 1,
			subjects: subjects.filter(() => rnd() < 0.3),
			subjectKeys: []
		}));
		for (const r of rows) {
			r.series_title = r.series_slug?.toUpperCase() ?? null;
			r.subjectKeys = r.subjects.map((s) => s.toLowerCase());
		}
		const avail: AvailabilityTests = { online: (r) => r.has_file, shelf: (r) => r.id % 3 === 0 };
		for (let i = 0; i < 200; i++) {
			const p: Filters = {};
			if (rnd() < 0.3) p.types = [pick(['book', 'report', 'regulation'] as const)];
			if (rnd() < 0.3) p.yearFrom = 2012 + Math.floor(rnd() * 5);
			if (rnd() < 0.3) p.yearTo = 2016 + Math.floor(rnd() * 8);
			if (rnd() < 0.3) p.subjectFilter = pick(subjects);
			if (rnd() < 0.3) p.series = pick(['mkn', 'laporan']);
			if (rnd() < 0.3) p.language = pick(['id', 'en']);
			if (rnd() < 0.3) p.access = pick(['public', 'internal']);
			if (rnd() < 0.3) p.availability = pick(['online', 'shelf'] as const);
			const table = facetTable(rows, p, NAMES, avail);
			for (const name of NAMES)
				expect(table[name], name).toEqual(facetCounts(rows, p, name, avail));
		}
	});
});
