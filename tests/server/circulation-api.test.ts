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
 * Circulation through the real built server: copies, checkout/return/renew, holds with the
 * pickup deadline moved by the test clock, digital lending — including 20 members racing for
 * the last digital copy — with stable error codes, translated messages and SQL invariants.
 */
const EMPLOYEE_NIP = '199003202015031003';
const EMPLOYEE2_NIP = '199207112018012004';
let server: RunningServer;
let lib: Client;
let emp: Client;
let emp2: Client;
let clockFile: string;
let book: number;

/** Moves the server's clock (test-only FAKE_NOW_FILE) to `days` from real now. */
function advance(days: number) {
	fs.writeFileSync(clockFile, new Date(Date.now() + days * 86_400_000).toISOString());
}

/** The library's database, on whichever engine this pass runs. */
function sqlite() {
	return openLibraryDb(server.dataDir);
}

async function login(who: string, lang = 'en'): Promise<Client> {
	const c = new Client(server.url, { cookie: `lang=${lang}` });
	expect((await c.login(who, DEMO_PASSWORD)).status).toBe(200);
	return c;
}

beforeAll(async () => {
	const dataDir = copyDemoData();
	clockFile = path.join(dataDir, 'fake-now');
	server = await startServer(dataDir, { FAKE_NOW_FILE: clockFile, ALLOW_FAKE_CLOCK: '1' });
	lib = await login('pustakawan@perpustakaan.test');
	emp = await login(EMPLOYEE_NIP);
	emp2 = await login(EMPLOYEE2_NIP);
	// A record of its own (type report: 7-day loans, one renewal) with exactly the copies we add.
	book = await addPublication(server.dataDir, { title: 'Laporan sirkulasi', file: null });
});
afterAll(async () => {
	await server?.stop();
});

describe('items', () => {
	it('librarians add copies (201), barcodes are unique, employees may not', async () => {
		const res = await lib.postJson('/api/v1/items', {
			publicationId: book,
			barcode: 'CIRC-0001',
			location: 'Rak 3'
		});
		expect(res.status).toBe(201);
		expect(await res.json()).toMatchObject({
			publicationId: book,
			barcode: 'CIRC-0001',
			location: 'Rak 3',
			status: 'available'
		});
		const dup = await lib.postJson('/api/v1/items', { publicationId: book, barcode: 'CIRC-0001' });
		expect(dup.status).toBe(409);
		expect((await dup.json()).error).toEqual({
			code: 'barcode_taken',
			message: 'Barcode CIRC-0001 is already in use.'
		});
		expect(
			(await emp.postJson('/api/v1/items', { publicationId: book, barcode: 'CIRC-X' })).status
		).toBe(403);
		const list = await (await lib.fetch(`/api/v1/items?publicationId=${book}`)).json();
		expect(list.items.map((i: { barcode: string }) => i.barcode)).toContain('CIRC-0001');
		expect((await lib.fetch('/api/v1/items')).status).toBe(400);
	});
});

