import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openLibraryDb } from '../helpers/db.ts';
import { copyDemoData } from '../helpers/demo.ts';
import { DEMO_PASSWORD } from '../helpers/env.ts';
import { addPublication } from '../helpers/fixtures.ts';
import { Client } from '../helpers/http.ts';
import { startServer, type RunningServer } from '../helpers/server.ts';

/**
 * #15 "circulation at the counter", through the real built server: holds placed at the desk for
 * a member (the member's own rules, the librarian in the audit log), fines assessed at a late
 * return and settled as paid or waived (audited, validated, never half-written), the loan block
 * over FINE_BLOCK_AMOUNT, and batch labels with a bwip-js barcode for every copy asked for.
 */
const EMPLOYEE_NIP = '199003202015031003';
const EMPLOYEE2_NIP = '199207112018012004';
const BLOCK = 5000;
const FINE_PER_DAY = 2000;
let server: RunningServer;
let lib: Client;
let libId: number;
let emp: Client;
let emp2: Client;
let clockFile: string;

/** Sets the server's clock (test-only FAKE_NOW_FILE). */
function at(iso: string) {
	fs.writeFileSync(clockFile, iso);
}

/** The library's database, on whichever engine this pass runs. */
function sqlite() {
	return openLibraryDb(server.dataDir);
}

async function query<T>(sql: string, ...args: unknown[]): Promise<T[]> {
	const db = sqlite();
	try {
		return (await db.all(sql, ...args)) as T[];
	} finally {
		await db.close();
	}
}

async function login(who: string, lang = 'en'): Promise<Client> {
	const c = new Client(server.url, { cookie: `lang=${lang}` });
	expect((await c.login(who, DEMO_PASSWORD)).status).toBe(200);
	return c;
}

async function addCopy(publicationId: number, barcode: string) {
	const res = await lib.postJson('/api/v1/items', { publicationId, barcode });
	expect(res.status).toBe(201);
}

async function lend(barcode: string, nip: string) {
	const res = await lib.postJson('/api/v1/loans', { barcode, nip });
	expect(res.status, await res.clone().text()).toBe(201);
	return (await res.json()) as { id: number; dueAt: string };
}

beforeAll(async () => {
	const dataDir = copyDemoData();
	clockFile = path.join(dataDir, 'fake-now');
	// A Monday in a year without configured holidays, so due dates are plain arithmetic.
	fs.writeFileSync(clockFile, '2027-01-04T03:00:00Z');
	server = await startServer(dataDir, {
		FAKE_NOW_FILE: clockFile,
		ALLOW_FAKE_CLOCK: '1',
		FINE_BLOCK_AMOUNT: String(BLOCK)
	});
	lib = await login('pustakawan@perpustakaan.test');
	emp = await login(EMPLOYEE_NIP);
	emp2 = await login(EMPLOYEE2_NIP);
	libId = (
		await query<{ id: number }>(`select id from users where email = 'pustakawan@perpustakaan.test'`)
	)[0].id;
	// Reports: 7-day loans and, for this test, a fine of Rp 2.000 a day for employees.
	const res = await lib.fetch('/api/v1/loan-policies', {
		method: 'PUT',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify({
			memberType: 'employee',
			publicationType: 'report',
			loanDays: 7,
			maxLoans: 5,
			maxRenewals: 1,
			holdPickupDays: 3,
			finePerDay: FINE_PER_DAY
		})
	});
	expect(res.status, await res.clone().text()).toBe(200);
});
afterAll(async () => {
	await server?.stop();
});

