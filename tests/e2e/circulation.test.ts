import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser } from '../helpers/browser.ts';
import { copyDemoData } from '../helpers/demo.ts';
import { DEMO_PASSWORD } from '../helpers/env.ts';
import { addPublication } from '../helpers/fixtures.ts';
import { startServer, type RunningServer } from '../helpers/server.ts';

/**
 * The circulation story in real Chromium, on a server of its own (loans change state
 * the other browser tests rely on) whose clock the test can move (FAKE_NOW_FILE):
 * a librarian lends two items to an employee at the desk by typing barcodes and takes one back;
 * the employee sees one open loan, renews it and reserves a title with no free copy; when the
 * librarian checks that copy in, the employee finds it on the hold shelf. Then the employee
 * borrows a restricted digital copy, reads it, and after the loan expires the reader refuses.
 */
const EMPLOYEE_NIP = '199003202015031003';
const EMPLOYEE2_NIP = '199207112018012004';
let server: RunningServer;
let browser: Browser;
let clockFile: string;

beforeAll(async () => {
	const dataDir = copyDemoData();
	clockFile = path.join(dataDir, 'fake-now');
	server = await startServer(dataDir, { FAKE_NOW_FILE: clockFile, ALLOW_FAKE_CLOCK: '1' });
	browser = await launchBrowser();
});
afterAll(async () => {
	await browser?.close();
	await server?.stop();
});

async function loggedIn(username: string): Promise<Page> {
	const page = await (await browser.newContext({ baseURL: server.url })).newPage();
	await page.goto('/login', { waitUntil: 'networkidle' }); // hydrated: the form submits through use:enhance
	await page.getByTestId('login-username').fill(username);
	await page.getByTestId('login-password').fill(DEMO_PASSWORD);
	await page.getByTestId('login-submit').click();
	// Either we are in, or the login page says why not (a clearer failure than a timeout).
	await page
		.locator('[data-testid=user-menu], [data-testid=login-error]')
		.first()
		.waitFor({ timeout: 60_000 });
	if (await page.getByTestId('login-error').count()) {
		throw new Error(`login failed: ${await page.getByTestId('login-error').textContent()}`);
	}
	return page;
}

async function scan(page: Page, code: string) {
	const input = page.getByTestId('scan-input');
	await input.fill(code);
	await input.press('Enter');
}

/** A record with its own copies, made through the librarian's API as a cataloguer would. */
async function titleWithCopies(desk: Page, title: string, barcodes: string[]): Promise<number> {
	const pub = await addPublication(server.dataDir, { title, file: null });
	for (const barcode of barcodes) {
		const res = await desk.request.post('/api/v1/items', {
			data: { publicationId: pub, barcode, location: 'Rak E2E' },
			headers: { origin: server.url }
		});
		expect(res.status()).toBe(201);
	}
	return pub;
}

