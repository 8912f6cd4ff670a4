import fs from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openReadOnly } from '../helpers/db.ts';
import { copyDemoData } from '../helpers/demo.ts';
import { DEMO_PASSWORD } from '../helpers/env.ts';
import { addPublication } from '../helpers/fixtures.ts';
import { Client } from '../helpers/http.ts';
import { startServer, type RunningServer } from '../helpers/server.ts';
import { TestSmtp, type Received } from '../helpers/smtp.ts';

/**
 * E-mail reminders end to end: the built server, configured with SMTP settings pointing at a
 * real SMTP server started by this test, scans for due-soon, overdue and hold-ready notices as
 * the test clock moves, and delivers them through its outbox — in each member's language, with a
 * working signed unsubscribe link; kept and retried while the SMTP server refuses connections;
 * never sent twice across a restart; and nothing at all without SMTP settings.
 */
const BUDI = { nip: '199003202015031003', email: 'pegawai@perpustakaan.test' };
const DEWI = { nip: '199207112018012004', email: 'pegawai2@perpustakaan.test' };

let server: RunningServer;
let smtp: TestSmtp;
let dataDir: string;
let clockFile: string;
let lib: Client;
let budi: Client;
let mailEnv: Record<string, string>;

/** Sets the server's clock (test-only FAKE_NOW_FILE). */
function setClock(at: Date | number) {
	fs.writeFileSync(clockFile, new Date(at).toISOString());
}

