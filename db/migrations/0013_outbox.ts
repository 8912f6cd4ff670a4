import { sql, type Kysely } from 'kysely';

/**
 * E-mail reminders (src/lib/server/mail/): the outbox and each member's mail preferences.
 *
 * `users.language` is the member's language for anything sent to them when they are not looking
 * at a page (the interface language is a cookie of one browser); `users.mail_reminders` is the
 * opt-out (1 = send due-soon, overdue and hold-ready notices).
 *
 * `mail_outbox` holds every notice from the moment it is due until it is delivered. The unique
 * key (kind, ref_id, ref_date) — the loan or hold and the due date or ready date it is about — is
 * what makes enqueueing idempotent: the periodic scan may find the same loan a thousand times, it
 * is inserted once; a renewal (new due date) or a hold that becomes ready again is a new notice.
 * `status`: pending (waiting, or retrying after `next_attempt_at`), sending (claimed by the
 * sender), sent, skipped (no longer applies, or the member unsubscribed before it left).
 * `mail_state` keeps the unsubscribe-link signing key when APP_SECRET is not set, so every
 * process and every restart sign alike.
 * Frozen in time like every migration: `Kysely<any>`, no application imports.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
	await sql`alter table users add column language text not null default 'id'
		check (language in ('id', 'en'))`.execute(db);
	await sql`alter table users add column mail_reminders integer not null default 1
		check (mail_reminders in (0, 1))`.execute(db);
	await sql`create table mail_outbox (
		id integer primary key,
		kind text not null check (kind in ('due_soon', 'overdue', 'hold_ready')),
		ref_id integer not null,
		ref_date text not null,
		user_id integer not null references users (id) on delete cascade,
		to_address text not null,
		language text not null check (language in ('id', 'en')),
		subject text not null,
		body text not null,
		status text not null default 'pending'
			check (status in ('pending', 'sending', 'sent', 'skipped')),
		attempts integer not null default 0,
		next_attempt_at text not null,
		claimed_at text,
		last_error text,
		sent_at text,
		message_id text,
		created_at text not null default (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
		unique (kind, ref_id, ref_date)
	)`.execute(db);
	await sql`create index mail_outbox_due on mail_outbox (status, next_attempt_at)`.execute(db);
	await sql`create index mail_outbox_user on mail_outbox (user_id)`.execute(db);
	await sql`create table mail_state (key text primary key, value text not null)`.execute(db);
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
	await sql`drop table if exists mail_state`.execute(db);
	await sql`drop table if exists mail_outbox`.execute(db);
	await sql`alter table users drop column mail_reminders`.execute(db);
	await sql`alter table users drop column language`.execute(db);
}