describe('circulation: desk, My loans, holds and digital lending', () => {
	let desk: Page;
	let member: Page;
	let reserved: number;

	it('the librarian lends two items by typing barcodes and checks one back in', async () => {
		desk = await loggedIn('pustakawan@perpustakaan.test');
		await titleWithCopies(desk, 'Pedoman Penilaian Aset E2E', ['E2E-A1']);
		await titleWithCopies(desk, 'Laporan Lelang E2E', ['E2E-B1']);
		await desk.goto('/staff/circulation');
		await expect.poll(() => desk.getByTestId('desk-member').textContent()).toBeTruthy();
		// A barcode with nobody selected and nothing on loan asks for a member first.
		await scan(desk, 'E2E-A1');
		await expect
			.poll(() => desk.getByTestId('desk-message').textContent())
			.toContain('Pindai NIP anggota terlebih dahulu.');
		await scan(desk, EMPLOYEE_NIP);
		await desk.waitForURL(/nip=199003202015031003/);
		await expect
			.poll(() => desk.getByTestId('desk-member').textContent())
			.toContain('Budi Santoso');
		// Scanner-first: the input has the focus again, so the next scan goes straight in.
		expect(await desk.getByTestId('scan-input').evaluate((e) => e === document.activeElement)).toBe(
			true
		);
		await scan(desk, 'E2E-A1');
		await expect
			.poll(() => desk.getByTestId('desk-message').textContent())
			.toMatch(/E2E-A1 dipinjamkan kepada Budi Santoso, jatuh tempo \d{4}-\d\d-\d\d\./);
		await scan(desk, 'E2E-B1');
		await expect
			.poll(() => desk.getByTestId('desk-message').textContent())
			.toContain('E2E-B1 dipinjamkan kepada Budi Santoso');
		await expect.poll(() => desk.locator('[data-testid=member-loans] tbody tr').count()).toBe(2);
		await scan(desk, 'E2E-B1');
		await expect
			.poll(() => desk.getByTestId('desk-message').textContent())
			.toContain('E2E-B1 dikembalikan.');
		await expect.poll(() => desk.locator('[data-testid=member-loans] tbody tr').count()).toBe(1);
	});

	it('the employee sees one open loan, renews it and reserves a title with no free copy', async () => {
		// The only copy of another title is out with a colleague.
		reserved = await titleWithCopies(desk, 'Kajian Piutang Negara E2E', ['E2E-C1']);
		await desk.goto(`/staff/circulation?nip=${EMPLOYEE2_NIP}`);
		await scan(desk, 'E2E-C1');
		await expect.poll(() => desk.getByTestId('desk-message').textContent()).toContain('E2E-C1');

		member = await loggedIn(EMPLOYEE_NIP);
		await member.goto('/account/loans');
		const rows = member.locator('[data-testid=my-open-loans] tbody tr');
		await expect.poll(() => rows.count()).toBe(1);
		expect(await rows.first().textContent()).toContain('Pedoman Penilaian Aset E2E');
		const dueBefore = (await rows.first().locator('td').nth(2).textContent())!.trim();
		await rows.first().getByRole('button', { name: 'Perpanjang' }).click();
		await expect
			.poll(() => member.getByTestId('loans-message').textContent())
			.toMatch(/Pinjaman diperpanjang sampai \d{4}-\d\d-\d\d\./);
		// Renewed: one renewal on the row (the policy allows one, so no second button).
		await expect.poll(() => rows.first().locator('td').nth(3).textContent()).toBe('1');
		expect((await rows.first().locator('td').nth(2).textContent())!.trim()).not.toBe('');
		expect(dueBefore).toMatch(/\d{4}-\d\d-\d\d/);

		await member.goto(`/publications/${reserved}`);
		expect(await member.getByTestId('lending').textContent()).toContain(
			'0 dari 1 eksemplar tersedia di rak.'
		);
		await member.getByTestId('reserve').click();
		await expect
			.poll(() => member.getByTestId('lending-message').textContent())
			.toContain('Pesanan tercatat; urutan Anda: 1.');
		await member.goto('/account/loans');
		await expect
			.poll(() => member.getByTestId('my-holds').textContent())
			.toContain('Menunggu — urutan 1');
	});

	it('when the librarian checks the copy in, the employee finds it on the hold shelf', async () => {
		await desk.goto('/staff/circulation');
		await scan(desk, 'E2E-C1');
		await expect
			.poll(() => desk.getByTestId('desk-message').textContent())
			.toContain('taruh di rak pesanan untuk Budi Santoso');
		await member.reload();
		await expect.poll(() => member.getByTestId('my-holds').textContent()).toContain('Siap diambil');
	});

	it('the employee borrows a restricted digital copy, reads it, and the reader refuses after expiry', async () => {
		const pub = await addPublication(server.dataDir, {
			title: 'Kajian Terbatas Pinjam Digital E2E',
			access: 'restricted',
			file: { copyOf: 'mkn-2019-01.pdf' }
		});
		const patch = await desk.request.patch(`/api/v1/publications/${pub}`, {
			data: { digitalCopies: 1 },
			headers: { origin: server.url }
		});
		expect(patch.status()).toBe(200);

		await member.goto(`/publications/${pub}`);
		// Seeing is not reading: no read link before the loan.
		expect(await member.getByTestId('read-link').count()).toBe(0);
		await member.getByTestId('borrow-digital').click();
		await expect
			.poll(() => member.getByTestId('lending-message').textContent())
			.toMatch(/Dipinjam secara digital sampai \d{4}-\d\d-\d\d\./);
		await member.getByTestId('read-link').click();
		await member.waitForURL(`**/publications/${pub}/read`);
		await member.locator('[data-testid=reader][data-status=ready]').waitFor({ timeout: 30_000 });
		await member.locator('.page[data-page-number="1"] canvas').first().waitFor();

		// Fifteen days later the 14-day loan has expired.
		fs.writeFileSync(clockFile, new Date(Date.now() + 15 * 86_400_000).toISOString());
		await member.reload();
		const refusal = member.getByTestId('reader-error');
		await refusal.waitFor();
		expect(await refusal.getAttribute('data-error')).toBe('loan_required');
		expect(await refusal.textContent()).toContain('pinjaman digital yang masih berlaku');
		expect(await member.getByTestId('reader').count()).toBe(0);
		// The bytes are refused too, not just the page.
		expect((await member.request.get(`/api/v1/publications/${pub}/file`)).status()).toBe(404);
		fs.rmSync(clockFile);
		await desk.context().close();
		await member.context().close();
	});
});
