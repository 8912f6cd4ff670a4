import path from 'node:path';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';

/**
 * Server-side pdf.js: validation, per-page text extraction, document info and the cover
 * thumbnail. Uses the legacy build, which runs on Node 20 and draws through @napi-rs/canvas.
 */

const require = createRequire(import.meta.url);

/** Pages beyond this are refused: a claimed page count this large is a bomb, not a book. */
export const MAX_PAGES = 5000;
/** Width in pixels of the cover thumbnail rendered from page 1. */
export const THUMBNAIL_WIDTH = 320;
/** A page larger than this (in PDF points, either side) is refused as a page-size bomb. */
export const MAX_PAGE_SIDE_PT = 14_400;
/** Below this many characters of text per page on average, a file counts as a scan. */
const MIN_TEXT_CHARS_PER_PAGE = 16;

export type PdfErrorReason =
	'not_pdf' | 'encrypted' | 'damaged' | 'too_many_pages' | 'page_too_large';

/** A PDF pdf.js cannot or may not open; `reason` maps to a translated message. */
export class PdfRefused extends Error {
	constructor(
		readonly reason: PdfErrorReason,
		detail: string
	) {
		super(`${reason}: ${detail}`);
	}
}

export interface PdfInfo {
	pages: number;
	title: string | null;
	author: string | null;
	subject: string | null;
	/** `YYYY-MM-DD` from the PDF's CreationDate, when present and sane. */
	created: string | null;
}

export interface PdfExtract extends PdfInfo {
	/** Text of each page, index 0 = page 1. */
	pageTexts: string[];
	hasTextLayer: boolean;
}

type PdfJs = typeof import('pdfjs-dist/legacy/build/pdf.mjs');
let pdfjsPromise: Promise<PdfJs> | undefined;

function loadPdfJs(): Promise<PdfJs> {
	pdfjsPromise ??= import('pdfjs-dist/legacy/build/pdf.mjs');
	return pdfjsPromise;
}

function assetDir(sub: string): string {
	// pdf.js wants directory URLs ending in '/' for its fonts and CMaps.
	const pkg = path.dirname(require.resolve('pdfjs-dist/package.json'));
	return pathToFileURL(path.join(pkg, sub)).href.replace(/\/?$/, '/');
}

/** Quick magic-byte check: a PDF starts with `%PDF-` within its first 1024 bytes. */
export function looksLikePdf(head: Uint8Array): boolean {
	const text = Buffer.from(head.subarray(0, 1024)).toString('latin1');
	return text.includes('%PDF-');
}

async function open(data: Uint8Array) {
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
		const name = (err as { name?: string }).name ?? '';
		if (name === 'PasswordException') throw new PdfRefused('encrypted', 'password required');
		if (name === 'InvalidPDFException') throw new PdfRefused('damaged', String(err));
		throw new PdfRefused('damaged', String((err as Error).message ?? err));
	}
}

function pdfDate(raw: unknown): string | null {
	// PDF dates look like D:20210314093000+07'00'
	const m = typeof raw === 'string' ? /^(?:D:)?(\d{4})(\d{2})?(\d{2})?/.exec(raw) : null;
	if (!m) return null;
	const y = Number(m[1]);
	if (y < 1900 || y > 2100) return null;
	return `${m[1]}-${m[2] ?? '01'}-${m[3] ?? '01'}`;
}

function cleanString(raw: unknown): string | null {
	if (typeof raw !== 'string') return null;
	const s = raw
		// eslint-disable-next-line no-control-regex
		.replace(/[\u0000-\u001f\u007f]/g, ' ')
		.replace(/\s+/g, ' ')
		.trim();
	return s.length > 0 ? s.slice(0, 500) : null;
}

/**
 * Opens a PDF, checks it is sane, and extracts the text of every page plus document info.
 * Throws `PdfRefused` for files that are not PDFs, encrypted, damaged or bombs.
 */
export async function extractPdf(data: Uint8Array): Promise<PdfExtract> {
	const { doc, task } = await open(data);
	try {
		if (doc.numPages < 1) throw new PdfRefused('damaged', 'no pages');
		if (doc.numPages > MAX_PAGES) {
			throw new PdfRefused('too_many_pages', `${doc.numPages} pages`);
		}
		const meta = await doc.getMetadata().catch(() => null);
		const info = (meta?.info ?? {}) as Record<string, unknown>;
		const pageTexts: string[] = [];
		let chars = 0;
		for (let n = 1; n <= doc.numPages; n++) {
			const page = await doc.getPage(n);
			const [, , w, h] = page.view;
			if (Math.abs(w) > MAX_PAGE_SIDE_PT || Math.abs(h) > MAX_PAGE_SIDE_PT) {
				throw new PdfRefused('page_too_large', `page ${n} is ${w}×${h} pt`);
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
		return {
			pages: doc.numPages,
			title: cleanString(info.Title),
			author: cleanString(info.Author),
			subject: cleanString(info.Subject),
			created: pdfDate(info.CreationDate),
			pageTexts,
			hasTextLayer: chars / doc.numPages >= MIN_TEXT_CHARS_PER_PAGE
		};
	} finally {
		await task.destroy();
	}
}

/** Renders page 1 as a PNG about THUMBNAIL_WIDTH pixels wide. */
export async function renderThumbnail(data: Uint8Array, width = THUMBNAIL_WIDTH): Promise<Buffer> {
	const { doc, task } = await open(data);
	try {
		const page = await doc.getPage(1);
		const base = page.getViewport({ scale: 1 });
		const viewport = page.getViewport({ scale: width / base.width });
		const factory = doc.canvasFactory as {
			create(w: number, h: number): { canvas: { toBuffer(mime: string): Buffer } };
		};
		const { canvas } = factory.create(Math.ceil(viewport.width), Math.ceil(viewport.height));
		await page.render({ canvas: canvas as unknown as HTMLCanvasElement, viewport }).promise;
		return canvas.toBuffer('image/png');
	} finally {
		await task.destroy();
	}
}
