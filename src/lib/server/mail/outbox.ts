import { sql } from 'kysely';
import type { Db } from '../db/index.ts';
import type { MailKind } from '../db/schema.ts';
import { writeTransaction } from '../db/write.js';
import type { Lang } from '../../types.ts';

/**
 * The mail outbox: every reminder is a row from the moment it is due until it is delivered.
 *
 * Delivery semantics. A row is claimed (pending → sending, attempts + 1) in one IMMEDIATE write
 * transaction before it is handed to SMTP, and marked sent in another after the server accepted
 * it; a failure puts it back to pending with `next_attempt_at` pushed out exponentially and the
 * error kept in `last_error`. Nothing is ever deleted, so a notice is never lost, and a row marked
 * sent is never claimed again. The one window left is a crash (power cut, OOM kill) after the SMTP
 * server accepted the message and before `sent` committed: the row is then still `sending`, and
 * the next leader to start puts it back to pending — AT-LEAST-ONCE: the member may get that one
 * reminder twice, rather than an overdue notice being silently lost. The re-send carries the same
 * Message-ID (`<outbox-{id}.…>`), so mail clients that de-duplicate by Message-ID show it once.
 */

/** A notice ready to be queued. */
export interface Notice {
	kind: MailKind;
	refId: number;
	refDate: string;
	userId: number;
	to: string;
	language: Lang;
	subject: string;
	body: string;
}

/** The longest wait between two attempts, however often a send failed. */
export const MAX_RETRY_MS = 6 * 60 * 60 * 1000;

/** Wait before the next attempt after `attempts` failed ones: base, 2×base, 4×base … up to 6 h. */
export function retryDelayMs(attempts: number, baseSeconds: number): number {
	return Math.min(MAX_RETRY_MS, baseSeconds * 1000 * 2 ** Math.max(0, attempts - 1));
}

/**
 * Queues a notice unless the same one (kind, loan or hold, date) is already queued or sent:
 * the unique key makes enqueueing idempotent, so scans may overlap and repeat freely.
 * @returns true when a row was added.
 */
export async function enqueue(db: Db, notice: Notice, now: Date): Promise<boolean> {
	const r = await writeTransaction(db, (tx) =>
		tx
			.insertInto('mail_outbox')
			.values({
				kind: notice.kind,
				ref_id: notice.refId,
				ref_date: notice.refDate,
				user_id: notice.userId,
				to_address: notice.to,
				language: notice.language,
				subject: notice.subject,
				body: notice.body,
				next_attempt_at: now.toISOString()
			})
			.onConflict((oc) => oc.columns(['kind', 'ref_id', 'ref_date']).doNothing())
			.executeTakeFirst()
	);
	return Number(r.numInsertedOrUpdatedRows ?? 0) > 0;
}

/** A claimed row, handed to the sender. */
export interface Claimed {
	id: number;
	kind: MailKind;
	refId: number;
	refDate: string;
	userId: number;
	to: string;
	subject: string;
	body: string;
	attempts: number;
}

/**
 * Claims up to `limit` rows whose time has come (pending → sending), oldest first, in one write
 * transaction. `stillValid` runs inside that transaction for each candidate: a notice that no
 * longer applies (the loan was returned or renewed, the hold collected) or whose member has
 * unsubscribed meanwhile is marked skipped instead, so it never leaves.
 */
export async function claim(
	db: Db,
	now: Date,
	limit: number,
	stillValid: (tx: Db, row: Claimed, now: Date) => Promise<string | null>
): Promise<Claimed[]> {
	return writeTransaction(db, async (tx) => {
		const rows = await tx
			.selectFrom('mail_outbox')
			.select([
				'id',
				'kind',
				'ref_id',
				'ref_date',
				'user_id',
				'to_address',
				'subject',
				'body',
				'attempts'
			])
			.where('status', '=', 'pending')
			.where('next_attempt_at', '<=', now.toISOString())
			.orderBy('next_attempt_at')
			.orderBy('id')
			.limit(limit)
			.execute();
		const claimed: Claimed[] = [];
		for (const r of rows) {
			const c: Claimed = {
				id: r.id,
				kind: r.kind,
				refId: r.ref_id,
				refDate: r.ref_date,
				userId: r.user_id,
				to: r.to_address,
				subject: r.subject,
				body: r.body,
				attempts: r.attempts + 1
			};
			const skip = await stillValid(tx, c, now);
			if (skip) {
				await tx
					.updateTable('mail_outbox')
					.set({ status: 'skipped', last_error: skip })
					.where('id', '=', r.id)
					.execute();
				continue;
			}
			// To the member's address as it is now: it may have been corrected since the notice was queued.
			const user = await tx
				.selectFrom('users')
				.select('email')
				.where('id', '=', c.userId)
				.executeTakeFirst();
			if (user?.email) c.to = user.email;
			await tx
				.updateTable('mail_outbox')
				.set({
					status: 'sending',
					claimed_at: now.toISOString(),
					attempts: c.attempts,
					to_address: c.to
				})
				.where('id', '=', r.id)
				.where('status', '=', 'pending')
				.execute();
			claimed.push(c);
		}
		return claimed;
	});
}

/** Records the SMTP server's acceptance; the row is never claimed again. */
export async function markSent(db: Db, id: number, messageId: string, now: Date): Promise<void> {
	await writeTransaction(db, (tx) =>
		tx
			.updateTable('mail_outbox')
			.set({ status: 'sent', sent_at: now.toISOString(), message_id: messageId, last_error: null })
			.where('id', '=', id)
			.execute()
	);
}

/** Puts a row whose send failed back to pending, to be retried after the back-off. */
export async function markFailed(
	db: Db,
	row: Claimed,
	error: string,
	now: Date,
	baseSeconds: number
): Promise<string> {
	const next = new Date(now.getTime() + retryDelayMs(row.attempts, baseSeconds)).toISOString();
	await writeTransaction(db, (tx) =>
		tx
			.updateTable('mail_outbox')
			.set({ status: 'pending', next_attempt_at: next, last_error: error.slice(0, 1000) })
			.where('id', '=', row.id)
			.execute()
	);
	return next;
}

/**
 * At the leader's start: rows left `sending` by a process that died mid-send go back to pending
 * (at-least-once, see above). Only the leader sends, and a new leader starts only after the old
 * one is gone, so every `sending` row found here is an orphan.
 */
export async function requeueInterrupted(db: Db, now: Date): Promise<number> {
	const r = await writeTransaction(db, (tx) =>
		tx
			.updateTable('mail_outbox')
			.set({
				status: 'pending',
				next_attempt_at: now.toISOString(),
				last_error: 'interrupted while sending (the server stopped); sent again'
			})
			.where('status', '=', 'sending')
			.executeTakeFirst()
	);
	return Number(r.numUpdatedRows);
}

/** Counts by status, for logs and /metrics-style checks. */
export async function counts(db: Db): Promise<Record<string, number>> {
	const rows = await db
		.selectFrom('mail_outbox')
		.select(['status', sql<number>`count(*)`.as('n')])
		.groupBy('status')
		.execute();
	return Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
}
