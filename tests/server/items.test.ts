import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openLibraryDb } from '../helpers/db.ts';
import { copyDemoData } from '../helpers/demo.ts';
import { DEMO_PASSWORD } from '../helpers/env.ts';
import { addPublication } from '../helpers/fixtures.ts';
import { Client } from '../helpers/http.ts';
import { startServer, type RunningServer } from '../helpers/server.ts';

/**
 * Librarians managing physical copies through the real built server: the items API (add,
 * read, PATCH location/condition/status with the circulation rules), the staff copies page's
 * form actions with translated refusals, and the printable barcode labels page.
 */
const EMPLOYEE_NIP = '199003202015031003';
const EMPLOYEE2_NIP = '199207112018012004';
const CALL_NUMBER = '332.1 DJK l';
let server: RunningServer;
let lib: Client;
let emp: Client;
let emp2: Client;
let book: number;
let other: number;
const ids: Record<string, number> = {};

async function login(who: string, lang = 'en'): Promise<Client> {
	const c = new Client(server.url, { cookie: `lang=${lang}` });
	expect((await c.login(who, DEMO_PASSWORD)).status).toBe(200);
	return c;
}

function patch(c: Client, id: number, body: unknown): Promise<Response> {
	return c.fetch(`/api/v1/items/${id}`, {
		method: 'PATCH',
		headers: { 'content-type': 'application/json', origin: c.base },
		body: JSON.stringify(body)
	});
}

const html = (c: Client, p: string) => c.fetch(p, { headers: { accept: 'text/html' } });

beforeAll(async () => {
	const dataDir = copyDemoData();
	book = await addPublication(dataDir, {
		title: 'Pedoman Pengelolaan Barang Milik Negara',
		file: null
	});
	other = await addPublication(dataDir, { title: 'Laporan lain', file: null });
	const db = openLibraryDb(dataDir);
	await db.run('update publications set call_number = ? where id = ?', CALL_NUMBER, book);
	await db.close();
	server = await startServer(dataDir);
	[lib, emp, emp2] = await Promise.all([
		login('pustakawan@perpustakaan.test'),
		login(EMPLOYEE_NIP),
		login(EMPLOYEE2_NIP)
	]);
});
afterAll(async () => {
	await server?.stop();
});

