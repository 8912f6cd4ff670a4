import fs from 'node:fs';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { buildReaderPdf } from '../../scripts/bench/reader-pdf.ts';
import { launchBrowser } from '../helpers/browser.ts';
import { CORPUS_DIR, DEMO_PASSWORD } from '../helpers/env.ts';
import { addPublication, idByFileName, usageCount } from '../helpers/fixtures.ts';

/**
 * The pdf.js reader in real Chromium against the built server: painting, page box, find,
 * deep links, phone width, sidebar (thumbnails, outline), links in the PDF, error states, the
 * login prompt, progress — and no Content-Security-Policy violation anywhere.
 */
let browser: Browser;
const base = inject('baseUrl');
const dataDir = inject('dataDir');
/** mkn-2019-01: public; "kalibrasi" on page 3 only; 7 pages. */
let mknId: number;
const fixtures = {} as Record<
	'outline' | 'damaged' | 'locked' | 'missing' | 'noFile' | 'readOnly',
	number
>;

/** Everything the page reported that would mean a broken reader. */
interface Problems {
	csp: string[];
	errors: string[];
}
const open: { context: BrowserContext; problems: Problems }[] = [];

/** A fresh browser context (optionally logged in) that records CSP violations and errors. */
async function newPage(
	opts: { viewport?: { width: number; height: number }; user?: string } = {}
): Promise<{ page: Page; problems: Problems }> {
	const context = await browser.newContext({
		baseURL: base,
		viewport: opts.viewport ?? { width: 1280, height: 800 },
		// Each context is its own visitor: other test files open the same issues within the
		// 30-second window in which repeat views by one visitor count once.
		userAgent: `Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/${browser.version()} Safari/537.36 e2e/${Math.random().toString(36).slice(2)}`
	});
	const problems: Problems = { csp: [], errors: [] };
	open.push({ context, problems });
	await context.exposeFunction('__reportCsp', (v: string) => problems.csp.push(v));
	await context.addInitScript(() => {
		document.addEventListener('securitypolicyviolation', (e) => {
			(window as unknown as { __reportCsp: (v: string) => void }).__reportCsp(
				`${e.violatedDirective} ${e.blockedURI}`
			);
		});
	});
	context.on('console', (msg) => {
		const text = msg.text();
		if (/content security policy|refused to/i.test(text)) problems.csp.push(text);
		// pdf.js logs (and recovers from) a race when a page is re-rendered at a new zoom before
		// its text layer finished: the links it inferred from text are added on the next render.
		else if (msg.type() === 'error' && !/status of 40[34]|^#injectLinkAnnotations/.test(text))
			problems.errors.push(text);
	});
	context.on('weberror', (e) => problems.errors.push(e.error().message));
	context.on('response', (res) => {
		const url = new URL(res.url());
		// pdf.js data files (fonts, CMaps) must come from this origin and exist; nothing else
		// may be fetched from another origin (no CDN).
		if (url.pathname.startsWith('/pdfjs/') && res.status() !== 200)
			problems.errors.push(`${res.status()} ${url.pathname}`);
		if (url.origin !== base) problems.errors.push(`request to another origin: ${url.href}`);
	});
	if (opts.user) {
		const res = await context.request.post('/api/v1/auth/login', {
			data: { username: opts.user, password: DEMO_PASSWORD },
			headers: { origin: base }
		});
		expect(res.status()).toBe(200);
	}
	return { page: await context.newPage(), problems };
}

async function ready(page: Page): Promise<void> {
	await page.locator('[data-testid=reader][data-status=ready]').waitFor({ timeout: 20_000 });
}

const readerAttr = (page: Page, name: string) =>
	page.getByTestId('reader').getAttribute(`data-${name}`);

/** Share of sampled pixels of a canvas that are not white (0 for a blank or missing canvas). */
function inkShare(page: Page, selector: string): Promise<number> {
	return page.evaluate((sel) => {
		const canvas = document.querySelector<HTMLCanvasElement>(sel);
		if (!canvas || !canvas.width) return 0;
		const { data } = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height);
		let ink = 0;
		let seen = 0;
		for (let i = 0; i < data.length; i += 4 * 23) {
			seen++;
			if (data[i] < 235 || data[i + 1] < 235 || data[i + 2] < 235) ink++;
		}
		return ink / seen;
	}, selector);
}

/** True when the element's box lies inside the reader's scroll area on screen. */
function onScreen(page: Page, selector: string): Promise<boolean> {
	return page.evaluate((sel) => {
		const el = document.querySelector(sel);
		const box = document.querySelector('[data-testid=viewer-container]')!.getBoundingClientRect();
		if (!el) return false;
		const r = el.getBoundingClientRect();
		return r.bottom > box.top && r.top < box.bottom && r.width > 0;
	}, selector);
}

