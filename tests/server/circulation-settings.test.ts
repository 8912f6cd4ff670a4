import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyDemoData } from '../helpers/demo.ts';
import { DEMO_PASSWORD } from '../helpers/env.ts';
import { addPublication } from '../helpers/fixtures.ts';
import { Client } from '../helpers/http.ts';
import { startServer, type RunningServer } from '../helpers/server.ts';

/**
 * What librarians configure for circulation — loan policies (with the optional fine) and the
 * holiday calendar — through the API and the settings page, and what it changes for the next
 * loan: the due date skips a newly added holiday, an overdue loan accrues the fine on the
 * overdue list and its CSV, and the dashboard charts the month's loans. Time is the server's
 * test clock, fixed at Monday 1 March 2027, 09:00 in Jakarta.
 */
const EMPLOYEE_NIP = '199003202015031003';
let server: RunningServer;
let lib: Client;
let emp: Client;
let clockFile: string;
let book: number;

function setClock(iso: string) {
	fs.writeFileSync(clockFile, iso);
}

async function login(who: string, lang = 'en'): Promise<Client> {
	const c = new Client(server.url, { cookie: `lang=${lang}` });
	expect((await c.login(who, DEMO_PASSWORD)).status).toBe(200);
	return c;
}

function put(c: Client, p: string, body: unknown) {
	return c.fetch(p, {
		method: 'PUT',
		headers: { 'content-type': 'application/json', origin: server.url },
		body: JSON.stringify(body)
	});
}

beforeAll(async () => {
	const dataDir = copyDemoData();
	clockFile = path.join(dataDir, 'fake-now');
	setClock('2027-03-01T02:00:00.000Z');
	server = await startServer(dataDir, { FAKE_NOW_FILE: clockFile, ALLOW_FAKE_CLOCK: '1' });
	lib = await login('pustakawan@perpustakaan.test');
	emp = await login(EMPLOYEE_NIP);
	book = await addPublication(server.dataDir, { title: 'Laporan denda', file: null });
	const item = await lib.postJson('/api/v1/items', { publicationId: book, barcode: 'FINE-0001' });
	expect(item.status).toBe(201);
});
afterAll(async () => {
	await server?.stop();
});

describe('loan policies', () => {
	it('librarians read and change them; bad numbers are refused field by field', async () => {
		const list = await (await lib.fetch('/api/v1/loan-policies')).json();
		expect(list.items).toContainEqual(
			expect.objectContaining({ memberType: 'employee', publicationType: 'digital', loanDays: 14 })
		);
		expect(list.fallback.loanDays).toBeGreaterThan(0);
		expect((await emp.fetch('/api/v1/loan-policies')).status).toBe(403);
		expect((await new Client(server.url).fetch('/api/v1/loan-policies')).status).toBe(401);

		const rule = {
			memberType: 'employee',
			publicationType: 'report',
			loanDays: 10,
			maxLoans: 3,
			maxRenewals: 1,
			holdPickupDays: 3,
			finePerDay: 500
		};
		const bad = await put(lib, '/api/v1/loan-policies', { ...rule, loanDays: 0 });
		expect(bad.status).toBe(400);
		expect((await bad.json()).error).toEqual({
			code: 'invalid_policy',
			message: 'The loan period must be a whole number of 1–365 days.'
		});
		const badType = await put(lib, '/api/v1/loan-policies', { ...rule, publicationType: 'car' });
		expect((await badType.json()).error.code).toBe('invalid_publication_type');
		expect((await put(emp, '/api/v1/loan-policies', rule)).status).toBe(403);

		const saved = await put(lib, '/api/v1/loan-policies', rule);
		expect(saved.status).toBe(200);
		expect(await saved.json()).toEqual(rule);
		const again = await (await lib.fetch('/api/v1/loan-policies')).json();
		expect(again.items).toContainEqual(rule);
	});
});

describe('holidays', () => {
	it('ships the national holidays; librarians add and remove closing days', async () => {
		const y2026 = await (await emp.fetch('/api/v1/holidays?year=2026')).json();
		expect(y2026.items).toContainEqual({
			date: '2026-08-17',
			name: 'Hari Kemerdekaan Republik Indonesia'
		});
		const bad = await lib.postJson('/api/v1/holidays', { date: '2027-02-30', name: 'Tidak ada' });
		expect(bad.status).toBe(400);
		expect((await bad.json()).error.code).toBe('invalid_date');
		const dup = await lib.postJson('/api/v1/holidays', { date: '2026-12-25', name: 'Natal' });
		expect(dup.status).toBe(409);
		expect((await dup.json()).error).toEqual({
			code: 'holiday_exists',
			message: '2026-12-25 is already on the holiday list.'
		});
		expect(
			(await emp.postJson('/api/v1/holidays', { date: '2027-03-10', name: 'Libur' })).status
		).toBe(403);

		const gone = await lib.postJson('/api/v1/holidays', { date: '2027-03-09', name: 'Sementara' });
		expect(gone.status).toBe(201);
		const del = (d: string) =>
			lib.fetch(`/api/v1/holidays/${d}`, { method: 'DELETE', headers: { origin: server.url } });
		expect((await del('2027-03-09')).status).toBe(204);
		expect((await del('2027-03-09')).status).toBe(404);
	});

	it('the next due date skips a holiday added today (10 days from Mon 1 March → Fri 12 March)', async () => {
		// Ten days from 1 March is Thursday 11 March; the librarian closes the library that day.
		const added = await lib.postJson('/api/v1/holidays', {
			date: '2027-03-11',
			name: 'Penutupan kantor'
		});
		expect(added.status).toBe(201);
		const res = await lib.postJson('/api/v1/loans', { barcode: 'FINE-0001', nip: EMPLOYEE_NIP });
		expect(res.status).toBe(201);
		const loan = await res.json();
		// End of Friday 12 March in Jakarta (UTC+7).
		expect(loan.dueAt).toBe('2027-03-12T16:59:59.999Z');
		expect(loan.fine).toBe(0);
	});
});

