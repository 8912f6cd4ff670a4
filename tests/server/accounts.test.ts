import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openLibraryDb } from '../helpers/db.ts';
import { copyDemoData, libraryEnv } from '../helpers/demo.ts';
import { DEMO_PASSWORD, ROOT } from '../helpers/env.ts';
import { Client } from '../helpers/http.ts';
import { startServer, type RunningServer } from '../helpers/server.ts';

const EMPLOYEE_NIP = '199003202015031003';
const EMPLOYEE2_NIP = '199207112018012004';
let server: RunningServer;

beforeAll(async () => {
	server = await startServer(copyDemoData());
});
afterAll(async () => {
	await server?.stop();
});

const client = (headers: Record<string, string> = {}) => new Client(server.url, headers);
async function auditActions(): Promise<string[]> {
	const db = openLibraryDb(server.dataDir);
	try {
		return ((await db.all('select action from audit_log order by id')) as { action: string }[]).map(
			(r) => r.action
		);
	} finally {
		await db.close();
	}
}

describe('login and sessions', () => {
	it('logs in by NIP or e-mail, answers /me, and logs out', async () => {
		const c = client();
		expect((await c.fetch('/api/v1/me')).status).toBe(401);
		const res = await c.login(EMPLOYEE_NIP, DEMO_PASSWORD);
		expect(res.status).toBe(200);
		const cookie = res.headers.getSetCookie().find((s) => s.startsWith('djkn_session='))!;
		expect(cookie).toMatch(/HttpOnly/i);
		expect(cookie).toMatch(/SameSite=Lax/i);
		expect(cookie).not.toMatch(/Secure/i); // plain http on loopback
		const me = await (await c.fetch('/api/v1/me')).json();
		expect(me).toMatchObject({
			nip: EMPLOYEE_NIP,
			email: 'pegawai@perpustakaan.test',
			role: 'employee',
			memberType: 'employee',
			name: 'Budi Santoso'
		});
		expect(me).not.toHaveProperty('password_hash');

		const byEmail = client();
		expect((await byEmail.login('PEGAWAI@perpustakaan.test ', DEMO_PASSWORD)).status).toBe(200);

		expect((await c.postJson('/api/v1/auth/logout', {})).status).toBe(204);
		expect((await c.fetch('/api/v1/me')).status).toBe(401);
		// The other session is untouched.
		expect((await byEmail.fetch('/api/v1/me')).status).toBe(200);
		const actions = await auditActions();
		expect(actions).toContain('auth.login');
		expect(actions).toContain('auth.logout');
	});

	it('stores only a hash of the session token', async () => {
		const c = client();
		await c.login(EMPLOYEE_NIP, DEMO_PASSWORD);
		const token = c.cookies.get('djkn_session')!;
		expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/); // 256 bits
		const db = openLibraryDb(server.dataDir);
		const rows = (await db.all('select token_hash from sessions')) as { token_hash: string }[];
		await db.close();
		expect(rows.some((r) => r.token_hash === token)).toBe(false);
		expect(rows.every((r) => /^[0-9a-f]{64}$/.test(r.token_hash))).toBe(true);
	});

	it('treats forged and unknown session tokens as anonymous and clears the cookie', async () => {
		for (const forged of ['x'.repeat(43), 'not-a-token', "'; drop table users; --"]) {
			const c = client({ cookie: `djkn_session=${encodeURIComponent(forged)}` });
			const res = await c.fetch('/api/v1/me');
			expect(res.status).toBe(401);
		}
	});

	it('gives the same answer for a wrong password and an unknown NIP, then locks out after five failures', async () => {
		const c = client({ cookie: 'lang=en' });
		const unknown = await c.login('123456789012345678', 'whatever-password');
		const wrong = await c.login(EMPLOYEE2_NIP, 'wrong-password-1');
		expect(unknown.status).toBe(401);
		expect(wrong.status).toBe(401);
		const a = await unknown.json();
		const b = await wrong.json();
		expect(a).toEqual(b);
		expect(a.error).toEqual({
			code: 'invalid_credentials',
			message: 'Wrong NIP/e-mail or password.'
		});

		const started = Date.now();
		let last: Response | undefined;
		for (let i = 2; i <= 5; i++) last = await c.login(EMPLOYEE2_NIP, `wrong-password-${i}`);
		// Failures are answered after growing delays (200 + 400 + 800 ms before the fifth).
		expect(Date.now() - started).toBeGreaterThan(1200);
		expect(last!.status).toBe(429);
		expect((await last!.json()).error.code).toBe('locked_out');
		// Locked: even the right password is refused for now.
		const right = await c.login(EMPLOYEE2_NIP, DEMO_PASSWORD);
		expect(right.status).toBe(429);
		expect((await right.json()).error.message).toMatch(/Try again in \d+ minutes/);
		// An unknown NIP locks the same way, so lockout does not reveal which NIPs exist.
		for (let i = 0; i < 5; i++) await c.login('999999999999999999', 'nope-nope-nope');
		expect((await c.login('999999999999999999', 'nope-nope-nope')).status).toBe(429);
		const actions = await auditActions();
		expect(actions).toContain('auth.login_failed');
		expect(actions).toContain('auth.lockout');
		expect(actions).toContain('auth.locked');
	}, 30_000);

	it('refuses wrong content types, bad JSON and over-long fields with a clear 4xx', async () => {
		const c = client();
		const form = await c.fetch('/api/v1/auth/login', {
			method: 'POST',
			headers: { 'content-type': 'text/plain', origin: server.url },
			body: 'username=x&password=y'
		});
		expect([403, 415]).toContain(form.status);
		const wrongType = await c.fetch('/api/v1/auth/login', {
			method: 'POST',
			headers: { 'content-type': 'application/xml', origin: server.url },
			body: '<login/>'
		});
		expect(wrongType.status).toBe(415);
		expect((await wrongType.json()).error.code).toBe('unsupported_media_type');
		const bad = await c.fetch('/api/v1/auth/login', {
			method: 'POST',
			headers: { 'content-type': 'application/json', origin: server.url },
			body: '{"username":'
		});
		expect(bad.status).toBe(400);
		expect((await bad.json()).error.code).toBe('bad_json');
		const long = await c.login('1'.repeat(5000), 'x');
		expect(long.status).toBe(400);
		const notStrings = await c.postJson('/api/v1/auth/login', { username: 12, password: ['a'] });
		expect(notStrings.status).toBe(400);
	});

	it('refuses cross-site JSON posts and cross-site form posts', async () => {
		const c = client();
		await c.login(EMPLOYEE_NIP, DEMO_PASSWORD);
		const json = await c.postJson('/api/v1/auth/logout', {}, { origin: 'https://evil.example' });
		expect(json.status).toBe(403);
		expect((await json.json()).error.code).toBe('cross_site');
		const form = await c.postForm('/logout', {}, { origin: 'https://evil.example' });
		expect(form.status).toBe(403);
		// Still logged in: nothing changed.
		expect((await c.fetch('/api/v1/me')).status).toBe(200);
	});
});

