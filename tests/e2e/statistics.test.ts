import path from 'node:path';
import SQLite from 'better-sqlite3';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser } from '../helpers/browser.ts';
import { copyDemoData } from '../helpers/demo.ts';
import { DEMO_PASSWORD } from '../helpers/env.ts';
import { openReadOnly } from '../helpers/db.ts';
import { startServer, type RunningServer } from '../helpers/server.ts';
import { addDemoHistory } from '../../scripts/demo/history.ts';

/**
 * A librarian opens the statistics from the staff dashboard in Chromium and finds the demo's
 * year of use (added here with the demo's own history generator — the shared test seed leaves it
 * out): charts with their one-sentence summaries and table equivalents, the monthly table, the
 * zero-result searches, a narrower period, and a CSV download.
 */
let server: RunningServer;
let browser: Browser;
let page: Page;

beforeAll(async () => {
	const dataDir = copyDemoData();
	const db = new SQLite(path.join(dataDir, 'perpustakaan.sqlite'));
	addDemoHistory(db, new Date());
	db.close();
	server = await startServer(dataDir);
	browser = await launchBrowser();
	page = await (await browser.newContext({ baseURL: server.url, acceptDownloads: true })).newPage();
	await page.goto('/login', { waitUntil: 'networkidle' });
	await page.getByTestId('login-username').fill('pustakawan@perpustakaan.test');
	await page.getByTestId('login-password').fill(DEMO_PASSWORD);
	await page.getByTestId('login-submit').click();
	await page.getByTestId('user-menu').waitFor({ timeout: 60_000 });
});
afterAll(async () => {
	await browser?.close();
	await server?.stop();
});

describe('statistics page in the browser', () => {
	it('shows a chart of the year with its summary and its table', async () => {
		await page.goto('/staff', { waitUntil: 'networkidle' });
		await page.getByTestId('link-statistics').click();
		await page.getByTestId('stats-heading').waitFor();
		expect(new URL(page.url()).pathname).toBe('/staff/statistics');

		const chart = page.getByTestId('stats-chart-usage');
		await expect(chart.locator('svg[role=img] rect').count()).resolves.toBeGreaterThan(12);
		const summary = await page.getByTestId('stats-summary-usage').textContent();
		expect(summary).toMatch(/Dalam 12 bulan koleksi dilihat [\d.]+ kali/);

		// The chart's table equivalent, opened as a reader would.
		await chart.locator('summary').click();
		const rows = page.getByTestId('stats-chart-table-usage').locator('tbody tr');
		expect(await rows.count()).toBe(12);
		const shown = (await rows.allTextContents()).join(' ');
		// The default period: the 12 Jakarta months up to the current one (the demo's year of
		// history reaches a little into a 13th).
		const now = new Date(Date.now() + 7 * 3600_000);
		const from = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 11, 1))
			.toISOString()
			.slice(0, 7);
		const db = openReadOnly(server.dataDir);
		const views = (
			db
				.prepare(
					`select count(*) n from usage_events where kind = 'view' and strftime('%Y-%m', at, '+7 hours') >= ?`
				)
				.get(from) as { n: number }
		).n;
		db.close();
		const total = Number((summary!.match(/dilihat ([\d.]+) kali/)?.[1] ?? '0').replaceAll('.', ''));
		expect(total).toBe(views);
		expect(shown).toMatch(/\d/);

		// The demo's searches that found nothing are there for the librarian.
		const zero = await page.getByTestId('stats-zero-queries-table').textContent();
		expect(zero).toContain('sertifikasi tanah ulayat');
	});

	it('narrows the period with the month fields and downloads a table as CSV', async () => {
		const month = new Date(Date.now() + 7 * 3600_000).toISOString().slice(0, 7);
		const [y, m] = month.split('-').map(Number);
		const prev = new Date(Date.UTC(y, m - 2, 1)).toISOString().slice(0, 7);
		await page.locator('input[name=from]').fill(prev);
		await page.locator('input[name=to]').fill(month);
		await page.getByTestId('stats-period').locator('button[type=submit]').click();
		await page.waitForURL(/from=/);
		const rows = page.getByTestId('stats-monthly-table').locator('tbody tr');
		expect(await rows.count()).toBe(2);
		expect(await rows.first().locator('th').textContent()).toBe(prev);

		const [download] = await Promise.all([
			page.waitForEvent('download'),
			page.getByTestId('csv-monthly').click()
		]);
		expect(download.suggestedFilename()).toBe(`statistik-monthly-${prev}_${month}.csv`);
		const file = await download.path();
		const bytes = (await import('node:fs')).readFileSync(file!);
		expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
		expect(bytes.toString('utf8').split('\r\n')).toHaveLength(4);
	});
});