describe('holds placed at the desk', () => {
	let book: number;
	let hidden: number;
	beforeAll(async () => {
		book = await addPublication(server.dataDir, { title: 'Laporan meja layanan', file: null });
		hidden = await addPublication(server.dataDir, {
			title: 'Laporan rahasia meja',
			access: 'restricted',
			file: null
		});
		await addCopy(book, 'DESK-0001');
		await addCopy(hidden, 'DESK-0002');
		await lend('DESK-0001', EMPLOYEE2_NIP);
		await lend('DESK-0002', EMPLOYEE2_NIP);
	});

	it('a librarian places a hold for a member by NIP: queue position, audited as the librarian', async () => {
		const res = await lib.postJson('/api/v1/holds', {
			publicationId: book,
			memberNip: EMPLOYEE_NIP
		});
		expect(res.status, await res.clone().text()).toBe(201);
		const hold = await res.json();
		expect(hold).toMatchObject({ publicationId: book, status: 'waiting', position: 1 });
		const [audit] = await query<{ actor_id: number; after: string }>(
			`select actor_id, after from audit_log where action = 'hold.place' and entity_id = ?`,
			String(hold.id)
		);
		expect(audit.actor_id).toBe(libId);
		const member = (
			await query<{ id: number }>(`select id from users where nip = ?`, EMPLOYEE_NIP)
		)[0];
		expect(JSON.parse(audit.after)).toMatchObject({ publicationId: book, userId: member.id });
		// The member sees it as their own hold.
		const mine = await (await emp.fetch('/api/v1/holds')).json();
		expect(mine.items.map((h: { publicationId: number }) => h.publicationId)).toContain(book);
		// Twice is refused, as for the member.
		const again = await lib.postJson('/api/v1/holds', {
			publicationId: book,
			memberNip: EMPLOYEE_NIP
		});
		expect(again.status).toBe(409);
		expect((await again.json()).error.code).toBe('already_held');
	});

	it('refuses a record the member may not see, an unknown NIP, and members acting for others', async () => {
		const before = (await query<{ n: number }>(`select count(*) as n from holds`))[0].n;
		const res = await lib.postJson('/api/v1/holds', {
			publicationId: hidden,
			memberNip: EMPLOYEE_NIP
		});
		expect(res.status).toBe(409);
		expect((await res.json()).error).toEqual({
			code: 'hidden_from_member',
			message: 'This member may not see that record.'
		});
		const unknown = await lib.postJson('/api/v1/holds', {
			publicationId: book,
			memberNip: '190001012000011999'
		});
		expect(unknown.status).toBe(404);
		expect((await unknown.json()).error.code).toBe('member_not_found');
		const forOther = await emp.postJson('/api/v1/holds', {
			publicationId: book,
			memberNip: EMPLOYEE2_NIP
		});
		expect(forOther.status).toBe(403);
		// And for the member themselves the hidden record is simply not there.
		const own = await emp.postJson('/api/v1/holds', { publicationId: hidden });
		expect(own.status).toBe(404);
		expect((await own.json()).error.code).toBe('publication_not_found');
		expect((await query<{ n: number }>(`select count(*) as n from holds`))[0].n).toBe(before);
	});

	it('the desk form places a hold by copy barcode and says so in the UI language', async () => {
		const idLib = await login('pustakawan@perpustakaan.test', 'id');
		const other = await addPublication(server.dataDir, {
			title: 'Laporan antre kedua',
			file: null
		});
		await addCopy(other, 'DESK-0003');
		await lend('DESK-0003', EMPLOYEE_NIP);
		const res = await idLib.postForm(`/staff/circulation?nip=${EMPLOYEE2_NIP}&/deskHold`, {
			record: 'DESK-0003',
			kind: 'physical'
		});
		expect(res.status).toBe(200);
		const html = await res.text();
		expect(html).toContain('urutan ke-1 dalam antrean');
		// Bad input is a clear 400, nothing written.
		const empty = await idLib.postForm(`/staff/circulation?nip=${EMPLOYEE2_NIP}&/deskHold`, {
			record: '  '
		});
		expect(empty.status).toBe(400);
		expect(await empty.text()).toContain('Isi nomor terbitan atau barcode eksemplar.');
		const page = await (await idLib.fetch(`/staff/circulation?nip=${EMPLOYEE2_NIP}`)).text();
		expect(page).toContain('Laporan antre kedua');
		expect(page).toContain('data-testid="desk-hold-form"');
		// Back on time: the copy goes to the hold shelf for the member the desk placed it for.
		const loanId = (
			await query<{ id: number }>(
				`select l.id from loans l join items i on i.id = l.item_id where i.barcode = 'DESK-0003' and l.returned_at is null`
			)
		)[0].id;
		const back = await lib.fetch(`/api/v1/loans/${loanId}/return`, { method: 'POST' });
		expect((await back.json()).hold).toMatchObject({ memberName: expect.any(String) });
	});
});

