import { describe, expect, it } from 'vitest';
import {
	effectiveStatus,
	formatRelation,
	kindLabel,
	numberKey,
	parseRelation,
	type RegulationFacts
} from '../../src/lib/regulations.ts';
import { validatePublication } from '../../src/lib/schemas/publication.ts';
import { dublinCore } from '../../src/lib/server/interop/dublin-core.ts';
import { jsonLd } from '../../src/lib/server/interop/structured-data.ts';
import { toCsl } from '../../src/lib/server/interop/citation.ts';
import type { Publication } from '../../src/lib/types.ts';
import { translator } from '../../src/lib/i18n/index.ts';

const NOW = new Date('2026-11-27T00:00:00Z');

const regulation = (extra: Record<string, unknown>) =>
	validatePublication(
		{
			type: 'regulation',
			title: 'Peraturan Menteri Keuangan Nomor 213/PMK.06/2020 tentang Petunjuk Pelaksanaan Lelang',
			regulationNumber: 'PMK 213/PMK.06/2020',
			...extra
		},
		NOW
	);

describe('regulation status rule', () => {
	it('a librarian-set status wins over every relation', () => {
		expect(effectiveStatus('berlaku', 2, 1)).toEqual({
			status: 'berlaku',
			statusSource: 'librarian'
		});
		expect(effectiveStatus('diubah', 0, 0)).toEqual({
			status: 'diubah',
			statusSource: 'librarian'
		});
	});

	it('derived: revoked beats amended beats in force', () => {
		expect(effectiveStatus(null, 1, 3)).toEqual({ status: 'dicabut', statusSource: 'derived' });
		expect(effectiveStatus(null, 0, 1)).toEqual({ status: 'diubah', statusSource: 'derived' });
		expect(effectiveStatus(null, 0, 0)).toEqual({ status: 'berlaku', statusSource: 'derived' });
	});
});

describe('relations as text', () => {
	it('reads kind:number and kind:#id, in English or Indonesian, and writes them back', () => {
		expect(parseRelation('revokes:PMK 27/PMK.06/2016')).toEqual({
			kind: 'revokes',
			id: null,
			number: 'PMK 27/PMK.06/2016'
		});
		expect(parseRelation(' mengubah : #12 ')).toEqual({ kind: 'amends', id: 12, number: null });
		expect(parseRelation('mencabut:40')).toEqual({ kind: 'revokes', id: 40, number: null });
		expect(parseRelation('replaces:PMK 1/2020')).toBeNull();
		expect(parseRelation('PMK 1/2020')).toBeNull();
		expect(formatRelation({ kind: 'amends', id: 12, number: null })).toBe('amends:#12');
		expect(formatRelation({ kind: 'revokes', id: 3, number: 'PMK 1/2020' })).toBe(
			'revokes:PMK 1/2020'
		);
	});

	it('compares numbers without case, spaces or a leading "Nomor"', () => {
		expect(numberKey('Nomor PMK 213 / PMK.06/2020')).toBe(numberKey('pmk 213/pmk.06/2020'));
	});

	it('names kinds in both languages', () => {
		expect(kindLabel('PMK', 'id')).toBe('Peraturan Menteri Keuangan');
		expect(kindLabel('PMK', 'en')).toBe('Minister of Finance Regulation');
		expect(kindLabel(null)).toBeNull();
	});
});

describe('regulation input validation', () => {
	it('accepts the JDIHN fields and relations in every written form', () => {
		const r = regulation({
			regulationKind: 'PMK',
			enactedDate: '2020-12-22',
			promulgatedDate: '2020-12-23',
			enactedPlace: ' Jakarta ',
			legalField: 'Hukum Perdata',
			regulationStatus: '',
			relations: [
				'revokes:PMK 27/PMK.06/2016',
				{ kind: 'amends', id: 7 },
				{ kind: 'amends', number: 'PMK 1/2019' },
				'revokes:PMK 27/PMK.06/2016'
			]
		});
		expect(r.ok).toBe(true);
		if (!r.ok) return;
		expect(r.value).toMatchObject({
			regulationKind: 'PMK',
			enactedDate: '2020-12-22',
			promulgatedDate: '2020-12-23',
			enactedPlace: 'Jakarta',
			legalField: 'Hukum Perdata',
			regulationStatus: null,
			// Year from the enactment date when none is given.
			year: 2020
		});
		// The repeated relation is kept once.
		expect(r.value.relations).toEqual([
			{ kind: 'revokes', id: null, number: 'PMK 27/PMK.06/2016' },
			{ kind: 'amends', id: 7, number: null },
			{ kind: 'amends', id: null, number: 'PMK 1/2019' }
		]);
		const csv = regulation({ relations: 'amends:#3; revokes:PMK 2/2010' });
		expect(csv.ok && csv.value.relations).toHaveLength(2);
	});

	it('refuses bad dates, unknown kinds and statuses, unreadable relations', () => {
		const r = regulation({
			regulationKind: 'Fatwa',
			enactedDate: '2020-02-30',
			promulgatedDate: '22-12-2020',
			regulationStatus: 'expired',
			relations: ['cites:PMK 1/2020']
		});
		expect(r.ok).toBe(false);
		if (r.ok) return;
		expect(r.errors).toEqual({
			regulationKind: 'validation.invalidChoice',
			enactedDate: 'validation.date',
			promulgatedDate: 'validation.date',
			regulationStatus: 'validation.invalidChoice',
			relations: 'validation.relationFormat'
		});
		const order = regulation({ enactedDate: '2020-12-22', promulgatedDate: '2020-12-01' });
		expect(!order.ok && order.errors.promulgatedDate).toBe('validation.promulgatedBeforeEnacted');
		// Every message is there in both languages.
		for (const key of [
			'validation.relationFormat',
			'validation.promulgatedBeforeEnacted',
			'validation.relationUnknown',
			'validation.relationNotRegulation',
			'validation.relationCycle'
		]) {
			expect(translator('id')(key, { target: 'X' })).not.toBe(key);
			expect(translator('en')(key, { target: 'X' })).not.toBe(
				translator('id')(key, { target: 'X' })
			);
		}
	});

	it('keeps regulation facts on regulation records only', () => {
		const r = validatePublication(
			{
				type: 'book',
				title: 'Buku Saku Lelang',
				regulationKind: 'PMK',
				enactedDate: 'not a date',
				relations: ['revokes:#1']
			},
			NOW
		);
		expect(r.ok).toBe(true);
		if (!r.ok) return;
		expect(r.value).toMatchObject({ regulationKind: null, enactedDate: null, relations: [] });
	});
});

