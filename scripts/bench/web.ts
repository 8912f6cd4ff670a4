import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import lighthouse from 'lighthouse';
import { CHROMIUM, launchBrowser } from '../../tests/helpers/browser.ts';
import { buildReaderPdf } from './reader-pdf.ts';
import { ingestBigPdf, READER_PAGES } from './reader.ts';
import { freePort, startTimed } from './server.ts';

/**
 * Web scenario (`npm run bench -- web`): what a public reader on a phone or a slow link gets.
 *
 * 1. Lighthouse (the `lighthouse` package, mobile preset: Moto G Power-sized screen, simulated
 *    slow 4G and a 4× slower CPU) on home, catalog, search, a detail page and the reader, each
 *    a fresh load with storage cleared; performance, Total Blocking Time, LCP, CLS, bytes,
 *    accessibility and SEO. BENCH_WEB_LH_RUNS runs per page (default 3), median reported.
 * 2. The reader's first page (the `reader:first-page` mark: pdf.js's first `pagerendered`) on the
 *    same large scanned-style PDF as `bench -- reader`, cold cache (a fresh browser context,
 *    HTTP cache disabled) under Chrome DevTools Protocol network emulation: loopback, 10 Mbit/s +
 *    40 ms and 2 Mbit/s + 100 ms; time, bytes on the wire before the paint (every request) and
 *    bytes of the PDF before it. BENCH_WEB_RUNS runs per profile (default 5), median reported.
 *
 * The catalog is the demo seed plus the big PDF (public, published), served by the built server
 * with its default process count.
 */

export const WEB_TARGETS = {
	/** First page painted, per throttled profile (issue #18). */
	firstPageMs: { '10mbit': 1500, '2mbit': 3000 } as Record<string, number>,
	performance: 98,
	readerPerformance: 95,
	tbtMs: 150,
	accessibility: 100,
	seo: 100
} as const;

interface Profile {
	id: string;
	label: string;
	/** bits per second; 0 = no emulation */
	bps: number;
	rttMs: number;
}

const PROFILES: Profile[] = [
	{ id: 'loopback', label: 'loopback (no throttling)', bps: 0, rttMs: 0 },
	{ id: '10mbit', label: '10 Mbit/s + 40 ms RTT', bps: 10e6, rttMs: 40 },
	{ id: '2mbit', label: '2 Mbit/s + 100 ms RTT', bps: 2e6, rttMs: 100 }
];

export interface LighthousePage {
	name: string;
	path: string;
	runs: number;
	performance: number;
	accessibility: number;
	seo: number;
	tbtMs: number;
	lcpMs: number;
	fcpMs: number;
	cls: number;
	totalKiB: number;
	/** Failed audits of the accessibility and SEO categories (ids), for the record. */
	failing: string[];
	/** The elements each failed accessibility audit names (CSS selectors), for fixing them. */
	failingNodes?: Record<string, string[]>;
}

export interface ReaderProfileResult {
	profile: string;
	label: string;
	runs: { firstPageMs: number; previewMs: number | null; wireBytes: number; fileBytes: number }[];
	firstPageMs: { median: number; max: number };
	/** Page 1's stored image (the placeholder) on screen, before pdf.js has drawn the page. */
	previewMs: number | null;
	wireKiB: number;
	fileKiB: number;
	targetMs: number | null;
}

