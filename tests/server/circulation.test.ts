import { spawn } from 'node:child_process';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, openPostgres, type Db } from '../../src/lib/server/db/index.ts';
import { migrateToLatest } from '../../src/lib/server/db/migrate.ts';
import * as items from '../../src/lib/server/circulation/items.ts';
import * as loans from '../../src/lib/server/circulation/loans.ts';
import * as holds from '../../src/lib/server/circulation/holds.ts';
import * as digital from '../../src/lib/server/circulation/digital.ts';
import { dueDate, daysOverdue, localDate } from '../../src/lib/server/circulation/policies.ts';
import { canReadContent } from '../../src/lib/server/access.ts';
import { databaseUrlOf, emptyLibrary } from '../helpers/demo.ts';
import { ROOT } from '../helpers/env.ts';

/**
 * Circulation rules against a real database — a SQLite file, or a PostgreSQL database in the
 * `server-pg` pass: policies, the due-date calendar, renewals,
 * the FIFO holds queue with pickup deadlines (moved by the injectable clock), digital lending
 * with N concurrent copies — also under a race between separate processes — and the audit trail.
 */
let db: Db;
/** The SQLite file, or the PostgreSQL URL, the racing processes open. */
let file: string;
const staff = { id: 0, ip: '127.0.0.1' };
const desk = { ...staff, staff: true };

/** Monday 2026-03-02, 09:00 WIB. */
const MON = new Date('2026-03-02T02:00:00.000Z');
const at = (base: Date, days: number) => new Date(base.getTime() + days * 86_400_000);

async function user(
	nip: string,
	memberType = 'employee',
	role: 'employee' | 'librarian' = 'employee'
): Promise<number> {
	const r = await db
		.insertInto('users')
		.values({ nip, name: `Member ${nip.slice(-4)}`, role, member_type: memberType })
		.returning('id')
		.executeTakeFirstOrThrow();
	return r.id;
}

async function publication(
	type: 'book' | 'report' = 'book',
	fields: { access?: 'public' | 'internal' | 'restricted'; digital_copies?: number } = {}
): Promise<number> {
	const r = await db
		.insertInto('publications')
		.values({ type, title: `${type} ${Math.random()}`, status: 'published', ...fields })
		.returning('id')
		.executeTakeFirstOrThrow();
	return r.id;
}

/** A member's holds as the member sees them. */
const mine = (id: number) => ({ viewer: { id, role: 'employee' as const } });

let nipSeq = 100;
const nextNip = () => `19900101201501${String(nipSeq++).padStart(4, '0')}`;

beforeAll(async () => {
	const dir = emptyLibrary();
	const url = databaseUrlOf(dir);
	file = url ?? path.join(dir, 'perpustakaan.sqlite');
	db = url ? openPostgres(url) : openDatabase(file);
	await migrateToLatest(db);
	staff.id = await user(nextNip(), 'staff', 'librarian');
	for (const memberType of ['employee', 'staff']) {
		await db
			.insertInto('loan_policies')
			.values([
				{
					member_type: memberType,
					publication_type: 'book',
					loan_days: 14,
					max_loans: 2,
					max_renewals: 1,
					hold_pickup_days: 3
				},
				{
					member_type: memberType,
					publication_type: 'report',
					loan_days: 7,
					max_loans: 2,
					max_renewals: 0,
					hold_pickup_days: 3
				}
			])
			.execute();
	}
});
afterAll(async () => {
	await db?.destroy();
});

