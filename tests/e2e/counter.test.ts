import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser } from '../helpers/browser.ts';
import { copyDemoData } from '../helpers/demo.ts';
import { DEMO_PASSWORD, ROOT } from '../helpers/env.ts';
import { addPublication } from '../helpers/fixtures.ts';
import { startServer, type RunningServer } from '../helpers/server.ts';

/**
 * #15 circulation at the counter in real Chromium: the librarian places a hold for the member
 * standing at the desk, records the member's fine as paid, and prints a batch of labels whose
 * barcodes are read back by a barcode library (@zxing/library, Code 128) from a screenshot of
 * the printed sheet — what a scanner at the desk would see.
 */
const EMPLOYEE_NIP = '199003202015031003';
const EMPLOYEE2_NIP = '199207112018012004';
const ZXING = path.join(ROOT, 'node_modules/@zxing/library/umd/index.min.js');
let server: RunningServer;
let browser: Browser;
let clockFile: string;
let desk: Page;

function at(iso: string) {
	fs.writeFileSync(clockFile, iso);
}

beforeAll(async () => {
	const dataDir = copyDemoData();
	clockFile = path.join(dataDir, 'fake-now');
	at('2027-01-04T03:00:00Z');
	server = await startServer(dataDir, {
		FAKE_NOW_FILE: clockFile,
		ALLOW_FAKE_CLOCK: '1',
		FINE_BLOCK_AMOUNT: '5000'
	});
	browser = await launchBrowser();
	// bypassCSP: the test injects the barcode decoder into the page; the app itself loads nothing.
	const context = await browser.newContext({
		baseURL: server.url,
		bypassCSP: true,
		deviceScaleFactor: 2
	});
	await context.addCookies([{ name: 'lang', value: 'en', url: server.url }]);
	desk = await context.newPage();
	await desk.goto('/login', { waitUntil: 'networkidle' });
	await desk.getByTestId('login-username').fill('pustakawan@perpustakaan.test');
	await desk.getByTestId('login-password').fill(DEMO_PASSWORD);
	await desk.getByTestId('login-submit').click();
	await desk.getByTestId('user-menu').waitFor({ timeout: 60_000 });
	const policy = await desk.request.put('/api/v1/loan-policies', {
		data: {
			memberType: 'employee',
			publicationType: 'report',
			loanDays: 7,
			maxLoans: 5,
			maxRenewals: 1,
			holdPickupDays: 3,
			finePerDay: 1000
		},
		headers: { origin: server.url }
	});
	expect(policy.status()).toBe(200);
});
afterAll(async () => {
	await browser?.close();
	await server?.stop();
});

async function api(method: 'post', url: string, data: unknown) {
	const res = await desk.request[method](url, { data, headers: { origin: server.url } });
	expect(res.status(), await res.text()).toBeLessThan(300);
	return res.json();
}

async function titleWithCopies(title: string, barcodes: string[]): Promise<number> {
	const pub = await addPublication(server.dataDir, { title, file: null });
	for (const barcode of barcodes)
		await api('post', '/api/v1/items', { publicationId: pub, barcode });
	return pub;
}

async function selectMember(nip: string) {
	await desk.goto('/staff/circulation', { waitUntil: 'networkidle' });
	await desk.getByTestId('scan-input').fill(nip);
	await desk.getByTestId('scan-input').press('Enter');
	await desk.waitForURL(`**/staff/circulation?nip=${nip}`);
	await desk.waitForLoadState('networkidle');
}

