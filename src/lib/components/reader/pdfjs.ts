/**
 * pdf.js for the browser, as one lazily loaded module. The viewer components read the API from
 * `globalThis.pdfjsLib`, which `pdfjs-dist` sets when it is evaluated; ES modules evaluate their
 * imports in order, so importing both here guarantees the API comes first while the bundler can
 * fetch the two chunks in parallel (one `import()` of this file instead of two in sequence).
 *
 * Never import this statically from a component: pdf.js needs browser globals (DOMMatrix) and
 * would break server-side rendering. `PdfViewer.svelte` imports it with `import()`.
 */
import * as pdfjs from 'pdfjs-dist';
import * as viewer from 'pdfjs-dist/web/pdf_viewer.mjs';

export { pdfjs, viewer };
