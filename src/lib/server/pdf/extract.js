// Server-side pdf.js: validation, per-page text extraction, document info and the cover
// thumbnail. Plain JavaScript (typed with JSDoc) because it also runs inside the extraction
// worker threads, which load it directly from disk without a TypeScript build step.
import path from 'node:path';
import { createRequire } from 'node:module';
import { isMainThread } from 'node:worker_threads';
import zlib from 'node:zlib';

const require = createRequire(import.meta.url);

/** Pages beyond this are refused: a claimed page count this large is a bomb, not a book. */
export const MAX_PAGES = 5000;
/** Width in pixels of the cover thumbnail rendered from page 1. */
export const THUMBNAIL_WIDTH = 320;
/** A page larger than this (in PDF points, either side; 200 inches) is refused as a page-size bomb. */
export const MAX_PAGE_SIDE_PT = 14_400;
/** Below this many characters of text per page on average, a file counts as a scan. */
const MIN_TEXT_CHARS_PER_PAGE = 16;

/** @typedef {'not_pdf' | 'encrypted' | 'damaged' | 'too_many_pages' | 'page_too_large' | 'timeout' | 'too_large'} PdfErrorReason */

/** A PDF pdf.js cannot or may not open; `reason` maps to a translated message. */
export class PdfRefused extends Error {
	/**
	 * @param {PdfErrorReason} reason
	 * @param {string} detail
	 */
	constructor(reason, detail) {
		super(`${reason}: ${detail}`);
		/** @type {PdfErrorReason} */
		this.reason = reason;
	}
}

/**
 * @typedef {object} PdfExtract
 * @property {number} pages
 * @property {string | null} title
 * @property {string | null} author
 * @property {string | null} subject
 * @property {string | null} created `YYYY-MM-DD` from the PDF's CreationDate, when sane
 * @property {string[]} pageTexts text of each page, index 0 = page 1
 * @property {boolean} hasTextLayer
 */

/** @type {Promise<typeof import('pdfjs-dist/legacy/build/pdf.mjs')> | undefined} */
let pdfjsPromise;

function loadPdfJs() {
	pdfjsPromise ??= importPdfJs();
	return pdfjsPromise;
}

/**
 * Loads pdf.js and its "worker" half (which, in Node, runs in the calling thread), then undoes
 * the core-js polyfills of the legacy build that replace *working* natives with slower JS:
 * `Array.prototype.push` (called for every glyph, operator and text item) and JSON. Node 20's
 * natives already behave as the polyfills do; measured here, native `push` alone is ~15–25% of
 * the CPU time of extracting the corpus manuals. The worker half is loaded up front (it sets
 * `globalThis.pdfjsWorker`, which pdf.js then uses instead of importing it lazily on the first
 * document — after our restore, re-polyfilling). Polyfills that *add* missing APIs stay.
 */
async function importPdfJs() {
	const push = Array.prototype.push;
	const { parse, stringify } = JSON;
	// A plain string keeps TypeScript from looking for declarations the worker build lacks.
	const workerModule = 'pdfjs-dist/legacy/build/pdf.worker.mjs';
	await import(workerModule);
	const pdfjs = await import('pdfjs-dist/legacy/build/pdf.mjs');
	Array.prototype.push = push;
	JSON.parse = parse;
	JSON.stringify = stringify;
	// Only in extraction threads: the server's own thread keeps the standard stream.
	if (!isMainThread) installSyncInflate();
	return pdfjs;
}

/**
 * pdf.js inflates fonts, CMaps and images through the web `DecompressionStream`, which in Node
 * is a zlib stream running on the libuv thread pool: every stream costs several round trips
 * through the event loop and leaves this thread idle meanwhile. In an extraction thread that
 * does nothing else, zlib's synchronous one-shot inflate of the (already complete, in-memory)
 * bytes is faster. Same zlib, same output; a stream that zlib refuses still errors, so pdf.js
 * falls back to its own tolerant decoder exactly as before. Only the formats pdf.js uses are
 * taken over; anything else gets the original class.
 */