describe('fines', () => {
	let report: number;
	let fineId: number;
	let amount: number;
	beforeAll(async () => {
		report = await addPublication(server.dataDir, { title: 'Laporan denda', file: null });
		await addCopy(report, 'FINE-0001');
		await addCopy(report, 'FINE-0002');
	});

	it('accrues while the copy is out, blocks new loans over the limit, and is assessed at the return', async () => {
		at('2027-01-04T03:00:00Z');
		const loan = await lend('FINE-0001', EMPLOYEE_NIP);
		// Due Monday 11 January (end of day in Jakarta); on Friday 15 January it is 4 days late.
		expect(loan.dueAt).toBe('2027-01-11T16:59:59.999Z');
		at('2027-01-15T03:00:00Z');
		const accruing = await (await lib.fetch(`/api/v1/fines?nip=${EMPLOYEE_NIP}`)).json();
		expect(accruing).toMatchObject({
			outstanding: 0,
			accruing: 4 * FINE_PER_DAY,
			owed: 4 * FINE_PER_DAY,
			blockAmount: BLOCK
		});
		// Rp 8.000 owed > Rp 5.000: no new loan, with the reason in the librarian's language.
		const blocked = await lib.postJson('/api/v1/loans', {
			barcode: 'FINE-0002',
			nip: EMPLOYEE_NIP
		});
		expect(blocked.status).toBe(409);
		expect((await blocked.json()).error).toEqual({
			code: 'fines_block',
			message:
				'Unpaid fines of Rp 8.000 exceed the limit of Rp 5.000: pay or waive fines before borrowing.'
		});
		const idLib = await login('pustakawan@perpustakaan.test', 'id');
		const blockedId = await idLib.postJson('/api/v1/loans', {
			barcode: 'FINE-0002',
			nip: EMPLOYEE_NIP
		});
		expect((await blockedId.json()).error.message).toContain('melewati batas Rp 5.000');
		expect(
			await query(
				`select id from loans where item_id = (select id from items where barcode = 'FINE-0002')`
			)
		).toEqual([]);
		// The desk says so as soon as the member is selected.
		const desk = await (await idLib.fetch(`/staff/circulation?nip=${EMPLOYEE_NIP}`)).text();
		expect(desk).toContain('data-testid="fines-blocked"');
		expect(desk).toContain('Melewati batas Rp 5.000');

		const ret = await lib.fetch(`/api/v1/loans/${loan.id}/return`, { method: 'POST' });
		expect(ret.status).toBe(200);
		const after = await (await lib.fetch(`/api/v1/fines?nip=${EMPLOYEE_NIP}`)).json();
		expect(after.outstanding).toBe(4 * FINE_PER_DAY);
		expect(after.accruing).toBe(0);
		expect(after.fines).toHaveLength(1);
		expect(after.fines[0]).toMatchObject({
			loanId: loan.id,
			title: 'Laporan denda',
			barcode: 'FINE-0001',
			days: 4,
			amount: 4 * FINE_PER_DAY,
			outstanding: 4 * FINE_PER_DAY,
			payments: []
		});
		fineId = after.fines[0].id;
		amount = after.fines[0].amount;
		// A later change of the policy does not rewrite an assessed fine.
		const [assessed] = await query<{ actor_id: number }>(
			`select actor_id from audit_log where action = 'fine.assess' and entity_id = ?`,
			String(fineId)
		);
		expect(assessed.actor_id).toBe(libId);
		// The member sees it in My loans, in their language.
		const mine = await (await emp.fetch('/api/v1/fines')).json();
		expect(mine.outstanding).toBe(amount);
		const page = await (await emp.fetch('/account/loans')).text();
		expect(page).toContain('data-testid="my-fines"');
		expect(page).toContain('Unpaid: Rp 8.000');
	});

	it('refuses bad settlements with a clear 400/404/409 and writes nothing', async () => {
		const count = async () =>
			(
				await query<{ n: number }>(
					`select count(*) as n from fine_payments where fine_id = ?`,
					fineId
				)
			)[0].n;
		const audits = async () =>
			(await query<{ n: number }>(`select count(*) as n from audit_log where entity = 'fine'`))[0]
				.n;
		const before = [await count(), await audits()];
		const cases: [unknown, number, string, string][] = [
			[{ kind: 'waived', amount: 1000 }, 400, 'reason_required', 'A waiver needs a reason.'],
			[
				{ kind: 'waived', amount: 1000, reason: '   ' },
				400,
				'reason_required',
				'A waiver needs a reason.'
			],
			[
				{ kind: 'paid', amount: 'abc' },
				400,
				'invalid_amount',
				'The amount must be a whole number of rupiah above 0.'
			],
			[
				{ kind: 'paid', amount: -5 },
				400,
				'invalid_amount',
				'The amount must be a whole number of rupiah above 0.'
			],
			[
				{ kind: 'paid', amount: 10.5 },
				400,
				'invalid_amount',
				'The amount must be a whole number of rupiah above 0.'
			],
			[{ kind: 'refund', amount: 100 }, 400, 'invalid_fine_kind', 'Choose “Paid” or “Waived”.'],
			[
				{ kind: 'paid', amount: 100, reason: 'x'.repeat(501) },
				400,
				'reason_too_long',
				'The reason may be at most 500 characters.'
			],
			[
				{ kind: 'paid', amount: amount + 1 },
				409,
				'amount_too_high',
				'The amount exceeds what is outstanding (Rp 8.000).'
			]
		];
		for (const [body, status, code, message] of cases) {
			const res = await lib.postJson(`/api/v1/fines/${fineId}/payments`, body);
			expect(res.status, JSON.stringify(body)).toBe(status);
			expect((await res.json()).error).toEqual({ code, message });
		}
		const missing = await lib.postJson('/api/v1/fines/999999/payments', {
			kind: 'paid',
			amount: 1
		});
		expect(missing.status).toBe(404);
		expect((await missing.json()).error.code).toBe('fine_not_found');
		const notJson = await lib.fetch(`/api/v1/fines/${fineId}/payments`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: '{"kind":'
		});
		expect(notJson.status).toBe(400);
		// Members may not settle their own fines.
		const self = await emp.postJson(`/api/v1/fines/${fineId}/payments`, {
			kind: 'waived',
			amount: 1,
			reason: 'saya'
		});
		expect(self.status).toBe(403);
		expect([await count(), await audits()]).toEqual(before);
	});

	it('records a partial payment and a waiver (amount, reason, who, when; audited), which lifts the block', async () => {
		at('2027-01-15T04:00:00Z');
		const paid = await lib.postJson(`/api/v1/fines/${fineId}/payments`, {
			kind: 'paid',
			amount: 2000
		});
		expect(paid.status).toBe(201);
		expect(await paid.json()).toMatchObject({
			id: fineId,
			paid: 2000,
			waived: 0,
			outstanding: amount - 2000,
			payments: [
				{
					kind: 'paid',
					amount: 2000,
					reason: null,
					recordedBy: 'Siti Pustakawati',
					recordedAt: '2027-01-15T04:00:00.000Z'
				}
			]
		});
		// Still Rp 6.000 owed > Rp 5.000: still blocked.
		expect(
			(await lib.postJson('/api/v1/loans', { barcode: 'FINE-0002', nip: EMPLOYEE_NIP })).status
		).toBe(409);
		// The desk form waives the rest, in Indonesian.
		const idLib = await login('pustakawan@perpustakaan.test', 'id');
		const form = await idLib.postForm(`/staff/circulation?nip=${EMPLOYEE_NIP}&/settleFine`, {
			fine: String(fineId),
			kind: 'waived',
			amount: String(amount - 2000),
			reason: 'Banjir di Jakarta'
		});
		expect(form.status).toBe(200);
		expect(await form.text()).toContain('Pembebasan Rp 6.000 dicatat; sisa denda Rp 0.');
		const rows = await query<{ kind: string; amount: number; reason: string; recorded_by: number }>(
			`select kind, amount, reason, recorded_by from fine_payments where fine_id = ? order by id`,
			fineId
		);
		expect(rows).toEqual([
			{ kind: 'paid', amount: 2000, reason: null, recorded_by: libId },
			{ kind: 'waived', amount: amount - 2000, reason: 'Banjir di Jakarta', recorded_by: libId }
		]);
		const audit = await query<{ action: string; actor_id: number; after: string }>(
			`select action, actor_id, after from audit_log where entity = 'fine' and entity_id = ? and action in ('fine.pay', 'fine.waive') order by id`,
			String(fineId)
		);
		expect(audit.map((a) => [a.action, a.actor_id])).toEqual([
			['fine.pay', libId],
			['fine.waive', libId]
		]);
		expect(JSON.parse(audit[1].after)).toMatchObject({
			amount: amount - 2000,
			reason: 'Banjir di Jakarta',
			outstanding: 0
		});
		// Settled: nothing more to record, and the member may borrow again.
		const again = await lib.postJson(`/api/v1/fines/${fineId}/payments`, {
			kind: 'paid',
			amount: 1
		});
		expect(again.status).toBe(409);
		expect((await again.json()).error.code).toBe('fine_settled');
		const loan = await lend('FINE-0002', EMPLOYEE_NIP);
		await lib.fetch(`/api/v1/loans/${loan.id}/return`, { method: 'POST' });
		const desk = await (await idLib.fetch(`/staff/circulation?nip=${EMPLOYEE_NIP}`)).text();
		expect(desk).toContain('data-testid="fines-panel"');
		expect(desk).toContain('Dibebaskan');
		expect(desk).toContain('Banjir di Jakarta');
		// Fines history cannot be rewritten.
		const db = sqlite();
		try {
			await expect(db.run(`delete from fine_payments`)).rejects.toThrow(/never deleted/);
			await expect(db.run(`update fine_payments set amount = 1`)).rejects.toThrow(/append-only/);
		} finally {
			await db.close();
		}
	});

	it('two librarians settling the same fine at once: one succeeds, the other is told it is settled', async () => {
		at('2027-01-15T05:00:00Z');
		const loan = await lend('FINE-0002', EMPLOYEE_NIP);
		// Due Friday 22 January; back Monday 25 January: 3 days late.
		at('2027-01-25T03:00:00Z');
		await lib.fetch(`/api/v1/loans/${loan.id}/return`, { method: 'POST' });
		const s = await (await lib.fetch(`/api/v1/fines?nip=${EMPLOYEE_NIP}&open=1`)).json();
		expect(s.fines).toHaveLength(1);
		const fine = s.fines[0];
		expect(fine).toMatchObject({ days: 3, amount: 3 * FINE_PER_DAY });
		const other = await login('pustakawan@perpustakaan.test');
		const results = await Promise.all(
			[lib, other].map((c) =>
				c.postJson(`/api/v1/fines/${fine.id}/payments`, { kind: 'paid', amount: fine.amount })
			)
		);
		expect(results.map((r) => r.status).sort()).toEqual([201, 409]);
		expect(
			(
				await query<{ n: number }>(
					`select coalesce(sum(amount), 0) as n from fine_payments where fine_id = ?`,
					fine.id
				)
			)[0].n
		).toBe(fine.amount);
	});

	it('the member cannot see other members’ fines', async () => {
		expect((await emp2.fetch(`/api/v1/fines?nip=${EMPLOYEE_NIP}`)).status).toBe(403);
		expect((await new Client(server.url).fetch('/api/v1/fines')).status).toBe(401);
	});
});

