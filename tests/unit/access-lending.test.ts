import { describe, expect, it } from 'vitest';
import { canDownload, canReadContent, canSeePublication } from '../../src/lib/server/access.ts';

/**
 * Digital lending in the access policy: a restricted record marked lendable is discoverable by
 * employees, readable only through an active digital loan, never downloadable by them; records
 * that are not lendable behave exactly as before.
 */
const employee = { id: 5, role: 'employee' as const };
const librarian = { id: 2, role: 'librarian' as const };
const base = { access: 'restricted' as const, status: 'published' as const, embargo_until: null };
const lendable = { ...base, digital_copies: 2, downloadable: 1 };
const now = new Date('2026-06-01T00:00:00Z');

describe('access policy with digital lending', () => {
	it('a lendable restricted record is visible to employees, not to the public', () => {
		expect(canSeePublication(employee, lendable, now)).toBe(true);
		expect(canSeePublication(null, lendable, now)).toBe(false);
		expect(canSeePublication(employee, { ...base, digital_copies: 0 }, now)).toBe(false);
		expect(canSeePublication(employee, base, now)).toBe(false);
		expect(canSeePublication(employee, { ...lendable, status: 'draft' }, now)).toBe(false);
		expect(canSeePublication(employee, { ...lendable, embargo_until: '2027-01-01' }, now)).toBe(
			false
		);
	});

	it('its content opens only with an active loan, and never as a download', () => {
		expect(canReadContent(employee, lendable, now)).toBe(false);
		expect(canReadContent(employee, lendable, now, { activeDigitalLoan: false })).toBe(false);
		expect(canReadContent(employee, lendable, now, { activeDigitalLoan: true })).toBe(true);
		expect(canReadContent(null, lendable, now, { activeDigitalLoan: true })).toBe(false);
		expect(canDownload(employee, lendable, now)).toBe(false);
	});

	it('changes nothing for staff or for public and internal records', () => {
		expect(canReadContent(librarian, lendable, now)).toBe(true);
		expect(canReadContent(librarian, base, now)).toBe(true);
		const internal = { ...base, access: 'internal' as const };
		expect(canReadContent(employee, internal, now)).toBe(true);
		expect(canReadContent(employee, { ...internal, digital_copies: 3 }, now)).toBe(true);
		expect(canReadContent(null, { ...base, access: 'public' as const }, now)).toBe(true);
	});
});