describe('loans and holds', () => {
	let loanId: number;
	it('checks out by barcode and NIP with clear refusals', async () => {
		const res = await lib.postJson('/api/v1/loans', { barcode: 'CIRC-0001', nip: EMPLOYEE_NIP });
		expect(res.status).toBe(201);
		const loan = await res.json();
		loanId = loan.id;
		expect(loan).toMatchObject({ barcode: 'CIRC-0001', nip: EMPLOYEE_NIP, kind: 'physical' });
		expect(Date.parse(loan.dueAt)).toBeGreaterThan(Date.now() + 6 * 86_400_000);
		const again = await lib.postJson('/api/v1/loans', {
			barcode: 'CIRC-0001',
			nip: EMPLOYEE2_NIP
		});
		expect(again.status).toBe(409);
		expect((await again.json()).error.code).toBe('item_not_available');
		const unknown = await lib.postJson('/api/v1/loans', { barcode: 'NOPE-1', nip: EMPLOYEE_NIP });
		expect(unknown.status).toBe(404);
		expect((await unknown.json()).error.code).toBe('item_not_found');
		// Indonesian by default.
		const id = new Client(server.url);
		id.cookies = lib.cookies;
		const msg = await (
			await id.postJson('/api/v1/loans', { barcode: 'NOPE-1', nip: EMPLOYEE_NIP })
		).json();
		expect(msg.error.message).toBe('Eksemplar dengan barcode tersebut tidak ditemukan.');
		expect(
			(await emp.postJson('/api/v1/loans', { barcode: 'CIRC-0001', nip: EMPLOYEE_NIP })).status
		).toBe(403);
		expect((await lib.postJson('/api/v1/loans', { barcode: 'CIRC-0001' })).status).toBe(400);
	});

	it('lists loans: members their own, librarians by NIP and status', async () => {
		const mine = await (await emp.fetch('/api/v1/loans')).json();
		expect(mine.items.map((l: { id: number }) => l.id)).toEqual([loanId]);
		// A member asking for someone else's loans is refused, not silently shown their own.
		expect((await emp2.fetch(`/api/v1/loans?nip=${EMPLOYEE_NIP}`)).status).toBe(403);
		expect((await emp.fetch(`/api/v1/loans?nip=${EMPLOYEE_NIP}`)).status).toBe(200);
		expect(mine.items[0].status).toBe('open');
		const active = await (
			await lib.fetch(`/api/v1/loans?nip=${EMPLOYEE_NIP}&status=active`)
		).json();
		expect(active.items).toHaveLength(1);
		const byNip = await (await lib.fetch(`/api/v1/loans?nip=${EMPLOYEE_NIP}&status=open`)).json();
		expect(byNip.items).toHaveLength(1);
		expect((await lib.fetch('/api/v1/loans?status=bogus')).status).toBe(400);
	});

	it('renews, then refuses while another member holds the title', async () => {
		const r = await emp.postJson(`/api/v1/loans/${loanId}/renew`, {});
		expect(r.status).toBe(200);
		expect((await r.json()).renewals).toBe(1);
		// No copy free → a hold is accepted, with its queue position.
		const hold = await emp2.postJson('/api/v1/holds', { publicationId: book });
		expect(hold.status).toBe(201);
		expect((await hold.json()).position).toBe(1);
		const refused = await emp.postJson(`/api/v1/loans/${loanId}/renew`, {});
		expect(refused.status).toBe(409);
		expect((await refused.json()).error).toEqual({
			code: 'has_hold',
			message: 'Another member is holding this title.'
		});
		// Staff may renew anyone's loan, but the policy (one renewal for reports) still holds.
		const db = sqlite();
		await db.run(
			`update holds set cancelled_at = ? where publication_id = ?`,
			new Date().toISOString(),
			book
		);
		await db.close();
		const limit = await lib.postJson(`/api/v1/loans/${loanId}/renew`, {});
		expect((await limit.json()).error).toEqual({
			code: 'renewal_limit',
			message: 'Renewal limit reached (at most 1).'
		});
	});
});

describe('holds queue over HTTP with the test clock', () => {
	it('a return goes to the hold shelf; after the pickup deadline the copy is free again', async () => {
		// A fresh record with exactly one copy, so the queue is deterministic.
		const pub = await addPublication(server.dataDir, { title: 'Buku antrean', file: null });
		expect(
			(await lib.postJson('/api/v1/items', { publicationId: pub, barcode: 'Q-0001' })).status
		).toBe(201);
		const loan = await (
			await lib.postJson('/api/v1/loans', { barcode: 'Q-0001', nip: EMPLOYEE_NIP })
		).json();
		const hold = await emp2.postJson('/api/v1/holds', { publicationId: pub });
		expect(hold.status).toBe(201);
		const holdBody = await hold.json();
		expect(holdBody).toMatchObject({ position: 1, status: 'waiting' });
		const ret = await lib.postJson(`/api/v1/loans/${loan.id}/return`, {});
		expect(ret.status).toBe(200);
		const retBody = await ret.json();
		expect(retBody.loan.returnedAt).toBeTruthy();
		expect(retBody.hold.memberName).toBeTruthy();
		// Nobody but the holder can take it.
		const steal = await lib.postJson('/api/v1/loans', { barcode: 'Q-0001', nip: EMPLOYEE_NIP });
		expect((await steal.json()).error.code).toBe('has_hold');
		const mine = await (await emp2.fetch('/api/v1/holds')).json();
		expect(mine.items[0]).toMatchObject({ id: holdBody.id, status: 'ready', barcode: 'Q-0001' });

		advance(10);
		const after = await (await emp2.fetch('/api/v1/holds')).json();
		expect(after.items).toEqual([]);
		const db = openLibraryDb(server.dataDir);
		const h = (await db.get('select expired_at from holds where id = ?', holdBody.id)) as {
			expired_at: string | null;
		};
		const item = (await db.get(`select status from items where barcode = 'Q-0001'`)) as {
			status: string;
		};
		await db.close();
		expect(h.expired_at).toBeTruthy();
		expect(item.status).toBe('available');
		fs.rmSync(clockFile);
		// A hold on a title with a free copy is refused; a closed hold cannot be cancelled.
		const again = await emp2.postJson('/api/v1/holds', { publicationId: pub });
		expect((await again.json()).error.code).toBe('copy_available');
		const del = await emp2.fetch(`/api/v1/holds/${holdBody.id}`, {
			method: 'DELETE',
			headers: { origin: server.url }
		});
		expect(del.status).toBe(409);
	});

	it('overdue loans show in the overdue list', async () => {
		const pub = await addPublication(server.dataDir, { title: 'Buku terlambat', file: null });
		await lib.postJson('/api/v1/items', { publicationId: pub, barcode: 'OD-0001' });
		await lib.postJson('/api/v1/loans', { barcode: 'OD-0001', nip: EMPLOYEE2_NIP });
		advance(40);
		const od = await (await lib.fetch('/api/v1/loans?status=overdue')).json();
		const row = od.items.find((l: { barcode: string }) => l.barcode === 'OD-0001');
		expect(row.daysOverdue).toBeGreaterThanOrEqual(20);
		const csv = await lib.fetch('/staff/circulation/overdue.csv');
		expect(csv.headers.get('content-type')).toMatch(/text\/csv/);
		const bytes = Buffer.from(await csv.arrayBuffer());
		// A UTF-8 byte-order mark first, so Excel reads the names right (fetch's text() drops it).
		expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
		const text = bytes.subarray(3).toString('utf8');
		expect(text.startsWith('NIP,Member,Barcode,Title,Due,Days overdue,Fine\r\n')).toBe(true);
		expect(text).toContain(`${EMPLOYEE2_NIP},`);
		expect(text).toContain('OD-0001,Buku terlambat,');
		expect((await emp.fetch('/staff/circulation/overdue.csv')).status).toBe(403);
		// The librarian dashboard counts it.
		const dash = await (await lib.fetch('/staff', { headers: { accept: 'text/html' } })).text();
		expect(dash).toContain('data-testid="card-overdue"');
		fs.rmSync(clockFile);
	});
});

