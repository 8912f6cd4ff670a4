import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { launchBrowser } from '../helpers/browser.ts';

/** A public reader searching in Chromium against the built server with the demo catalog. */
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
	// The index is built in the background after start; wait until it serves.
	await expect
		.poll(async () => (await (await page.request.get('/readyz')).json()).checks.search.state, {
			timeout: 30_000
		})
		.toBe('ready');
});
afterEach(async () => {
	await page.context().close();
});

describe('search in the browser', () => {
	it('types in the header box, picks a suggestion, filters by type and year', async () => {
		await page.goto('/');
		await page.locator('#site-search').pressSequentially('Media Keka', { delay: 30 });
		const suggestion = page
			.getByTestId('suggestion')
			.filter({ hasText: 'Media Kekayaan Negara' })
			.first();
		await suggestion.waitFor();
		await suggestion.click();
		await page.waitForURL(/\/series\/media-kekayaan-negara$/);

		await page.locator('#site-search').fill('aset');
		await page.locator('#site-search').press('Enter');
		await page.waitForURL(/\/search\?q=aset/);
		const total = async () =>
			Number(/(\d+)/.exec((await page.getByTestId('search-total').textContent()) ?? '')![1]);
		const all = await total();
		await page
			.getByTestId('facet-type')
			.getByRole('link', { name: /Majalah/ })
			.click();
		await page.waitForURL(/type=magazine_issue/);
		const mags = await total();
		expect(mags).toBeGreaterThan(0);
		expect(mags).toBeLessThan(all);
		const yearLink = page.getByTestId('facet-year').getByTestId('facet-link').first();
		const year = /^(\d{4})/.exec((await yearLink.textContent())!.trim())![1];
		await yearLink.click();
		await page.waitForURL(new RegExp(`year=${year}`));
		expect(await total()).toBeLessThanOrEqual(mags);
		for (const hit of await page.getByTestId('search-hit').all()) {
			const text = await hit.textContent();
			expect(text).toContain('Majalah');
			expect(text).toContain(year);
		}
	});

	it('opens a hit in the reader at the page where the word is, highlighted', async () => {
		await page.goto('/search?q=kalibrasi');
		const hit = page.getByTestId('search-hit').first();
		await hit.waitFor();
		expect(await hit.locator('.snippet mark').first().textContent()).toBe('kalibrasi');
		await hit.getByTestId('hit-page').first().click();
		await page.waitForURL(/\/read\?q=kalibrasi#page=3$/);
		await page.getByTestId('reader').waitFor();
		await expect
			.poll(() => page.getByTestId('page-input').inputValue(), { timeout: 20_000 })
			.toBe('3');
		const highlight = page.locator('.textLayer .highlight').first();
		await highlight.waitFor({ timeout: 20_000 });
		expect((await highlight.textContent())?.toLowerCase()).toContain('kalibrasi');
	});

	it('offers the correction for a typo', async () => {
		await page.goto('/search?q=lelamg');
		const dym = page.getByTestId('did-you-mean');
		await dym.waitFor();
		expect(await dym.textContent()).toContain('lelang');
		await dym.getByRole('link').click();
		await page.waitForURL(/q=lelang/);
		expect(await page.getByTestId('search-hit').count()).toBeGreaterThan(0);
	});

	it('counts the records matching both words, and labels a fallback to some words', async () => {
		const ids = async (q: string) =>
			new Set<number>(
				(await (await page.request.get(`/api/v1/search?q=${q}&pageSize=100`)).json()).hits.map(
					(h: { id: number }) => h.id
				)
			);
		const lelang = await ids('lelang');
		const piutang = await ids('piutang');
		const both = [...lelang].filter((id) => piutang.has(id)).length;
		expect(both).toBeGreaterThan(0);
		expect(both).toBeLessThan(new Set([...lelang, ...piutang]).size);

		await page.goto('/');
		await page.locator('#site-search').fill('lelang piutang');
		await page.locator('#site-search').press('Enter');
		await page.waitForURL(/\/search\?q=lelang/);
		expect(await page.getByTestId('search-total').textContent()).toContain(`${both} hasil`);
		expect(await page.getByTestId('search-fallback').count()).toBe(0);

		await page.goto('/search?q=kalibrasi+piutang');
		const fallback = page.getByTestId('search-fallback');
		await fallback.waitFor();
		expect(await fallback.textContent()).toContain('Tidak ada yang cocok dengan semua kata');
		expect(await page.getByTestId('search-hit').count()).toBeGreaterThan(0);
	});
});
