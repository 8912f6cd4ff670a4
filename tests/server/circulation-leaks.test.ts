import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withLibraryDb } from '../helpers/db.ts';
import { copyDemoData } from '../helpers/demo.ts';
import { DEMO_PASSWORD } from '../helpers/env.ts';
import { addPublication } from '../helpers/fixtures.ts';
import { Client } from '../helpers/http.ts';
import { startServer, type RunningServer } from '../helpers/server.ts';

/**
 * Circulation must not become a side door into the catalog. For every role × access level ×
 * status, each circulation entry point that takes a publication (or a copy's barcode) answers
 * for a record the caller may not see exactly — status and body, byte for byte — as for an id
 * that does not exist; and titles of hidden records never reach a member's lists or "My loans",
 * even when a librarian lent or reserved such a record for them at the desk.
 */
const ACCESS = ['public', 'internal', 'restricted', 'lendable'] as const;
const STATES = ['published', 'draft', 'withdrawn', 'embargoed'] as const;
type Access = (typeof ACCESS)[number];
type State = (typeof STATES)[number];
type Role = 'anonymous' | 'employee' | 'librarian' | 'admin';
const ROLES: Role[] = ['anonymous', 'employee', 'librarian', 'admin'];

const EMPLOYEE_NIP = '199003202015031003';
const OTHER_NIP = '199207112018012004';
const MISSING_ID = 987_654;
const MISSING_BARCODE = 'TIDAK-ADA-1';

/** The expected rule, written out independently of src/lib/server/access.ts. */
function mayKnow(role: Role, access: Access, state: State): boolean {
	if (role === 'librarian' || role === 'admin') return true;
	if (state !== 'published') return false;
	if (role === 'employee') return access !== 'restricted';
	return access === 'public';
}

interface Fixture {
	access: Access;
	state: State;
	/** Probed by every role: one copy, on loan to another member (so a hold is possible). */
	probe: number;
	probeBarcode: string;
	/** Lent to the employee at the desk (one copy open, one returned: history). */
	lent: number;
	lentTitle: string;
	/** Reserved for the employee at the desk. */
	held: number;
	heldTitle: string;
}

let server: RunningServer;
const clients = {} as Record<Role, Client>;
let other: Client;
const fixtures: Fixture[] = [];

async function record(
	kind: string,
	access: Access,
	state: State
): Promise<{ id: number; title: string }> {
	const title = `Bocor ${kind} ${access} ${state}`;
	const id = await addPublication(server.dataDir, {
		title,
		access: access === 'lendable' ? 'restricted' : access,
		status: state === 'embargoed' ? 'published' : state,
		embargoUntil: state === 'embargoed' ? '2099-01-01' : null,
		digitalCopies: access === 'lendable' ? 1 : 0,
		file: null
	});
	return { id, title };
}

/**
 * Moves a record into `access`/`state` after the fact, as cataloguing would (the catalog version
 * triggers fire): a hold is placed while the member may see the record, which later becomes
 * hidden — a librarian cannot place a hold for a member on a record that member may not see.
 */
async function hideLater(id: number, title: string, access: Access, state: State): Promise<void> {
	await withLibraryDb(server.dataDir, (db) =>
		db.run(
			'update publications set title = ?, access = ?, status = ?, embargo_until = ?, digital_copies = ? where id = ?',
			title,
			access === 'lendable' ? 'restricted' : access,
			state === 'embargoed' ? 'published' : state,
			state === 'embargoed' ? '2099-01-01' : null,
			access === 'lendable' ? 1 : 0,
			id
		)
	);
}

async function ok(res: Promise<Response>, status: number): Promise<unknown> {
	const r = await res;
	const text = await r.text();
	expect(r.status, text).toBe(status);
	return text ? JSON.parse(text) : null;
}