describe('regulation facts for the feeds', () => {
	const facts: RegulationFacts = {
		kind: 'PMK',
		kindLabel: 'Peraturan Menteri Keuangan',
		number: 'PMK 27/PMK.06/2016',
		year: 2016,
		enactedDate: '2016-02-19',
		promulgatedDate: '2016-02-22',
		enactedPlace: 'Jakarta',
		legalField: 'Hukum Perdata',
		status: 'dicabut',
		statusSource: 'derived',
		amends: [{ id: 5, title: 'PMK lama', number: 'PMK 1/2010', kind: 'PMK' }],
		revokes: [],
		amendedBy: [],
		revokedBy: [
			{
				id: 9,
				title: 'Petunjuk Pelaksanaan Lelang',
				number: 'PMK 213/PMK.06/2020',
				kind: 'PMK'
			}
		]
	};

	const pub = (regulation: RegulationFacts): Publication => ({
		id: 3,
		type: 'regulation',
		title: 'Peraturan Menteri Keuangan Nomor 27/PMK.06/2016 tentang Petunjuk Pelaksanaan Lelang',
		subtitle: null,
		authors: ['Menteri Keuangan'],
		publisher: 'Kementerian Keuangan',
		place: 'Jakarta',
		year: 2016,
		publishedDate: '2016-02-22',
		language: 'id',
		abstract: null,
		subjects: ['Lelang'],
		isbn: null,
		issn: null,
		regulationNumber: 'PMK 27/PMK.06/2016',
		edition: null,
		series: null,
		volume: null,
		issue: null,
		callNumber: null,
		access: 'public',
		status: 'published',
		embargoUntil: null,
		downloadable: true,
		pages: 10,
		hasFile: true,
		hasTextLayer: true,
		cover: null,
		copies: 0,
		digitalCopies: 0,
		regulation,
		availability: { online: true, download: true, shelf: null, loanOnly: false },
		createdAt: '2026-01-01 00:00:00',
		updatedAt: '2026-01-01 00:00:00'
	});
	const origin = 'https://perpustakaan.example';

	it('Dublin Core (OAI-PMH): kind, enactment date, field, place, status and relations as record URLs', () => {
		const dc = dublinCore(pub(facts), { origin });
		expect(dc).toContainEqual({ element: 'type', value: 'Peraturan Menteri Keuangan', lang: 'id' });
		expect(dc).toContainEqual({
			element: 'date',
			term: 'created',
			scheme: 'W3CDTF',
			value: '2016-02-19'
		});
		expect(dc).toContainEqual({ element: 'subject', value: 'Hukum Perdata' });
		expect(dc).toContainEqual({ element: 'coverage', term: 'spatial', value: 'Jakarta' });
		expect(dc).toContainEqual({ element: 'description', value: 'Status: Dicabut', lang: 'id' });
		expect(dc).toContainEqual({ element: 'description', value: 'Status: Revoked', lang: 'en' });
		expect(dc).toContainEqual({
			element: 'relation',
			term: 'isReplacedBy',
			scheme: 'URI',
			value: `${origin}/publications/9`
		});
		expect(dc).toContainEqual({
			element: 'relation',
			scheme: 'URI',
			value: `${origin}/publications/5`
		});
	});

	it('schema.org Legislation: kind, identifier, enactment date, legal force and changed legislation by URL', () => {
		const ctx = { origin, siteName: 'Perpustakaan DJKN', mayDownload: true };
		expect(jsonLd(pub(facts), ctx)).toMatchObject({
			'@type': 'Legislation',
			legislationType: 'Peraturan Menteri Keuangan',
			legislationIdentifier: 'PMK 27/PMK.06/2016',
			legislationDate: '2016-02-19',
			legislationJurisdiction: 'ID',
			legislationLegalForce: { '@id': 'https://schema.org/NotInForce' },
			legislationChanges: [{ '@id': `${origin}/publications/5` }]
		});
		expect(jsonLd(pub({ ...facts, status: 'diubah', amends: [] }), ctx)).not.toHaveProperty(
			'legislationChanges'
		);
	});

	it('CSL (citations): number, kind as genre, enactment date as issued, status when not in force', () => {
		const item = toCsl(pub(facts), origin);
		expect(item).toMatchObject({
			number: 'PMK 27/PMK.06/2016',
			genre: 'Peraturan Menteri Keuangan',
			issued: { 'date-parts': [[2016, 2, 19]] },
			status: 'Dicabut'
		});
		expect(toCsl(pub({ ...facts, status: 'berlaku' }), origin)).not.toHaveProperty('status');
	});
});
