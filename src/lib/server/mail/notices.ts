import { sql } from 'kysely';
import type { Db } from '../db/index.ts';
import type { MailKind } from '../db/schema.ts';
import { config } from '../config.ts';
import { endOfLocalDay, localDate } from '../circulation/policies.ts';
import { isVisible } from '../circulation/visibility.ts';
import * as holds from '../circulation/holds.ts';
import { parseLang, translator } from '../../i18n/index.ts';
import type { Lang } from '../../types.ts';
import { enqueue, type Claimed } from './outbox.ts';
import { unsubscribeUrl } from './unsubscribe.ts';

/**
 * Which reminders are due, and what they say.
 *
 * - due_soon: an open physical loan due within the next two library days' calendar — due today,
 *   tomorrow or the day after (Jakarta dates); one per loan and due date, so a renewal brings a
 *   new one for the new date.
 * - overdue: an open physical loan past its due date; one per loan and due date (not daily).
 * - hold_ready: a hold whose copy (or digital copy) is waiting for the member; one per hold and
 *   ready date.
 * Digital loans end by themselves, so they get no due/overdue notices. Only members with an
 * e-mail address, an active account and reminders on are considered.
 */

/** How many calendar days before the due date the due-soon notice goes out. */
export const DUE_SOON_DAYS = 2;

interface Recipient {
	user_id: number;
	name: string;
	email: string | null;
	language: string;
	role: 'employee' | 'librarian' | 'admin';
}

/** A date as a member reads it, in Jakarta: "Rabu, 4 Maret 2026" / "Wednesday, 4 March 2026". */
function formatDate(iso: string, lang: Lang): string {
	return new Intl.DateTimeFormat(lang === 'id' ? 'id-ID' : 'en-GB', {
		dateStyle: 'full',
		timeZone: 'Asia/Jakarta'
	}).format(new Date(iso));
}

const SUBJECT: Record<MailKind, string> = {
	due_soon: 'mail.dueSoon.subject',
	overdue: 'mail.overdue.subject',
	hold_ready: 'mail.holdReady.subject'
};
const BODY: Record<MailKind, string> = {
	due_soon: 'mail.dueSoon.body',
	overdue: 'mail.overdue.body',
	hold_ready: 'mail.holdReady.body'
};

/**
 * The subject and plain-text body of one notice in the member's language. The record's title is
 * named only when the member may see the record (the access policy, as on their loans page);
 * otherwise the copy's barcode stands in for it.
 */
async function render(
	db: Db,
	r: Recipient,
	kind: MailKind,
	thing: { publicationId: number; barcode: string | null; date: string },
	now: Date
): Promise<[subject: string, body: string]> {
	const lang = parseLang(r.language);
	const t = translator(lang);
	const pub = await db
		.selectFrom('publications')
		.select('title')
		.where('id', '=', thing.publicationId)
		.executeTakeFirst();
	const visible =
		pub !== undefined &&
		(await isVisible(db, { id: r.user_id, role: r.role }, thing.publicationId, now));
	const item =
		visible && pub
			? thing.barcode
				? t('mail.item.titled', { title: pub.title, barcode: thing.barcode })
				: t('mail.item.titledDigital', { title: pub.title })
			: thing.barcode
				? t('mail.item.untitled', { barcode: thing.barcode })
				: t('mail.item.untitledDigital');
	const date = formatDate(thing.date, lang);
	const subject = t(SUBJECT[kind], { date });
	const body = [
		t(BODY[kind], { name: r.name, item, date }),
		t('mail.footer.loans', { url: `${config.origin}/account/loans` }),
		'-- ',
		t('mail.footer.why'),
		t('mail.footer.unsubscribe', { url: await unsubscribeUrl(db, r.user_id) })
	].join('\n\n');
	return [subject, body];
}

/**
 * One scan: brings holds up to date (a copy returned since the last look becomes ready), then
 * queues every notice that is due and not queued before. Idempotent; the leader runs it on every
 * round of the mail loop.
 * @returns how many notices were queued.
 */
