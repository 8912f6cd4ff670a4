import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser } from '../helpers/browser.ts';
import { copyDemoData } from '../helpers/demo.ts';
import { DEMO_PASSWORD, ROOT } from '../helpers/env.ts';
import { startServer, type RunningServer } from '../helpers/server.ts';

/**
 * Issue #17's "done when", in Chromium as a librarian: dashboard → Import → the SLiMS CSV →
 * preview counts → confirm → 100 % → report → the record is found by search; the same file
 * again is all skipped; a ZIP of PDFs imports with its sheet; a zip bomb and a path-traversal
 * archive are refused. Its own server: the imported records must not change other browser tests.
 */
const FIXTURES = path.join(ROOT, 'tests', 'fixtures', 'import');
let server: RunningServer;
let browser: Browser;
let page: Page;

beforeAll(async () => {
	server = await startServer(copyDemoData());
	browser = await launchBrowser();
	page = await (await browser.newContext({ baseURL: server.url })).newPage();
}, 60_000);
afterAll(async () => {
	await browser?.close();
	await server?.stop();
});

/** The first title of the SLiMS fixture (its first field, SLiMS quoting). */
function firstTitle(): string {
	const line = fs.readFileSync(path.join(FIXTURES, 'slims-small.csv'), 'utf8').split('\n')[1];
	return /^"([^"]*)"/.exec(line)![1];
}

async function uploadFile(name: string): Promise<void> {
	await page.goto('/staff/import');
	await page.getByTestId('import-file').setInputFiles(path.join(FIXTURES, name));
	await page.getByTestId('import-upload').click();
}

async function confirmAndReport(): Promise<void> {
	await page.getByTestId('import-confirm').click();
	await page.getByTestId('report').waitFor({ timeout: 60_000 });
	expect(await page.getByTestId('import-percent').textContent()).toBe('100%');
}

describe('importing from the browser', () => {
	it('dashboard → Import → SLiMS CSV → preview → confirm → 100% → report → found by search', async () => {
		await page.goto('/login?redirectTo=/staff');
		await page.getByTestId('login-username').fill('pustakawan@perpustakaan.test');
		await page.getByTestId('login-password').fill(DEMO_PASSWORD);
		await page.getByTestId('login-submit').click();
		await page.getByTestId('dash-import').click();
		await page.waitForURL('**/staff/import');
		await page.getByTestId('import-file').setInputFiles(path.join(FIXTURES, 'slims-small.csv'));
		await page.getByTestId('import-upload').click();
		await page.getByTestId('preview').waitFor();
		expect(await page.getByTestId('preview-new').textContent()).toBe('40');
		expect(await page.getByTestId('preview-present').textContent()).toBe('0');
		expect(await page.getByTestId('preview-invalid').textContent()).toBe('0');
		await confirmAndReport();
		expect(await page.getByTestId('report-imported').textContent()).toBe('40');
		expect(await page.getByTestId('report-failed').textContent()).toBe('0');
		expect(await page.getByTestId('report-records').locator('a').count()).toBe(40);

		// The search index is rebuilt once the job is over: the record is found within seconds.
		const title = firstTitle();
		let found = false;
		for (let i = 0; i < 40 && !found; i++) {
			await page.goto(`/search?q=${encodeURIComponent(`"${title}"`)}`);
			found = (await page.getByRole('link', { name: title, exact: true }).count()) > 0;
			if (!found) await page.waitForTimeout(500);
		}
		expect(found).toBe(true);
	}, 90_000);

	it('the same file again: the preview says all present, the report all skipped', async () => {
		await uploadFile('slims-small.csv');
		await page.getByTestId('preview').waitFor();
		expect(await page.getByTestId('preview-new').textContent()).toBe('0');
		expect(await page.getByTestId('preview-present').textContent()).toBe('40');
		await confirmAndReport();
		expect(await page.getByTestId('report-skipped').textContent()).toBe('40');
		expect(await page.getByTestId('report-imported').textContent()).toBe('0');
	}, 60_000);

	it('a ZIP of PDFs imports with the sheet inside it', async () => {
		await uploadFile('pdfs.zip');
		await page.getByTestId('preview').waitFor();
		expect(await page.getByTestId('preview-new').textContent()).toBe('2');
		await confirmAndReport();
		expect(await page.getByTestId('report-imported').textContent()).toBe('2');
		await expect
			.poll(() => page.getByTestId('report-records').textContent())
			.toContain('Gangnam Contoh');
	}, 90_000);

	for (const name of ['bomb.zip', 'traversal.zip'])
		it(`${name} is refused with a message in the interface language`, async () => {
			await uploadFile(name);
			const alert = page.getByTestId('import-error');
			await alert.waitFor();
			expect(await alert.textContent()).toMatch(/ZIP ditolak.*Tidak ada yang diimpor/);
			expect(page.url()).toMatch(/\/staff\/import$/);
		});
});