describe('configuration', () => {
	it('a FINE_BLOCK_AMOUNT that is not a whole number stops the start with a clear line', async () => {
		await expect(
			startServer(copyDemoData(), { FINE_BLOCK_AMOUNT: 'sepuluh ribu' })
		).rejects.toThrow(/FINE_BLOCK_AMOUNT must be a whole number of rupiah/);
	});
});

describe('batch labels', () => {
	it('prints one sheet with a bwip-js Code 128 symbol for every barcode asked for, in order', async () => {
		const a = await addPublication(server.dataDir, { title: 'Laporan label A', file: null });
		const b = await addPublication(server.dataDir, { title: 'Laporan label B', file: null });
		await addCopy(a, 'LBL-0001');
		await addCopy(a, 'LBL-0002');
		await addCopy(b, 'LBL-0003');
		// Pasted with mixed separators, plus a checkbox from the copies page, plus an unknown one.
		const q = new URLSearchParams();
		q.set('barcodes', 'LBL-0003\nLBL-0001, NOPE-1;LBL-0003');
		q.append('barcode', 'LBL-0002');
		const res = await lib.fetch(`/staff/circulation/labels?${q}`, {
			headers: { accept: 'text/html' }
		});
		expect(res.status).toBe(200);
		const page = await res.text();
		const shown = [...page.matchAll(/data-testid="label" data-barcode="([^"]+)"/g)].map(
			(m) => m[1]
		);
		expect(shown).toEqual(['LBL-0003', 'LBL-0001', 'LBL-0002']);
		for (const code of shown) expect(page).toContain(`aria-label="${code}"`);
		// One bwip-js drawing (paths, not the old hand-written rects) per label.
		expect(page.match(/<svg role="img"/g)).toHaveLength(3);
		expect(page).toContain('Laporan label B');
		expect(page).toMatch(/data-testid="labels-unknown"[^>]*>\s*Unknown barcodes: NOPE-1/);
		// The copies page offers the selection.
		const copies = await (
			await lib.fetch(`/staff/publications/${a}/items`, { headers: { accept: 'text/html' } })
		).text();
		expect(copies).toContain('data-testid="label-selection"');
		expect(copies).toContain('value="LBL-0002"');
	});

	it('refuses more than 300 labels with a 400 in the UI language, and non-staff', async () => {
		const many = Array.from({ length: 301 }, (_, i) => `X-${i}`).join(',');
		const idLib = await login('pustakawan@perpustakaan.test', 'id');
		const res = await idLib.fetch(`/staff/circulation/labels?barcodes=${many}`, {
			headers: { accept: 'text/html' }
		});
		expect(res.status).toBe(400);
		expect(await res.text()).toContain('Paling banyak 300 label sekaligus.');
		expect(
			(await emp.fetch('/staff/circulation/labels', { headers: { accept: 'text/html' } })).status
		).toBe(403);
	});
});