describe('fines and the overdue list', () => {
	it('an overdue loan accrues the policy fine per day, shown in the list and its CSV', async () => {
		setClock('2027-03-15T02:00:00.000Z'); // Monday: three days after the due date
		const overdue = await (
			await lib.fetch(`/api/v1/loans?nip=${EMPLOYEE_NIP}&status=overdue`)
		).json();
		const late = overdue.items.find((l: { barcode: string }) => l.barcode === 'FINE-0001');
		expect(late).toMatchObject({ daysOverdue: 3, fine: 1500 });

		const page = await (await lib.fetch('/staff/circulation/overdue')).text();
		expect(page).toContain('FINE-0001');
		expect(page).toContain('Rp 1.500');
		const csv = await (await lib.fetch('/staff/circulation/overdue.csv')).text();
		const lines = csv
			.replace(/^\uFEFF/, '')
			.trim()
			.split(/\r?\n/);
		expect(lines[0]).toContain('Fine');
		expect(lines.find((l) => l.includes('FINE-0001'))).toMatch(/,3,1500$/);

		// The employee sees it on "My loans" too.
		const mine = await (await emp.fetch('/account/loans')).text();
		expect(mine).toContain('fine Rp 1.500');

		// Returned late: the loan keeps the fine it reached.
		const back = await lib.postJson(`/api/v1/loans/${late.id}/return`, {});
		expect(back.status).toBe(200);
		setClock('2027-03-20T02:00:00.000Z');
		const history = await (
			await lib.fetch(`/api/v1/loans?nip=${EMPLOYEE_NIP}&status=returned`)
		).json();
		expect(history.items.find((l: { id: number }) => l.id === late.id)).toMatchObject({
			fine: 1500,
			daysOverdue: 0
		});
	});
});

describe('dashboard and settings page', () => {
	it('charts the loans of the month on the librarian dashboard', async () => {
		const html = await (await lib.fetch('/staff')).text();
		expect(html).toContain('data-testid="loans-chart"');
		// The table behind the chart: March 2027 has the one physical loan above.
		expect(html).toMatch(/<td>2027-03<\/td><td>1<\/td><td>0<\/td>/);
		expect(html).toMatch(/<td>2026-04<\/td><td>0<\/td><td>0<\/td>/);
	});

	it('the settings page saves a policy and refuses a bad one in Indonesian', async () => {
		const id = await login('pustakawan@perpustakaan.test', 'id');
		const page = await (await id.fetch('/staff/circulation/settings')).text();
		expect(page).toContain('Aturan peminjaman');
		expect(page).toContain('Hari libur 2027');
		const fields = {
			memberType: 'staff',
			publicationType: 'book',
			loanDays: '21',
			maxLoans: '6',
			maxRenewals: '2',
			holdPickupDays: '3',
			finePerDay: '0'
		};
		const bad = await id.postForm('/staff/circulation/settings?/savePolicy', {
			...fields,
			maxRenewals: '99'
		});
		expect(bad.status).toBe(400);
		expect(await bad.text()).toContain('Batas perpanjangan harus bilangan bulat 0–20.');
		const ok = await id.postForm('/staff/circulation/settings?/savePolicy', fields);
		expect(ok.status).toBe(200);
		expect(await ok.text()).toContain('Kebijakan staff × Buku disimpan.');
		const policies = await (await lib.fetch('/api/v1/loan-policies')).json();
		expect(policies.items).toContainEqual(
			expect.objectContaining({ memberType: 'staff', publicationType: 'book', loanDays: 21 })
		);
		const holiday = await id.postForm('/staff/circulation/settings?/addHoliday', {
			date: '2027-12-24',
			name: 'Cuti bersama Natal'
		});
		expect(await holiday.text()).toContain('Hari libur 2027-12-24 ditambahkan.');
		expect((await emp.fetch('/staff/circulation/settings')).status).toBe(403);
	});

	it('a publication tells API callers how many digital copies it lends', async () => {
		const restricted = await addPublication(server.dataDir, {
			title: 'Kajian terbatas',
			access: 'restricted',
			file: null
		});
		const patch = await lib.fetch(`/api/v1/publications/${restricted}`, {
			method: 'PATCH',
			headers: { 'content-type': 'application/json', origin: server.url },
			body: JSON.stringify({ digitalCopies: 3 })
		});
		expect(patch.status).toBe(200);
		expect((await patch.json()).digitalCopies).toBe(3);
		expect(
			(await (await emp.fetch(`/api/v1/publications/${restricted}`)).json()).digitalCopies
		).toBe(3);
		expect((await (await emp.fetch(`/api/v1/publications/${book}`)).json()).digitalCopies).toBe(0);
	});
});