function installSyncInflate() {
	const Original = globalThis.DecompressionStream;
	if (!Original || /** @type {{ syncInflate?: boolean }} */ (Original).syncInflate) return;
	/** @type {Record<string, (b: Buffer) => Buffer>} */
	const decoders = {
		deflate: (b) => zlib.inflateSync(b),
		'deflate-raw': (b) => zlib.inflateRawSync(b),
		gzip: (b) => zlib.gunzipSync(b),
		brotli: (b) => zlib.brotliDecompressSync(b)
	};
	class SyncDecompressionStream {
		/** @param {string} format */
		constructor(format) {
			const decode = decoders[format];
			if (!decode)
				return /** @type {SyncDecompressionStream} */ (
					new Original(/** @type {CompressionFormat} */ (format))
				);
			/** @type {Uint8Array[]} */
			const input = [];
			/** @type {() => void} */
			let closed = () => {};
			const whenClosed = new Promise((resolve) => (closed = () => resolve(undefined)));
			this.writable = {
				getWriter: () => ({
					ready: Promise.resolve(),
					/** @param {Uint8Array} chunk */
					write: async (chunk) => void input.push(chunk),
					close: async () => closed(),
					abort: async () => closed(),
					releaseLock: () => {}
				})
			};
			this.readable = {
				async *[Symbol.asyncIterator]() {
					await whenClosed;
					const out = decode(Buffer.concat(input));
					if (out.byteLength > 0) yield new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
				}
			};
		}
	}
	/** @type {{ syncInflate?: boolean }} */ (
		/** @type {unknown} */ (SyncDecompressionStream)
	).syncInflate = true;
	globalThis.DecompressionStream = /** @type {typeof DecompressionStream} */ (
		/** @type {unknown} */ (SyncDecompressionStream)
	);
}

/**
 * Loads pdf.js now rather than on the first document (a fresh extraction thread calls this at
 * once, so the first upload does not also pay for parsing pdf.js's 2 MB of code).
 */
export async function preload() {
	await loadPdfJs();
}

/** @param {string} sub */
function assetDir(sub) {
	// In Node, pdf.js reads its fonts and CMaps from plain directory paths ending in '/'
	// (file:// URLs fail silently, and CJK text then comes out empty).
	const pkg = path.dirname(require.resolve('pdfjs-dist/package.json'));
	return path.join(pkg, sub) + path.sep;
}

/**
 * Quick magic-byte check: a PDF has `%PDF-` within its first 1024 bytes.
 * @param {Uint8Array} head
 */
export function looksLikePdf(head) {
	return Buffer.from(head.subarray(0, 1024)).toString('latin1').includes('%PDF-');
}

/** @param {Uint8Array} data */
async function open(data) {
	const pdfjs = await loadPdfJs();
	if (!looksLikePdf(data)) throw new PdfRefused('not_pdf', 'no %PDF- header');
	const task = pdfjs.getDocument({
		// pdf.js transfers (detaches) the buffer it is given: hand it a copy.
		data: new Uint8Array(data),
		standardFontDataUrl: assetDir('standard_fonts'),
		cMapUrl: assetDir('cmaps'),
		cMapPacked: true,
		isEvalSupported: false,
		disableFontFace: true,
		useSystemFonts: false,
		stopAtErrors: false,
		verbosity: 0
	});
	try {
		return { doc: await task.promise, task };
	} catch (err) {
		await task.destroy();
		const e = /** @type {{ name?: string, message?: string }} */ (err);
		if (e.name === 'PasswordException') throw new PdfRefused('encrypted', 'password required');
		throw new PdfRefused('damaged', String(e.message ?? err));
	}
}

