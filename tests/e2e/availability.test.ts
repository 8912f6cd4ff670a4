import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser } from '../helpers/browser.ts';
import { copyDemoData } from '../helpers/demo.ts';
import { ROOT } from '../helpers/env.ts';
import { Client } from '../helpers/http.ts';
import { startServer, type RunningServer } from '../helpers/server.ts';

/**
 * Issue #18's "done when", as a public reader in real Chromium: on a catalog that also holds
 * metadata-only records from a SLiMS migration (physical books, no PDF), searching `lelang`
 * mixes those with readable documents; the "Available online" filter leaves only hits that open
 * in the reader — every one of them does.
 */
const ROWS = 30;
let server: RunningServer;
let browser: Browser;
let page: Page;

/** A small SLiMS bibliography export: books about auctions, each with copies on a shelf. */
function slimsCsv(): string {
	const lines = [
		'"title","gmd_name","edition","isbn_issn","publisher_name","publish_year","collation","series_title","call_number","language_name","place_name","classification","notes","image","sor","authors","topics","item_code",'
	];
	for (let i = 1; i <= ROWS; i++)
		lines.push(
			[
				`Lelang Barang Milik Negara: panduan ${i}`,
				'Text',
				'',
				'',
				'Direktorat Jenderal Kekayaan Negara',
				String(2000 + (i % 20)),
				'x, 120 hlm.',
				'',
				`346.07 LEL p${i}`,
				'Indonesia',
				'Jakarta',
				'346.07',
				'',
				'',
				'',
				`<Penulis ${i}>`,
				'<Lelang>',
				`<LEL${String(i).padStart(4, '0')}>`
			]
				.map((v) => `"${v}"`)
				.join(',')
		);
	return lines.join('\r\n') + '\r\n';
}

beforeAll(async () => {
	const dataDir = copyDemoData();
	const file = `${dataDir}-slims.csv`;
	fs.writeFileSync(file, slimsCsv());
	// The import CLI, exactly as a librarian migrating from SLiMS runs it.
	const r = spawnSync(
		process.execPath,
		['node_modules/tsx/dist/cli.mjs', 'scripts/import.ts', '--slims', file],
		{ cwd: ROOT, env: { ...process.env, DATA_DIR: dataDir, LOG_LEVEL: 'warn' }, encoding: 'utf8' }
	);
	expect(r.status, `${r.stdout}\n${r.stderr}`).toBe(0);
	server = await startServer(dataDir);
	const c = new Client(server.url);
	const deadline = Date.now() + 90_000;
	for (;;) {
		const ready = await (await c.fetch('/readyz')).json();
		if (ready.checks.search.state === 'ready') break;
		if (Date.now() > deadline) throw new Error(`index not ready: ${JSON.stringify(ready.checks)}`);
		await new Promise((res) => setTimeout(res, 250));
	}
	browser = await launchBrowser();
	const context = await browser.newContext({ baseURL: server.url });
	page = await context.newPage();
}, 180_000);

afterAll(async () => {
	await browser?.close();
	await server?.stop();
});

/** The ids of the hits on the result pages, following "next" to the end. */
async function allHitIds(): Promise<number[]> {
	const ids: number[] = [];
	for (;;) {
		const hrefs = await page
			.getByTestId('hit-title')
			.evaluateAll((as) => (as as HTMLAnchorElement[]).map((a) => a.getAttribute('href')!));
		ids.push(...hrefs.map((h) => Number(/\/publications\/(\d+)/.exec(h)![1])));
		const next = page.locator('.pager a[rel=next]');
		if ((await next.count()) === 0) return ids;
		const url = page.url();
		await next.click();
		await page.waitForURL((u) => u.toString() !== url);
	}
}

describe('a public reader finds what can be read online', () => {
	it('searches lelang, filters "Available online", and every hit opens in the reader', async () => {
		await page.goto('/');
		await page.locator('#site-search').fill('lelang');
		await page.locator('#site-search').press('Enter');
		await page.waitForURL(/\/search\?q=lelang/);
		const hits = page.getByTestId('search-hit');
		await hits.first().waitFor();
		// Before filtering: migrated books without a file are among the hits, and say where they are.
		const shelfOnly = hits.filter({ has: page.getByTestId('avail-shelf') }).filter({
			hasNot: page.getByTestId('avail-online')
		});
		expect(await shelfOnly.count()).toBeGreaterThan(0);
		expect(await shelfOnly.first().getByTestId('avail-shelf').textContent()).toMatch(
			/Di rak: 1 dari 1 tersedia/
		);
		const totalBefore = await page.getByTestId('search-total').textContent();

		const facet = page.getByTestId('facet-availability');
		const online = facet.getByTestId('facet-link').filter({ hasText: 'Tersedia daring' });
		const count = Number(/\((\d+)\)/.exec((await online.textContent()) ?? '')![1]);
		expect(count).toBeGreaterThan(0);
		await online.click();
		await page.waitForURL(/availability=online/);
		await expect.poll(() => page.getByTestId('search-total').textContent()).not.toBe(totalBefore);
		expect(await page.getByTestId('filter-chip').allTextContents()).toEqual([
			expect.stringContaining('Tersedia daring')
		]);
		// Every hit on the filtered pages carries the "read online" badge…
		for (const hit of await page.getByTestId('search-hit').all())
			expect(await hit.getByTestId('avail-online').count()).toBe(1);
		const ids = await allHitIds();
		expect(ids.length).toBe(count);
		console.log(`availability e2e: ${count} hits readable online, each opened in the reader`);

		// …and opens in the reader: the first page painted, no error.
		for (const id of ids) {
			await page.goto(`/publications/${id}/read`);
			await page.locator('[data-testid=reader][data-status=ready]').waitFor({ timeout: 30_000 });
			expect(await page.getByTestId('reader-error').count()).toBe(0);
		}
	}, 300_000);

	it('the home page leads with documents readable online', async () => {
		await page.goto('/');
		const sections = await page
			.locator('main section[data-testid]')
			.evaluateAll((els) => els.map((e) => e.getAttribute('data-testid')));
		expect(sections.indexOf('readable-shelf')).toBeLessThan(sections.indexOf('newest'));
		expect(sections.indexOf('readable-shelf')).toBeLessThan(sections.indexOf('mkn-shelf'));
		const cards = page.getByTestId('readable-shelf').getByTestId('publication-card');
		expect(await cards.count()).toBeGreaterThan(0);
		for (const card of await cards.all())
			expect(await card.getByTestId('avail-online').count()).toBe(1);
		// The newest additions are the migrated books: they say they are on the shelf.
		const newest = page.getByTestId('newest').getByTestId('publication-card');
		expect(await newest.first().getByTestId('avail-shelf').textContent()).toContain('Di rak');
	}, 60_000);

	it('a migrated book shows its call number, location and copies on its record page', async () => {
		await page.goto('/search?q=lelang&availability=shelf&sort=newest');
		const hit = page
			.getByTestId('search-hit')
			.filter({ hasText: 'Lelang Barang Milik Negara: panduan' })
			.first();
		await hit.getByTestId('hit-title').click();
		await page.waitForURL(/\/publications\/\d+$/);
		const block = page.getByTestId('availability');
		await block.waitFor();
		expect(await block.getByTestId('avail-shelf').textContent()).toMatch(
			/Di rak: 1 dari 1 tersedia.*Nomor panggil: 346\.07 LEL p\d+/s
		);
		expect(await block.getByTestId('avail-online').count()).toBe(0);
		expect(await page.getByTestId('read-link').count()).toBe(0);
	}, 60_000);
});
