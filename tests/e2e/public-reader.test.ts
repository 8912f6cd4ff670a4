import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, afterEach, describe, expect, inject, it } from 'vitest';
import { launchBrowser } from '../helpers/browser.ts';

/** A public reader in real Chromium against the built server with the demo catalog. */
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
	const context = await browser.newContext({ baseURL: base });
	page = await context.newPage();
});
afterEach(async () => {
	await page.context().close();
});

describe('public reader', () => {
	it('sees the home page in Indonesian and switches to English', async () => {
		await page.goto('/');
		expect(await page.getAttribute('html', 'lang')).toBe('id');
		await expect.poll(() => page.locator('h1').textContent()).toContain('Temukan publikasi DJKN');
		const shelf = page.getByTestId('mkn-shelf');
		expect(await shelf.getByTestId('publication-card').count()).toBeGreaterThan(0);
		// Covers are real images rendered from page 1 of each PDF.
		const cover = shelf.locator('img.cover').first();
		await cover.scrollIntoViewIfNeeded();
		await expect
			.poll(() => cover.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth))
			.toBeGreaterThan(100);

		await page.getByTestId('lang-switch').click();
		await page.waitForURL(`${base}/`);
		expect(await page.getAttribute('html', 'lang')).toBe('en');
		expect(await page.locator('h1').textContent()).toContain('Find DJKN publications');
		expect(await page.getByTestId('lang-switch').textContent()).toContain('Bahasa Indonesia');

		// The choice sticks across pages, and can be switched back.
		await page.goto('/catalog');
		expect(await page.locator('h1').textContent()).toBe('Catalog');
		await page.getByTestId('lang-switch').click();
		await page.waitForURL(`${base}/catalog`);
		expect(await page.locator('h1').textContent()).toBe('Katalog');
	});

	it('browses the catalog, filters by type and year, opens a magazine issue and moves to the next issue', async () => {
		await page.goto('/catalog');
		const allCount = await page.getByTestId('result-count').textContent();
		await page.getByTestId('filter-type').selectOption('magazine_issue');
		await page.getByTestId('apply-filters').click();
		await page.waitForURL(/type=magazine_issue/);
		const cards = page.getByTestId('publication-card');
		expect(await cards.count()).toBeGreaterThan(0);
		expect(await page.getByTestId('result-count').textContent()).not.toBe(allCount);
		for (const badge of await cards.locator('.badge').first().allTextContents())
			expect(badge).toBe('Majalah');

		// Pick a year with several issues, so there is a next one.
		const years = await page
			.getByTestId('filter-year')
			.locator('option')
			.evaluateAll((opts) => (opts as HTMLOptionElement[]).map((o) => o.value).filter(Boolean));
		const year = years[years.length - 1];
		await page.getByTestId('filter-year').selectOption(year);
		await page.getByTestId('apply-filters').click();
		await page.waitForURL(new RegExp(`year=${year}`));
		expect(page.url()).toContain('type=magazine_issue');
		const yearCards = page.getByTestId('publication-card');
		expect(await yearCards.count()).toBeGreaterThan(1);
		for (const text of await yearCards.allTextContents()) expect(text).toContain(year);

		// The oldest issue of that year has a next issue.
		await yearCards.last().locator('h3 a').click();
		await page.waitForURL(/\/publications\/\d+$/);
		const detail = page.getByTestId('publication-detail');
		expect(await detail.textContent()).toContain('Media Kekayaan Negara');
		const firstTitle = await page.locator('h1').textContent();
		const firstUrl = page.url();
		await page.getByTestId('next-issue').click();
		await page.waitForURL((u) => u.href !== firstUrl && /\/publications\/\d+$/.test(u.pathname));
		expect(await page.locator('h1').textContent()).not.toBe(firstTitle);
		await page.getByTestId('previous-issue').click();
		await page.waitForURL(firstUrl);
	});

	it('gets 404 for an internal record, with no trace of its title', async () => {
		const res = await page.goto(`/publications/${inject('internalId')}`);
		expect(res?.status()).toBe(404);
		expect(await page.getByTestId('error-page').textContent()).toContain('404');
		const api = await page.request.get(`/api/v1/publications/${inject('internalId')}`);
		expect(api.status()).toBe(404);
	});

	it('searches from the header box', async () => {
		await page.goto('/');
		await page.locator('#site-search').fill('lelang');
		await page.locator('#site-search').press('Enter');
		await page.waitForURL(/\/search\?q=lelang/);
		expect(await page.getByTestId('search-hit').count()).toBeGreaterThan(0);
		expect(await page.getByTestId('search-total').textContent()).toMatch(/\d+ hasil/);
	});
});
