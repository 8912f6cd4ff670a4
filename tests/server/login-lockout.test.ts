import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openLibraryDb } from '../helpers/db.ts';
import { copyDemoData } from '../helpers/demo.ts';
import { DEMO_PASSWORD } from '../helpers/env.ts';
import { Client } from '../helpers/http.ts';
import { startServer, type RunningServer } from '../helpers/server.ts';

/**
 * Brute-force limits hold under concurrency: wrong passwords sent all at once are counted and
 * checked atomically, so no more than the limit are ever verified — for one account (5) and for
 * one client address (20) — and the rest are refused with 429 without a password check. The
 * server trusts X-Forwarded-For here (ADDRESS_HEADER) so each test speaks from its own address.
 */
const EMPLOYEE_NIP = '199003202015031003';
const EMPLOYEE2_NIP = '199207112018012004';
let server: RunningServer;

beforeAll(async () => {
	server = await startServer(copyDemoData(), { ADDRESS_HEADER: 'x-forwarded-for' });
});
afterAll(async () => {
	await server?.stop();
});

/** How many attempts had their password checked and failed (each is audited once). */
async function verifiedFailures(): Promise<number> {
	const db = openLibraryDb(server.dataDir);
	try {
		return (
			(await db.get(`select count(*) as n from audit_log where action = 'auth.login_failed'`)) as {
				n: number;
			}
		).n;
	} finally {
		await db.close();
	}
}

function from(ip: string): Client {
	return new Client(server.url, { cookie: 'lang=en', 'x-forwarded-for': ip });
}

describe('lockout under concurrency', () => {
	it('20 simultaneous wrong passwords for one account: at most 5 are checked, the rest 429', async () => {
		const before = await verifiedFailures();
		const c = from('10.0.0.1');
		const answers = await Promise.all(
			Array.from({ length: 20 }, (_, i) => c.login(EMPLOYEE2_NIP, `wrong-password-${i}`))
		);
		const statuses = answers.map((r) => r.status);
		const unauthorized = statuses.filter((s) => s === 401).length;
		const locked = statuses.filter((s) => s === 429).length;
		expect(unauthorized + locked, statuses.join(' ')).toBe(20);
		expect(unauthorized, statuses.join(' ')).toBeLessThanOrEqual(5);
		expect((await verifiedFailures()) - before, statuses.join(' ')).toBeLessThanOrEqual(5);
		// Locked: the right password is refused too, from this or any other address.
		expect((await c.login(EMPLOYEE2_NIP, DEMO_PASSWORD)).status).toBe(429);
		expect((await from('10.0.0.2').login(EMPLOYEE2_NIP, DEMO_PASSWORD)).status).toBe(429);
	}, 60_000);

	it('30 simultaneous wrong logins from one address: at most 20 are checked, then the address is locked', async () => {
		const before = await verifiedFailures();
		const c = from('10.0.0.3');
		const answers = await Promise.all(
			Array.from({ length: 30 }, (_, i) =>
				c.login(`19800101200001${String(1000 + i)}`, 'wrong-password')
			)
		);
		const statuses = answers.map((r) => r.status);
		expect(statuses.filter((s) => s === 401).length, statuses.join(' ')).toBeLessThanOrEqual(20);
		expect((await verifiedFailures()) - before, statuses.join(' ')).toBeLessThanOrEqual(20);
		expect(statuses.filter((s) => s === 429).length, statuses.join(' ')).toBeGreaterThanOrEqual(10);
		// The address is locked even for a real account with the right password…
		expect((await c.login(EMPLOYEE_NIP, DEMO_PASSWORD)).status).toBe(429);
		// …while the same account still logs in from elsewhere.
		expect((await from('10.0.0.4').login(EMPLOYEE_NIP, DEMO_PASSWORD)).status).toBe(200);
	}, 60_000);

	it('the current-password check of a password change is counted the same way', async () => {
		const c = from('10.0.0.5');
		expect((await c.login('pustakawan@perpustakaan.test', DEMO_PASSWORD)).status).toBe(200);
		const before = await verifiedFailures();
		const answers = await Promise.all(
			Array.from({ length: 12 }, (_, i) =>
				c.postForm('/account/password', {
					current: `wrong-password-${i}`,
					password: 'a-new-password-123',
					confirm: 'a-new-password-123'
				})
			)
		);
		const statuses = answers.map((r) => r.status);
		expect(statuses.filter((s) => s === 400).length, statuses.join(' ')).toBeLessThanOrEqual(5);
		expect(statuses.filter((s) => s === 429).length, statuses.join(' ')).toBeGreaterThanOrEqual(7);
		expect((await verifiedFailures()) - before, statuses.join(' ')).toBeLessThanOrEqual(5);
		const locked = await answers.find((r) => r.status === 429)!.text();
		expect(locked).toMatch(/Try again in \d+ minutes/);
		// The right current password waits out the lock too, and so does a login.
		const right = await c.postForm('/account/password', {
			current: DEMO_PASSWORD,
			password: 'a-new-password-123',
			confirm: 'a-new-password-123'
		});
		expect(right.status).toBe(429);
		expect(
			(await from('10.0.0.6').login('pustakawan@perpustakaan.test', DEMO_PASSWORD)).status
		).toBe(429);
	}, 60_000);
});
