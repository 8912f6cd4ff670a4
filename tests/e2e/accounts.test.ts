import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { launchBrowser } from '../helpers/browser.ts';
import { DEMO_PASSWORD } from '../helpers/env.ts';

/** Employees, librarians and admins in real Chromium against the built server. */
let browser: Browser;
let page: Page;
const base = inject('baseUrl');

beforeAll(async () => {
	browser = await launchBrowser();
});
afterAll(async () => {
	await browser?.close();
});
beforeEach(async () => {
	page = await (await browser.newContext({ baseURL: base })).newPage();
});
afterEach(async () => {
	await page.context().close();
});

async function logIn(username: string, password: string) {
	await page.goto('/login', { waitUntil: 'networkidle' }); // hydrated: the form submits through use:enhance
	await page.getByTestId('login-username').fill(username);
	await page.getByTestId('login-password').fill(password);
	await page.getByTestId('login-submit').click();
}

describe('accounts in the browser', () => {
	it('an employee logs in with the NIP and sees an internal record the public cannot', async () => {
		const internal = `/publications/${inject('internalId')}`;
		expect((await page.goto(internal))?.status()).toBe(404);
		await logIn('199003202015031003', DEMO_PASSWORD);
		await page.getByTestId('user-menu').waitFor();
		expect(await page.getByTestId('user-menu').textContent()).toBe('Budi Santoso');
		const res = await page.goto(internal);
		expect(res?.status()).toBe(200);
		expect(await page.getByTestId('publication-detail').textContent()).toContain('Internal');
		await page.getByTestId('logout').click();
		await page.getByTestId('login-link').waitFor();
		expect((await page.goto(internal))?.status()).toBe(404);
	});

	it('five wrong passwords lock the account with a clear message', async () => {
		await page.goto('/login');
		for (let i = 1; i <= 5; i++) {
			await page.getByTestId('login-username').fill('pegawai2@perpustakaan.test');
			await page.getByTestId('login-password').fill(`salah-${i}-sandi`);
			await page.getByTestId('login-submit').click();
			await page.getByTestId('login-error').waitFor();
			await expect
				.poll(() => page.getByTestId('login-submit').isEnabled(), { timeout: 10_000 })
				.toBe(true);
		}
		expect(await page.getByTestId('login-error').textContent()).toMatch(
			/Terlalu banyak percobaan masuk yang gagal\. Coba lagi dalam \d+ menit\./
		);
		// The right password is refused while locked.
		await page.getByTestId('login-password').fill(DEMO_PASSWORD);
		await page.getByTestId('login-submit').click();
		await expect
			.poll(() => page.getByTestId('login-error').textContent())
			.toMatch(/Terlalu banyak/);
		expect(page.url()).toContain('/login');
	}, 40_000);

	it('a librarian reaches the librarian area; an employee gets the 403 page', async () => {
		await logIn('pustakawan@perpustakaan.test', DEMO_PASSWORD);
		await page.getByTestId('user-menu').waitFor();
		await page.getByRole('link', { name: 'Ruang Pustakawan' }).click();
		await page.getByTestId('staff-heading').waitFor();
		expect(page.url()).toBe(`${base}/staff`);
		await page.context().clearCookies();

		await logIn('199003202015031003', DEMO_PASSWORD);
		await page.getByTestId('user-menu').waitFor();
		expect(await page.getByRole('link', { name: 'Ruang Pustakawan' }).count()).toBe(0);
		const res = await page.goto('/staff');
		expect(res?.status()).toBe(403);
		expect(await page.getByTestId('error-page').textContent()).toContain(
			'Anda tidak memiliki hak untuk melakukan ini.'
		);
	});

	it('an admin creates a librarian account which can then log in', async () => {
		await logIn('admin@perpustakaan.test', DEMO_PASSWORD);
		await page.getByTestId('user-menu').waitFor();
		await page.goto('/admin/accounts');
		const form = page.getByTestId('create-account');
		await form.locator('input[name=name]').fill('Andi Katalog');
		await form.locator('input[name=nip]').fill('199512312020121001');
		await form.locator('input[name=email]').fill('andi@perpustakaan.test');
		await form.locator('select[name=role]').selectOption('librarian');
		await form.locator('select[name=memberType]').selectOption('staff');
		await form.locator('input[name=password]').fill('andi-sandi-awal');
		await form.locator('input[name=mustChange]').uncheck();
		await form.locator('button[type=submit]').click();
		await page.getByTestId('account-created').waitFor();
		expect(await page.getByTestId('accounts-table').textContent()).toContain('Andi Katalog');
		await page.context().clearCookies();

		await logIn('199512312020121001', 'andi-sandi-awal');
		await page.getByTestId('user-menu').waitFor();
		expect(await page.getByTestId('user-menu').textContent()).toBe('Andi Katalog');
		await page.goto('/staff');
		await page.getByTestId('staff-heading').waitFor();
	});
});