export async function scan(db: Db, now: Date): Promise<number> {
	await holds.processAll(db, now);
	const iso = now.toISOString();
	const soonUntil = endOfLocalDay(
		localDate(new Date(now.getTime() + DUE_SOON_DAYS * 86_400_000))
	).toISOString();
	const recipient = [
		'users.id as user_id',
		'users.name',
		'users.email',
		'users.language',
		'users.role'
	] as const;

	const loans = await db
		.selectFrom('loans')
		.innerJoin('users', 'users.id', 'loans.user_id')
		.leftJoin('items', 'items.id', 'loans.item_id')
		.select([...recipient, 'loans.id', 'loans.publication_id', 'loans.due_at', 'items.barcode'])
		.where('loans.kind', '=', 'physical')
		.where('loans.returned_at', 'is', null)
		.where('loans.due_at', '<=', soonUntil)
		// Loans already told about stay out of the scan: a loan overdue for months is not
		// looked at again every round.
		.where(({ not, exists, selectFrom }) =>
			not(
				exists(
					selectFrom('mail_outbox')
						.select('mail_outbox.id')
						.whereRef('mail_outbox.ref_id', '=', 'loans.id')
						.whereRef('mail_outbox.ref_date', '=', 'loans.due_at')
						.where(
							'mail_outbox.kind',
							'=',
							sql<MailKind>`case when loans.due_at < ${iso} then 'overdue' else 'due_soon' end`
						)
				)
			)
		)
		.where('users.active', '=', 1)
		.where('users.mail_reminders', '=', 1)
		.where('users.email', 'is not', null)
		.execute();

	const readyHolds = await db
		.selectFrom('holds')
		.innerJoin('users', 'users.id', 'holds.user_id')
		.leftJoin('items', 'items.id', 'holds.item_id')
		.select([
			...recipient,
			'holds.id',
			'holds.publication_id',
			'holds.ready_at',
			'holds.pickup_until',
			'items.barcode'
		])
		.where('holds.ready_at', 'is not', null)
		.where('holds.fulfilled_at', 'is', null)
		.where('holds.cancelled_at', 'is', null)
		.where('holds.expired_at', 'is', null)
		.where('holds.pickup_until', '>', iso)
		.where(({ not, exists, selectFrom }) =>
			not(
				exists(
					selectFrom('mail_outbox')
						.select('mail_outbox.id')
						.where('mail_outbox.kind', '=', 'hold_ready')
						.whereRef('mail_outbox.ref_id', '=', 'holds.id')
						.whereRef('mail_outbox.ref_date', '=', 'holds.ready_at')
				)
			)
		)
		.where('users.active', '=', 1)
		.where('users.mail_reminders', '=', 1)
		.where('users.email', 'is not', null)
		.execute();

	const already = async (kind: MailKind, refId: number, refDate: string) =>
		(await db
			.selectFrom('mail_outbox')
			.select('id')
			.where('kind', '=', kind)
			.where('ref_id', '=', refId)
			.where('ref_date', '=', refDate)
			.executeTakeFirst()) !== undefined;

	let queued = 0;
	const queue = async (
		r: Recipient,
		kind: MailKind,
		refId: number,
		refDate: string,
		thing: { publicationId: number; barcode: string | null; date: string }
	) => {
		// Rendering asks the access policy; skip that for notices queued before.
		if (await already(kind, refId, refDate)) return;
		const [subject, body] = await render(db, r, kind, thing, now);
		const added = await enqueue(
			db,
			{
				kind,
				refId,
				refDate,
				userId: r.user_id,
				to: r.email!,
				language: parseLang(r.language),
				subject,
				body
			},
			now
		);
		if (added) queued++;
	};

	for (const l of loans) {
		const kind: MailKind = l.due_at < iso ? 'overdue' : 'due_soon';
		await queue(l, kind, l.id, l.due_at, {
			publicationId: l.publication_id,
			barcode: l.barcode,
			date: l.due_at
		});
	}
	for (const h of readyHolds) {
		await queue(h, 'hold_ready', h.id, h.ready_at!, {
			publicationId: h.publication_id,
			barcode: h.barcode,
			date: h.pickup_until!
		});
	}
	return queued;
}

/**
 * Why a claimed notice must not leave after all (null: send it). Checked inside the claim
 * transaction, just before sending: the member may have returned the book, renewed it (the
 * notice names the old date), collected the hold, or unsubscribed since it was queued.
 */
export async function staleReason(db: Db, row: Claimed, now: Date): Promise<string | null> {
	const user = await db
		.selectFrom('users')
		.select(['active', 'mail_reminders', 'email'])
		.where('id', '=', row.userId)
		.executeTakeFirst();
	if (!user || user.active !== 1) return 'account inactive';
	if (user.mail_reminders !== 1) return 'unsubscribed';
	if (!user.email) return 'no e-mail address';
	if (row.kind === 'hold_ready') {
		const h = await db
			.selectFrom('holds')
			.select(['ready_at', 'fulfilled_at', 'cancelled_at', 'expired_at'])
			.where('id', '=', row.refId)
			.executeTakeFirst();
		if (!h || h.ready_at !== row.refDate || h.fulfilled_at || h.cancelled_at || h.expired_at)
			return 'hold no longer waiting';
		return null;
	}
	const l = await db
		.selectFrom('loans')
		.select(['due_at', 'returned_at'])
		.where('id', '=', row.refId)
		.executeTakeFirst();
	if (!l || l.returned_at) return 'loan returned';
	if (l.due_at !== row.refDate) return 'loan renewed';
	// A due-soon notice that could not leave before the due date passed would now mislead; the
	// overdue notice takes over.
	if (row.kind === 'due_soon' && l.due_at < now.toISOString()) return 'due date passed';
	return null;
}
