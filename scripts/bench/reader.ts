import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { launchBrowser } from '../../tests/helpers/browser.ts';
import { buildReaderPdf } from './reader-pdf.ts';
import { startTimed } from './server.ts';

/**
 * Reader scenario: how fast a large PDF becomes readable. A deterministic 320-page, ~26 MB
 * "scanned report" is catalogued into a fresh data directory through the one ingest path
 * (`copyToTemp` + `ingestNew`), the built server is started, and headless Chromium opens the
 * reader with an empty cache several times. For each run: time from navigation start to the
 * first page painted (the reader's `reader:first-page` performance mark, set on pdf.js's first
 * `pagerendered`), and the bytes of the file endpoint received before that moment (Chrome
 * DevTools Protocol network events, mapped to the page's clock), as a share of the file.
 */

export const READER_TARGETS = { firstPageMs: 1500, share: 0.25 } as const;
/** Pages of the generated PDF (also used by `bench -- web`). */
export const READER_PAGES = 320;
const PAGES = READER_PAGES;
const RUNS = 5;

export interface ReaderRun {
	firstPageMs: number;
	bytesBeforeFirstPage: number;
	share: number;
	fileRequests: number;
}

export interface ReaderResult {
	pages: number;
	fileBytes: number;
	ingestSeconds: number;
	runs: ReaderRun[];
	firstPageMs: { median: number; max: number };
	share: { median: number; max: number };
	targets: typeof READER_TARGETS;
	pass: boolean;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Catalogues the big PDF into `dataDir` in this process, then releases the database and workers. */
export async function ingestBigPdf(dataDir: string, file: string): Promise<number> {
	const previous = process.env.DATA_DIR;
	process.env.DATA_DIR = dataDir;
	const { getDb, closeDb } = await import('../../src/lib/server/db/index.ts');
	const ingest = await import('../../src/lib/server/catalog/ingest.ts');
	const pdf = await import('../../src/lib/server/pdf/index.ts');
	try {
		const db = await getDb();
		const committed = await ingest.ingestNew(
			db,
			await ingest.copyToTemp(file),
			'laporan-inventarisasi-aset.pdf',
			{
				title: 'Laporan Inventarisasi Aset (uji pembaca)',
				type: 'report',
				year: 2025,
				access: 'public',
				status: 'published'
			},
			{ id: null }
		);
		return committed.publicationId;
	} finally {
		await pdf.shutdown();
		await closeDb();
		if (previous === undefined) delete process.env.DATA_DIR;
		else process.env.DATA_DIR = previous;
	}
}

/** Runs the scenario end to end; cleans up its data directory. */
export async function readerScenario(): Promise<ReaderResult> {
	const dataDir = path.join(os.tmpdir(), `djkn-bench-reader-${crypto.randomUUID()}`);
	fs.mkdirSync(dataDir, { recursive: true });
	const source = path.join(dataDir, 'source.pdf');
	try {
		const bytes = await buildReaderPdf({ pages: PAGES });
		fs.writeFileSync(source, bytes);
		const t0 = performance.now();
		const id = await ingestBigPdf(dataDir, source);
		const ingestSeconds = (performance.now() - t0) / 1000;
		const server = await startTimed(dataDir);
		const browser = await launchBrowser();
		const runs: ReaderRun[] = [];
		try {
			// One warm-up (server JIT, Chromium start-up), then measured runs, each in a fresh
			// context so nothing comes from the HTTP cache.
			for (let i = 0; i <= RUNS; i++) {
				const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
				const page = await context.newPage();
				const cdp = await context.newCDPSession(page);
				await cdp.send('Network.enable');
				const fileRequests = new Set<string>();
				const received: { t: number; bytes: number }[] = [];
				let wallOffset: number | null = null; // epoch seconds − monotonic seconds
				cdp.on('Network.requestWillBeSent', (e) => {
					wallOffset ??= e.wallTime - e.timestamp;
					if (new URL(e.request.url).pathname === `/api/v1/publications/${id}/file`)
						fileRequests.add(e.requestId);
				});
				cdp.on('Network.dataReceived', (e) => {
					if (fileRequests.has(e.requestId))
						received.push({ t: e.timestamp, bytes: e.encodedDataLength || e.dataLength });
				});
				await page.goto(`${server.url}/publications/${id}/read`);
				await page.waitForFunction(
					() => performance.getEntriesByName('reader:first-page').length > 0,
					undefined,
					{ timeout: 30_000 }
				);
				const { firstPageMs, paintedAtEpochMs } = await page.evaluate(() => {
					const mark = performance.getEntriesByName('reader:first-page')[0];
					return {
						firstPageMs: mark.startTime,
						paintedAtEpochMs: performance.timeOrigin + mark.startTime
					};
				});
				await context.close();
				const offset = wallOffset ?? 0;
				const before = received
					.filter((r) => (r.t + offset) * 1000 <= paintedAtEpochMs)
					.reduce((sum, r) => sum + r.bytes, 0);
				if (i > 0)
					runs.push({
						firstPageMs,
						bytesBeforeFirstPage: before,
						share: before / bytes.byteLength,
						fileRequests: fileRequests.size
					});
			}
		} finally {
			await browser.close();
			await server.stop();
		}
		const ms = runs.map((r) => r.firstPageMs);
		const shares = runs.map((r) => r.share);
		const result = {
			pages: PAGES,
			fileBytes: bytes.byteLength,
			ingestSeconds,
			runs,
			firstPageMs: { median: median(ms), max: Math.max(...ms) },
			share: { median: median(shares), max: Math.max(...shares) },
			targets: READER_TARGETS
		};
		return {
			...result,
			pass:
				result.firstPageMs.median < READER_TARGETS.firstPageMs &&
				result.share.max < READER_TARGETS.share
		};
	} finally {
		fs.rmSync(dataDir, { recursive: true, force: true });
	}
}
