import type { Db } from '../db/index.ts';
import type { Role } from '../db/schema.ts';
import { Conflict, Invalid } from '../errors.ts';
import * as audit from '../audit.ts';
import { hashPassword } from './passwords.ts';

/** An NIP (Nomor Induk Pegawai) is exactly 18 digits. */
export const NIP_PATTERN = /^\d{18}$/;
export const MIN_PASSWORD_LENGTH = 10;

export interface NewUser {
	name: string;
	role: Role;
	nip?: string | null;
	email?: string | null;
	memberType?: string;
	unit?: string | null;
	password: string;
}

/** Creates an account with a hashed password; NIP and e-mail must be unique. */
export async function create(
	db: Db,
	input: NewUser,
	actorId: number | null = null
): Promise<number> {
	const fields: Record<string, string> = {};
	const name = input.name.trim();
	if (!name || name.length > 200) fields.name = name ? 'validation.tooLong' : 'validation.required';
	if (input.nip && !NIP_PATTERN.test(input.nip)) fields.nip = 'validation.nip';
	const email = input.email?.trim().toLowerCase() || null;
	if (email && (email.length > 254 || !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)))
		fields.email = 'validation.email';
	if (!input.nip && !email) fields.nip = 'validation.required';
	if (input.password.length < MIN_PASSWORD_LENGTH) fields.password = 'validation.passwordLength';
	if (Object.keys(fields).length) throw new Invalid('error.invalid', fields);

	const existing = await db
		.selectFrom('users')
		.select('id')
		.where((eb) =>
			eb.or([eb('nip', '=', input.nip ?? '\u0000'), eb('email', '=', email ?? '\u0000')])
		)
		.executeTakeFirst();
	if (existing) throw new Conflict('account_exists', 'accounts.exists');

	const passwordHash = await hashPassword(input.password);
	return db.transaction().execute(async (tx) => {
		const row = await tx
			.insertInto('users')
			.values({
				name,
				role: input.role,
				nip: input.nip || null,
				email,
				member_type: input.memberType ?? (input.role === 'employee' ? 'employee' : 'staff'),
				unit: input.unit ?? null,
				password_hash: passwordHash
			})
			.returning('id')
			.executeTakeFirstOrThrow();
		await audit.record(tx, {
			actorId,
			action: 'account.create',
			entity: 'user',
			entityId: row.id,
			after: { name, role: input.role, nip: input.nip ?? null, email }
		});
		return row.id;
	});
}
