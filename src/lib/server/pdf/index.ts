export { extractPdf, renderThumbnail, looksLikePdf, PdfRefused, MAX_PAGES } from './extract.js';
export type { PdfExtract, PdfErrorReason } from './extract.js';
export { inspect, shutdown, POOL_SIZE, EXTRACT_TIMEOUT_MS, type Inspection } from './pool.ts';