export interface WebResult {
	fileBytes: number;
	pages: number;
	lighthouse: LighthousePage[];
	lighthouseVersion: string;
	reader: ReaderProfileResult[];
	targets: typeof WEB_TARGETS;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Debian Chromium with a DevTools port, as Lighthouse drives it (its own profile directory). */
async function chromeForLighthouse(): Promise<{ port: number; stop: () => Promise<void> }> {
	const port = await freePort();
	const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'djkn-lh-profile-'));
	const child: ChildProcess = spawn(
		CHROMIUM,
		[
			'--headless',
			'--no-sandbox',
			'--disable-gpu',
			'--disable-quic',
			'--no-first-run',
			'--disable-background-networking',
			'--disable-component-update',
			'--disable-sync',
			'--disable-dev-shm-usage',
			`--remote-debugging-port=${port}`,
			`--user-data-dir=${profile}`,
			'about:blank'
		],
		{ stdio: 'ignore' }
	);
	const t0 = performance.now();
	for (;;) {
		try {
			if ((await fetch(`http://127.0.0.1:${port}/json/version`)).ok) break;
		} catch {
			// not yet listening
		}
		if (performance.now() - t0 > 30_000) throw new Error('chromium did not start');
		await new Promise((r) => setTimeout(r, 100));
	}
	return {
		port,
		stop: () =>
			new Promise<void>((resolve) => {
				const done = () => {
					fs.rmSync(profile, { recursive: true, force: true });
					resolve();
				};
				if (child.exitCode !== null) return done();
				child.once('exit', done);
				child.kill('SIGTERM');
			})
	};
}

async function lighthousePage(
	port: number,
	name: string,
	url: string,
	runs: number
): Promise<LighthousePage & { version: string }> {
	const results = [];
	let version = '';
	for (let i = 0; i < runs; i++) {
		const r = await lighthouse(url, {
			port,
			output: 'json',
			logLevel: 'error',
			onlyCategories: ['performance', 'accessibility', 'seo']
		});
		if (!r) throw new Error(`lighthouse gave no result for ${url}`);
		const lhr = r.lhr;
		// BENCH_WEB_LH_DIR keeps each run's full report (opportunities, main-thread breakdown).
		const keepDir = process.env.BENCH_WEB_LH_DIR;
		if (keepDir) {
			fs.mkdirSync(keepDir, { recursive: true });
			fs.writeFileSync(path.join(keepDir, `${name}-${i + 1}.json`), JSON.stringify(lhr));
		}
		version = lhr.lighthouseVersion;
		if (lhr.runtimeError) throw new Error(`lighthouse on ${url}: ${lhr.runtimeError.message}`);
		const num = (id: string) => Number(lhr.audits[id]?.numericValue ?? NaN);
		const failing = (['accessibility', 'seo'] as const).flatMap((c) =>
			lhr.categories[c].auditRefs
				.filter((ref) => ref.weight > 0 && (lhr.audits[ref.id]?.score ?? 1) < 1)
				.map((ref) => ref.id)
		);
		const failingNodes: Record<string, string[]> = {};
		for (const id of failing) {
			const items = (lhr.audits[id]?.details as { items?: { node?: { selector?: string } }[] })
				?.items;
			failingNodes[id] = (items ?? []).map((i) => i.node?.selector ?? '').filter(Boolean);
		}
		results.push({
			failingNodes,
			performance: Math.round((lhr.categories.performance.score ?? 0) * 100),
			accessibility: Math.round((lhr.categories.accessibility.score ?? 0) * 100),
			seo: Math.round((lhr.categories.seo.score ?? 0) * 100),
			tbtMs: num('total-blocking-time'),
			lcpMs: num('largest-contentful-paint'),
			fcpMs: num('first-contentful-paint'),
			cls: num('cumulative-layout-shift'),
			totalKiB: num('total-byte-weight') / 1024,
			failing
		});
	}
	// The run with the median performance score stands for the page (its numbers belong together).
	const sorted = [...results].sort((a, b) => a.performance - b.performance);
	const mid = sorted[Math.floor(sorted.length / 2)];
	return {
		name,
		path: new URL(url).pathname + new URL(url).search,
		runs,
		...mid,
		failing: [...new Set(results.flatMap((r) => r.failing))],
		version
	};
}