beforeAll(async () => {
	browser = await launchBrowser();
	mknId = await idByFileName(dataDir, 'mkn-2019-01.pdf');
	// Staff-only drafts, so the shared catalog other browser tests see does not change.
	const draft = { status: 'draft' as const };
	fixtures.outline = await addPublication(dataDir, {
		...draft,
		title: 'Uji kerangka dan tautan',
		file: {
			bytes: await buildReaderPdf({ pages: 6, chapterEvery: 2, imageWidth: 40, imageHeight: 30 }),
			pages: 6
		}
	});
	fixtures.damaged = await addPublication(dataDir, {
		...draft,
		title: 'Uji berkas rusak',
		file: {
			bytes: Buffer.from('%PDF-1.4\n%rusak\n1 0 obj << /Type /Catalog >>\n%%EOF\n'),
			pages: 1
		}
	});
	fixtures.locked = await addPublication(dataDir, {
		...draft,
		title: 'Uji berkas berkata sandi',
		file: {
			bytes: fs.readFileSync(path.join(CORPUS_DIR, 'pdfjs', 'issue6010_1.pdf')),
			pages: 1
		}
	});
	fixtures.missing = await addPublication(dataDir, {
		...draft,
		title: 'Uji berkas hilang',
		file: 'missing'
	});
	fixtures.noFile = await addPublication(dataDir, {
		...draft,
		title: 'Uji tanpa berkas',
		file: null
	});
	fixtures.readOnly = await addPublication(dataDir, {
		title: 'Uji baca daring saja',
		access: 'internal',
		downloadable: 0,
		file: { copyOf: 'mkn-2019-01.pdf' }
	});
});

afterAll(async () => {
	await browser?.close();
});

afterEach(async () => {
	const all = open.splice(0);
	for (const { context } of all) await context.close();
	for (const { problems } of all) {
		expect(problems.csp, 'CSP violations').toEqual([]);
		expect(problems.errors, 'console errors').toEqual([]);
	}
});

