import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import { refused } from './tx.ts';

/** The facts about a borrower circulation needs. */
export interface Member {
	id: number;
	nip: string | null;
	name: string;
	memberType: string;
	active: boolean;
}

function toMember(row: {
	id: number;
	nip: string | null;
	name: string;
	member_type: string;
	active: number;
}): Member {
	return {
		id: row.id,
		nip: row.nip,
		name: row.name,
		memberType: row.member_type,
		active: row.active === 1
	};
}

/** A member by NIP, or null. */
export async function findByNip(db: Kysely<Database>, nip: string): Promise<Member | null> {
	const row = await db
		.selectFrom('users')
		.select(['id', 'nip', 'name', 'member_type', 'active'])
		.where('nip', '=', nip.trim())
		.executeTakeFirst();
	return row ? toMember(row) : null;
}

/** A member by id, or null. */
export async function findById(db: Kysely<Database>, id: number): Promise<Member | null> {
	const row = await db
		.selectFrom('users')
		.select(['id', 'nip', 'name', 'member_type', 'active'])
		.where('id', '=', id)
		.executeTakeFirst();
	return row ? toMember(row) : null;
}

/**
 * The member who may borrow: exists (404 `member_not_found`) and is active (409
 * `member_inactive` — a deactivated account keeps its history but borrows nothing new).
 */
export async function borrower(
	db: Kysely<Database>,
	by: { nip: string } | { id: number }
): Promise<Member> {
	const m = 'nip' in by ? await findByNip(db, by.nip) : await findById(db, by.id);
	if (!m) throw refused('member_not_found', {}, 404);
	if (!m.active) throw refused('member_inactive');
	return m;
}