describe('circulation at the counter', () => {
	it('places a hold for the member at the desk', async () => {
		const pub = await titleWithCopies('Laporan Antrean Meja E2E', ['CTR-H1']);
		await api('post', '/api/v1/loans', { barcode: 'CTR-H1', nip: EMPLOYEE2_NIP });
		await selectMember(EMPLOYEE_NIP);
		await desk.getByTestId('desk-hold-record').fill(String(pub));
		await desk.getByTestId('desk-hold-submit').click();
		await expect
			.poll(() => desk.getByTestId('desk-message').textContent())
			.toMatch(/Hold placed for .+: number 1 in the queue\./);
		await expect
			.poll(() => desk.getByTestId('member-holds').textContent())
			.toContain('Laporan Antrean Meja E2E');
	});

	it('records a fine as paid at the desk', async () => {
		await titleWithCopies('Laporan Denda Meja E2E', ['CTR-F1']);
		at('2027-01-04T03:00:00Z');
		const loan = await api('post', '/api/v1/loans', { barcode: 'CTR-F1', nip: EMPLOYEE_NIP });
		// Due Monday 11 January; back Thursday 14 January: 3 days late, Rp 3.000.
		at('2027-01-14T03:00:00Z');
		await api('post', `/api/v1/loans/${loan.id}/return`, {});
		await selectMember(EMPLOYEE_NIP);
		const panel = desk.getByTestId('fines-panel');
		await expect.poll(() => panel.textContent()).toContain('Unpaid: Rp 3.000');
		await desk.getByTestId('fine-amount').fill('3000');
		await desk.getByTestId('fine-kind').selectOption('paid');
		await desk.getByTestId('fine-submit').click();
		await expect
			.poll(() => desk.getByTestId('desk-message').textContent())
			.toContain('Payment of Rp 3.000 recorded; Rp 0 still outstanding.');
		await expect.poll(() => panel.textContent()).toContain('No unpaid fines.');
		await expect.poll(() => desk.getByTestId('fine-payment').textContent()).toContain('Paid');
	});

	it('prints a batch of labels whose barcodes a barcode reader decodes to the copy barcodes', async () => {
		const codes = ['CTR-L1', 'CTR-L2', 'CTR-0012345'];
		await titleWithCopies('Laporan Label Batch E2E', codes);
		await desk.goto('/staff/circulation', { waitUntil: 'networkidle' });
		await desk.getByTestId('batch-labels-link').click();
		await desk.waitForURL('**/staff/circulation/labels');
		await desk.getByTestId('batch-labels-input').fill(codes.join('\n'));
		await desk.getByTestId('batch-labels-show').click();
		await desk.waitForURL('**/staff/circulation/labels?barcodes=*');
		const labels = desk.getByTestId('label');
		await expect.poll(() => labels.count()).toBe(codes.length);
		await desk.addScriptTag({ path: ZXING });
		const decoded: string[] = [];
		for (let i = 0; i < codes.length; i++) {
			const shot = await labels.nth(i).getByTestId('barcode-svg').screenshot();
			decoded.push(
				await desk.evaluate(async (png) => {
					const img = new Image();
					img.src = `data:image/png;base64,${png}`;
					await img.decode();
					// A white margin around the screenshot, as around a label on the sheet.
					const canvas = document.createElement('canvas');
					canvas.width = img.width + 40;
					canvas.height = img.height + 40;
					const ctx = canvas.getContext('2d')!;
					ctx.fillStyle = '#fff';
					ctx.fillRect(0, 0, canvas.width, canvas.height);
					ctx.drawImage(img, 20, 20);
					// eslint-disable-next-line @typescript-eslint/no-explicit-any
					const Z = (window as any).ZXing;
					const source = new Z.HTMLCanvasElementLuminanceSource(canvas);
					const bitmap = new Z.BinaryBitmap(new Z.HybridBinarizer(source));
					const reader = new Z.MultiFormatReader();
					reader.setHints(
						new Map<unknown, unknown>([
							[Z.DecodeHintType.POSSIBLE_FORMATS, [Z.BarcodeFormat.CODE_128]],
							[Z.DecodeHintType.TRY_HARDER, true]
						])
					);
					const result = reader.decode(bitmap);
					return `${Z.BarcodeFormat[result.getBarcodeFormat()]}:${result.getText()}`;
				}, shot.toString('base64'))
			);
		}
		expect(decoded).toEqual(codes.map((c) => `CODE_128:${c}`));
	});
});