describe('password changes and logout everywhere', () => {
	it('a password change ends every session; logout everywhere ends them all', async () => {
		const a = client();
		const b = client();
		await a.login('pegawai@perpustakaan.test', DEMO_PASSWORD);
		await b.login('pegawai@perpustakaan.test', DEMO_PASSWORD);
		const wrong = await a.postForm('/account/password', {
			current: 'not-it-at-all',
			password: 'new-password-123',
			confirm: 'new-password-123'
		});
		expect(wrong.status).toBe(400);
		const changed = await a.postForm('/account/password', {
			current: DEMO_PASSWORD,
			password: 'new-password-123',
			confirm: 'new-password-123'
		});
		expect(changed.status).toBe(303);
		expect((await a.fetch('/api/v1/me')).status).toBe(200); // fresh session for the changer
		expect((await b.fetch('/api/v1/me')).status).toBe(401); // everyone else is out
		expect((await client().login('pegawai@perpustakaan.test', DEMO_PASSWORD)).status).toBe(401);
		expect((await b.login('pegawai@perpustakaan.test', 'new-password-123')).status).toBe(200);

		const out = await a.postForm('/account?/logoutEverywhere', {});
		expect(out.status).toBe(303);
		expect((await a.fetch('/api/v1/me')).status).toBe(401);
		expect((await b.fetch('/api/v1/me')).status).toBe(401);
		expect(await auditActions()).toContain('account.password_change');
	});
});

