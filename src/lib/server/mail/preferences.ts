import type { Db } from '../db/index.ts';
import { writeTransaction } from '../db/write.js';
import * as audit from '../audit.ts';
import type { Lang } from '../../types.ts';

/** A member's e-mail settings as the account page shows them. */
export interface MailPreferences {
	email: string | null;
	reminders: boolean;
	language: Lang;
}

// The e-mail language is the member's explicit choice on the Account page, not the interface
// language they last clicked: a member reading the site in English on a shared office computer
// should not silently switch their reminders.

/** The member's e-mail settings; null for an unknown account. */
export async function get(db: Db, userId: number): Promise<MailPreferences | null> {
	const row = await db
		.selectFrom('users')
		.select(['email', 'mail_reminders', 'language'])
		.where('id', '=', userId)
		.executeTakeFirst();
	if (!row) return null;
	return { email: row.email, reminders: row.mail_reminders === 1, language: row.language };
}

/**
 * Changes the member's reminder opt-in and mail language (audited). Turning reminders off also
 * drops the notices still waiting in the outbox, so nothing already queued leaves afterwards.
 */
export async function set(
	db: Db,
	userId: number,
	changes: { reminders?: boolean; language?: Lang },
	actor: { id: number | null; ip?: string | null; via?: string }
): Promise<void> {
	await writeTransaction(db, async (tx) => {
		const before = await tx
			.selectFrom('users')
			.select(['mail_reminders', 'language'])
			.where('id', '=', userId)
			.executeTakeFirst();
		if (!before) return;
		await tx
			.updateTable('users')
			.set({
				...(changes.reminders !== undefined ? { mail_reminders: changes.reminders ? 1 : 0 } : {}),
				...(changes.language ? { language: changes.language } : {})
			})
			.where('id', '=', userId)
			.execute();
		if (changes.reminders === false) {
			await tx
				.updateTable('mail_outbox')
				.set({ status: 'skipped', last_error: 'unsubscribed' })
				.where('user_id', '=', userId)
				.where('status', '=', 'pending')
				.execute();
		}
		await audit.record(tx, {
			actorId: actor.id,
			action: 'mail.preferences',
			entity: 'user',
			entityId: userId,
			before: { reminders: before.mail_reminders === 1, language: before.language },
			after: { ...changes, via: actor.via ?? 'account' },
			ip: actor.ip ?? null
		});
	});
}
