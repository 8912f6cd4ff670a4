import { describe, expect, it } from 'vitest';
import {
	isValidIsbn,
	isValidIssn,
	validatePublication
} from '../../src/lib/schemas/publication.ts';

const NOW = new Date('2026-11-27T00:00:00Z');

describe('publication input schema', () => {
	it('accepts a complete magazine issue and normalises it', () => {
		const r = validatePublication(
			{
				type: 'magazine_issue',
				title: '  Optimalisasi   Aset Negara ',
				authors: 'Redaksi MKN\nTim DJKN',
				subjects: ['Barang Milik Negara', 'Lelang'],
				year: '2024',
				series: 'media-kekayaan-negara',
				volume: '7',
				issue: '2',
				issn: '2337-8921',
				access: 'internal',
				status: 'published'
			},
			NOW
		);
		expect(r.ok).toBe(true);
		if (!r.ok) return;
		expect(r.value.title).toBe('Optimalisasi Aset Negara');
		expect(r.value.authors).toEqual(['Redaksi MKN', 'Tim DJKN']);
		expect(r.value.year).toBe(2024);
		expect(r.value.issue).toBe(2);
		expect(r.value.access).toBe('internal');
	});

	it('reports each bad field with a message key', () => {
		const r = validatePublication(
			{
				type: 'pamphlet',
				title: 'x'.repeat(10_000),
				year: '2031',
				isbn: '978-602-0000-00-0',
				issue: '3',
				access: 'secret'
			},
			NOW
		);
		expect(r.ok).toBe(false);
		if (r.ok) return;
		expect(r.errors).toMatchObject({
			type: 'validation.invalidChoice',
			title: 'validation.tooLong',
			year: 'validation.yearRange',
			isbn: 'validation.isbn',
			issue: 'validation.issueNeedsSeries',
			access: 'validation.invalidChoice'
		});
	});

	it('requires a title and accepts next year but not the year after', () => {
		const missing = validatePublication({ type: 'book' }, NOW);
		expect(missing.ok === false && missing.errors.title).toBe('validation.required');
		expect(validatePublication({ title: 'A', year: 2027 }, NOW).ok).toBe(true);
		expect(validatePublication({ title: 'A', year: 2028 }, NOW).ok).toBe(false);
	});

	it('strips control characters from text', () => {
		const r = validatePublication({ title: 'Laporan\u0000 Kinerja\u0007' }, NOW);
		expect(r.ok && r.value.title).toBe('Laporan Kinerja');
	});

	it('checks ISBN-10, ISBN-13 and ISSN check digits', () => {
		expect(isValidIsbn('978-602-8023-62-7')).toBe(true);
		expect(isValidIsbn('9786028023628')).toBe(false);
		expect(isValidIsbn('0-306-40615-2')).toBe(true);
		expect(isValidIsbn('0-306-40615-3')).toBe(false);
		expect(isValidIssn('0317-8471')).toBe(true);
		expect(isValidIssn('0317-8472')).toBe(false);
		expect(isValidIssn('2434-561X')).toBe(true);
	});
});
