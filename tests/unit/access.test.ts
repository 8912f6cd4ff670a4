import { describe, expect, it } from 'vitest';
import {
	canEditCatalog,
	canManageAccounts,
	canSeePublication,
	visibleAccessLevels,
	type AccessFacts,
	type Viewer
} from '../../src/lib/server/access.ts';

const anonymous: Viewer = null;
const employee: Viewer = { id: 1, role: 'employee' };
const librarian: Viewer = { id: 2, role: 'librarian' };
const admin: Viewer = { id: 3, role: 'admin' };
const NOW = new Date('2026-06-01T12:00:00Z');

const pub = (over: Partial<AccessFacts> = {}): AccessFacts => ({
	access: 'public',
	status: 'published',
	embargo_until: null,
	...over
});

describe('access policy', () => {
	it.each([
		['public', [true, true, true, true]],
		['internal', [false, true, true, true]],
		['restricted', [false, false, true, true]]
	] as const)('published %s record: anonymous/employee/librarian/admin', (access, expected) => {
		const got = [anonymous, employee, librarian, admin].map((v) =>
			canSeePublication(v, pub({ access }), NOW)
		);
		expect(got).toEqual(expected);
	});

	it('drafts and withdrawn records are staff-only, whatever their access level', () => {
		for (const status of ['draft', 'withdrawn'] as const) {
			expect(canSeePublication(anonymous, pub({ status }), NOW)).toBe(false);
			expect(canSeePublication(employee, pub({ status }), NOW)).toBe(false);
			expect(canSeePublication(librarian, pub({ status }), NOW)).toBe(true);
		}
	});

	it('an embargo hides a record until its date, then lifts', () => {
		const embargoed = pub({ embargo_until: '2026-06-02' });
		expect(canSeePublication(anonymous, embargoed, NOW)).toBe(false);
		expect(canSeePublication(employee, embargoed, NOW)).toBe(false);
		expect(canSeePublication(admin, embargoed, NOW)).toBe(true);
		expect(canSeePublication(anonymous, pub({ embargo_until: '2026-06-01' }), NOW)).toBe(true);
	});

	it('lists the access levels each audience may discover', () => {
		expect(visibleAccessLevels(anonymous)).toEqual(['public']);
		expect(visibleAccessLevels(employee)).toEqual(['public', 'internal']);
		expect(visibleAccessLevels(librarian)).toEqual(['public', 'internal', 'restricted']);
	});

	it('catalog editing needs a librarian, account management an admin', () => {
		expect([anonymous, employee, librarian, admin].map(canEditCatalog)).toEqual([
			false,
			false,
			true,
			true
		]);
		expect([anonymous, employee, librarian, admin].map(canManageAccounts)).toEqual([
			false,
			false,
			false,
			true
		]);
	});
});