async function waitFor<T>(
	what: string,
	probe: () => T | undefined | false,
	ms = 30_000
): Promise<T> {
	const deadline = Date.now() + ms;
	for (;;) {
		const v = probe();
		if (v) return v;
		if (Date.now() > deadline)
			throw new Error(`timed out waiting for ${what}\n${server.output().slice(-3000)}`);
		await new Promise((r) => setTimeout(r, 200));
	}
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Rows of the outbox, read straight from the database. */
function outbox(where = '1 = 1', ...params: unknown[]) {
	const db = openReadOnly(dataDir);
	try {
		return db.prepare(`select * from mail_outbox where ${where} order by id`).all(...params) as {
			id: number;
			kind: string;
			ref_id: number;
			user_id: number;
			status: string;
			attempts: number;
			last_error: string | null;
			language: string;
		}[];
	} finally {
		db.close();
	}
}

async function login(who: string, lang = 'id'): Promise<Client> {
	const c = new Client(server.url, { cookie: `lang=${lang}` });
	expect((await c.login(who, DEMO_PASSWORD)).status).toBe(200);
	return c;
}

/** A fresh report with one copy, lent to a member; returns the loan. */
async function lend(title: string, barcode: string, nip: string) {
	const pub = await addPublication(dataDir, { title, file: null });
	expect((await lib.postJson('/api/v1/items', { publicationId: pub, barcode })).status).toBe(201);
	const res = await lib.postJson('/api/v1/loans', { barcode, nip });
	expect(res.status).toBe(201);
	return { pub, loan: (await res.json()) as { id: number; dueAt: string } };
}

const about = (title: string) => (r: Received) => (r.mail.text ?? '').includes(title);

beforeAll(async () => {
	smtp = new TestSmtp();
	await smtp.start();
	dataDir = copyDemoData();
	clockFile = path.join(dataDir, 'fake-now');
	mailEnv = {
		FAKE_NOW_FILE: clockFile,
		ALLOW_FAKE_CLOCK: '1',
		SMTP_HOST: '127.0.0.1',
		SMTP_PORT: String(smtp.port),
		MAIL_FROM: 'Perpustakaan DJKN <perpustakaan@djkn.test>',
		MAIL_INTERVAL: '1',
		MAIL_RETRY_SECONDS: '1'
	};
	server = await startServer(dataDir, mailEnv);
	lib = await login('pustakawan@perpustakaan.test');
	budi = await login(BUDI.nip, 'en');
});
afterAll(async () => {
	await server?.stop();
	await smtp?.stop();
});

describe('reminders by e-mail', () => {
	let alpha: { pub: number; loan: { id: number; dueAt: string } };
	let beta: { pub: number; loan: { id: number; dueAt: string } };

	it('a member chooses English for their e-mails on the account page', async () => {
		const page = await (await budi.fetch('/account')).text();
		expect(page).toContain('E-mail reminders');
		const res = await budi.postForm('/account?/mailPreferences', {
			reminders: 'on',
			language: 'en'
		});
		expect(res.status).toBe(200);
		expect(await res.text()).toContain('Reminder settings saved.');
		const bad = await budi.postForm('/account?/mailPreferences', { language: 'fr' });
		expect(bad.status).toBe(400);
	});

	it('sends nothing while a loan is not yet due soon', async () => {
		alpha = await lend('Laporan Pengingat Alfa', 'MAIL-A1', BUDI.nip);
		beta = await lend('Laporan Pengingat Beta', 'MAIL-B1', DEWI.nip);
		await sleep(2500);
		expect(
			outbox('ref_id in (?, ?) and kind != ?', alpha.loan.id, beta.loan.id, 'hold_ready')
		).toEqual([]);
		expect(smtp.received.filter(about('Laporan Pengingat'))).toEqual([]);
	});

	it('two days before the due date each member gets a due-soon notice in their language', async () => {
		setClock(Date.parse(alpha.loan.dueAt) - 30 * 3_600_000);
		const en = await waitFor('the English due-soon mail', () =>
			smtp.to(BUDI.email).find(about('Laporan Pengingat Alfa'))
		);
		expect(en.mail.subject).toMatch(/^Reminder: your loan is due on \w+day, \d{1,2} \w+ \d{4}$/);
		expect(en.mail.from?.text).toContain('perpustakaan@djkn.test');
		expect(en.mail.text).toContain('Dear Budi Santoso');
		expect(en.mail.text).toContain('"Laporan Pengingat Alfa" (barcode MAIL-A1)');
		expect(en.mail.text).toContain(`${server.url}/account/loans`);
		expect(en.mail.text).toMatch(
			new RegExp(`${server.url}/mail/unsubscribe\\?u=\\d+&t=[\\w-]{43}`)
		);
		expect(en.raw).toMatch(/^List-Unsubscribe: <http:\S+\/mail\/unsubscribe\?u=\d+&t=[\w-]{43}>/m);
		expect(en.raw).toMatch(/^List-Unsubscribe-Post: List-Unsubscribe=One-Click/m);

		setClock(Date.parse(beta.loan.dueAt) - 30 * 3_600_000);
		const id = await waitFor('the Indonesian due-soon mail', () =>
			smtp.to(DEWI.email).find(about('Laporan Pengingat Beta'))
		);
		expect(id.mail.subject).toMatch(/^Pengingat: pinjaman jatuh tempo \w+, \d{1,2} \w+ \d{4}$/);
		expect(id.mail.text).toContain('Yth. Dewi Lestari');
		expect(id.mail.text).toContain('Berhenti menerima pengingat:');
		expect(outbox('kind = ? and ref_id = ?', 'due_soon', beta.loan.id)).toMatchObject([
			{ status: 'sent', attempts: 1, language: 'id' }
		]);
	});

	it('the signed unsubscribe link works without a login; a forged one does nothing', async () => {
		const { mail } = smtp.to(DEWI.email).find(about('Laporan Pengingat Beta'))!;
		const link = /http:\S+\/mail\/unsubscribe\?\S+/.exec(mail.text ?? '')?.[0];
		if (!link) throw new Error(`no unsubscribe link in:\n${mail.text}`);
		const url = new URL(link);
		const anon = new Client(server.url);
		const page = await anon.fetch(url.pathname + url.search);
		expect(page.status).toBe(200);
		const html = await page.text();
		// Opening the link only asks (link previews must not unsubscribe anybody).
		expect(html).toContain('Hentikan pengingat e-mail untuk p***@perpustakaan.test?');
		const forged = url.search.replace(/t=./, (m) => (m === 't=A' ? 't=B' : 't=A'));
		expect(await (await anon.fetch(url.pathname + forged)).text()).toContain(
			'Tautan berhenti berlangganan ini tidak valid'
		);
		const other = url.search.replace(/u=\d+/, 'u=1');
		const refused = await fetch(`${server.url}${url.pathname}${other}`, {
			method: 'POST',
			headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' },
			body: 'List-Unsubscribe=One-Click'
		});
		expect(refused.status).toBe(400);
		// RFC 8058 one-click: the mail provider POSTs from its own servers, without an Origin.
		const done = await fetch(`${server.url}${url.pathname}${url.search}`, {
			method: 'POST',
			headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' },
			body: 'List-Unsubscribe=One-Click'
		});
		expect(done.status).toBe(200);
		expect(await done.text()).toContain('Anda tidak akan lagi menerima pengingat e-mail.');
		const db = openReadOnly(dataDir);
		try {
			const rows = db
				.prepare('select email, mail_reminders from users where email in (?, ?)')
				.all(BUDI.email, DEWI.email);
			expect(rows).toEqual(
				expect.arrayContaining([
					{ email: DEWI.email, mail_reminders: 0 },
					{ email: BUDI.email, mail_reminders: 1 }
				])
			);
		} finally {
			db.close();
		}
	});

	it('overdue: a subscribed member is told once, an unsubscribed one receives nothing', async () => {
		const before = smtp.to(DEWI.email).length;
		setClock(Math.max(Date.parse(alpha.loan.dueAt), Date.parse(beta.loan.dueAt)) + 26 * 3_600_000);
		const en = await waitFor('the English overdue mail', () =>
			smtp
				.to(BUDI.email)
				.find((r) => about('Laporan Pengingat Alfa')(r) && /overdue/.test(r.mail.subject ?? ''))
		);
		expect(en.mail.subject).toMatch(/^Your loan has been overdue since /);
		expect(en.mail.text).toContain('was due on');
		await sleep(3000);
		expect(smtp.to(DEWI.email).length).toBe(before);
		expect(
			outbox(
				'user_id = (select id from users where email = ?) and status = ?',
				DEWI.email,
				'pending'
			)
		).toEqual([]);
		expect(outbox('kind = ? and ref_id = ?', 'overdue', alpha.loan.id)).toHaveLength(1);
	});

	it('while the SMTP server refuses connections the notice waits with its error, and leaves once it is back', async () => {
		await smtp.stop();
		// A copy lent to Dewi, held by Budi, returned: Budi's hold is ready.
		const gamma = await lend('Laporan Pengingat Gama', 'MAIL-C1', DEWI.nip);
		const hold = await budi.postJson('/api/v1/holds', { publicationId: gamma.pub });
		expect(hold.status).toBe(201);
		const holdId = (await hold.json()).id as number;
		expect((await lib.postJson(`/api/v1/loans/${gamma.loan.id}/return`, {})).status).toBe(200);
		// The test clock stands still unless moved: let time pass, so retries come due.
		const tick = () => setClock(Date.parse(fs.readFileSync(clockFile, 'utf8')) + 20_000);
		const failing = await waitFor('two failed attempts', () => {
			tick();
			const [row] = outbox('kind = ? and ref_id = ?', 'hold_ready', holdId);
			return row && row.attempts >= 2 && row.status === 'pending' ? row : undefined;
		});
		expect(failing.status).toBe('pending');
		expect(failing.last_error).toMatch(/ECONNREFUSED|connect/i);
		expect(smtp.to(BUDI.email).filter(about('Laporan Pengingat Gama'))).toEqual([]);

		await smtp.start(smtp.port);
		const ready = await waitFor('the hold-ready mail after the server came back', () => {
			tick();
			return smtp.to(BUDI.email).find(about('Laporan Pengingat Gama'));
		});
		expect(ready.mail.subject).toBe('Your hold is ready for pickup');
		expect(ready.mail.text).toContain('"Laporan Pengingat Gama" (barcode MAIL-C1)');
		await waitFor(
			'the row marked sent',
			() => outbox('kind = ? and ref_id = ?', 'hold_ready', holdId)[0]?.status === 'sent'
		);
	});

	it('a restart sends nothing twice', async () => {
		const sentBefore = outbox('status = ?', 'sent').length;
		const receivedBefore = smtp.received.length;
		await server.stop();
		server = await startServer(dataDir, mailEnv);
		await sleep(4000);
		expect(outbox('status = ?', 'sent').length).toBe(sentBefore);
		expect(smtp.received.length).toBe(receivedBefore);
		const ids = smtp.received.map((r) => r.mail.messageId);
		expect(new Set(ids).size).toBe(ids.length);
		expect(ids.every((id) => /^<outbox-\d+@djkn\.test>$/.test(id ?? ''))).toBe(true);
	});

	it('a crash between "accepted" and "marked sent" sends that one notice again, with the same Message-ID', async () => {
		// At-least-once for that window (see outbox.ts): what a SIGKILL right after the SMTP
		// server's "250 OK" leaves behind is a row still `sending`.
		await server.stop();
		const [row] = outbox('kind = ?', 'hold_ready');
		const first = smtp.received.find((r) => r.mail.messageId === `<outbox-${row.id}@djkn.test>`);
		expect(first).toBeTruthy();
		const db = new SQLite(path.join(dataDir, 'perpustakaan.sqlite'));
		try {
			db.prepare(`update mail_outbox set status = 'sending', sent_at = null where id = ?`).run(
				row.id
			);
		} finally {
			db.close();
		}
		const before = smtp.received.length;
		server = await startServer(dataDir, mailEnv);
		const again = await waitFor('the interrupted notice sent again', () =>
			smtp.received.slice(before).find((r) => r.mail.messageId === first!.mail.messageId)
		);
		expect(again.mail.subject).toBe(first!.mail.subject);
		await waitFor('the row marked sent', () => outbox('id = ?', row.id)[0]?.status === 'sent');
		expect(outbox('id = ?', row.id)[0].attempts).toBe(row.attempts + 1);
		expect(server.output()).toContain('rows interrupted while sending are queued again');
		expect(smtp.received.length).toBe(before + 1);
	});

	it('without SMTP settings reminders are off: nothing is queued', async () => {
		await server.stop();
		const { SMTP_HOST: _h, SMTP_PORT: _p, ...noMail } = mailEnv;
		server = await startServer(dataDir, noMail);
		lib = await login('pustakawan@perpustakaan.test');
		const delta = await lend('Laporan Pengingat Delta', 'MAIL-D1', BUDI.nip);
		setClock(Date.parse(delta.loan.dueAt) - 30 * 3_600_000);
		await sleep(3000);
		expect(outbox('ref_id = ? and kind != ?', delta.loan.id, 'hold_ready')).toEqual([]);
		expect(server.output()).toContain('reminders are off');
	});
});