/** @param {unknown} raw */
function pdfDate(raw) {
	// PDF dates look like D:20210314093000+07'00'
	const m = typeof raw === 'string' ? /^(?:D:)?(\d{4})(\d{2})?(\d{2})?/.exec(raw) : null;
	if (!m) return null;
	const y = Number(m[1]);
	if (y < 1900 || y > 2100) return null;
	const month = m[2] && Number(m[2]) >= 1 && Number(m[2]) <= 12 ? m[2] : '01';
	const day = m[3] && Number(m[3]) >= 1 && Number(m[3]) <= 31 ? m[3] : '01';
	return `${m[1]}-${month}-${day}`;
}

/** @param {unknown} raw */
function cleanString(raw) {
	if (typeof raw !== 'string') return null;
	const s = raw
		// eslint-disable-next-line no-control-regex
		.replace(/[\u0000-\u001f\u007f]/g, ' ')
		.replace(/\s+/g, ' ')
		.trim();
	return s.length > 0 ? s.slice(0, 500) : null;
}

/**
 * Documents with at least this many pages may be extracted in parts by several threads; below
 * it, a part other than the first does nothing (the second parse would cost more than it saves).
 */
export const SPLIT_MIN_PAGES = 24;

/**
 * One part's share of a document (see `extractPart`): its page texts, their character count
 * and, for part 0 only, the document info and the cover.
 * @typedef {object} PdfPart
 * @property {number} pages the document's page count
 * @property {number} from first page of this part (1-based)
 * @property {string[]} pageTexts texts of pages `from`, `from + 1`, …
 * @property {number} chars non-space characters in `pageTexts`
 * @property {string | null} title
 * @property {string | null} author
 * @property {string | null} subject
 * @property {string | null} created
 * @property {Buffer | null} thumbnail
 */

/**
 * The pages part `index` of `of` extracts: contiguous, in order, covering every page once.
 * @param {number} pages
 * @param {number} index
 * @param {number} of
 */
export function partRange(pages, index, of) {
	if (of <= 1 || pages < SPLIT_MIN_PAGES) return index === 0 ? [1, pages] : [1, 0];
	return [Math.floor((pages * index) / of) + 1, Math.floor((pages * (index + 1)) / of)];
}

/**
 * Opens a PDF, checks it is sane, and extracts the text of the pages of part `index` of `of`
 * (all of them by default) — plus, for part 0, the document info and, when asked, the cover
 * thumbnail from the same parsed document (parsing twice would cost a fifth of the time on a
 * typical manual). Every part opens and validates the whole document, so each refuses a bad
 * file by itself. Throws `PdfRefused` for files that are not PDFs, encrypted, damaged or bombs.
 * @param {Uint8Array} data
 * @param {{ thumbnail?: boolean, index?: number, of?: number }} [opts]
 * @returns {Promise<PdfPart>}
 */
export async function extractPart(data, opts = {}) {
	const index = opts.index ?? 0;
	const { doc, task } = await open(data);
	try {
		if (doc.numPages < 1) throw new PdfRefused('damaged', 'no pages');
		if (doc.numPages > MAX_PAGES) throw new PdfRefused('too_many_pages', `${doc.numPages} pages`);
		const [from, to] = partRange(doc.numPages, index, opts.of ?? 1);
		const meta = index === 0 ? await doc.getMetadata().catch(() => null) : null;
		const info = /** @type {Record<string, unknown>} */ (meta?.info ?? {});
		/** @type {string[]} */
		const pageTexts = [];
		let chars = 0;
		for (let n = from; n <= to; n++) {
			const page = await doc.getPage(n);
			const [x0, y0, x1, y1] = page.view;
			if (Math.abs(x1 - x0) > MAX_PAGE_SIDE_PT || Math.abs(y1 - y0) > MAX_PAGE_SIDE_PT) {
				throw new PdfRefused('page_too_large', `page ${n} is ${x1 - x0}x${y1 - y0} pt`);
			}
			let text = '';
			try {
				const content = await page.getTextContent();
				for (const item of content.items) {
					if (!('str' in item)) continue;
					text += item.str;
					text += item.hasEOL ? '\n' : item.str.endsWith(' ') ? '' : ' ';
				}
			} catch {
				// A page whose content stream is broken still counts; it just has no text.
			}
			text = text
				.replace(/[ \t]+/g, ' ')
				.replace(/ *\n */g, '\n')
				.trim();
			chars += text.replace(/\s/g, '').length;
			pageTexts.push(text);
			page.cleanup();
		}
		/** @type {Buffer | null} */
		let thumbnail = null;
		if (opts.thumbnail && index === 0) {
			try {
				thumbnail = await renderPage(doc, 1, THUMBNAIL_WIDTH);
			} catch {
				// A page that cannot be drawn still leaves a readable document; it just has no cover.
			}
		}
		return {
			thumbnail,
			pages: doc.numPages,
			from,
			pageTexts,
			chars,
			title: cleanString(info.Title),
			author: cleanString(info.Author),
			subject: cleanString(info.Subject),
			created: pdfDate(info.CreationDate)
		};
	} finally {
		await task.destroy();
	}
}