describe('the reader', () => {
	it('paints the first page of a public issue, counts the view and moves by the page box', async () => {
		const { page } = await newPage();
		const views = await usageCount(dataDir, mknId, 'view');
		await page.goto(`/publications/${mknId}`);
		await page.getByTestId('read-link').click();
		await page.waitForURL(`**/publications/${mknId}/read`);
		await ready(page);
		expect(await readerAttr(page, 'pages')).toBe('7');
		await expect
			.poll(() => inkShare(page, '.page[data-page-number="1"] canvas'))
			.toBeGreaterThan(0.2);
		// Headless Chromium is a browser like any other: the view is counted (see usage.ts).
		expect(await usageCount(dataDir, mknId, 'view')).toBe(views + 1);

		await page.getByTestId('page-input').fill('5');
		await page.getByTestId('page-input').press('Enter');
		await expect.poll(() => readerAttr(page, 'page')).toBe('5');
		await expect.poll(() => new URL(page.url()).hash).toBe('#page=5');
		expect(await onScreen(page, '.page[data-page-number="5"]')).toBe(true);
		await expect
			.poll(() => inkShare(page, '.page[data-page-number="5"] canvas'))
			.toBeGreaterThan(0.01);
		await page.getByTestId('page-previous').click();
		await expect.poll(() => readerAttr(page, 'page')).toBe('4');
	});

	it('finds "kalibrasi" case-insensitively, highlights it on page 3 and moves the address there', async () => {
		const { page } = await newPage();
		await page.goto(`/publications/${mknId}/read`);
		await ready(page);
		await page.keyboard.press('Control+f');
		await expect
			.poll(() => page.getByTestId('find-input').evaluate((el) => el === document.activeElement))
			.toBe(true);
		await page.keyboard.type('KALIBRASI');
		await expect.poll(() => page.getByTestId('find-status').getAttribute('data-total')).toBe('1');
		expect(await page.getByTestId('find-status').textContent()).toContain('1 dari 1 hasil');
		const hit = page.locator('.page[data-page-number="3"] .textLayer .highlight');
		await hit.first().waitFor();
		expect((await hit.first().textContent())?.toLowerCase()).toBe('kalibrasi');
		expect(await onScreen(page, '.page[data-page-number="3"] .textLayer .highlight')).toBe(true);
		await expect.poll(() => readerAttr(page, 'page')).toBe('3');
		await expect.poll(() => new URL(page.url()).hash).toBe('#page=3');
		// A word that is not there says so.
		await page.getByTestId('find-input').fill('zzzyyyxxx');
		await expect
			.poll(() => page.getByTestId('find-status').textContent())
			.toContain('Tidak ditemukan');
		await page.keyboard.press('Escape');
		expect(await page.getByTestId('findbar').count()).toBe(0);
	});

	it('opens ?q= on the first matching page with the term highlighted, and #page=N at page N', async () => {
		const { page } = await newPage();
		await page.goto(`/publications/${mknId}/read?q=kalibrasi`);
		await ready(page);
		await expect.poll(() => readerAttr(page, 'page')).toBe('3');
		await page.locator('.page[data-page-number="3"] .textLayer .highlight').first().waitFor();
		expect(await page.getByTestId('find-input').inputValue()).toBe('kalibrasi');

		await page.goto(`/publications/${mknId}/read#page=7`);
		await page.reload();
		await ready(page);
		await expect.poll(() => readerAttr(page, 'page')).toBe('7');
		expect(await onScreen(page, '.page[data-page-number="7"]')).toBe(true);
		await expect
			.poll(() => inkShare(page, '.page[data-page-number="7"] canvas'))
			.toBeGreaterThan(0.01);
	});

	it('keeps the page controls on screen at 375 × 740 and moves secondary actions into a menu', async () => {
		const { page } = await newPage({ viewport: { width: 375, height: 740 } });
		await page.goto(`/publications/${mknId}/read`);
		await ready(page);
		for (const id of [
			'page-previous',
			'page-input',
			'page-next',
			'page-count',
			'find-toggle',
			'zoom-in',
			'zoom-out',
			'more-toggle'
		]) {
			const box = await page.getByTestId(id).boundingBox();
			expect(box, id).not.toBeNull();
			expect(box!.x, id).toBeGreaterThanOrEqual(0);
			expect(box!.x + box!.width, id).toBeLessThanOrEqual(375);
			expect(box!.y + box!.height, id).toBeLessThanOrEqual(740);
			expect(await page.getByTestId(id).isVisible(), id).toBe(true);
		}
		expect(await page.getByTestId('reader-download').isVisible()).toBe(false);
		await page.getByTestId('more-toggle').click();
		expect(await page.getByTestId('reader-download').isVisible()).toBe(true);
		expect(await page.getByTestId('reader-print').isVisible()).toBe(true);
		await page.getByTestId('page-next').click();
		await expect.poll(() => readerAttr(page, 'page')).toBe('2');
		// The page is fitted to the narrow screen: no sideways scrolling.
		const overflow = await page
			.getByTestId('viewer-container')
			.evaluate((el) => el.scrollWidth - el.clientWidth);
		expect(overflow).toBeLessThanOrEqual(1);
	});

	it('answers the keyboard: arrows, End, + and -', async () => {
		const { page } = await newPage();
		await page.goto(`/publications/${mknId}/read`);
		await ready(page);
		await page.keyboard.press('ArrowRight');
		await expect.poll(() => readerAttr(page, 'page')).toBe('2');
		await page.keyboard.press('PageDown');
		await expect.poll(() => readerAttr(page, 'page')).toBe('3');
		await page.keyboard.press('End');
		await expect.poll(() => readerAttr(page, 'page')).toBe('7');
		await page.keyboard.press('ArrowLeft');
		await expect.poll(() => readerAttr(page, 'page')).toBe('6');
		const scale = Number(await readerAttr(page, 'scale'));
		await page.keyboard.press('+');
		await expect.poll(async () => Number(await readerAttr(page, 'scale'))).toBeGreaterThan(scale);
		await page.keyboard.press('-');
		await page.keyboard.press('-');
		await expect.poll(async () => Number(await readerAttr(page, 'scale'))).toBeLessThan(scale);
		await page.getByTestId('fit-page').click();
		await page.getByTestId('rotate').click();
		await expect.poll(() => readerAttr(page, 'rotation')).toBe('90');
		const box = await page.locator('.page[data-page-number="6"]').boundingBox();
		expect(box!.width).toBeGreaterThan(box!.height);
	});

	it('shows thumbnails and the outline, and follows links inside the PDF', async () => {
		const { page } = await newPage({ user: 'pustakawan@perpustakaan.test' });
		await page.goto(`/publications/${fixtures.outline}/read`);
		await ready(page);
		await page.getByTestId('sidebar-toggle').click();
		await expect
			.poll(() => inkShare(page, '[data-testid=reader-sidebar] li[data-thumb="1"] canvas'))
			.toBeGreaterThan(0.05);
		await page.locator('[data-testid=reader-sidebar] li[data-thumb="4"] button').click();
		await expect.poll(() => readerAttr(page, 'page')).toBe('4');
		await page.getByTestId('outline-tab').click();
		await page.getByTestId('outline').getByRole('button', { name: 'Bab 3' }).click();
		await expect.poll(() => readerAttr(page, 'page')).toBe('5');
		await page.getByTestId('sidebar-toggle').click();
		// Page 1 links to chapter 2 (page 3) and to the DJKN website in a new tab.
		await page.getByTestId('page-input').fill('1');
		await page.getByTestId('page-input').press('Enter');
		const links = page.locator('.page[data-page-number="1"] .annotationLayer a');
		await links.first().waitFor();
		expect(await links.nth(1).getAttribute('href')).toBe('https://www.djkn.kemenkeu.go.id/');
		expect(await links.nth(1).getAttribute('target')).toBe('_blank');
		await links.first().click();
		await expect.poll(() => readerAttr(page, 'page')).toBe('3');
		// Text is selectable: the text layer carries the words.
		expect(await page.locator('.page[data-page-number="3"] .textLayer').textContent()).toContain(
			'Halaman 3'
		);
	});

	it('explains a damaged PDF, a password-protected PDF, a missing file and a record without one', async () => {
		const { page } = await newPage({ user: 'pustakawan@perpustakaan.test' });
		for (const [id, error] of [
			[fixtures.damaged, 'damaged'],
			[fixtures.locked, 'passwordProtected'],
			[fixtures.missing, 'file_missing'],
			[fixtures.noFile, 'no_file']
		] as const) {
			await page.goto(`/publications/${id}/read`);
			const box = page.getByTestId('reader-error');
			await box.waitFor({ timeout: 20_000 });
			expect(await box.getAttribute('data-error'), String(id)).toBe(error);
			expect(await box.textContent()).toContain('Dokumen tidak dapat ditampilkan');
		}
		expect(await page.getByTestId('reader-error').textContent()).toContain(
			'tidak memiliki berkas PDF'
		);
	});

	it('asks an anonymous visitor to log in for an internal record, and its file is 404', async () => {
		const { page } = await newPage();
		const id = inject('internalId');
		await page.goto(`/publications/${id}/read`);
		const prompt = page.getByTestId('reader-login');
		await prompt.waitFor();
		expect(await prompt.textContent()).toContain('Masuk untuk membaca');
		expect(await page.getByTestId('reader-login-link').getAttribute('href')).toBe(
			`/login?redirectTo=/publications/${id}/read`
		);
		const file = await page.request.get(`/api/v1/publications/${id}/file`);
		expect(file.status()).toBe(404);
		const body = await file.body();
		expect(body.subarray(0, 4).toString()).not.toBe('%PDF');
		expect(body.includes(Buffer.from('%PDF'))).toBe(false);
		// After logging in, the same link opens the reader.
		await page.getByTestId('reader-login-link').click();
		await page.getByTestId('login-username').fill('pegawai@perpustakaan.test');
		await page.getByTestId('login-password').fill(DEMO_PASSWORD);
		await page.getByTestId('login-submit').click();
		await page.waitForURL(`**/publications/${id}/read`);
		await ready(page);
	});

	it('remembers where a member stopped and hides download and print for read-online-only records', async () => {
		const { page } = await newPage({ user: 'pegawai@perpustakaan.test' });
		await page.goto(`/publications/${fixtures.readOnly}/read#page=6`);
		await ready(page);
		await expect.poll(() => readerAttr(page, 'page')).toBe('6');
		expect(await page.getByTestId('reader-download').count()).toBe(0);
		expect(await page.getByTestId('reader-print').count()).toBe(0);
		await expect
			.poll(
				async () =>
					(
						await (
							await page.request.get(`/api/v1/publications/${fixtures.readOnly}/progress`)
						).json()
					).page,
				{ timeout: 10_000 }
			)
			.toBe(6);
		await page.goto(`/publications/${fixtures.readOnly}`);
		expect(await page.getByTestId('read-online-only').isVisible()).toBe(true);
		expect(await page.getByTestId('download-link').count()).toBe(0);
		const resume = page.getByTestId('continue-reading');
		expect(await resume.textContent()).toContain('halaman 6');
		await resume.click();
		await ready(page);
		await expect.poll(() => readerAttr(page, 'page')).toBe('6');
		await page.goto('/account');
		expect(await page.getByTestId('recently-read').textContent()).toContain('Uji baca daring saja');
	});
});