describe('calendar', () => {
	it('ships the 2026 national holidays and a 14-day digital policy', async () => {
		const h = await db.selectFrom('holidays').select('date').execute();
		expect(h.map((r) => r.date)).toContain('2026-08-17');
		expect(h.length).toBeGreaterThanOrEqual(15);
		const p = await db
			.selectFrom('loan_policies')
			.selectAll()
			.where('publication_type', '=', 'digital')
			.execute();
		expect(p.map((r) => r.loan_days)).toEqual([14, 14]);
	});

	it('moves due dates off weekends and holidays, to the end of the day in Jakarta', async () => {
		// Mon 2 Mar + 14 = Mon 16 Mar: a working day.
		expect(localDate(await dueDate(db, MON, 14))).toBe('2026-03-16');
		expect((await dueDate(db, MON, 14)).toISOString()).toBe('2026-03-16T16:59:59.999Z');
		// Mon 2 Mar + 5 = Sat 7 Mar → Mon 9 Mar.
		expect(localDate(await dueDate(db, MON, 5))).toBe('2026-03-09');
		// Thu 5 Mar + 14 = Thu 19 Mar (Nyepi) → Fri 20 Mar.
		expect(localDate(await dueDate(db, at(MON, 3), 14))).toBe('2026-03-20');
		// Fri 6 Mar + 14 = Fri 20 Mar; Sat 21 / Sun 22 Idulfitri + weekend → Mon 23 Mar.
		expect(localDate(await dueDate(db, at(MON, 5), 15))).toBe('2026-03-23');
		// A holiday added by a librarian counts at once.
		await db.insertInto('holidays').values({ date: '2026-03-23', name: 'Cuti bersama' }).execute();
		expect(localDate(await dueDate(db, at(MON, 5), 15))).toBe('2026-03-24');
		expect(daysOverdue('2026-03-16T16:59:59.999Z', new Date('2026-03-18T03:00:00Z'))).toBe(2);
		expect(daysOverdue('2026-03-16T16:59:59.999Z', new Date('2026-03-16T10:00:00Z'))).toBe(0);
	});
});

