/**
 * pdf.js for the browser, loaded so the first page gets painted as early as the network allows.
 *
 * The reader's first page used to wait on a strictly serial chain: HTML → app JS → the pdf.js
 * chunk (known only once the app ran) → the worker (known only once pdf.js ran) → a full GET
 * for the file's length → range requests → paint. Here:
 *
 * - pdf.js and its viewer components are emitted as files of their own (`?url`), so their
 *   addresses are known while the page is rendered on the server: the reader page's HTML
 *   carries `<link rel="modulepreload">` for both (see `PDFJS_PRELOADS`) and the browser
 *   fetches them alongside the app's own JavaScript. They are then loaded with `import()` of
 *   those very URLs, pdf.js first (the viewer reads the API from `globalThis.pdfjsLib`, which
 *   `pdf.min.mjs` sets when it is evaluated).
 * - the worker, and the first byte ranges — the start of the file and its tail, where the
 *   cross-reference table usually is — are started by a small inline script in `app.html` as
 *   soon as the HTML's head is parsed: the reader page's head names them in
 *   `<meta name="djkn-reader">` (`readerMeta`). The worker is handed to pdf.js as its port
 *   (`startWorker`), the ranges are fed to pdf.js through a `PDFDataRangeTransport` that asks
 *   the network only for what they did not bring (`prefetchRanges`, `rangeTransport`). After a
 *   client-side navigation (no new HTML) the component starts both itself.
 *
 * The worker is not `<link rel="preload">`ed: Chromium has no preload destination matching a
 * module worker's request, so the script would be downloaded twice (measured: +300 KB before
 * the first page); starting the Worker from the HTML fetches it once, at the same moment.
 *
 * Nothing here runs on the server: pdf.js needs browser globals (DOMMatrix).
 */
import pdfjsUrl from 'pdfjs-dist/build/pdf.min.mjs?url';
import viewerUrl from 'pdfjs-dist/web/pdf_viewer.mjs?url';
import workerUrl from 'pdfjs-dist/build/pdf.worker.min.mjs?url';
import viewerCssUrl from 'pdfjs-dist/web/pdf_viewer.css?url';

export type PdfjsApi = typeof import('pdfjs-dist');
export type PdfjsViewer = typeof import('pdfjs-dist/web/pdf_viewer.mjs');

/** What the reader page's HTML preloads: the two modules, and the worker script. */
export const PDFJS_PRELOADS = { modules: [pdfjsUrl, viewerUrl], worker: workerUrl } as const;

/**
 * pdf.js's viewer style sheet (pages, text and annotation layers), applied only when pdf.js is
 * about to draw: 290 KB (48 KB compressed), mostly its annotation editors' rules, which as a
 * render-blocking sheet held the whole reader page — and page 1's placeholder — until it had
 * arrived and been parsed. Requested when the reader starts in the browser, alongside pdf.js
 * (not preloaded from the HTML: the server build emits the processed sheet under another hash
 * than the client build, so a preload would fetch it twice). Resolves once the sheet applies
 * (or failed to load: pages still draw).
 */
function loadViewerCss(): Promise<void> {
	const present = document.querySelector<HTMLLinkElement>('link[data-pdfjs-css]');
	if (present) return Promise.resolve();
	const link = document.createElement('link');
	link.rel = 'stylesheet';
	link.href = viewerCssUrl;
	link.dataset.pdfjsCss = '';
	const applied = new Promise<void>((resolve) => {
		link.onload = () => resolve();
		link.onerror = () => resolve();
	});
	document.head.append(link);
	return applied;
}

/**
 * pdf.js range settings. Chunks of 64 KiB (pdf.js's default); the first two and the last one
 * are prefetched: the start holds the header and, in the files pdf-lib and most producers
 * write, page 1's objects; the tail the cross-reference table. Measured with
 * `npm run bench -- web` (README, Reading).
 */
export const READER_RANGES = { chunk: 64 * 1024, head: 128 * 1024, tail: 64 * 1024 } as const;

/**
 * The tail request, as the part of a `Range: bytes=` header after `=`: from the chunk boundary
 * the server chose (`tailChunkStart` in lib/server/reader/open.ts: whole chunks holding the last
 * `READER_RANGES.tail` bytes and the cross-reference section) to the end, else the last
 * `READER_RANGES.tail` bytes.
 */
export function tailRange(tailStart: number | null | undefined): string {
	return tailStart == null ? `-${READER_RANGES.tail}` : `${tailStart}-`;
}

/** The attributes of the reader page's `<meta name="djkn-reader">`, read by app.html's script. */
export function readerMeta(fileUrl: string, tail: string) {
	return {
		'data-file': fileUrl,
		'data-worker': workerUrl,
		'data-head': String(READER_RANGES.head),
		'data-tail': tail
	};
}

/** What app.html's inline script started (see above), until the reader takes it. */
interface EarlyStart {
	file: string;
	worker: Worker | null;
	head: Promise<Response | null>;
	tail: Promise<Response | null>;
}
const stash = () =>
	(globalThis as unknown as { __djknReader?: EarlyStart | null }).__djknReader ?? null;