beforeAll(async () => {
	server = await startServer(copyDemoData());
	clients.anonymous = new Client(server.url, { cookie: 'lang=en' });
	for (const [role, user] of [
		['employee', 'pegawai@perpustakaan.test'],
		['librarian', 'pustakawan@perpustakaan.test'],
		['admin', 'admin@perpustakaan.test']
	] as const) {
		clients[role] = new Client(server.url, { cookie: 'lang=en' });
		expect((await clients[role].login(user, DEMO_PASSWORD)).status).toBe(200);
	}
	other = new Client(server.url, { cookie: 'lang=en' });
	expect((await other.login(OTHER_NIP, DEMO_PASSWORD)).status).toBe(200);
	const lib = clients.librarian;
	// Room for every fixture loan: the demo policies allow only a few open loans per member.
	for (const memberType of ['employee', 'staff'])
		for (const publicationType of ['report', 'digital'])
			await ok(
				lib.fetch('/api/v1/loan-policies', {
					method: 'PUT',
					headers: { 'content-type': 'application/json', origin: server.url },
					body: JSON.stringify({
						memberType,
						publicationType,
						loanDays: 14,
						maxLoans: 100,
						maxRenewals: 3,
						holdPickupDays: 3
					})
				}),
				200
			);
	let n = 0;
	const copy = async (publicationId: number) => {
		const barcode = `BOCOR-${++n}`;
		await ok(lib.postJson('/api/v1/items', { publicationId, barcode }), 201);
		return barcode;
	};
	const lend = async (barcode: string, nip: string) =>
		(await ok(lib.postJson('/api/v1/loans', { barcode, nip }), 201)) as { id: number };
	for (const access of ACCESS) {
		for (const state of STATES) {
			const probe = await record('P', access, state);
			const probeBarcode = await copy(probe.id);
			await lend(probeBarcode, OTHER_NIP);
			const lent = await record('L', access, state);
			await lend(await copy(lent.id), EMPLOYEE_NIP);
			const back = await lend(await copy(lent.id), EMPLOYEE_NIP);
			await ok(lib.postJson(`/api/v1/loans/${back.id}/return`, {}), 200);
			const held = await record('H', 'public', 'published');
			held.title = `Bocor H ${access} ${state}`;
			await lend(await copy(held.id), OTHER_NIP);
			await ok(lib.postJson('/api/v1/holds', { publicationId: held.id, nip: EMPLOYEE_NIP }), 201);
			await hideLater(held.id, held.title, access, state);
			fixtures.push({
				access,
				state,
				probe: probe.id,
				probeBarcode,
				lent: lent.id,
				lentTitle: lent.title,
				held: held.id,
				heldTitle: held.title
			});
		}
	}
});

afterAll(async () => {
	await server?.stop();
});

/** A circulation entry point, asked about one publication (by id) or one copy (by barcode). */
interface Probe {
	name: string;
	/** Roles for which the endpoint does something at all (others get 401/403 for everything). */
	allowed: Role[];
	call: (c: Client, id: number, barcode: string) => Promise<Response>;
}

/** A form action posted the way `use:enhance` does (the answer is JSON, not a page). */
function action(c: Client, path: string, fields: Record<string, string>): Promise<Response> {
	return c.fetch(path, {
		method: 'POST',
		headers: {
			'content-type': 'application/x-www-form-urlencoded',
			accept: 'application/json',
			'x-sveltekit-action': 'true',
			origin: server.url
		},
		body: new URLSearchParams(fields).toString()
	});
}

const members: Role[] = ['employee', 'librarian', 'admin'];
const staff: Role[] = ['librarian', 'admin'];
const PROBES: Probe[] = [
	{
		name: 'POST /api/v1/holds (physical)',
		allowed: members,
		call: (c, id) => c.postJson('/api/v1/holds', { publicationId: id })
	},
	{
		name: 'POST /api/v1/holds (digital)',
		allowed: members,
		call: (c, id) => c.postJson('/api/v1/holds', { publicationId: id, kind: 'digital' })
	},
	{
		name: 'POST /api/v1/publications/{id}/borrow',
		allowed: members,
		call: (c, id) => c.postJson(`/api/v1/publications/${id}/borrow`, {})
	},
	{
		name: 'GET /api/v1/items?publicationId=',
		allowed: staff,
		call: (c, id) => c.fetch(`/api/v1/items?publicationId=${id}`)
	},
	{
		name: 'GET /api/v1/items?barcode=',
		allowed: staff,
		call: (c, _id, barcode) => c.fetch(`/api/v1/items?barcode=${barcode}`)
	},
	{
		name: 'POST /api/v1/loans (checkout by barcode)',
		allowed: staff,
		// The probe copy is on loan already: staff learn that; nobody else learns anything.
		call: (c, _id, barcode) => c.postJson('/api/v1/loans', { barcode, nip: EMPLOYEE_NIP })
	},
	{
		name: 'POST /publications/{id}?/hold',
		allowed: members,
		call: (c, id) => action(c, `/publications/${id}?/hold`, { kind: 'physical' })
	},
	{
		name: 'POST /publications/{id}?/borrow',
		allowed: members,
		call: (c, id) => action(c, `/publications/${id}?/borrow`, {})
	}
];

async function answer(res: Promise<Response>): Promise<string> {
	const r = await res;
	return `${r.status} ${await r.text()}`;
}