async function readerProfile(
	baseUrl: string,
	id: number,
	profile: Profile,
	runs: number
): Promise<ReaderProfileResult> {
	const browser = await launchBrowser();
	const out: ReaderProfileResult['runs'] = [];
	try {
		// One warm-up (server JIT, Chromium start-up), then measured runs, each cold.
		for (let i = 0; i <= runs; i++) {
			const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
			const page = await context.newPage();
			const cdp = await context.newCDPSession(page);
			await cdp.send('Network.enable');
			await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
			if (profile.bps > 0)
				await cdp.send('Network.emulateNetworkConditions', {
					offline: false,
					latency: profile.rttMs,
					downloadThroughput: profile.bps / 8,
					uploadThroughput: profile.bps / 8
				});
			const fileRequests = new Set<string>();
			const finished: { t: number; bytes: number }[] = [];
			const received: { t: number; bytes: number; id: string }[] = [];
			let wallOffset: number | null = null;
			cdp.on('Network.requestWillBeSent', (e) => {
				wallOffset ??= e.wallTime - e.timestamp;
				if (new URL(e.request.url).pathname === `/api/v1/publications/${id}/file`)
					fileRequests.add(e.requestId);
			});
			cdp.on('Network.dataReceived', (e) => {
				received.push({ t: e.timestamp, bytes: e.encodedDataLength, id: e.requestId });
			});
			cdp.on('Network.loadingFinished', (e) => {
				finished.push({ t: e.timestamp, bytes: e.encodedDataLength });
			});
			// What is measured is the first painted page (the mark below), not the load event: the
			// file's byte ranges start during parsing, and on a slow link they can hold `load`.
			await page.goto(`${baseUrl}/publications/${id}/read`, { waitUntil: 'commit' });
			await page.waitForFunction(
				() => performance.getEntriesByName('reader:first-page').length > 0,
				undefined,
				{ timeout: 60_000 }
			);
			// The placeholder's paint time (Element Timing; `elementtiming` on the <img>).
			const previewMs = await page.evaluate(
				() =>
					new Promise<number | null>((resolve) => {
						new PerformanceObserver((list) => {
							const e = list.getEntries()[0] as PerformanceEntry & { renderTime?: number };
							resolve(e?.renderTime || e?.startTime || null);
						}).observe({ type: 'element', buffered: true });
						setTimeout(() => resolve(null), 1000);
					})
			);
			const { firstPageMs, paintedAtEpochMs, loadMs } = await page.evaluate(() => {
				const mark = performance.getEntriesByName('reader:first-page')[0];
				const nav = performance.getEntriesByType('navigation')[0] as
					PerformanceNavigationTiming | undefined;
				return {
					firstPageMs: mark.startTime,
					paintedAtEpochMs: performance.timeOrigin + mark.startTime,
					loadMs: nav?.loadEventEnd || null
				};
			});
			if (process.env.BENCH_WEB_DEBUG)
				console.log(
					`reader ${profile.id} run ${i}: first page ${firstPageMs.toFixed(0)} ms, load ${loadMs?.toFixed(0) ?? 'not yet'} ms`
				);
			await context.close();
			const offset = wallOffset ?? 0;
			const before = (t: number) => (t + offset) * 1000 <= paintedAtEpochMs;
			// Bytes on the wire (headers and bodies as sent, compressed where they were) of every
			// response finished before the paint, plus what had arrived of those still under way.
			const finishedBytes = finished.filter((f) => before(f.t)).reduce((s, f) => s + f.bytes, 0);
			const partial = received.filter((r) => before(r.t)).reduce((s, r) => s + r.bytes, 0);
			const fileBytes = received
				.filter((r) => fileRequests.has(r.id) && before(r.t))
				.reduce((s, r) => s + r.bytes, 0);
			if (i > 0)
				out.push({
					firstPageMs,
					previewMs,
					// dataReceived counts bodies as they stream; loadingFinished counts whole
					// responses with headers. Take the larger, so neither under-counts.
					wireBytes: Math.max(finishedBytes, partial),
					fileBytes
				});
		}
	} finally {
		await browser.close();
	}
	const ms = out.map((r) => r.firstPageMs);
	return {
		profile: profile.id,
		label: profile.label,
		runs: out,
		firstPageMs: { median: median(ms), max: Math.max(...ms) },
		previewMs: out.every((r) => r.previewMs !== null)
			? median(out.map((r) => r.previewMs as number))
			: null,
		wireKiB: median(out.map((r) => r.wireBytes)) / 1024,
		fileKiB: median(out.map((r) => r.fileBytes)) / 1024,
		targetMs: WEB_TARGETS.firstPageMs[profile.id] ?? null
	};
}