/** pdf.js and its viewer components, evaluated in that order (once). */
let loading: Promise<{ pdfjs: PdfjsApi; viewer: PdfjsViewer }> | null = null;
export function loadPdfjs(): Promise<{ pdfjs: PdfjsApi; viewer: PdfjsViewer }> {
	loading ??= (async () => {
		const css = loadViewerCss();
		const pdfjs = (await import(/* @vite-ignore */ pdfjsUrl)) as PdfjsApi;
		const viewer = (await import(/* @vite-ignore */ viewerUrl)) as PdfjsViewer;
		await css;
		return { pdfjs, viewer };
	})();
	loading.catch(() => (loading = null)); // a failed download may be retried
	return loading;
}

/**
 * A pdf.js worker (a module Worker): the one app.html started while the page loaded, the first
 * time, else a new one (a worker is terminated with the reader that used it).
 */
export function startWorker(): Worker {
	const early = stash();
	if (early?.worker) {
		const w = early.worker;
		early.worker = null;
		return w;
	}
	return new Worker(workerUrl, { type: 'module' });
}

/** The bytes a range prefetch brought: the file's length, its start and its tail. */
export interface Prefetched {
	length: number;
	head: Uint8Array;
	tailStart: number;
	tail: Uint8Array;
}

/** `Content-Range: bytes a-b/total` → [a, total], or null. */
function contentRange(response: Response): [number, number] | null {
	const m = /^bytes (\d+)-(\d+)\/(\d+)$/.exec(response.headers.get('content-range') ?? '');
	return m ? [Number(m[1]), Number(m[3])] : null;
}

/**
 * Asks for the first `headBytes` and the `tailSpec` range (see `tailRange`) of `url` at once (two range requests
 * in parallel, with the visitor's cookies: the file endpoint decides who may read). Resolves to
 * null when the server does not answer both with 206 — a missing or forbidden file, or no range
 * support — and the reader then opens the file the ordinary way, which reports the error.
 */
export async function prefetchRanges(
	url: string,
	headBytes: number,
	tailSpec: string,
	signal?: AbortSignal
): Promise<Prefetched | null> {
	try {
		// The requests app.html's script already sent for this very file, if any (taken once).
		const early = stash();
		const mine = early && new URL(early.file, location.href).href === url;
		if (mine) (globalThis as unknown as { __djknReader?: null }).__djknReader = null;
		const [head, tail] = await Promise.all(
			mine
				? [early.head, early.tail]
				: [
						fetch(url, { headers: { Range: `bytes=0-${headBytes - 1}` }, signal }),
						fetch(url, { headers: { Range: `bytes=${tailSpec}` }, signal })
					]
		);
		if (early?.worker && !mine) early.worker.terminate(); // started for another reader
		if (!head || !tail) return null;
		const h = contentRange(head);
		const t = contentRange(tail);
		if (head.status !== 206 || tail.status !== 206 || !h || !t || h[1] !== t[1]) {
			void head.body?.cancel();
			void tail.body?.cancel();
			return null;
		}
		const [headData, tailData] = await Promise.all([head.arrayBuffer(), tail.arrayBuffer()]);
		return {
			length: h[1],
			head: new Uint8Array(headData),
			tailStart: t[0],
			tail: new Uint8Array(tailData)
		};
	} catch {
		return null;
	}
}

/**
 * A `PDFDataRangeTransport` over `url` that starts with prefetched bytes: pdf.js gets the head
 * as its initial data, ranges inside the prefetched tail are answered from memory, and the
 * rest is fetched with one range request per call (as pdf.js's own fetch stream would).
 * `onerror` is told when a range cannot be fetched (pdf.js has no channel for that).
 */
export function rangeTransport(
	pdfjs: PdfjsApi,
	url: string,
	pre: Prefetched,
	onerror: (err: unknown) => void
) {
	const { tail, tailStart } = pre;
	// The head is handed over whole chunks only: pdf.js marks a chunk loaded only when it has
	// all of it, so a partial last chunk would just be asked for again.
	class Transport extends pdfjs.PDFDataRangeTransport {
		controller = new AbortController();
		requestDataRange(begin: number, end: number): void {
			void this.fetchRange(begin, end).then(
				(bytes) => this.onDataRange(begin, bytes),
				(err) => {
					if (!this.controller.signal.aborted) onerror(err);
				}
			);
		}
		async fetchRange(begin: number, end: number): Promise<Uint8Array> {
			if (begin >= tailStart) return tail.slice(begin - tailStart, end - tailStart);
			const upTo = end > tailStart ? tailStart : end;
			const response = await fetch(url, {
				headers: { Range: `bytes=${begin}-${upTo - 1}` },
				signal: this.controller.signal
			});
			if (response.status !== 206) throw new Error(`range request answered ${response.status}`);
			const got = new Uint8Array(await response.arrayBuffer());
			if (upTo === end) return got;
			const joined = new Uint8Array(end - begin);
			joined.set(got, 0);
			joined.set(tail.subarray(0, end - tailStart), got.byteLength);
			return joined;
		}
		abort(): void {
			this.controller.abort();
		}
	}
	return new Transport(pre.length, pre.head);
}