describe('API tokens', () => {
	it('a librarian creates a bearer token, uses it, and revokes it; employees cannot create one', async () => {
		const lib = client();
		await lib.login('pustakawan@perpustakaan.test', DEMO_PASSWORD);
		const created = await lib.postJson('/api/v1/tokens', { name: 'SLiMS sync' });
		expect(created.status).toBe(201);
		const { id, token } = await created.json();
		expect(token).toMatch(/^djkn_/);
		const bearer = new Client(server.url, { authorization: `Bearer ${token}` });
		expect((await (await bearer.fetch('/api/v1/me')).json()).role).toBe('librarian');
		// Bearer calls carry no ambient credentials, so no Origin is needed.
		const list = await (await bearer.fetch('/api/v1/tokens')).json();
		expect(list.items.map((t: { name: string }) => t.name)).toContain('SLiMS sync');
		expect(JSON.stringify(list)).not.toContain(token);

		expect(
			(
				await lib.fetch(`/api/v1/tokens/${id}`, {
					method: 'DELETE',
					headers: { origin: server.url }
				})
			).status
		).toBe(204);
		const revoked = await bearer.fetch('/api/v1/me');
		expect(revoked.status).toBe(401);
		expect((await revoked.json()).error.code).toBe('invalid_token');

		const emp = client();
		await emp.login(EMPLOYEE_NIP, 'new-password-123');
		expect((await emp.postJson('/api/v1/tokens', { name: 'mine' })).status).toBe(403);
		const forged = new Client(server.url, { authorization: 'Bearer djkn_forged' });
		expect((await forged.fetch('/api/v1/publications')).status).toBe(401);
		const actions = await auditActions();
		expect(actions).toContain('token.create');
		expect(actions).toContain('token.revoke');
	});
});

