import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import { DomainError } from '../errors.ts';
import * as holds from './holds.ts';
import * as items from './items.ts';
import * as members from './members.ts';
import { refused } from './tx.ts';

/**
 * The desk's own entry points (#15 "circulation at the counter") that are not a scan: placing a
 * hold for the member at the counter. The rules are those of the member's own hold
 * (holds.place): the same queue, duplicates refused, and the member must be allowed to see the
 * record; only the actor in the audit log is the librarian.
 */

/**
 * The record a librarian typed at the desk: a record number (`12` or `#12`) or the barcode of
 * one of its copies (what is in hand when a member asks "when is this back?"). 400
 * `invalid_record` when empty; a barcode nobody has is 404 `publication_not_found`.
 */
export async function recordFromInput(db: Kysely<Database>, raw: string): Promise<number> {
	const value = raw.trim();
	if (!value) throw new DomainError(400, 'invalid_record', 'counter.error.invalid_record');
	const id = /^#?\d{1,9}$/.test(value) ? Number(value.replace('#', '')) : null;
	if (id !== null && id > 0) return id;
	const copy = await items.byBarcode(db, value);
	if (!copy) throw refused('publication_not_found', {}, 404);
	return copy.publicationId;
}

/**
 * Places a hold for the member with NIP `nip` on the record the librarian named, as the
 * librarian (`actor`). Refusals: `member_not_found` (404), `member_inactive`, the record's 404,
 * `hidden_from_member` (the member may not see it), and every refusal of holds.place
 * (`copy_available`, `already_held`, `already_on_loan`, `no_items`, `not_lendable`).
 */
export async function deskHold(
	db: Kysely<Database>,
	input: { nip: string; record: string; kind: 'physical' | 'digital' },
	actor: holds.Actor,
	now: Date
): Promise<holds.HoldView & { memberName: string }> {
	const nip = input.nip.trim();
	if (!nip) throw refused('select_member', {}, 400);
	const member = await members.findByNip(db, nip);
	if (!member) throw refused('member_not_found', {}, 404);
	const publicationId = await recordFromInput(db, input.record);
	const hold = await holds.place(
		db,
		{ publicationId, userId: member.id, kind: input.kind },
		actor,
		now
	);
	return { ...hold, memberName: member.name };
}