describe('items API', () => {
	it('adds copies with the record call number; barcodes are unique; reads by id and barcode', async () => {
		const res = await lib.postJson('/api/v1/items', {
			publicationId: book,
			barcode: 'ITM-0001',
			location: 'Rak A1',
			condition: 'baru'
		});
		expect(res.status).toBe(201);
		const item = await res.json();
		expect(item).toMatchObject({
			publicationId: book,
			barcode: 'ITM-0001',
			location: 'Rak A1',
			condition: 'baru',
			callNumber: CALL_NUMBER,
			status: 'available'
		});
		ids['ITM-0001'] = item.id;
		const dup = await lib.postJson('/api/v1/items', { publicationId: book, barcode: 'ITM-0001' });
		expect(dup.status).toBe(409);
		expect((await dup.json()).error.code).toBe('barcode_taken');

		expect(await (await lib.fetch(`/api/v1/items/${item.id}`)).json()).toEqual(item);
		expect(await (await lib.fetch('/api/v1/items?barcode=ITM-0001')).json()).toEqual(item);
		const missing = await lib.fetch('/api/v1/items/999999');
		expect(missing.status).toBe(404);
		expect((await missing.json()).error).toEqual({
			code: 'item_not_found',
			message: 'Copy not found.'
		});
		expect((await lib.fetch('/api/v1/items?barcode=NOPE')).status).toBe(404);
	});

	it('PATCH damaged stops lending; available again lends; audited before → after', async () => {
		const id = ids['ITM-0001'];
		const damaged = await patch(lib, id, { status: 'damaged', condition: 'sampul sobek' });
		expect(damaged.status).toBe(200);
		expect(await damaged.json()).toMatchObject({
			id,
			status: 'damaged',
			condition: 'sampul sobek',
			location: 'Rak A1'
		});
		const refused = await lib.postJson('/api/v1/loans', { barcode: 'ITM-0001', nip: EMPLOYEE_NIP });
		expect(refused.status).toBe(409);
		expect((await refused.json()).error.code).toBe('item_not_available');

		expect((await (await patch(lib, id, { status: 'available' })).json()).status).toBe('available');
		const loan = await lib.postJson('/api/v1/loans', { barcode: 'ITM-0001', nip: EMPLOYEE_NIP });
		expect(loan.status).toBe(201);

		const db = openLibraryDb(server.dataDir);
		const rows = (await db.all(
			`select before, after from audit_log where action = 'item.update' and entity_id = ? order by id`,
			String(id)
		)) as { before: string; after: string }[];
		await db.close();
		expect(rows.map((r) => [JSON.parse(r.before), JSON.parse(r.after)])).toEqual([
			[
				{ condition: 'baru', status: 'available' },
				{ condition: 'sampul sobek', status: 'damaged' }
			],
			[{ status: 'damaged' }, { status: 'available' }]
		]);
	});

	it('a copy on loan keeps its status (409) but may move shelf; circulation statuses are refused', async () => {
		const id = ids['ITM-0001'];
		const lost = await patch(lib, id, { status: 'lost' });
		expect(lost.status).toBe(409);
		expect((await lost.json()).error).toEqual({
			code: 'item_in_circulation',
			message: 'This copy is on loan or on the hold shelf; check it in or cancel the hold first.'
		});
		const moved = await patch(lib, id, { location: 'Rak B2' });
		expect(moved.status).toBe(200);
		expect(await moved.json()).toMatchObject({ location: 'Rak B2', status: 'on_loan' });

		const second = await lib.postJson('/api/v1/items', {
			publicationId: book,
			barcode: 'ITM-0002'
		});
		ids['ITM-0002'] = (await second.json()).id;
		for (const status of ['on_loan', 'on_hold_shelf', 'gone']) {
			const r = await patch(lib, ids['ITM-0002'], { status });
			expect(r.status).toBe(400);
			expect((await r.json()).error.code).toBe('invalid_status');
		}
		const long = await patch(lib, ids['ITM-0002'], { condition: 'x'.repeat(101) });
		expect(long.status).toBe(400);
		expect((await long.json()).error.code).toBe('invalid_condition');
		expect((await patch(lib, ids['ITM-0002'], { location: 'y'.repeat(201) })).status).toBe(400);
		expect((await patch(lib, ids['ITM-0002'], { location: 5 })).status).toBe(400);
	});

	it('a copy made available again goes to the hold shelf for the first waiting member', async () => {
		const id = ids['ITM-0002'];
		expect((await (await patch(lib, id, { status: 'lost' })).json()).status).toBe('lost');
		// ITM-0001 is on loan and ITM-0002 lost: a member may queue for the title.
		const hold = await emp2.postJson('/api/v1/holds', { publicationId: book });
		expect(hold.status).toBe(201);
		const found = await patch(lib, id, { status: 'available' });
		expect(found.status).toBe(200);
		expect((await found.json()).status).toBe('on_hold_shelf');
		const locked = await patch(lib, id, { status: 'damaged' });
		expect(locked.status).toBe(409);
		expect((await locked.json()).error.code).toBe('item_in_circulation');
	});

	it('only librarians: employees 403, anonymous 401', async () => {
		const id = ids['ITM-0002'];
		expect((await patch(emp, id, { status: 'lost' })).status).toBe(403);
		expect((await emp.fetch(`/api/v1/items/${id}`)).status).toBe(403);
		const anon = new Client(server.url);
		expect((await patch(anon, id, { status: 'lost' })).status).toBe(401);
		expect((await anon.fetch(`/api/v1/items/${id}`)).status).toBe(401);
	});
});

