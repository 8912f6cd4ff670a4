import { sql, type Kysely } from 'kysely';

/**
 * Fines (#15): what a late return cost, and what was settled of it.
 *
 * `fines` holds one row per late physical loan, written when the copy comes back (days late ×
 * the policy's fine per day at that moment): a later change of the policy never rewrites what a
 * member owes. Open overdue loans are not in it yet — their fine still grows and is computed on
 * the fly. `fine_payments` is the settlement ledger: each row pays or waives part of one fine
 * (amount, reason, the librarian, when). Outstanding = amount − sum of its payments; a check in
 * the application (inside one IMMEDIATE transaction) keeps it from going below zero.
 * Both tables are history: never deleted, payments never updated (triggers).
 * Late returns from before this migration are assessed here the same way, so a member's debt
 * does not vanish with the upgrade. Frozen in time like every migration: `Kysely<any>`, no
 * application imports.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
	await sql`create table fines (
		id integer primary key autoincrement,
		loan_id integer not null unique references loans (id),
		user_id integer not null references users (id),
		days integer not null check (days > 0),
		fine_per_day integer not null check (fine_per_day > 0),
		amount integer not null check (amount > 0),
		assessed_at text not null
	)`.execute(db);
	await sql`create index fines_user on fines (user_id)`.execute(db);
	await sql`create table fine_payments (
		id integer primary key autoincrement,
		fine_id integer not null references fines (id),
		kind text not null check (kind in ('paid', 'waived')),
		amount integer not null check (amount > 0),
		reason text,
		recorded_by integer references users (id),
		recorded_at text not null
	)`.execute(db);
	await sql`create index fine_payments_fine on fine_payments (fine_id)`.execute(db);
	for (const t of ['fines', 'fine_payments'])
		await sql
			.raw(
				`create trigger ${t}_no_delete before delete on ${t} begin select raise(abort, '${t} rows are never deleted'); end`
			)
			.execute(db);
	await sql`create trigger fine_payments_no_update before update on fine_payments begin select raise(abort, 'fine_payments is append-only'); end`.execute(
		db
	);
	// Late returns already on file: whole Jakarta (UTC+7) days between the due date and the
	// return, at least 1, times the fine per day of the member type × publication type.
	await sql`insert into fines (loan_id, user_id, days, fine_per_day, amount, assessed_at)
		select l.id, l.user_id, d.days, lp.fine_per_day, d.days * lp.fine_per_day, l.returned_at
		from loans l
		join users u on u.id = l.user_id
		join publications p on p.id = l.publication_id
		join loan_policies lp on lp.member_type = u.member_type and lp.publication_type = p.type
		join (
			select id, max(1, cast(round(julianday(date(returned_at, '+7 hours')) - julianday(date(due_at, '+7 hours'))) as integer)) as days
			from loans
		) d on d.id = l.id
		where l.kind = 'physical' and l.returned_at is not null and l.returned_at > l.due_at
			and lp.fine_per_day > 0`.execute(db);
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
	for (const t of ['fines', 'fine_payments'])
		await sql.raw(`drop trigger if exists ${t}_no_delete`).execute(db);
	await sql`drop trigger if exists fine_payments_no_update`.execute(db);
	await sql`drop table if exists fine_payments`.execute(db);
	await sql`drop table if exists fines`.execute(db);
}
