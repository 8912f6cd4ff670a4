import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser } from '../helpers/browser.ts';
import { copyDemoData } from '../helpers/demo.ts';
import { DEMO_PASSWORD } from '../helpers/env.ts';
import { addPublication } from '../helpers/fixtures.ts';
import { startServer, type RunningServer } from '../helpers/server.ts';

/**
 * The circulation desk and "My loans" in real Chromium, on a server of its own (loans change
 * state the other browser tests rely on): scan a NIP, scan a barcode to lend, renew, scan the
 * same barcode to check it in; the employee reserves a title and sees it in "My loans".
 */
const EMPLOYEE_NIP = '199003202015031003';
let server: RunningServer;
let browser: Browser;

beforeAll(async () => {
	server = await startServer(copyDemoData());
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

describe('circulation desk', () => {
	it('lends, renews and checks in with the scanner input alone', async () => {
		const page = await loggedIn('pustakawan@perpustakaan.test');
		await page.goto('/staff/circulation');
		await expect.poll(() => page.getByTestId('desk-member').textContent()).toContain('NIP');
		await scan(page, EMPLOYEE_NIP);
		await page.waitForURL(/nip=199003202015031003/);
		await expect
			.poll(() => page.getByTestId('desk-member').textContent())
			.toContain('Budi Santoso');
		// The input has the focus again: the next scan goes straight in.
		expect(await page.getByTestId('scan-input').evaluate((e) => e === document.activeElement)).toBe(
			true
		);
		await scan(page, 'DJKN-000101');
		await expect
			.poll(() => page.getByTestId('desk-message').textContent())
			.toMatch(/DJKN-000101 dipinjamkan kepada Budi Santoso, jatuh tempo \d{4}-\d\d-\d\d\./);
		await expect
			.poll(() => page.getByTestId('member-loans').textContent())
			.toContain('DJKN-000101');
		await page.getByRole('button', { name: 'Perpanjang' }).click();
		await expect
			.poll(() => page.getByTestId('desk-message').textContent())
			.toMatch(/Pinjaman diperpanjang sampai/);
		await scan(page, 'DJKN-000101');
		await expect
			.poll(() => page.getByTestId('desk-message').textContent())
			.toContain('DJKN-000101 dikembalikan.');
		await expect.poll(() => page.getByTestId('member-loans').count()).toBe(0);
		// A barcode with nobody selected and nothing on loan asks for a member first.
		await page.goto('/staff/circulation');
		await scan(page, 'DJKN-000101');
		await expect
			.poll(() => page.getByTestId('desk-message').textContent())
			.toContain('Pindai NIP anggota terlebih dahulu.');
		await page.context().close();
	});

	it('an employee reserves a title with no free copy and sees it in My loans', async () => {
		const pub = addPublication(server.dataDir, { title: 'Buku satu eksemplar', file: null });
		const desk = await loggedIn('pustakawan@perpustakaan.test');
		const res = await desk.request.post('/api/v1/items', {
			data: { publicationId: pub, barcode: 'E2E-0001' },
			headers: { origin: server.url }
		});
		expect(res.status()).toBe(201);
		await desk.goto(`/staff/circulation?nip=199207112018012004`);
		await scan(desk, 'E2E-0001');
		await expect.poll(() => desk.getByTestId('desk-message').textContent()).toContain('E2E-0001');

		const page = await loggedIn(EMPLOYEE_NIP);
		await page.goto(`/publications/${pub}`);
		await page.getByTestId('reserve').click();
		await expect
			.poll(() => page.getByTestId('lending-message').textContent())
			.toContain('Pesanan tercatat; urutan Anda: 1.');
		await page.goto('/account/loans');
		await expect
			.poll(() => page.getByTestId('my-holds').textContent())
			.toContain('Menunggu — urutan 1');
		// The desk sees the copy go to the hold shelf when it comes back.
		await scan(desk, 'E2E-0001');
		await expect
			.poll(() => desk.getByTestId('desk-message').textContent())
			.toContain('taruh di rak pesanan untuk Budi Santoso');
		await page.reload();
		await expect.poll(() => page.getByTestId('my-holds').textContent()).toContain('Siap diambil');
		await desk.context().close();
		await page.context().close();
	});
});
