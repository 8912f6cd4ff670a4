import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { launchBrowser } from '../helpers/browser.ts';
import { DEMO_PASSWORD } from '../helpers/env.ts';
import { idByFileName } from '../helpers/fixtures.ts';

/**
 * The keyboard alone (#15): a skip link reaches the main content; every control of the search
 * page and of the reader is reached by Tab and shows a focus ring; Enter and the arrow keys
 * operate them; the reader's text layer stays out of the Tab order and page changes are
 * announced; the citation dialog keeps focus inside and gives it back when it closes.
 */
let browser: Browser;
let page: Page;
const base = inject('baseUrl');
const dataDir = inject('dataDir');
let mkn: number;

beforeAll(async () => {
	browser = await launchBrowser();
	mkn = await idByFileName(dataDir, 'mkn-2019-01.pdf');
});
afterAll(async () => {
	await browser?.close();
});
afterEach(async () => {
	await page?.context().close();
});

async function newPage(width = 1280): Promise<Page> {
	page = await (
		await browser.newContext({ baseURL: base, viewport: { width, height: 800 } })
	).newPage();
	return page;
}

interface Focused {
	/** A description good enough to find the element again in a failure message. */
	key: string;
	tag: string;
	inMain: boolean;
	textLayer: boolean;
	/** Something visibly marks focus: an outline or a box shadow. */
	ring: boolean;
}

/** Presses Tab and describes where focus went. */
async function tab(p: Page, shift = false): Promise<Focused> {
	await p.keyboard.press(shift ? 'Shift+Tab' : 'Tab');
	return p.evaluate(() => {
		const el = document.activeElement as HTMLElement;
		const cs = getComputedStyle(el);
		const name =
			el.getAttribute('aria-label') ||
			el.getAttribute('title') ||
			(el.textContent ?? '').trim().slice(0, 40) ||
			(el as HTMLInputElement).name ||
			el.id;
		return {
			key: `${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''} ${el.getAttribute('href') ?? ''} ${name}`,
			tag: el.tagName.toLowerCase(),
			inMain: !!el.closest('main'),
			textLayer: !!el.closest('.textLayer'),
			ring:
				(cs.outlineStyle !== 'none' && parseFloat(cs.outlineWidth) >= 2) || cs.boxShadow !== 'none'
		};
	});
}

/** Every control in `scope` a keyboard user must be able to reach (visible, enabled). */
async function controls(p: Page, scope: string): Promise<string[]> {
	return p.evaluate((scope) => {
		const out: string[] = [];
		const root = document.querySelector(scope)!;
		for (const el of root.querySelectorAll<HTMLElement>(
			'a[href], button, input:not([type=hidden]), select, textarea, summary'
		)) {
			if ((el as HTMLButtonElement).disabled || el.tabIndex < 0) continue;
			// Inside a closed <details> or a collapsed panel: not a Tab stop until opened.
			if (!el.checkVisibility({ visibilityProperty: true, contentVisibilityAuto: true })) continue;
			const name =
				el.getAttribute('aria-label') ||
				el.getAttribute('title') ||
				(el.textContent ?? '').trim().slice(0, 40) ||
				(el as HTMLInputElement).name ||
				el.id;
			out.push(
				`${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''} ${el.getAttribute('href') ?? ''} ${name}`
			);
		}
		return out;
	}, scope);
}

/** Tabs through the whole page once; returns each stop. */
async function tabThrough(p: Page, max = 250): Promise<Focused[]> {
	const seen: Focused[] = [];
	for (let i = 0; i < max; i++) {
		const f = await tab(p);
		if (f.tag === 'body' || (seen.length && f.key === seen[0].key)) break;
		seen.push(f);
	}
	return seen;
}

