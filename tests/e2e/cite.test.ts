import fs from 'node:fs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { launchBrowser } from '../helpers/browser.ts';
import { publicationId } from '../helpers/db.ts';

/** A public reader cites a record from its page, and exports citations from search results. */
let browser: Browser;
let context: BrowserContext;
let page: Page;
const base = inject('baseUrl');
const dataDir = inject('dataDir');

beforeAll(async () => {
	browser = await launchBrowser();
});
afterAll(async () => {
	await browser?.close();
});
beforeEach(async () => {
	context = await browser.newContext({ baseURL: base, acceptDownloads: true });
	// The Cite dialog writes to the clipboard; the test reads it back.
	await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: base });
	page = await context.newPage();
});
afterEach(async () => {
	await context.close();
});

describe('citations in the browser', () => {
	it('opens Cite on a detail page, copies the BibTeX, and the clipboard holds it', async () => {
		const id = publicationId(
			dataDir,
			`type = 'book' and access = 'public' and status = 'published' and embargo_until is null`
		);
		const expected = (
			await (await page.request.get(`/api/v1/publications/${id}/cite?format=bibtex`)).text()
		).trim();
		expect(expected).toMatch(/^@book\{/);

		await page.goto(`/publications/${id}`);
		const opener = page.getByTestId('cite-open');
		expect(await opener.textContent()).toBe('Kutip');
		await opener.click();
		const dialog = page.getByTestId('cite-dialog');
		await dialog.waitFor();
		expect(await dialog.evaluate((d: HTMLDialogElement) => d.open)).toBe(true);
		expect(await dialog.getByRole('heading', { level: 2 }).textContent()).toBe(
			'Kutip publikasi ini'
		);
		await expect.poll(() => page.getByTestId('cite-text-bibtex').textContent()).toBe(expected);
		// Every format arrived.
		for (const f of ['ris', 'csl-json', 'apa', 'ieee'])
			await page.getByTestId(`cite-text-${f}`).waitFor();

		const copy = page.getByTestId('cite-copy-bibtex');
		await copy.click();
		await expect.poll(() => copy.textContent()).toBe('Disalin');
		expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(expected);
		expect(await page.getByTestId('cite-announcement').textContent()).toContain('BibTeX disalin');

		// Esc closes the dialog and focus returns to the Cite button.
		await page.keyboard.press('Escape');
		await expect.poll(() => dialog.evaluate((d: HTMLDialogElement) => d.open)).toBe(false);
		expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe(
			'cite-open'
		);
	});

	it('speaks English when the reader chose English', async () => {
		await context.addCookies([{ name: 'lang', value: 'en', url: base }]);
		const id = publicationId(
			dataDir,
			`type = 'magazine_issue' and access = 'public' and status = 'published' and embargo_until is null`
		);
		await page.goto(`/publications/${id}`);
		await page.getByTestId('cite-open').click();
		await expect
			.poll(() => page.getByTestId('cite-text-ieee').textContent())
			.toContain('Available:');
		await page.getByTestId('cite-copy-ris').click();
		await expect.poll(() => page.getByTestId('cite-copy-ris').textContent()).toBe('Copied');
		expect(await page.evaluate(() => navigator.clipboard.readText())).toMatch(/^TY {2}- MGZN/);
		await page.getByTestId('cite-close').click();
		await expect
			.poll(() => page.getByTestId('cite-dialog').evaluate((d: HTMLDialogElement) => d.open))
			.toBe(false);
	});

	it('exports the selected search hits, or all on the page, as a citation file', async () => {
		await page.goto('/search?q=lelang');
		const hits = page.getByTestId('search-hit');
		await hits.first().waitFor();
		const selectedButton = page.getByTestId('cite-export-selected');
		await expect.poll(() => selectedButton.isDisabled()).toBe(true);
		await page.getByTestId('cite-select').nth(0).check();
		await page.getByTestId('cite-select').nth(1).check();
		await page.getByTestId('cite-export-format').selectOption('ris');
		const [download] = await Promise.all([page.waitForEvent('download'), selectedButton.click()]);
		expect(download.suggestedFilename()).toBe('djkn-citations.ris');
		const ris = fs.readFileSync((await download.path())!, 'utf8');
		expect(ris.match(/^TY {2}- /gm)).toHaveLength(2);
		const firstTitle = (await hits.nth(0).getByTestId('hit-title').textContent())!.trim();
		expect(ris).toContain(firstTitle.split(':')[0]);

		await page.getByTestId('cite-export-format').selectOption('bibtex');
		const [all] = await Promise.all([
			page.waitForEvent('download'),
			page.getByTestId('cite-export-page').click()
		]);
		expect(all.suggestedFilename()).toBe('djkn-citations.bib');
		const bib = fs.readFileSync((await all.path())!, 'utf8');
		expect(bib.match(/^@\w+\{/gm)).toHaveLength(await hits.count());
	});
});