/**
 * Joins the parts of one document, in part order, into the document's extract.
 * @param {PdfPart[]} parts part 0 first
 * @returns {PdfExtract & { thumbnail: Buffer | null }}
 */
export function mergeParts(parts) {
	const [first] = parts;
	const pageTexts = parts.flatMap((p) => p.pageTexts);
	if (pageTexts.length !== first.pages) {
		throw new PdfRefused('damaged', `parts hold ${pageTexts.length} of ${first.pages} pages`);
	}
	const chars = parts.reduce((sum, p) => sum + p.chars, 0);
	return {
		thumbnail: first.thumbnail,
		pages: first.pages,
		title: first.title,
		author: first.author,
		subject: first.subject,
		created: first.created,
		pageTexts,
		hasTextLayer: chars / first.pages >= MIN_TEXT_CHARS_PER_PAGE
	};
}

/**
 * Opens a PDF, checks it is sane, and extracts the text of every page plus document info and,
 * when asked, the cover thumbnail, in this thread.
 * Throws `PdfRefused` for files that are not PDFs, encrypted, damaged or bombs.
 * @param {Uint8Array} data
 * @param {{ thumbnail?: boolean }} [opts]
 * @returns {Promise<PdfExtract & { thumbnail: Buffer | null }>}
 */
export async function extractPdf(data, opts = {}) {
	return mergeParts([await extractPart(data, { thumbnail: opts.thumbnail })]);
}

/**
 * Draws one page of an open document as a PNG about `width` pixels wide.
 * @param {import('pdfjs-dist/legacy/build/pdf.mjs').PDFDocumentProxy} doc
 * @param {number} pageNumber
 * @param {number} width
 * @returns {Promise<Buffer>}
 */
async function renderPage(doc, pageNumber, width) {
	const page = await doc.getPage(pageNumber);
	const base = page.getViewport({ scale: 1 });
	// Cap the scale so a tiny page cannot ask for a huge bitmap.
	const scale = Math.min(width / base.width, 4);
	const viewport = page.getViewport({ scale });
	const factory =
		/** @type {{ create(w: number, h: number): { canvas: { toBuffer(mime: string): Buffer } } }} */ (
			/** @type {unknown} */ (doc.canvasFactory)
		);
	const { canvas } = factory.create(Math.ceil(viewport.width), Math.ceil(viewport.height));
	await page.render({
		canvas: /** @type {HTMLCanvasElement} */ (/** @type {unknown} */ (canvas)),
		viewport
	}).promise;
	return canvas.toBuffer('image/png');
}

/**
 * Renders page 1 as a PNG about THUMBNAIL_WIDTH pixels wide.
 * @param {Uint8Array} data
 * @param {number} [width]
 * @returns {Promise<Buffer>}
 */
export async function renderThumbnail(data, width = THUMBNAIL_WIDTH) {
	const { doc, task } = await open(data);
	try {
		return await renderPage(doc, 1, width);
	} finally {
		await task.destroy();
	}
}
