import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { launchBrowser } from '../helpers/browser.ts';
import { DEMO_PASSWORD } from '../helpers/env.ts';

/** The e-mail reminder settings on the Account page, in real Chromium against the built server. */
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

describe('e-mail reminder settings', () => {
	it('a member switches reminders off and on and picks the e-mail language', async () => {
		await page.goto('/login', { waitUntil: 'networkidle' });
		await page.getByTestId('login-username').fill('199003202015031003');
		await page.getByTestId('login-password').fill(DEMO_PASSWORD);
		await page.getByTestId('login-submit').click();
		await page.getByTestId('user-menu').waitFor();
		await page.goto('/account');
		const panel = page.getByTestId('mail-preferences');
		// The shared test server has no SMTP settings: the page says mail is not switched on.
		expect(await panel.textContent()).toContain('Pengiriman e-mail belum diaktifkan');
		const box = panel.getByLabel('Kirimi saya pengingat lewat e-mail');
		expect(await box.isChecked()).toBe(true);
		await box.uncheck();
		await panel.getByLabel('Bahasa e-mail').selectOption('en');
		await panel.getByRole('button', { name: 'Simpan' }).click();
		await panel.getByRole('status').waitFor();
		expect(await panel.getByRole('status').textContent()).toBe('Pengaturan pengingat disimpan.');
		await page.reload();
		expect(await panel.getByLabel('Kirimi saya pengingat lewat e-mail').isChecked()).toBe(false);
		expect(await panel.getByLabel('Bahasa e-mail').inputValue()).toBe('en');
		// Back as it was, for the other tests sharing this server.
		await panel.getByLabel('Kirimi saya pengingat lewat e-mail').check();
		await panel.getByLabel('Bahasa e-mail').selectOption('id');
		await panel.getByRole('button', { name: 'Simpan' }).click();
		await panel.getByRole('status').waitFor();
		await page.reload();
		expect(await panel.getByLabel('Kirimi saya pengingat lewat e-mail').isChecked()).toBe(true);
	});
});