/**
 * Runs the scenario on a copy of the seeded demo catalog in `seedDir` (left untouched): the big
 * PDF is catalogued into the copy, the built server started on it.
 */
export async function webScenario(seedDir: string): Promise<WebResult> {
	const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'djkn-bench-web-'));
	const lhRuns = Number(process.env.BENCH_WEB_LH_RUNS || 3);
	const readerRuns = Number(process.env.BENCH_WEB_RUNS || 5);
	try {
		fs.cpSync(seedDir, dataDir, { recursive: true });
		const source = path.join(dataDir, 'source.pdf');
		const bytes = await buildReaderPdf({ pages: READER_PAGES });
		fs.writeFileSync(source, bytes);
		const id = await ingestBigPdf(dataDir, source);
		fs.rmSync(source);
		const server = await startTimed(dataDir);
		try {
			const chrome = await chromeForLighthouse();
			const lh: (LighthousePage & { version: string })[] = [];
			try {
				const pages: [string, string][] = [
					['home', '/'],
					['catalog', '/catalog'],
					['search', '/search?q=lelang'],
					['detail', `/publications/${id}`],
					['reader', `/publications/${id}/read`]
				];
				// BENCH_WEB_LH_RUNS=0: the reader timings only.
				for (const [name, p] of lhRuns > 0 ? pages : [])
					lh.push(await lighthousePage(chrome.port, name, server.url + p, lhRuns));
			} finally {
				await chrome.stop();
			}
			const reader: ReaderProfileResult[] = [];
			for (const profile of PROFILES)
				reader.push(await readerProfile(server.url, id, profile, readerRuns));
			return {
				fileBytes: bytes.byteLength,
				pages: READER_PAGES,
				lighthouseVersion: lh[0]?.version ?? '',
				lighthouse: lh.map((p) => ({ ...p, version: undefined })),
				reader,
				targets: WEB_TARGETS
			};
		} finally {
			await server.stop();
		}
	} finally {
		fs.rmSync(dataDir, { recursive: true, force: true });
	}
}

const f0 = (n: number) => (Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : '—');

/** The scenario's tables, in Markdown. */
export function webTable(r: WebResult): string[] {
	const lines = [
		`\nWeb — Lighthouse ${r.lighthouseVersion} (mobile, simulated slow 4G, 4× CPU), median of ${r.lighthouse[0]?.runs ?? 0} runs`,
		'| page | performance | TBT ms | LCP ms | FCP ms | CLS | KiB | accessibility | SEO | failing audits |',
		'|---|---:|---:|---:|---:|---:|---:|---:|---:|---|'
	];
	for (const p of r.lighthouse)
		lines.push(
			`| ${p.name} \`${p.path}\` | ${p.performance} | ${f0(p.tbtMs)} | ${f0(p.lcpMs)} | ${f0(p.fcpMs)} | ${p.cls.toFixed(3)} | ${f0(p.totalKiB)} | ${p.accessibility} | ${p.seo} | ${p.failing.join(', ') || '—'} |`
		);
	const mb = (r.fileBytes / 2 ** 20).toFixed(1);
	lines.push(
		`\nReader first page — ${r.pages}-page, ${mb} MB PDF, cold cache, median of ${r.reader[0]?.runs.length ?? 0} runs`,
		'| network | page 1 preview shown (median) | first page drawn (median) | worst | target | on the wire before it | of it from the PDF |',
		'|---|---:|---:|---:|---:|---:|---:|'
	);
	for (const p of r.reader)
		lines.push(
			`| ${p.label} | ${p.previewMs === null ? '—' : `${f0(p.previewMs)} ms`} | ${f0(p.firstPageMs.median)} ms | ${f0(p.firstPageMs.max)} ms | ${p.targetMs ? `≤ ${f0(p.targetMs)} ms` : '—'} | ${f0(p.wireKiB)} KiB | ${f0(p.fileKiB)} KiB |`
		);
	return lines;
}
