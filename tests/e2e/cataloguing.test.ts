import { PDFDocument, StandardFonts } from 'pdf-lib';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { launchBrowser } from '../helpers/browser.ts';
import { publicationId } from '../helpers/db.ts';
import { DEMO_PASSWORD } from '../helpers/env.ts';

/** A librarian catalogues a PDF end to end in Chromium; the public then finds it. */
let browser: Browser;
let page: Page;
const base = inject('baseUrl');
const dataDir = inject('dataDir');
const TITLE = 'Laporan Uji Penatausahaan Aset Daerah';

/** A three-page PDF whose document info carries the title and author the form should pre-fill. */
async function samplePdf(): Promise<Buffer> {
	const doc = await PDFDocument.create();
	const font = await doc.embedFont(StandardFonts.Helvetica);
	for (let i = 1; i <= 3; i++) {
		const p = doc.addPage([595, 842]);
		p.drawText(`${TITLE} - halaman ${i}`, { x: 50, y: 780, size: 16, font });
		p.drawText('Penatausahaan barang milik negara dilakukan secara tertib dan akuntabel.', {
			x: 50,
			y: 740,
			size: 11,
			font
		});
	}
	doc.setTitle(TITLE);
	doc.setAuthor('Tim Uji DJKN');
	doc.setCreationDate(new Date('2025-03-14T00:00:00Z'));
	return Buffer.from(await doc.save());
}

beforeAll(async () => {
	browser = await launchBrowser();
	page = await (await browser.newContext({ baseURL: base })).newPage();
});
afterAll(async () => {
	await browser?.close();
});

describe('cataloguing in the browser', () => {
	it('uploads with a progress bar, pre-fills, fixes a field error, publishes, and the public sees it with its cover', async () => {
		await page.goto('/login?redirectTo=/staff/publications');
		await page.getByTestId('login-username').fill('pustakawan@perpustakaan.test');
		await page.getByTestId('login-password').fill(DEMO_PASSWORD);
		await page.getByTestId('login-submit').click();
		await page.getByTestId('new-publication').click();
		await page.getByTestId('publication-form').waitFor();

		// Remember whether the progress bar ever appeared (a local upload can be very quick).
		await page.evaluate(() => {
			const w = window as unknown as { sawProgress: boolean };
			w.sawProgress = false;
			new MutationObserver(() => {
				if (document.querySelector('[data-testid=upload-progress]')) w.sawProgress = true;
			}).observe(document.body, { childList: true, subtree: true });
		});
		await page.getByTestId('pdf-input').setInputFiles({
			name: 'laporan-uji.pdf',
			mimeType: 'application/pdf',
			buffer: await samplePdf()
		});
		await page.getByTestId('upload-done').waitFor();
		expect(
			await page.evaluate(() => (window as unknown as { sawProgress: boolean }).sawProgress)
		).toBe(true);
		expect(await page.getByTestId('upload-done').textContent()).toContain('3 halaman');

		// Pre-filled from the PDF's document info.
		expect(await page.getByTestId('field-title').inputValue()).toBe(TITLE);
		expect(await page.locator('textarea[name=authors]').inputValue()).toBe('Tim Uji DJKN');
		expect(await page.getByTestId('field-year').inputValue()).toBe('2025');

		await page.locator('select[name=type]').selectOption('report');
		await page.getByTestId('field-isbn').fill('978-602-8023-62-9');
		await page.getByTestId('field-status').selectOption('published');
		await page.getByTestId('save-publication').click();
		await page.getByTestId('error-isbn').waitFor();
		expect(await page.getByTestId('error-isbn').textContent()).toBe(
			'ISBN tidak valid (periksa digit kontrolnya).'
		);
		// What was typed is kept, and so is the upload.
		expect(await page.getByTestId('field-title').inputValue()).toBe(TITLE);
		expect(await page.getByTestId('field-status').inputValue()).toBe('published');

		await page.getByTestId('field-isbn').fill('978-602-8023-62-7');
		await page.getByTestId('save-publication').click();
		await page.waitForURL(/\/staff\/publications\/\d+\?created=1$/);
		expect(await page.getByTestId('edit-status').textContent()).toContain('Publikasi dibuat.');
		const id = Number(/publications\/(\d+)/.exec(page.url())![1]);

		const visitor = await (await browser.newContext({ baseURL: base })).newPage();
		await visitor.goto(`/catalog?q=${encodeURIComponent('Penatausahaan Aset Daerah')}`);
		const card = visitor.getByTestId('publication-card').filter({ hasText: TITLE });
		await card.waitFor();
		const cover = card.locator('img.cover');
		await expect
			.poll(() => cover.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth))
			.toBeGreaterThan(100);
		await card.locator('h3 a').click();
		await visitor.waitForURL(`${base}/publications/${id}`);
		expect(await visitor.getByTestId('publication-detail').textContent()).toContain(
			'978-602-8023-62-7'
		);
		await visitor.context().close();
	});

	it('a librarian adds a regulation that revokes another; the public page of the revoked one says so', async () => {
		const target = publicationId(dataDir, `regulation_number = 'PMK 83/PMK.06/2016'`);
		const title =
			'Peraturan Menteri Keuangan Nomor 77/PMK.06/2025 tentang Pemusnahan dan Penghapusan Barang Milik Negara';
		// Still signed in as the librarian from the first step.
		await page.goto('/staff/publications/new');
		await page.getByTestId('publication-form').waitFor();
		await page.locator('select[name=type]').selectOption('regulation');
		await page.getByTestId('regulation-fieldset').waitFor();
		await page.getByTestId('field-title').fill(title);
		await page.locator('input[name=regulationNumber]').fill('PMK 77/PMK.06/2025');
		await page.getByTestId('field-regulationKind').selectOption('PMK');
		await page.getByTestId('field-enactedDate').fill('2025-05-20');
		await page.getByTestId('relation-kind').first().selectOption('revokes');
		await page.getByTestId('relation-target').first().fill('PMK 83/PMK.06/2016');
		await page.getByTestId('field-status').selectOption('published');
		await page.getByTestId('save-publication').click();
		await page.waitForURL(/\/staff\/publications\/\d+\?created=1$/);
		const id = Number(/publications\/(\d+)/.exec(page.url())![1]);

		const visitor = await (await browser.newContext({ baseURL: base })).newPage();
		await visitor.goto(`/publications/${target}`);
		const block = visitor.getByTestId('regulation-block');
		expect(await visitor.getByTestId('regulation-status').textContent()).toBe('Dicabut');
		expect(await block.textContent()).toContain('Dicabut oleh');
		await visitor.getByTestId('regulation-revokedBy').getByRole('link').click();
		await visitor.waitForURL(`${base}/publications/${id}`);
		expect(await visitor.getByTestId('regulation-revokes').textContent()).toContain(
			'PMK 83/PMK.06/2016'
		);
		await visitor.context().close();
	});
});
