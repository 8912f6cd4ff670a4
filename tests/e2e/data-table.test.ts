import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser } from '../helpers/browser.ts';
import { copyDemoData } from '../helpers/demo.ts';
import { DEMO_PASSWORD } from '../helpers/env.ts';
import { addPublication } from '../helpers/fixtures.ts';
import { startServer, type RunningServer } from '../helpers/server.ts';

/**
 * The one table component in real Chromium: a server-sorted header on the accounts page sorts
 * the whole list through the URL (mouse and keyboard), a client-sorted header on the desk sorts
 * in place, and at 375 px the desk's loans become cards that do not scroll sideways. A server of
 * its own, because the desk test lends copies.
 */
const MEMBER_NIP = '199003202015031003';
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

async function loggedIn(username: string, viewport = { width: 1280, height: 900 }): Promise<Page> {
	const page = await (await browser.newContext({ baseURL: server.url, viewport })).newPage();
	await page.goto('/login', { waitUntil: 'networkidle' });
	await page.getByTestId('login-username').fill(username);
	await page.getByTestId('login-password').fill(DEMO_PASSWORD);
	await page.getByTestId('login-submit').click();
	await page.getByTestId('user-menu').waitFor({ timeout: 60_000 });
	return page;
}

const names = (page: Page) =>
	page.$$eval('[data-testid=accounts-table] tbody tr td:first-child', (tds) =>
		tds.map((td) => td.textContent!.trim())
	);

describe('DataTable in the browser', () => {
	it('sorts the accounts by a header, through the URL, with aria-sort', async () => {
		const page = await loggedIn('admin@perpustakaan.test');
		await page.goto('/admin/accounts', { waitUntil: 'networkidle' });
		const th = page.locator('[data-testid=accounts-table] th', { hasText: 'Nama' });
		expect(await th.getAttribute('aria-sort')).toBe('none');
		const before = await names(page);
		expect(before.length).toBeGreaterThan(2);
		const collator = new Intl.Collator('id', { sensitivity: 'base' });
		const ascending = [...before].sort(collator.compare);

		await page.getByTestId('sort-name').click();
		await page.waitForURL(/sort=name&dir=asc/);
		await expect.poll(() => th.getAttribute('aria-sort')).toBe('ascending');
		expect(await names(page)).toEqual(ascending);

		// The keyboard does the same: Enter on the focused header flips the direction.
		await page.getByTestId('sort-name').focus();
		await page.keyboard.press('Enter');
		await page.waitForURL(/sort=name&dir=desc/);
		await expect.poll(() => th.getAttribute('aria-sort')).toBe('descending');
		expect(await names(page)).toEqual([...ascending].reverse());

		// A reload or a shared link shows the same order.
		await page.reload();
		expect(await th.getAttribute('aria-sort')).toBe('descending');
		expect(await names(page)).toEqual([...ascending].reverse());
		await page.context().close();
	});

	it('on a 375 px phone the desk shows loans as cards that do not scroll sideways', async () => {
		const desk = await loggedIn('pustakawan@perpustakaan.test', { width: 375, height: 800 });
		// Two copies with long barcodes and a long title: the widest content a desk row gets.
		const title =
			'Pedoman Teknis Penatausahaan Barang Milik Negara pada Kantor Pelayanan Kekayaan Negara dan Lelang';
		const pub = await addPublication(server.dataDir, { title, file: null });
		for (const barcode of ['DJKN-KPKNL-JAKARTA-000000000001', 'DJKN-KPKNL-JAKARTA-000000000002']) {
			const res = await desk.request.post('/api/v1/items', {
				data: { publicationId: pub, barcode, location: 'Rak A' },
				headers: { origin: server.url }
			});
			expect(res.status()).toBe(201);
		}
		await desk.goto(`/staff/circulation?nip=${MEMBER_NIP}`, { waitUntil: 'networkidle' });
		for (const code of ['DJKN-KPKNL-JAKARTA-000000000002', 'DJKN-KPKNL-JAKARTA-000000000001']) {
			await desk.getByTestId('scan-input').fill(code);
			await desk.getByTestId('scan-input').press('Enter');
			await expect.poll(() => desk.getByTestId('desk-message').textContent()).toContain(code);
		}
		const rows = desk.locator('[data-testid=member-loans] tbody tr');
		await expect.poll(() => rows.count()).toBe(2);

		const layout = await desk.evaluate(() => {
			const td = document.querySelector('[data-testid=member-loans] tbody td')!;
			return {
				scrollWidth: document.documentElement.scrollWidth,
				innerWidth: window.innerWidth,
				widest: Math.max(
					...[
						...document.querySelectorAll('[data-testid=member-loans], [data-testid=member-loans] *')
					].map((e) => e.getBoundingClientRect().right)
				),
				tableScrollWidth: document.querySelector('[data-testid=member-loans]')!.scrollWidth,
				tableClientWidth: document.querySelector('[data-testid=member-loans]')!.clientWidth,
				rowDisplay: getComputedStyle(td.parentElement!).display,
				label: getComputedStyle(td, '::before').content
			};
		});
		// Nothing of the table sticks out of the viewport: no cell, input or button.
		expect(layout.widest).toBeLessThanOrEqual(layout.innerWidth);
		expect(layout.tableScrollWidth).toBeLessThanOrEqual(layout.tableClientWidth);
		// And the desk as a whole does not scroll sideways.
		expect(layout.scrollWidth).toBeLessThanOrEqual(layout.innerWidth);
		expect(layout.rowDisplay).toBe('block');
		expect(layout.label).toBe('"Barcode"');

		// The sort controls stay on a phone; Enter on one sorts the cards in place.
		const barcodes = () =>
			rows.evaluateAll((trs) => trs.map((tr) => tr.querySelector('td code, td')!.textContent!));
		const sortButton = desk.getByTestId('sort-barcode');
		expect(await sortButton.isVisible()).toBe(true);
		await sortButton.focus();
		await desk.keyboard.press('Enter');
		await expect
			.poll(() => desk.locator('th', { has: sortButton }).getAttribute('aria-sort'))
			.toBe('ascending');
		expect((await barcodes()).map((b) => b.trim())).toEqual([
			'DJKN-KPKNL-JAKARTA-000000000001',
			'DJKN-KPKNL-JAKARTA-000000000002'
		]);
		await desk.keyboard.press('Enter');
		expect((await barcodes()).map((b) => b.trim())[0]).toBe('DJKN-KPKNL-JAKARTA-000000000002');
		expect(
			await desk.evaluate(
				() =>
					document.querySelector('[data-testid=member-loans]')!.getBoundingClientRect().right <=
					window.innerWidth
			)
		).toBe(true);
		await desk.context().close();
	});
});