describe('circulation never reveals a hidden record', () => {
	for (const role of ROLES) {
		it(`${role}: every entry point answers a hidden record exactly like a missing one`, async () => {
			const c = clients[role];
			const report: string[] = [];
			for (const probe of PROBES) {
				const missing = await answer(probe.call(c, MISSING_ID, MISSING_BARCODE));
				for (const f of fixtures) {
					const got = await answer(probe.call(c, f.probe, f.probeBarcode));
					const label = `${probe.name} ${f.access}/${f.state}: ${got}`;
					report.push(label);
					if (!mayKnow(role, f.access, f.state)) {
						expect(got, label).toBe(missing);
					} else if (probe.allowed.includes(role)) {
						// Visible records get a real answer (a hold, a loan, a refusal naming why).
						expect(got, label).not.toBe(missing);
						expect(got, label).not.toContain(' 404 ');
					}
				}
			}
			expect(report).toHaveLength(PROBES.length * fixtures.length);
		});
	}
});

describe("a member's lists show no hidden titles", () => {
	const hiddenFor = (f: Fixture) => !mayKnow('employee', f.access, f.state);

	/** Every visible title of `kind` shows in `text`; no hidden one does. */
	function check(label: string, text: string, kinds: ('lent' | 'held')[]) {
		for (const f of fixtures) {
			for (const title of kinds.map((k) => (k === 'lent' ? f.lentTitle : f.heldTitle))) {
				if (hiddenFor(f)) expect(text, `${label}: ${title}`).not.toContain(title);
				else expect(text, `${label}: ${title}`).toContain(title);
			}
		}
	}

	it('GET /api/v1/loans, GET /api/v1/holds and My loans', async () => {
		const emp = clients.employee;
		check('loans', await (await emp.fetch('/api/v1/loans?status=all')).text(), ['lent']);
		check('holds', await (await emp.fetch('/api/v1/holds')).text(), ['held']);
		const page = await emp.fetch('/account/loans', { headers: { accept: 'text/html' } });
		expect(page.status).toBe(200);
		const html = await page.text();
		check('my loans', html, ['lent', 'held']);
		expect(html).toContain('Record not available to you');
	});

	it('the loans still count: the member sees them (without the title) and may renew or cancel', async () => {
		const emp = clients.employee;
		const { items } = (await (await emp.fetch('/api/v1/loans')).json()) as {
			items: { id: number; publicationId: number; title: string | null }[];
		};
		for (const f of fixtures) {
			const loan = items.find((l) => l.publicationId === f.lent);
			expect(loan, `${f.access}/${f.state}`).toBeDefined();
			expect(loan!.title === null, `${f.access}/${f.state}`).toBe(hiddenFor(f));
			const renewed = await emp.postJson(`/api/v1/loans/${loan!.id}/renew`, {});
			const text = await renewed.text();
			expect(renewed.status, text).toBe(200);
			expect(text.includes(f.lentTitle), text).toBe(!hiddenFor(f));
		}
		const holds = (await (await emp.fetch('/api/v1/holds')).json()).items as {
			id: number;
			publicationId: number;
		}[];
		const hidden = fixtures.find(hiddenFor)!;
		const hold = holds.find((h) => h.publicationId === hidden.held)!;
		const cancelled = await emp.fetch(`/api/v1/holds/${hold.id}`, {
			method: 'DELETE',
			headers: { origin: server.url }
		});
		expect(cancelled.status).toBe(204);
	});

	it('librarians see every title of the member at the desk and over the API', async () => {
		const text = await (
			await clients.librarian.fetch(`/api/v1/loans?nip=${EMPLOYEE_NIP}&status=all`)
		).text();
		for (const f of fixtures) expect(text).toContain(f.lentTitle);
		const desk = await (
			await clients.librarian.fetch(`/staff/circulation?nip=${EMPLOYEE_NIP}`, {
				headers: { accept: 'text/html' }
			})
		).text();
		for (const f of fixtures) expect(desk).toContain(f.lentTitle);
	});

	it('a digital loan of a record that stopped being lendable keeps its title to itself', async () => {
		const lib = clients.librarian;
		const emp = clients.employee;
		const { id } = await record('D', 'lendable', 'published');
		const loan = (await ok(emp.postJson(`/api/v1/publications/${id}/borrow`, {}), 201)) as {
			id: number;
		};
		await ok(
			lib.fetch(`/api/v1/publications/${id}`, {
				method: 'PATCH',
				headers: { 'content-type': 'application/json', origin: server.url },
				body: JSON.stringify({ digitalCopies: 0 })
			}),
			200
		);
		const title = 'Bocor D lendable published';
		expect(await (await emp.fetch('/api/v1/loans?kind=digital')).text()).not.toContain(title);
		expect(
			await (await emp.fetch('/account/loans', { headers: { accept: 'text/html' } })).text()
		).not.toContain(title);
		const back = await emp.postJson(`/api/v1/digital-loans/${loan.id}/return`, {});
		const text = await back.text();
		expect(back.status, text).toBe(200);
		expect(text).not.toContain(title);
	});
});
