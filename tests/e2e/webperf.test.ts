import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { launchBrowser } from '../helpers/browser.ts';
import { idByFileName } from '../helpers/fixtures.ts';

/**
 * Light pages and a fast first page (issue #18), as a public reader sees them in Chromium: the
 * stored page-1 image stands in for the first page until pdf.js has drawn it; the reader page's
 * HTML names pdf.js for preloading (and the browser fetches it once); answers are compressed
 * when the client asks for it and only then; indexable pages describe themselves. Timings are
 * measured by `npm run bench -- web`, not here.
 */
let browser: Browser;
let context: BrowserContext;
const base = inject('baseUrl');
const dataDir = inject('dataDir');
/** mkn-2019-01: public, 7 pages, has a cover. */
let mknId: number;

beforeAll(async () => {
	browser = await launchBrowser();
	mknId = await idByFileName(dataDir, 'mkn-2019-01.pdf');
});

afterAll(async () => {
	await browser?.close();
});

async function newContext(): Promise<BrowserContext> {
	context = await browser.newContext({
		baseURL: base,
		viewport: { width: 1280, height: 800 },
		userAgent: `Mozilla/5.0 HeadlessChrome/${browser.version()} e2e-webperf/${Math.random().toString(36).slice(2)}`
	});
	return context;
}

describe('reader first page', () => {
	it('shows the stored page-1 image at once, then swaps it for the rendered page', async () => {
		const ctx = await newContext();
		const page = await ctx.newPage();
		// Hold the PDF back so the moment before pdf.js can draw is long enough to look at.
		let release!: () => void;
		const held = new Promise<void>((r) => (release = r));
		await page.route(`**/api/v1/publications/${mknId}/file*`, async (route) => {
			await held;
			await route.continue();
		});
		await page.goto(`/publications/${mknId}/read`);
		const placeholder = page.getByTestId('reader-placeholder');
		await expect.poll(() => placeholder.isVisible(), { timeout: 15_000 }).toBe(true);
		expect(await placeholder.getAttribute('src')).toMatch(
			new RegExp(`^/publications/${mknId}/cover\\?v=`)
		);
		// The image itself arrived (the cover route answered it) and has the page's proportions.
		const shown = await placeholder.evaluate((img: HTMLImageElement) => ({
			complete: img.complete,
			natural: img.naturalWidth,
			ratio: img.getBoundingClientRect().width / img.getBoundingClientRect().height
		}));
		expect.soft(shown.complete).toBe(true);
		expect(shown.natural).toBeGreaterThan(0);
		expect(shown.ratio).toBeGreaterThan(0.5);
		expect(shown.ratio).toBeLessThan(1);
		expect(await page.getByTestId('reader').getAttribute('data-status')).toBe('loading');

		release();
		await expect
			.poll(() => page.getByTestId('reader').getAttribute('data-status'), { timeout: 30_000 })
			.toBe('ready');
		expect(await placeholder.count()).toBe(0);
		// The rendered page 1 is there in its place.
		const canvas = page.locator('.pdfViewer .page[data-page-number="1"] canvas');
		await expect.poll(() => canvas.count()).toBeGreaterThan(0);
		await ctx.close();
	});

	it("names pdf.js in the reader page's HTML for preloading, and fetches it once", async () => {
		const ctx = await newContext();
		const html = await (await ctx.request.get(`/publications/${mknId}/read`)).text();
		const preloads = [...html.matchAll(/<link rel="modulepreload" href="([^"]+)"/g)].map(
			(m) => m[1]
		);
		const pdfjs = preloads.find((h) => /\/pdf\.min\.[\w-]+\.mjs$/.test(h));
		const viewer = preloads.find((h) => /\/pdf_viewer\.[\w-]+\.mjs$/.test(h));
		expect(pdfjs).toBeTruthy();
		expect(viewer).toBeTruthy();
		// The worker and the first byte ranges are started from the HTML (app.html's script).
		expect(html).toMatch(
			new RegExp(
				`<meta name="djkn-reader" data-file="/api/v1/publications/${mknId}/file" data-worker="[^"]*pdf\\.worker\\.min\\.[\\w-]+\\.mjs"`
			)
		);

		const page = await ctx.newPage();
		const fetched: string[] = [];
		page.on('request', (r) => fetched.push(new URL(r.url()).pathname));
		await page.goto(`/publications/${mknId}/read`);
		await expect
			.poll(() => page.getByTestId('reader').getAttribute('data-status'), { timeout: 30_000 })
			.toBe('ready');
		expect(fetched.filter((p) => p === pdfjs)).toHaveLength(1);
		expect(fetched.filter((p) => p === viewer)).toHaveLength(1);
		// The worker script too: the preload and the worker share one download.
		expect(fetched.filter((p) => /\/pdf\.worker\.min\.[\w-]+\.mjs$/.test(p))).toHaveLength(1);
		await ctx.close();
	});

	it('points the reader page at its record as the canonical page', async () => {
		const ctx = await newContext();
		const page = await ctx.newPage();
		await page.goto(`/publications/${mknId}/read`);
		expect(await page.locator('link[rel="canonical"]').getAttribute('href')).toBe(
			`${base}/publications/${mknId}`
		);
		await ctx.close();
	});
});

describe('compressed answers', () => {
	it('sends Brotli or gzip when asked for, and plain bytes when not', async () => {
		const ctx = await newContext();
		for (const [asked, expected] of [
			['br', 'br'],
			['gzip', 'gzip'],
			['identity', undefined]
		] as const) {
			for (const path of ['/', '/catalog', '/api/v1/publications']) {
				const res = await ctx.request.get(path, {
					headers: {
						'accept-encoding': asked,
						accept: path.startsWith('/api') ? '*/*' : 'text/html'
					}
				});
				expect(res.status()).toBe(200);
				expect(res.headers()['content-encoding'], `${path} with ${asked}`).toBe(expected);
				expect(res.headers()['vary'].toLowerCase()).toContain('accept-encoding');
			}
		}
		// What the browser itself receives for a page it navigates to.
		const page = await ctx.newPage();
		const res = await page.goto('/catalog');
		const sent = (await res!.request().allHeaders())['accept-encoding'] ?? '';
		expect(sent).toMatch(/gzip|br/);
		expect(['br', 'gzip']).toContain((await res!.allHeaders())['content-encoding']);
		await ctx.close();
	});
});

describe('pages describe themselves', () => {
	it('has a meta description on every indexable page and the reader', async () => {
		const ctx = await newContext();
		const page = await ctx.newPage();
		for (const path of [
			'/',
			'/catalog',
			'/search?q=lelang',
			`/publications/${mknId}`,
			`/publications/${mknId}/read`
		]) {
			await page.goto(path);
			const content = await page.locator('meta[name="description"]').getAttribute('content');
			expect(content?.trim().length, path).toBeGreaterThan(20);
		}
		await ctx.close();
	});
});
