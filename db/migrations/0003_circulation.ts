import { sql, type Kysely } from 'kysely';
import { dropTrigger, isPostgres, refuseTrigger } from './dialect.ts';

/**
 * Circulation: the default holiday calendar (Indonesian national holidays 2026, per the SKB 3
 * Menteri; collective leave days are not included — librarians add them as rows) and the
 * default digital-lending policy (14-day loans) for the member types the system ships with.
 * Frozen in time like every migration: `Kysely<any>`, no application imports.
 */
const HOLIDAYS_2026: [string, string][] = [
	['2026-01-01', 'Tahun Baru 2026 Masehi'],
	['2026-01-16', 'Isra Mikraj Nabi Muhammad SAW'],
	['2026-02-17', 'Tahun Baru Imlek 2577 Kongzili'],
	['2026-03-19', 'Hari Suci Nyepi (Tahun Baru Saka 1948)'],
	['2026-03-21', 'Idulfitri 1447 Hijriah'],
	['2026-03-22', 'Idulfitri 1447 Hijriah'],
	['2026-04-03', 'Wafat Yesus Kristus'],
	['2026-04-05', 'Kebangkitan Yesus Kristus (Paskah)'],
	['2026-05-01', 'Hari Buruh Internasional'],
	['2026-05-14', 'Kenaikan Yesus Kristus'],
	['2026-05-27', 'Iduladha 1447 Hijriah'],
	['2026-05-31', 'Hari Raya Waisak 2570 BE'],
	['2026-06-01', 'Hari Lahir Pancasila'],
	['2026-06-16', 'Tahun Baru Islam 1448 Hijriah'],
	['2026-08-17', 'Hari Kemerdekaan Republik Indonesia'],
	['2026-08-25', 'Maulid Nabi Muhammad SAW'],
	['2026-12-25', 'Hari Raya Natal']
];

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
	// `insert or ignore` is SQLite's; PostgreSQL says `on conflict do nothing`.
	const pg = isPostgres(db);
	for (const [date, name] of HOLIDAYS_2026) {
		if (pg)
			await sql`insert into holidays (date, name) values (${date}, ${name}) on conflict do nothing`.execute(
				db
			);
		else
			await sql`insert or ignore into holidays (date, name) values (${date}, ${name})`.execute(db);
	}
	// Digital lending is a policy row like any other (publication_type 'digital'), so a
	// librarian changes the loan period or the per-member limit without a code change.
	for (const memberType of ['employee', 'staff']) {
		if (pg)
			await sql`insert into loan_policies (member_type, publication_type, loan_days, max_loans, max_renewals, hold_pickup_days, fine_per_day)
				values (${memberType}, 'digital', 14, 3, 0, 2, 0) on conflict do nothing`.execute(db);
		else
			await sql`insert or ignore into loan_policies (member_type, publication_type, loan_days, max_loans, max_renewals, hold_pickup_days, fine_per_day)
			values (${memberType}, 'digital', 14, 3, 0, 2, 0)`.execute(db);
	}
	// The queue and the desk look holds up by member and loans by due date.
	await db.schema.createIndex('holds_user').on('holds').columns(['user_id']).execute();
	await db.schema.createIndex('loans_due').on('loans').columns(['returned_at', 'due_at']).execute();
	await db.schema
		.createIndex('loan_renewals_loan')
		.on('loan_renewals')
		.columns(['loan_id'])
		.execute();
	// History is never rewritten: a loan, renewal or hold row is never deleted.
	for (const t of ['loans', 'loan_renewals', 'holds'])
		await refuseTrigger(db, `${t}_no_delete`, 'delete', t, `${t} rows are never deleted`);
	await refuseTrigger(
		db,
		'loan_renewals_no_update',
		'update',
		'loan_renewals',
		'loan_renewals is append-only'
	);
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
	for (const t of ['loans', 'loan_renewals', 'holds']) await dropTrigger(db, `${t}_no_delete`, t);
	await dropTrigger(db, 'loan_renewals_no_update', 'loan_renewals');
	await db.schema.dropIndex('holds_user').ifExists().execute();
	await db.schema.dropIndex('loans_due').ifExists().execute();
	await db.schema.dropIndex('loan_renewals_loan').ifExists().execute();
	await sql`delete from loan_policies where publication_type = 'digital'`.execute(db);
	await sql`delete from holidays where date like '2026-%'`.execute(db);
}