describe('account administration', () => {
	it('an admin creates a librarian who can log in; a role change and deactivation take effect at once', async () => {
		const admin = client({ cookie: 'lang=en' });
		await admin.login('admin@perpustakaan.test', DEMO_PASSWORD);
		const badNip = await admin.postForm('/admin/accounts?/create', {
			name: 'X',
			nip: '12345',
			role: 'librarian',
			memberType: 'staff',
			password: 'long-enough-pass'
		});
		expect(badNip.status).toBe(400);
		const tooLong = await admin.postForm('/admin/accounts?/create', {
			name: 'N'.repeat(250),
			nip: '200001012024011001',
			role: 'librarian',
			memberType: 'staff',
			password: 'long-enough-pass'
		});
		expect(tooLong.status).toBe(400);
		const ok = await admin.postForm('/admin/accounts?/create', {
			name: 'Rina Pustaka',
			nip: '200001012024011001',
			email: 'rina@perpustakaan.test',
			role: 'librarian',
			memberType: 'staff',
			unit: 'Perpustakaan DJKN',
			password: 'rina-password-1'
		});
		expect(ok.status).toBe(200);
		const dup = await admin.postForm('/admin/accounts?/create', {
			name: 'Dup',
			nip: '200001012024011001',
			role: 'employee',
			memberType: 'employee',
			password: 'long-enough-pass'
		});
		expect(dup.status).toBe(409);

		const rina = client();
		expect((await rina.login('200001012024011001', 'rina-password-1')).status).toBe(200);
		expect((await (await rina.fetch('/api/v1/me')).json()).role).toBe('librarian');
		expect((await rina.fetch('/staff', { headers: { accept: 'text/html' } })).status).toBe(200);

		const db = openLibraryDb(server.dataDir);
		const { id } = (await db.get(`select id from users where nip = '200001012024011001'`)) as {
			id: number;
		};
		await db.close();
		expect(
			(
				await admin.postForm(`/admin/accounts/${id}?/update`, {
					role: 'employee',
					memberType: 'employee',
					unit: ''
				})
			).status
		).toBe(200);
		expect((await (await rina.fetch('/api/v1/me')).json()).role).toBe('employee');
		expect((await rina.fetch('/staff', { headers: { accept: 'text/html' } })).status).toBe(403);

		expect((await admin.postForm(`/admin/accounts/${id}?/deactivate`, {})).status).toBe(200);
		expect((await rina.fetch('/api/v1/me')).status).toBe(401);
		expect((await client().login('200001012024011001', 'rina-password-1')).status).toBe(401);

		const reset = await admin.postForm(`/admin/accounts/${id}?/reactivate`, {});
		expect(reset.status).toBe(200);
		const actions = await auditActions();
		for (const a of [
			'account.create',
			'account.role_change',
			'account.deactivate',
			'auth.permission_denied'
		])
			expect(actions).toContain(a);
	});

	it('an employee and a librarian are refused account management; the anonymous are sent to log in', async () => {
		const lib = client();
		await lib.login('pustakawan@perpustakaan.test', DEMO_PASSWORD);
		expect((await lib.fetch('/admin/accounts', { headers: { accept: 'text/html' } })).status).toBe(
			403
		);
		expect(
			(
				await lib.postForm('/admin/accounts?/create', {
					name: 'Sneaky',
					nip: '200001012024011009',
					role: 'admin',
					memberType: 'staff',
					password: 'long-enough-pass'
				})
			).status
		).toBe(403);
		const anon = client();
		const res = await anon.fetch('/admin/accounts', { headers: { accept: 'text/html' } });
		expect(res.status).toBe(303);
		expect(res.headers.get('location')).toBe('/login?redirectTo=%2Fadmin%2Faccounts');
	});
});

describe('user CLI', () => {
	it('creates the first admin from a password on stdin and refuses a malformed NIP', async () => {
		const dataDir = copyDemoData();
		const run = (args: string[], input: string) =>
			spawnSync(process.execPath, ['node_modules/tsx/dist/cli.mjs', 'scripts/user.ts', ...args], {
				cwd: ROOT,
				env: {
					...process.env,
					...libraryEnv(dataDir),
					LANG: 'en_US.UTF-8'
				},
				input,
				encoding: 'utf8'
			});
		const ok = run(
			['create', '--role', 'admin', '--nip', '197001012000031001', '--name', 'Kepala Perpustakaan'],
			'first-admin-pass\n'
		);
		expect(ok.status).toBe(0);
		expect(ok.stdout).toMatch(/created user #\d+ \(admin\)/);
		const bad = run(
			['create', '--role', 'admin', '--nip', '1970', '--name', 'X'],
			'first-admin-pass\n'
		);
		expect(bad.status).toBe(1);
		expect(bad.stderr).toContain('An NIP is exactly 18 digits.');
		const short = run(
			['create', '--role', 'employee', '--nip', '197001012000031002', '--name', 'Y'],
			'short\n'
		);
		expect(short.status).toBe(1);
		const db = openLibraryDb(dataDir);
		const row = (await db.get(
			`select role, password_hash from users where nip = '197001012000031001'`
		)) as { role: string; password_hash: string };
		await db.close();
		expect(row.role).toBe('admin');
		expect(row.password_hash).toMatch(/^scrypt\$/);
	});
});