describe('keyboard', () => {
	it('the first Tab shows a skip link that moves focus to the main content', async () => {
		const p = await newPage();
		await p.goto('/search?q=aset', { waitUntil: 'networkidle' });
		const first = await tab(p);
		expect(first.key).toContain('Lompat ke konten');
		expect(first.ring).toBe(true);
		const skip = p.getByRole('link', { name: 'Lompat ke konten' });
		const box = await skip.boundingBox();
		expect(box && box.y >= 0 && box.width > 0).toBeTruthy(); // on screen while focused
		await p.keyboard.press('Enter');
		expect(await p.evaluate(() => document.activeElement?.id)).toBe('main');
		// The next Tab continues inside the content, not back in the header.
		expect((await tab(p)).inMain).toBe(true);
	});

	it('reaches every search page control by Tab, each with a focus ring, and Enter follows a facet', async () => {
		const p = await newPage();
		await p.goto('/search?q=aset', { waitUntil: 'networkidle' });
		const stops = await tabThrough(p);
		const reached = new Set(stops.map((s) => s.key));
		const missing = (await controls(p, 'main')).filter((c) => !reached.has(c));
		expect(missing).toEqual([]);
		expect(stops.filter((s) => !s.ring).map((s) => s.key)).toEqual([]);

		// Enter on "Advanced search" opens it; its fields are then Tab stops too.
		await p.locator('main summary').focus();
		await p.keyboard.press('Enter');
		await p.locator('main input[name=title]').waitFor();
		// (Tabbing on from the summary: the stops before it were reached above.)
		for (const s of await tabThrough(p)) reached.add(s.key);
		expect((await controls(p, 'main')).filter((c) => !reached.has(c))).toEqual([]);

		await p.getByTestId('facet-type').getByRole('link').first().focus();
		await p.keyboard.press('Enter');
		await p.waitForURL(/type=/);
		// The applied filter stays visible as a chip that removes it.
		const chip = p.getByTestId('filter-chip').first();
		await chip.focus();
		await p.keyboard.press('Enter');
		await p.waitForURL((u) => !u.searchParams.has('type'));
	});

	it('on a phone the results come first and the facets open from a Filter button', async () => {
		const p = await newPage(375);
		await p.goto('/search?q=aset&type=magazine_issue', { waitUntil: 'networkidle' });
		const toggle = p.getByTestId('filter-toggle');
		const facets = p.getByTestId('facets');
		// A compact header: about three short rows, not a quarter of the screen (was ≈ 230 px).
		const header = (await p.locator('header.site-header').boundingBox())!.height;
		console.log(`phone header height: ${header} px`);
		expect(header).toBeLessThanOrEqual(160);
		expect(await toggle.getAttribute('aria-expanded')).toBe('false');
		expect(await facets.isVisible()).toBe(false);
		// The first result is on the first screen, under the header and the search form.
		const hit = await p.getByTestId('search-hit').first().boundingBox();
		expect(hit!.y).toBeLessThan(800);
		expect(await p.getByTestId('filter-chip').count()).toBe(1);
		await toggle.focus();
		await p.keyboard.press('Enter');
		expect(await toggle.getAttribute('aria-expanded')).toBe('true');
		expect(await facets.isVisible()).toBe(true);
		await p.keyboard.press('Enter');
		expect(await facets.isVisible()).toBe(false);
	});

	it('page links of a hit are few, large enough to tap and say what is on the page', async () => {
		const p = await newPage();
		await p.goto('/search?q=lelang', { waitUntil: 'networkidle' });
		const links = p.getByTestId('hit-page');
		expect(await links.count()).toBeGreaterThan(0);
		for (const hit of await p.getByTestId('search-hit').all()) {
			expect(await hit.getByTestId('hit-page').count()).toBeLessThanOrEqual(5);
		}
		for (const link of (await links.all()).slice(0, 10)) {
			const box = (await link.boundingBox())!;
			expect(box.width).toBeGreaterThanOrEqual(24);
			expect(box.height).toBeGreaterThanOrEqual(24);
			expect((await link.getAttribute('title'))?.length).toBeGreaterThan(10);
		}
		// Snippets are prose, not a table of contents' leader dots.
		for (const s of await p.locator('.snippet').allTextContents()) {
			expect(s).not.toMatch(/[.…·]{4,}/);
		}
	});

	it('the reader: named controls, Tab never enters the text layer, arrows turn pages, announced', async () => {
		const p = await newPage();
		await p.goto(`/publications/${mkn}/read`, { waitUntil: 'networkidle' });
		await p.locator('.textLayer').first().waitFor({ timeout: 30_000 });
		for (const id of ['page-previous', 'page-next', 'zoom-in', 'zoom-out', 'zoom-select']) {
			const name = await p
				.getByTestId(id)
				.evaluate(
					(el) =>
						el.getAttribute('aria-label') ||
						(el.id && document.querySelector(`label[for="${el.id}"]`)?.textContent) ||
						el.textContent
				);
			expect(name?.trim().length, id).toBeGreaterThan(2);
		}
		expect(await p.getByTestId('page-input').getAttribute('id')).toBe('reader-page');
		expect(await p.locator('label[for=reader-page]').textContent()).toBeTruthy();

		const stops = await tabThrough(p, 80);
		expect(stops.filter((s) => s.textLayer)).toEqual([]);
		const reached = new Set(stops.map((s) => s.key));
		expect((await controls(p, '[data-testid=reader] .bar')).filter((c) => !reached.has(c))).toEqual(
			[]
		);
		expect(stops.filter((s) => !s.ring).map((s) => s.key)).toEqual([]);

		// Arrow keys turn pages (focus on the document, not in a field); a polite region says so.
		await p.getByTestId('viewer-container').focus();
		await p.keyboard.press('ArrowRight');
		await expect.poll(() => p.getByTestId('page-input').inputValue()).toBe('2');
		const live = p.getByTestId('page-announcement');
		expect(await live.getAttribute('aria-live')).toBe('polite');
		await expect.poll(() => live.textContent(), { timeout: 5000 }).toMatch(/Halaman 2 dari 7/);
		// Enter in the page box goes to that page.
		await p.getByTestId('page-input').fill('5');
		await p.getByTestId('page-input').press('Enter');
		await expect.poll(() => live.textContent(), { timeout: 5000 }).toMatch(/Halaman 5 dari 7/);
		// Zoom by keyboard: Enter on the zoom-in button.
		const before = Number(await p.getByTestId('reader').getAttribute('data-scale'));
		await p.getByTestId('zoom-in').focus();
		await p.keyboard.press('Enter');
		await expect
			.poll(async () => Number(await p.getByTestId('reader').getAttribute('data-scale')))
			.toBeGreaterThan(before);
	});

	it('the citation dialog keeps focus inside and returns it to the Cite button', async () => {
		const p = await newPage();
		await p.goto(`/publications/${mkn}`, { waitUntil: 'networkidle' });
		await p.getByTestId('cite-open').focus();
		await p.keyboard.press('Enter');
		await p.getByTestId('cite-dialog').waitFor();
		await p.getByTestId('cite-text-apa').waitFor();
		for (let i = 0; i < 25; i++) {
			await p.keyboard.press('Tab');
			const inside = await p.evaluate(
				() => !!document.activeElement?.closest('[data-testid=cite-dialog]')
			);
			// Leaving the page for the browser's own UI (body) is allowed; the page behind is not.
			const onBody = await p.evaluate(() => document.activeElement === document.body);
			expect(inside || onBody).toBe(true);
		}
		await p.keyboard.press('Escape');
		expect(await p.getByTestId('cite-dialog').isVisible()).toBe(false);
		expect(await p.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe(
			'cite-open'
		);
	});

	it('a signed-in member finds My loans in the header; with nothing borrowed it says what to do', async () => {
		const p = await newPage(375);
		await p.goto('/login', { waitUntil: 'networkidle' });
		// The demo admin has never borrowed anything.
		await p.getByTestId('login-username').fill('admin@perpustakaan.test');
		await p.getByTestId('login-password').fill(DEMO_PASSWORD);
		await p.getByTestId('login-submit').click();
		await p.getByTestId('user-menu').waitFor({ timeout: 60_000 });
		await p.getByTestId('nav-my-loans').focus();
		await p.keyboard.press('Enter');
		await p.waitForURL(/\/account\/loans$/);
		const empty = p.getByTestId('loans-empty');
		expect(await empty.textContent()).toContain('Anda belum meminjam apa pun.');
		expect(await p.getByTestId('my-open-loans').isVisible()).toBe(false);
		await empty.getByRole('link', { name: 'Jelajahi katalog' }).click();
		await p.waitForURL(/\/catalog$/);
	});
});