describe('physical loans', () => {
	it('checks out by barcode and NIP, enforces one open loan per item and the loan limit', async () => {
		const nip = nextNip();
		const member = await user(nip);
		const pub = await publication('book');
		for (const b of ['L-1', 'L-2', 'L-3'])
			await items.create(db, { publicationId: pub, barcode: b, location: 'Rak A' }, staff, MON);
		const loan = await loans.checkout(db, { barcode: 'L-1', nip }, staff, MON);
		expect(loan).toMatchObject({ userId: member, kind: 'physical', barcode: 'L-1', renewals: 0 });
		expect(loan.dueAt).toBe('2026-03-16T16:59:59.999Z');
		expect((await items.byBarcode(db, 'L-1'))!.status).toBe('on_loan');
		await expect(loans.checkout(db, { barcode: 'L-1', nip }, staff, MON)).rejects.toMatchObject({
			code: 'item_not_available'
		});
		await loans.checkout(db, { barcode: 'L-2', nip }, staff, MON);
		await expect(loans.checkout(db, { barcode: 'L-3', nip }, staff, MON)).rejects.toMatchObject({
			code: 'limit_reached',
			status: 409
		});
		await expect(loans.checkout(db, { barcode: 'NOPE', nip }, staff, MON)).rejects.toMatchObject({
			code: 'item_not_found',
			status: 404
		});
		// The database itself refuses a second open loan of one item.
		await expect(
			db
				.insertInto('loans')
				.values({
					item_id: loan.id && (await items.byBarcode(db, 'L-1'))!.id,
					publication_id: pub,
					user_id: member,
					loaned_at: MON.toISOString(),
					due_at: MON.toISOString()
				})
				.execute()
		).rejects.toThrow(/UNIQUE|unique constraint/);
		const back = await loans.checkin(db, loan.id, staff, at(MON, 20));
		expect(back.loan.returnedAt).toBe(at(MON, 20).toISOString());
		expect(back.hold).toBeNull();
		expect((await items.byBarcode(db, 'L-1'))!.status).toBe('available');
		await expect(loans.checkin(db, loan.id, staff, at(MON, 20))).rejects.toMatchObject({
			code: 'already_returned'
		});
		// History is kept: loans are never deleted.
		await expect(sql`delete from loans where id = ${loan.id}`.execute(db)).rejects.toThrow(
			/never deleted/
		);
	});

	it('refuses a deactivated member', async () => {
		const nip = nextNip();
		const id = await user(nip);
		const pub = await publication('book');
		await items.create(db, { publicationId: pub, barcode: 'D-1' }, staff, MON);
		await db.updateTable('users').set({ active: 0 }).where('id', '=', id).execute();
		await expect(loans.checkout(db, { barcode: 'D-1', nip }, staff, MON)).rejects.toMatchObject({
			code: 'member_inactive'
		});
		await expect(
			loans.checkout(db, { barcode: 'D-1', nip: '199999999999999999' }, staff, MON)
		).rejects.toMatchObject({ code: 'member_not_found', status: 404 });
	});

	it('renews up to the policy limit, keeps the due-date history, refuses while someone holds the title', async () => {
		const nip = nextNip();
		const member = await user(nip);
		const other = await user(nextNip());
		const pub = await publication('book');
		await items.create(db, { publicationId: pub, barcode: 'R-1' }, staff, MON);
		const loan = await loans.checkout(db, { barcode: 'R-1', nip }, staff, MON);
		// Members renew only their own loans.
		await expect(
			loans.renew(db, loan.id, { id: other, staff: false }, at(MON, 10))
		).rejects.toMatchObject({ code: 'loan_not_found' });
		const renewed = await loans.renew(db, loan.id, { id: member, staff: false }, at(MON, 10));
		// Thu 12 Mar + 14 = Thu 26 Mar.
		expect(renewed.dueAt).toBe('2026-03-26T16:59:59.999Z');
		expect(renewed.renewals).toBe(1);
		const history = await db
			.selectFrom('loan_renewals')
			.selectAll()
			.where('loan_id', '=', loan.id)
			.execute();
		expect(history).toHaveLength(1);
		expect(history[0]).toMatchObject({
			previous_due_at: loan.dueAt,
			new_due_at: renewed.dueAt,
			renewed_by: member
		});
		await expect(
			loans.renew(db, loan.id, { id: member, staff: false }, at(MON, 12))
		).rejects.toMatchObject({ code: 'renewal_limit' });

		// Another title, another loan: a hold by someone else blocks the renewal.
		const pub2 = await publication('book');
		await items.create(db, { publicationId: pub2, barcode: 'R-2' }, staff, MON);
		const loan2 = await loans.checkout(db, { barcode: 'R-2', nip }, staff, MON);
		await holds.place(db, { publicationId: pub2, userId: other }, { id: other }, at(MON, 1));
		await expect(loans.renew(db, loan2.id, desk, at(MON, 2))).rejects.toMatchObject({
			code: 'has_hold'
		});
		const audit = await db
			.selectFrom('audit_log')
			.select('action')
			.where('entity', '=', 'loan')
			.where('entity_id', '=', String(loan.id))
			.execute();
		expect(audit.map((a) => a.action)).toEqual(['loan.checkout', 'loan.renew']);
	});
});