describe('staff copies page', () => {
	it('lists copies with borrower and due date, linked from the record page', async () => {
		const edit = await (await html(lib, `/staff/publications/${book}`)).text();
		expect(edit).toContain(`href="/staff/publications/${book}/items"`);
		const res = await html(lib, `/staff/publications/${book}/items`);
		expect(res.status).toBe(200);
		const page = await res.text();
		expect(page).toContain('Pedoman Pengelolaan Barang Milik Negara');
		expect(page.match(/data-testid="item-row"/g)).toHaveLength(2);
		const loan = await (await lib.fetch(`/api/v1/loans?nip=${EMPLOYEE_NIP}&status=open`)).json();
		expect(page).toContain(loan.items[0].memberName);
		expect(page).toContain('On the hold shelf');
		expect(page).toContain(`href="/staff/publications/${book}/labels"`);
	});

	it('adds a copy, refusing a taken barcode in the librarian language', async () => {
		const taken = await lib.postForm(`/staff/publications/${book}/items?/add`, {
			barcode: 'ITM-0001',
			location: '',
			condition: ''
		});
		expect(taken.status).toBe(409);
		const body = await taken.text();
		expect(body).toContain('data-testid="items-message"');
		expect(body).toContain('Barcode ITM-0001 is already in use.');
		const id = new Client(server.url, { cookie: 'lang=id' });
		id.cookies = lib.cookies;
		const idBody = await (
			await id.postForm(`/staff/publications/${book}/items?/add`, { barcode: 'ITM-0001' })
		).text();
		expect(idBody).toContain('Barcode ITM-0001 sudah dipakai.');

		const ok = await lib.postForm(`/staff/publications/${book}/items?/add`, {
			barcode: 'ITM-0003',
			location: 'Rak C3',
			condition: 'baik'
		});
		expect(ok.status).toBe(200);
		expect(await ok.text()).toContain('Copy ITM-0003 added.');
		const item = await (await lib.fetch('/api/v1/items?barcode=ITM-0003')).json();
		expect(item).toMatchObject({ location: 'Rak C3', condition: 'baik', status: 'available' });
		ids['ITM-0003'] = item.id;
	});

	it('edits a row, refuses copies of other records and sets digital copies', async () => {
		const id = ids['ITM-0003'];
		const res = await lib.postForm(`/staff/publications/${book}/items?/update`, {
			item: String(id),
			location: 'Rak D4',
			condition: 'baik',
			status: 'withdrawn'
		});
		expect(res.status).toBe(200);
		expect(await res.text()).toContain('Copy ITM-0003 updated.');
		expect(await (await lib.fetch(`/api/v1/items/${id}`)).json()).toMatchObject({
			location: 'Rak D4',
			status: 'withdrawn'
		});
		const wrongRecord = await lib.postForm(`/staff/publications/${other}/items?/update`, {
			item: String(id),
			status: 'available'
		});
		expect(wrongRecord.status).toBe(404);
		const onLoan = await lib.postForm(`/staff/publications/${book}/items?/update`, {
			item: String(ids['ITM-0001']),
			status: 'available'
		});
		expect(onLoan.status).toBe(409);
		expect(await onLoan.text()).toContain('check it in or cancel the hold first');

		const digital = await lib.postForm(`/staff/publications/${book}/items?/digital`, {
			copies: '2'
		});
		expect(digital.status).toBe(200);
		expect(await digital.text()).toContain('Digital copies set to 2.');
		const bad = await lib.postForm(`/staff/publications/${book}/items?/digital`, {
			copies: 'abc'
		});
		expect(bad.status).toBe(400);
		const db = openLibraryDb(server.dataDir);
		const row = await db.get('select digital_copies from publications where id = ?', book);
		await db.close();
		expect(row).toEqual({ digital_copies: 2 });
	});

	it('is for librarians only', async () => {
		expect((await html(emp, `/staff/publications/${book}/items`)).status).toBe(403);
		const add = await emp.postForm(`/staff/publications/${book}/items?/add`, {
			barcode: 'EMP-1'
		});
		expect(add.status).toBe(403);
	});
});

describe('barcode labels page', () => {
	it('prints a label per copy in the collection: SVG barcode, text, call number', async () => {
		const res = await html(lib, `/staff/publications/${book}/labels`);
		expect(res.status).toBe(200);
		const page = await res.text();
		// ITM-0001 (on loan) and ITM-0002 (hold shelf); ITM-0003 was withdrawn.
		expect(page.match(/data-testid="label"/g)).toHaveLength(2);
		expect(page).toContain('<svg');
		expect(page).toMatch(/data-testid="label-barcode"[^>]*>ITM-0001</);
		expect(page).toMatch(/data-testid="label-barcode"[^>]*>ITM-0002</);
		expect(page).not.toMatch(/>ITM-0003</);
		expect(page).toContain(CALL_NUMBER);
		expect(page).toContain('data-testid="print"');
	});

	it('prints a subset with ?barcodes=', async () => {
		const page = await (
			await html(lib, `/staff/publications/${book}/labels?barcodes=ITM-0003,NOPE`)
		).text();
		expect(page.match(/data-testid="label"/g)).toHaveLength(1);
		expect(page).toMatch(/data-testid="label-barcode"[^>]*>ITM-0003</);
		expect(page).not.toMatch(/>ITM-0001</);
	});

	it('refuses employees and sends anonymous visitors to log in', async () => {
		expect((await html(emp, `/staff/publications/${book}/labels`)).status).toBe(403);
		const anon = await html(new Client(server.url), `/staff/publications/${book}/labels`);
		expect(anon.status).toBe(303);
		expect(anon.headers.get('location')).toMatch(/^\/login\?redirectTo=/);
	});
});
