import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import { DomainError } from '../errors.ts';
import { formatCsvRow } from '../catalog/csv.ts';
import { localDate } from './policies.ts';
import * as items from './items.ts';
import * as loans from './loans.ts';
import * as members from './members.ts';
import type { Actor } from './holds.ts';
import { refused } from './tx.ts';
import type { Viewer } from '../access.ts';
import { actingViewer, isVisible } from './visibility.ts';

/** What one scan at the desk did, for the message the librarian sees. */
export type ScanResult =
	| { kind: 'member'; nip: string; name: string }
	| { kind: 'checkout'; barcode: string; name: string; dueAt: string }
	| {
			kind: 'checkin';
			barcode: string;
			hold: { memberName: string; pickupUntil: string } | null;
	  };

/**
 * The scanner-first desk: one input takes either a member's NIP or a copy's barcode and does
 * the natural thing — a NIP selects the member; the barcode of a copy on loan checks it in
 * (whoever is selected); any other barcode is checked out to the selected member (409
 * `select_member` when none is). Barcodes are tried first, then NIPs: the two never collide in
 * practice (NIPs are 18 digits), and a copy must never be mistaken for a person.
 */
export async function scan(
	db: Kysely<Database>,
	code: string,
	selectedNip: string | null,
	actor: Actor,
	now: Date
): Promise<ScanResult> {
	const value = code.trim();
	if (!value) throw new DomainError(400, 'invalid', 'error.invalidParam', { name: 'code' });
	// A copy of a record the actor may not see is no copy at all (staff see every record).
	const found = await items.byBarcode(db, value);
	const viewer = await actingViewer(db, actor.id);
	const item = found && (await isVisible(db, viewer, found.publicationId, now)) ? found : null;
	if (!item) {
		const member = await members.findByNip(db, value);
		if (member) return { kind: 'member', nip: member.nip!, name: member.name };
		throw refused(
			/^\d{18}$/.test(value) ? 'member_not_found' : 'unknown_code',
			{ code: value },
			404
		);
	}
	const open = await loans.openLoanByBarcode(db, value);
	if (open !== null) {
		const r = await loans.checkin(db, open, actor, now);
		return { kind: 'checkin', barcode: item.barcode, hold: r.hold };
	}
	if (!selectedNip) throw refused('select_member', {}, 400);
	const loan = await loans.checkout(db, { barcode: item.barcode, nip: selectedNip }, actor, now);
	return { kind: 'checkout', barcode: item.barcode, name: loan.memberName, dueAt: loan.dueAt };
}

/** A due date as the desk prints it: the Jakarta calendar date. */
export function dueLabel(iso: string): string {
	return localDate(new Date(iso));
}

/**
 * The overdue list as CSV (UTF-8 with BOM for Excel, formulas neutralised), headers in the
 * librarian's language.
 */
export async function overdueCsv(
	db: Kysely<Database>,
	viewer: Viewer,
	headers: string[],
	now: Date
): Promise<string> {
	const rows = await loans.list(db, { viewer, status: 'overdue', limit: 100_000 }, now);
	let out = '\uFEFF' + formatCsvRow(headers);
	for (const l of rows)
		out += formatCsvRow(
			[l.nip, l.memberName, l.barcode, l.title, dueLabel(l.dueAt), l.daysOverdue, l.fine],
			{ excelSafe: true }
		);
	return out;
}