describe('holds queue', () => {
	it('is FIFO: a returned copy goes to the hold shelf, and to the next member when pickup lapses', async () => {
		const borrowerNip = nextNip();
		await user(borrowerNip);
		const [aNip, bNip] = [nextNip(), nextNip()];
		const a = await user(aNip);
		const b = await user(bNip);
		const pub = await publication('report');
		await items.create(db, { publicationId: pub, barcode: 'H-1' }, staff, MON);
		// A hold while a copy is free is refused: borrow it instead.
		await expect(
			holds.place(db, { publicationId: pub, userId: a }, { id: a }, MON)
		).rejects.toMatchObject({ code: 'copy_available' });
		const loan = await loans.checkout(db, { barcode: 'H-1', nip: borrowerNip }, staff, MON);
		const ha = await holds.place(db, { publicationId: pub, userId: a }, { id: a }, at(MON, 1));
		const hb = await holds.place(db, { publicationId: pub, userId: b }, { id: b }, at(MON, 2));
		expect([ha.position, hb.position]).toEqual([1, 2]);
		await expect(
			holds.place(db, { publicationId: pub, userId: a }, { id: a }, at(MON, 2))
		).rejects.toMatchObject({ code: 'already_held' });

		// Returned Friday 6 Mar → on the shelf for A until Wed 11 Mar (3 days → Mon 9, … end of day).
		const back = await loans.checkin(db, loan.id, staff, at(MON, 4));
		expect(back.hold).toMatchObject({ userId: a });
		expect(localDate(new Date(back.hold!.pickupUntil))).toBe('2026-03-09');
		expect((await items.byBarcode(db, 'H-1'))!.status).toBe('on_hold_shelf');
		// B cannot take A's copy.
		await expect(
			loans.checkout(db, { barcode: 'H-1', nip: bNip }, staff, at(MON, 5))
		).rejects.toMatchObject({ code: 'has_hold' });
		expect((await holds.listForMember(db, b, { ...mine(b), openOnly: true }))[0].position).toBe(1);

		// A never comes: after the deadline the periodic check offers it to B.
		await holds.processAll(db, at(MON, 8));
		const [aHold] = await holds.listForMember(db, a, mine(a));
		expect(aHold.status).toBe('expired');
		const [bHold] = await holds.listForMember(db, b, mine(b));
		expect(bHold).toMatchObject({ status: 'ready', barcode: 'H-1' });
		// B picks it up: the hold is fulfilled by the loan.
		await loans.checkout(db, { barcode: 'H-1', nip: bNip }, staff, at(MON, 9));
		expect((await holds.listForMember(db, b, mine(b)))[0].status).toBe('fulfilled');
		const actions = await db
			.selectFrom('audit_log')
			.select('action')
			.where('entity', '=', 'hold')
			.where('entity_id', 'in', [String(ha.id), String(hb.id)])
			.orderBy('id')
			.execute();
		expect(actions.map((r) => r.action)).toEqual([
			'hold.place',
			'hold.place',
			'hold.ready',
			'hold.expired',
			'hold.ready'
		]);
	});

	it('cancelling a ready hold passes the copy on', async () => {
		const n0 = nextNip();
		await user(n0);
		const a = await user(nextNip());
		const b = await user(nextNip());
		const pub = await publication('book');
		await items.create(db, { publicationId: pub, barcode: 'C-1' }, staff, MON);
		const loan = await loans.checkout(db, { barcode: 'C-1', nip: n0 }, staff, MON);
		const ha = await holds.place(db, { publicationId: pub, userId: a }, { id: a }, MON);
		await holds.place(db, { publicationId: pub, userId: b }, { id: b }, MON);
		await loans.checkin(db, loan.id, staff, at(MON, 1));
		await expect(
			holds.cancel(db, ha.id, { id: b, staff: false }, at(MON, 1))
		).rejects.toMatchObject({ code: 'hold_not_found' });
		await holds.cancel(db, ha.id, { id: a, staff: false }, at(MON, 1));
		expect((await holds.listForMember(db, b, mine(b)))[0].status).toBe('ready');
		expect((await items.byBarcode(db, 'C-1'))!.status).toBe('on_hold_shelf');
	});
});

