import type { PDFDocumentProxy } from 'pdfjs-dist';

/**
 * Printing from the reader, as pdf.js's own viewer app does it: every page is rendered with the
 * `print` intent into an image, the images go into a container that is the only thing visible
 * in print media, and the browser's print dialog is opened. The viewer components
 * (pdf_viewer.mjs) have no print service, and the browser's PDF plug-in cannot be relied on
 * (it is absent in some browsers and blocked by our strict CSP for files).
 */

/** Print resolution: sharp text without holding hundreds of huge bitmaps in memory. */
const PRINT_DPI = 150;

/** Renders every page to an object URL (PNG). `onprogress` receives 0..1; `signal` aborts. */
export async function renderForPrint(
	doc: PDFDocumentProxy,
	onprogress: (share: number) => void,
	signal: AbortSignal
): Promise<string[]> {
	const urls: string[] = [];
	try {
		for (let n = 1; n <= doc.numPages; n++) {
			if (signal.aborted) throw new DOMException('aborted', 'AbortError');
			const page = await doc.getPage(n);
			const viewport = page.getViewport({ scale: PRINT_DPI / 72 });
			const canvas = document.createElement('canvas');
			canvas.width = Math.floor(viewport.width);
			canvas.height = Math.floor(viewport.height);
			await page.render({ canvas, viewport, intent: 'print' }).promise;
			const blob = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve));
			// Free the bitmap at once: a long document would otherwise exhaust canvas memory.
			canvas.width = canvas.height = 0;
			if (!blob) throw new Error(`page ${n} could not be rendered for printing`);
			urls.push(URL.createObjectURL(blob));
			onprogress(n / doc.numPages);
		}
		return urls;
	} catch (err) {
		for (const u of urls) URL.revokeObjectURL(u);
		throw err;
	}
}

/**
 * Shows the rendered pages in a print-only container appended to <body>, opens the print
 * dialog and cleans up afterwards.
 */
export async function printImages(urls: string[]): Promise<void> {
	const holder = document.createElement('div');
	holder.className = 'djkn-print-pages';
	for (const url of urls) {
		const img = document.createElement('img');
		img.src = url;
		img.alt = '';
		holder.append(img);
	}
	document.body.append(holder);
	document.body.classList.add('djkn-printing');
	try {
		await Promise.all(
			[...holder.querySelectorAll('img')].map((img) => img.decode().catch(() => undefined))
		);
		window.print();
	} finally {
		// print() blocks until the dialog closes in Chromium and Firefox; clean up either way.
		document.body.classList.remove('djkn-printing');
		holder.remove();
		for (const u of urls) URL.revokeObjectURL(u);
	}
}
