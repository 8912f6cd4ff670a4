import { describe, expect, it } from 'vitest';
import { availabilityOf, readableFirst } from '../../src/lib/server/catalog/availability.ts';
import { canDownload, type Viewer } from '../../src/lib/server/access.ts';
import { isAcquirable } from '../../src/lib/server/interop/public-catalog.ts';
import type { Availability, Publication } from '../../src/lib/types.ts';

/** availabilityOf: the access policy's answers, per viewer, as the availability shape. */
const now = new Date('2026-06-01T00:00:00Z');
const anon: Viewer = null;
const employee: Viewer = { id: 7, role: 'employee' };
const librarian: Viewer = { id: 2, role: 'librarian' };
const shelf = { available: 1, total: 2, callNumber: '336.1 X', location: 'Rak A' };

function rec(over: Partial<Parameters<typeof availabilityOf>[1]> = {}) {
	return {
		id: 1,
		access: 'public' as const,
		status: 'published' as const,
		embargo_until: null,
		digital_copies: 0,
		downloadable: 1,
		...over
	};
}

describe('availabilityOf', () => {
	it('a public file: online and download for everyone; "read online only" for non-staff', () => {
		for (const v of [anon, employee, librarian])
			expect(availabilityOf(v, rec(), true, null, new Set(), now)).toEqual({
				online: true,
				download: true,
				shelf: null,
				loanOnly: false
			});
		expect(
			availabilityOf(anon, rec({ downloadable: 0 }), true, null, new Set(), now)
		).toMatchObject({ online: true, download: false });
		expect(
			availabilityOf(librarian, rec({ downloadable: 0 }), true, null, new Set(), now).download
		).toBe(true);
	});

	it('a physical book: the shelf, nothing online; without copies, the record only', () => {
		expect(availabilityOf(anon, rec(), false, shelf, new Set(), now)).toEqual({
			online: false,
			download: false,
			shelf,
			loanOnly: false
		});
		const none: Availability = { online: false, download: false, shelf: null, loanOnly: false };
		expect(availabilityOf(anon, rec(), false, null, new Set(), now)).toEqual(none);
	});

	it('internal: nothing for the public (shelf hidden too), online for employees', () => {
		const internal = rec({ access: 'internal' });
		expect(availabilityOf(anon, internal, true, shelf, new Set(), now)).toEqual({
			online: false,
			download: false,
			shelf: null,
			loanOnly: false
		});
		expect(availabilityOf(employee, internal, true, shelf, new Set(), now)).toMatchObject({
			online: true,
			shelf
		});
	});

	it('restricted and lendable: loan only for an employee until a digital loan opens it', () => {
		const lendable = rec({ access: 'restricted', digital_copies: 2 });
		expect(availabilityOf(anon, lendable, true, shelf, new Set(), now).shelf).toBeNull();
		expect(availabilityOf(employee, lendable, true, null, new Set(), now)).toEqual({
			online: false,
			download: false,
			shelf: null,
			loanOnly: true
		});
		expect(availabilityOf(employee, lendable, true, null, new Set([1]), now)).toEqual({
			online: true,
			download: false,
			shelf: null,
			loanOnly: false
		});
		expect(availabilityOf(librarian, lendable, true, null, new Set(), now)).toMatchObject({
			online: true,
			download: true
		});
		// Not lendable: hidden from employees, shelf and all.
		expect(
			availabilityOf(employee, rec({ access: 'restricted' }), true, shelf, new Set(), now).shelf
		).toBeNull();
	});

	it('embargoed and draft records say nothing to those who may not see them', () => {
		const embargoed = rec({ embargo_until: '2026-12-31' });
		expect(availabilityOf(anon, embargoed, true, shelf, new Set(), now).shelf).toBeNull();
		expect(availabilityOf(employee, rec({ status: 'draft' }), true, shelf, new Set(), now)).toEqual(
			{ online: false, download: false, shelf: null, loanOnly: false }
		);
	});
});

describe('readableFirst', () => {
	it('puts readable records first and keeps the order otherwise', () => {
		const a = (id: number, online: boolean) => ({
			id,
			availability: { online, download: false, shelf: null, loanOnly: false }
		});
		expect(
			readableFirst([a(1, false), a(2, true), a(3, false), a(4, true)]).map((x) => x.id)
		).toEqual([2, 4, 1, 3]);
	});
});

describe('OPDS acquisition (isAcquirable) is the anonymous availability', () => {
	it('equals "a current file and canDownload(null)" across the access matrix', () => {
		for (const access of ['public', 'internal', 'restricted'] as const)
			for (const status of ['draft', 'published', 'withdrawn'] as const)
				for (const embargoUntil of [null, '2026-01-01', '2026-12-31'])
					for (const downloadable of [true, false])
						for (const hasFile of [true, false]) {
							const pub = {
								id: 1,
								access,
								status,
								embargoUntil,
								downloadable,
								hasFile,
								digitalCopies: 1
							} as unknown as Publication;
							const facts = {
								access,
								status,
								embargo_until: embargoUntil,
								downloadable: downloadable ? 1 : 0,
								digital_copies: 1
							};
							expect(isAcquirable(pub, now)).toBe(hasFile && canDownload(null, facts, now));
						}
	});
});