describe('digital lending', () => {
	let pub: number;
	const racers: Client[] = [];

	beforeAll(async () => {
		pub = await addPublication(server.dataDir, {
			title: 'Kajian terbatas',
			access: 'restricted',
			file: null
		});
		// Twenty members sharing the demo password (hash copied from the demo employee).
		const db = sqlite();
		for (let i = 0; i < 20; i++)
			await db.run(
				`insert into users (nip, email, name, role, member_type, password_hash)
				 select ?, ?, ?, 'employee', 'employee', password_hash from users where nip = ?`,
				`19950101202001${String(1000 + i)}`,
				`racer${i}@test`,
				`Racer ${i}`,
				EMPLOYEE_NIP
			);
		await db.close();
		for (let i = 0; i < 20; i++) racers.push(await login(`19950101202001${String(1000 + i)}`));
	});

	it('a restricted record becomes lendable through PATCH digitalCopies', async () => {
		expect((await emp.fetch(`/api/v1/publications/${pub}`)).status).toBe(404);
		const notYet = await emp.postJson(`/api/v1/publications/${pub}/borrow`, {});
		expect(notYet.status).toBe(404);
		const patch = await lib.fetch(`/api/v1/publications/${pub}`, {
			method: 'PATCH',
			headers: { 'content-type': 'application/json', origin: server.url },
			body: JSON.stringify({ digitalCopies: 1 })
		});
		expect(patch.status).toBe(200);
		expect((await emp.fetch(`/api/v1/publications/${pub}`)).status).toBe(200);
		const bad = await lib.fetch(`/api/v1/publications/${pub}`, {
			method: 'PATCH',
			headers: { 'content-type': 'application/json', origin: server.url },
			body: JSON.stringify({ digitalCopies: -1 })
		});
		expect((await bad.json()).error.code).toBe('invalid_copies');
	});

	it('20 members race for the last copy: exactly one 201', async () => {
		const answers = await Promise.all(
			racers.map((c) => c.postJson(`/api/v1/publications/${pub}/borrow`, {}))
		);
		const statuses = answers.map((r) => r.status);
		expect(statuses.filter((s) => s === 201)).toHaveLength(1);
		expect(statuses.filter((s) => s === 409)).toHaveLength(19);
		const codes = await Promise.all(
			answers.filter((r) => r.status === 409).map(async (r) => (await r.json()).error.code)
		);
		expect(new Set(codes)).toEqual(new Set(['no_copies']));
		const db = openLibraryDb(server.dataDir);
		const open = (await db.get(
			`select count(*) n from loans where publication_id = ? and kind = 'digital' and returned_at is null`,
			pub
		)) as { n: number };
		const audit = (await db.get(
			`select count(*) n from audit_log where action = 'loan.digital_borrow' and after like ?`,
			`%"publicationId":${pub},%`
		)) as { n: number };
		await db.close();
		expect(open.n).toBe(1);
		expect(audit.n).toBe(1);
	});

	it('waitlist, early return hands the copy to the first in line', async () => {
		const winnerIdx = await (async () => {
			for (const [i, c] of racers.entries()) {
				const mine = await (await c.fetch('/api/v1/loans?kind=digital')).json();
				if (mine.items.length) return { i, loan: mine.items[0].id as number };
			}
			throw new Error('no winner');
		})();
		const waiting = racers[(winnerIdx.i + 1) % 20];
		const h = await waiting.postJson('/api/v1/holds', { publicationId: pub, kind: 'digital' });
		expect(h.status).toBe(201);
		// Someone else cannot return the winner's loan.
		expect((await emp.postJson(`/api/v1/digital-loans/${winnerIdx.loan}/return`, {})).status).toBe(
			404
		);
		const back = await racers[winnerIdx.i].postJson(
			`/api/v1/digital-loans/${winnerIdx.loan}/return`,
			{}
		);
		expect(back.status).toBe(200);
		// The copy waits for the first in line, not for whoever asks first.
		const jump = await emp.postJson(`/api/v1/publications/${pub}/borrow`, {});
		expect((await jump.json()).error.code).toBe('no_copies');
		const got = await waiting.postJson(`/api/v1/publications/${pub}/borrow`, {});
		expect(got.status).toBe(201);
	});

	it('the file opens through an active digital loan and nothing else', async () => {
		const withFile = await addPublication(server.dataDir, {
			title: 'Kajian terbatas berkas',
			access: 'restricted',
			file: { copyOf: 'mkn-2019-01.pdf' }
		});
		const file = `/api/v1/publications/${withFile}/file`;
		await lib.fetch(`/api/v1/publications/${withFile}`, {
			method: 'PATCH',
			headers: { 'content-type': 'application/json', origin: server.url },
			body: JSON.stringify({ digitalCopies: 2 })
		});
		// Lendable: the record is visible to employees, its file is not.
		expect((await emp.fetch(`/api/v1/publications/${withFile}`)).status).toBe(200);
		expect((await emp.fetch(file)).status).toBe(404);
		const reader = `/publications/${withFile}/read`;
		// The read page explains that reading takes a loan (it does not pretend the record is gone).
		const before = await emp.fetch(reader, { headers: { accept: 'text/html' } });
		expect(before.status).toBe(200);
		expect(await before.text()).toContain('data-error="loan_required"');
		const loan = await (await emp.postJson(`/api/v1/publications/${withFile}/borrow`, {})).json();
		expect((await emp.fetch(file)).status).toBe(200);
		const open = await emp.fetch(reader, { headers: { accept: 'text/html' } });
		expect(open.status).toBe(200);
		expect(await open.text()).not.toContain('data-testid="reader-error"');
		// Not for anyone else, and not as a download.
		expect((await emp2.fetch(file)).status).toBe(404);
		expect((await emp.fetch(`${file}?download=1`)).status).toBe(403);
		expect((await emp.postJson(`/api/v1/digital-loans/${loan.id}/return`, {})).status).toBe(200);
		expect((await emp.fetch(file)).status).toBe(404);
		// Expiry closes it too: borrow again, then move the clock past 14 days.
		expect((await emp.postJson(`/api/v1/publications/${withFile}/borrow`, {})).status).toBe(201);
		expect((await emp.fetch(file)).status).toBe(200);
		advance(15);
		const mine = await (await emp.fetch('/api/v1/loans?kind=digital')).json();
		expect(
			mine.items.filter((l: { publicationId: number }) => l.publicationId === withFile)
		).toEqual([]);
		expect((await emp.fetch(file)).status).toBe(404);
		const after = await emp.fetch(reader, { headers: { accept: 'text/html' } });
		expect(await after.text()).toContain('data-error="loan_required"');
		fs.rmSync(clockFile);
	});

	it('refuses a deactivated member and keeps every loan row', async () => {
		const db = sqlite();
		await db.run(`update users set active = 0 where nip = '199501012020011019'`);
		await expect(db.run('delete from loans')).rejects.toThrow(/never deleted/);
		await db.close();
		const item = await addPublication(server.dataDir, { title: 'Buku nonaktif', file: null });
		await lib.postJson('/api/v1/items', { publicationId: item, barcode: 'IN-0001' });
		const res = await lib.postJson('/api/v1/loans', {
			barcode: 'IN-0001',
			nip: '199501012020011019'
		});
		expect(res.status).toBe(409);
		expect((await res.json()).error.code).toBe('member_inactive');
	});
});