describe('digital lending', () => {
	it('lends at most N copies for 14 days, expires them, returns early, and serves the waitlist', async () => {
		const pub = await publication('report', { access: 'restricted', digital_copies: 0 });
		const m = [await user(nextNip()), await user(nextNip()), await user(nextNip())];
		// Not lendable yet, so hidden from employees: as if it did not exist (not `not_lendable`).
		await expect(digital.borrow(db, pub, m[0], { id: m[0] }, MON)).rejects.toMatchObject({
			code: 'publication_not_found',
			status: 404
		});
		await digital.setDigitalCopies(db, pub, 2, staff, MON);
		const l0 = await digital.borrow(db, pub, m[0], { id: m[0] }, MON);
		expect(l0.dueAt).toBe(at(MON, 14).toISOString());
		await expect(digital.borrow(db, pub, m[0], { id: m[0] }, MON)).rejects.toMatchObject({
			code: 'already_on_loan'
		});
		await digital.borrow(db, pub, m[1], { id: m[1] }, at(MON, 1));
		await expect(digital.borrow(db, pub, m[2], { id: m[2] }, at(MON, 1))).rejects.toMatchObject({
			code: 'no_copies'
		});
		const hold = await holds.place(
			db,
			{ publicationId: pub, userId: m[2], kind: 'digital' },
			{ id: m[2] },
			at(MON, 1)
		);
		expect(hold.position).toBe(1);

		// The file opens only through an active loan.
		const facts = {
			access: 'restricted' as const,
			status: 'published' as const,
			embargo_until: null,
			digital_copies: 2
		};
		const viewer = { id: m[0], role: 'employee' as const };
		expect(canReadContent(viewer, facts, MON)).toBe(false);
		expect(
			canReadContent(viewer, facts, MON, {
				activeDigitalLoan: await digital.hasActiveDigitalLoan(db, m[0], pub, MON)
			})
		).toBe(true);
		expect(await digital.hasActiveDigitalLoan(db, m[0], pub, at(MON, 14))).toBe(false);
		expect(await digital.hasActiveDigitalLoan(db, m[2], pub, MON)).toBe(false);

		// m0's loan expires on day 14; the copy is offered to m2, who borrows it.
		await holds.processAll(db, at(MON, 14.5));
		const closed = await loans.get(db, l0.id, { id: staff.id, role: 'librarian' });
		expect(closed.returnedAt).toBe(l0.dueAt);
		expect((await holds.listForMember(db, m[2], mine(m[2])))[0].status).toBe('ready');
		// Someone new cannot jump the queue while the copy waits for m2.
		const m3 = await user(nextNip());
		await expect(digital.borrow(db, pub, m3, { id: m3 }, at(MON, 14.6))).rejects.toMatchObject({
			code: 'no_copies'
		});
		const l2 = await digital.borrow(db, pub, m[2], { id: m[2] }, at(MON, 14.6));
		expect((await holds.listForMember(db, m[2], mine(m[2])))[0].status).toBe('fulfilled');
		// Early return frees the copy at once.
		await digital.giveBack(db, l2.id, { id: m[2], staff: false }, at(MON, 14.8));
		expect(await digital.hasActiveDigitalLoan(db, m[2], pub, at(MON, 14.8))).toBe(false);
		expect((await digital.availability(db, pub, at(MON, 14.8))).free).toBe(1);
		const open = await db
			.selectFrom('loans')
			.select((eb) => eb.fn.countAll<number>().as('n'))
			.where('publication_id', '=', pub)
			.where('returned_at', 'is', null)
			.executeTakeFirstOrThrow();
		expect(Number(open.n)).toBeLessThanOrEqual(2);
	});

	it('never lends more than N when separate processes race for the last copy', async () => {
		const pub = await publication('report', { access: 'restricted', digital_copies: 1 });
		const ids: number[] = [];
		for (let i = 0; i < 8; i++) ids.push(await user(nextNip()));
		// Eight processes, each with its own connection, borrow at the same moment.
		const script = path.join(ROOT, 'tests/helpers/borrow-race.ts');
		const startAt = Date.now() + 4000;
		const results = await Promise.all(
			ids.map(
				(id) =>
					new Promise<string>((resolve) => {
						let out = '';
						const child = spawn(
							process.execPath,
							[
								'node_modules/tsx/dist/cli.mjs',
								script,
								file,
								String(pub),
								String(id),
								String(startAt)
							],
							{ cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] }
						);
						child.stdout.on('data', (d) => (out += String(d)));
						child.on('close', () => resolve(out.trim()));
					})
			)
		);
		expect(results.filter((r) => r === 'ok')).toHaveLength(1);
		expect(results.filter((r) => r === 'no_copies')).toHaveLength(7);
		const n = await db
			.selectFrom('loans')
			.select((eb) => eb.fn.countAll<number>().as('n'))
			.where('publication_id', '=', pub)
			.executeTakeFirstOrThrow();
		expect(Number(n.n)).toBe(1);
	}, 120_000);
});
