/**
 * Renders a demo catalogue record to a small, realistic-looking PDF.
 *
 * Layout: page 1 cover, then "Daftar Isi" (normally one page), then every
 * section starting on a new page. Only the standard 14 fonts are used
 * (Helvetica, Helvetica-Bold, Times-Roman), so all text is WinAnsi and is
 * sanitised first.
 *
 * Output is byte-identical across runs for the same record: the document is
 * created with `updateMetadata: false` (otherwise pdf-lib stamps the current
 * time and its own Producer), the dates are derived from the record, and
 * pdf-lib's internal resource-name generator is seeded per document.
 */

import {
	PDFDocument,
	StandardFonts,
	degrees,
	rgb,
	type PDFFont,
	type PDFPage,
	type RGB
} from 'pdf-lib';

import type { DemoRecord, DemoSection, DemoTable } from './catalog.ts';
import { Rng, hashString } from './random.ts';

// ---------------------------------------------------------------------------
// Geometry and typography
// ---------------------------------------------------------------------------

const PAGE_W = 595;
const PAGE_H = 842;
const MARGIN_X = 62;
const CONTENT_W = PAGE_W - 2 * MARGIN_X;
/** Baseline of the first body line on a page. */
const TOP_Y = PAGE_H - 84;
/** Lowest baseline a body line may use; the footer lives below it. */
const BOTTOM_Y = 78;

const BODY_SIZE = 11;
const BODY_LEADING = 15;
const PARAGRAPH_GAP = 6;
const HEADING_SIZE = 17;
const HEADING_LEADING = 21;
const SUBHEADING_SIZE = 11.5;
const TABLE_SIZE = 8.5;
const TABLE_LEADING = 10.5;
const TABLE_PAD = 4;

interface Fonts {
	sans: PDFFont;
	sansBold: PDFFont;
	serif: PDFFont;
}

interface Palette {
	primary: RGB;
	secondary: RGB;
	accent: RGB;
	dark: RGB;
	light: RGB;
}

const WHITE = rgb(1, 1, 1);
const GREY = rgb(0.42, 0.42, 0.42);
const LIGHT_GREY = rgb(0.78, 0.78, 0.78);
const TEXT = rgb(0.1, 0.1, 0.12);

// ---------------------------------------------------------------------------
// Text helpers
// ---------------------------------------------------------------------------

/** Typographic characters mapped to WinAnsi-safe ASCII. */
const REPLACEMENTS: Readonly<Record<string, string>> = {
	'\u2018': "'",
	'\u2019': "'",
	'\u201a': "'",
	'\u201b': "'",
	'\u201c': '"',
	'\u201d': '"',
	'\u201e': '"',
	'\u2013': '-',
	'\u2014': '-',
	'\u2015': '-',
	'\u2212': '-',
	'\u2026': '...',
	'\u2022': '-',
	'\u00a0': ' ',
	'\u00ad': '',
	'\u200b': ''
};

/**
 * Makes text safe for the standard fonts: typographic quotes/dashes become
 * ASCII, whitespace runs collapse to one space, and anything outside printable
 * ASCII and Latin-1 becomes '?'. pdf-lib would otherwise throw on encoding.
 */
export function toWinAnsi(text: string): string {
	let out = '';
	for (const char of text.normalize('NFC')) {
		const replaced = REPLACEMENTS[char] ?? char;
		for (const c of replaced) {
			const code = c.codePointAt(0) ?? 0;
			if (/\s/.test(c)) out += ' ';
			else if ((code >= 0x20 && code <= 0x7e) || (code >= 0xa1 && code <= 0xff)) out += c;
			else out += '?';
		}
	}
	return out.replace(/ {2,}/g, ' ').trim();
}

/** Greedy word wrap by measured width; over-long words are split by character. */
function wrap(text: string, font: PDFFont, size: number, maxWidth: number): string[] {
	const words = text.split(' ').filter((word) => word.length > 0);
	const space = font.widthOfTextAtSize(' ', size);
	const lines: string[] = [];
	let line = '';
	let lineWidth = 0;
	for (const word of words) {
		const width = font.widthOfTextAtSize(word, size);
		if (line && lineWidth + space + width <= maxWidth) {
			line += ` ${word}`;
			lineWidth += space + width;
			continue;
		}
		if (line) lines.push(line);
		if (width <= maxWidth) {
			line = word;
			lineWidth = width;
			continue;
		}
		// Break a word that cannot fit on any line (long URLs, numbers).
		let chunk = '';
		for (const char of word) {
			if (font.widthOfTextAtSize(chunk + char, size) > maxWidth && chunk) {
				lines.push(chunk);
				chunk = '';
			}
			chunk += char;
		}
		line = chunk;
		lineWidth = font.widthOfTextAtSize(chunk, size);
	}
	if (line) lines.push(line);
	return lines.length > 0 ? lines : [''];
}

/** Cuts text to fit `maxWidth`, ending in "..." when shortened. */
function truncate(text: string, font: PDFFont, size: number, maxWidth: number): string {
	if (font.widthOfTextAtSize(text, size) <= maxWidth) return text;
	let cut = text;
	while (cut.length > 1 && font.widthOfTextAtSize(`${cut}...`, size) > maxWidth)
		cut = cut.slice(0, -1);
	return `${cut.trimEnd()}...`;
}

// ---------------------------------------------------------------------------
// Colours
// ---------------------------------------------------------------------------

function hsl(hue: number, saturation: number, lightness: number): RGB {
	const h = (((hue % 360) + 360) % 360) / 360;
	const q =
		lightness < 0.5
			? lightness * (1 + saturation)
			: lightness + saturation - lightness * saturation;
	const p = 2 * lightness - q;
	const channel = (t0: number): number => {
		let t = t0;
		if (t < 0) t += 1;
		if (t > 1) t -= 1;
		if (t < 1 / 6) return p + (q - p) * 6 * t;
		if (t < 1 / 2) return q;
		if (t < 2 / 3) return p + (q - p) * (2 / 3 - t) * 6;
		return p;
	};
	return rgb(channel(h + 1 / 3), channel(h), channel(h - 1 / 3));
}

/** Zero-based position of a magazine issue in the series, for per-issue variation. */
function issueIndex(record: DemoRecord): number {
	return (record.year - 2018) * 4 + ((record.issueNumber ?? 1) - 1);
}

/** Cover colours: by type (and series), varying per magazine issue. */
function paletteFor(record: DemoRecord): Palette {
	const jitter = (hashString(record.key) % 24) - 12;
	let hue: number;
	let accentHue: number | null = null;
	switch (record.type) {
		case 'magazine_issue':
			hue = (issueIndex(record) * 47 + 195) % 360;
			break;
		case 'regulation':
			hue = 218 + jitter / 2;
			accentHue = 44;
			break;
		case 'report':
			hue = 168 + jitter;
			break;
		case 'book':
			hue = hashString(`${record.key}:hue`) % 360;
			break;
		case 'article':
			hue = 128 + jitter;
			break;
		case 'other':
			hue = 285 + jitter;
			break;
	}
	return {
		primary: hsl(hue, 0.55, 0.36),
		secondary: hsl(hue + 28, 0.5, 0.56),
		accent: hsl(accentHue ?? hue + 165, 0.75, 0.56),
		dark: hsl(hue, 0.45, 0.17),
		light: hsl(hue, 0.45, 0.93)
	};
}

// ---------------------------------------------------------------------------
// Labels
// ---------------------------------------------------------------------------

function typeLabel(record: DemoRecord): string {
	const en = record.language === 'en';
	switch (record.type) {
		case 'magazine_issue':
			return 'Majalah';
		case 'regulation':
			if (record.title.startsWith('Peraturan Direktur Jenderal'))
				return 'Peraturan Direktur Jenderal Kekayaan Negara';
			return record.regulationNumber
				? 'Peraturan Menteri Keuangan'
				: 'Rancangan Peraturan Menteri Keuangan';
		case 'report':
			return record.key.startsWith('kajian') ? 'Kajian' : 'Laporan';
		case 'book':
			return en ? 'Book' : 'Buku';
		case 'article':
			return en ? 'Article' : 'Artikel';
		case 'other':
			return en ? 'Publication' : 'Publikasi';
	}
}

function runningHead(record: DemoRecord): string {
	if (record.series) {
		return `${record.series.title} - Volume ${record.volume ?? ''} Nomor ${record.issueNumber ?? ''} Tahun ${record.year}`;
	}
	if (record.regulationNumber) return record.regulationNumber;
	return `${typeLabel(record)} - ${record.publisher}`;
}

// ---------------------------------------------------------------------------
// Page chrome
// ---------------------------------------------------------------------------

interface Chrome {
	fonts: Fonts;
	palette: Palette;
	head: string;
	shortTitle: string;
	pageWord: string;
}

/** Running head and footer (short title + page number) for pages 2..n. */
function drawChrome(page: PDFPage, chrome: Chrome, pageNumber: number): void {
	const { fonts, palette } = chrome;
	page.drawText(truncate(chrome.head.toUpperCase(), fonts.sans, 7.5, CONTENT_W), {
		x: MARGIN_X,
		y: PAGE_H - 46,
		size: 7.5,
		font: fonts.sans,
		color: GREY
	});
	page.drawLine({
		start: { x: MARGIN_X, y: PAGE_H - 53 },
		end: { x: PAGE_W - MARGIN_X, y: PAGE_H - 53 },
		thickness: 0.6,
		color: palette.secondary
	});
	page.drawLine({
		start: { x: MARGIN_X, y: 56 },
		end: { x: PAGE_W - MARGIN_X, y: 56 },
		thickness: 0.5,
		color: LIGHT_GREY
	});
	const number = `${chrome.pageWord} ${pageNumber}`;
	const numberWidth = fonts.sans.widthOfTextAtSize(number, 8);
	page.drawText(chrome.shortTitle, { x: MARGIN_X, y: 42, size: 8, font: fonts.sans, color: GREY });
	page.drawText(number, {
		x: PAGE_W - MARGIN_X - numberWidth,
		y: 42,
		size: 8,
		font: fonts.sans,
		color: GREY
	});
}

// ---------------------------------------------------------------------------
// Cover
// ---------------------------------------------------------------------------

interface Box {
	x: number;
	y: number;
	w: number;
	h: number;
}

type Illustration = (page: PDFPage, box: Box, palette: Palette, rng: Rng) => void;

/** A row of office blocks with windows: the "aset negara" look. */
const skyline: Illustration = (page, box, palette, rng) => {
	let x = box.x;
	const colours = [palette.primary, palette.secondary, palette.dark];
	while (x < box.x + box.w - 30) {
		const w = Math.min(rng.range(40, 90), box.x + box.w - x);
		const h = rng.range(box.h * 0.35, box.h);
		const colour = rng.pick(colours);
		page.drawRectangle({ x, y: box.y, width: w - 6, height: h, color: colour });
		for (let wy = box.y + 12; wy < box.y + h - 16; wy += 18) {
			for (let wx = x + 7; wx < x + w - 18; wx += 14) {
				if (rng.chance(0.75))
					page.drawRectangle({
						x: wx,
						y: wy,
						width: 7,
						height: 9,
						color: palette.light,
						opacity: 0.85
					});
			}
		}
		x += w;
	}
	page.drawRectangle({ x: box.x, y: box.y - 6, width: box.w, height: 6, color: palette.accent });
};

/** Overlapping translucent discs. */
const discs: Illustration = (page, box, palette, rng) => {
	const colours = [palette.primary, palette.secondary, palette.accent, palette.dark];
	const count = rng.int(5, 8);
	for (let i = 0; i < count; i++) {
		const r = rng.range(28, Math.min(box.h, box.w) / 2.2);
		page.drawCircle({
			x: rng.range(box.x + r, box.x + box.w - r),
			y: rng.range(box.y + r, box.y + box.h - r),
			size: r,
			color: rng.pick(colours),
			opacity: rng.range(0.35, 0.8)
		});
	}
};

/** A rising bar chart with a trend line: the "laporan" look. */
const bars: Illustration = (page, box, palette, rng) => {
	const count = rng.int(7, 11);
	const gap = 8;
	const barW = (box.w - 20 - gap * (count - 1)) / count;
	let level = rng.range(0.2, 0.4);
	const tops: { x: number; y: number }[] = [];
	for (let i = 0; i < count; i++) {
		level = Math.min(0.95, Math.max(0.15, level + rng.range(-0.08, 0.16)));
		const x = box.x + 20 + i * (barW + gap);
		const h = level * box.h;
		page.drawRectangle({
			x,
			y: box.y,
			width: barW,
			height: h,
			color: i % 2 === 0 ? palette.primary : palette.secondary
		});
		tops.push({ x: x + barW / 2, y: box.y + h + 14 });
	}
	page.drawLine({
		start: { x: box.x + 10, y: box.y },
		end: { x: box.x + box.w, y: box.y },
		thickness: 1.5,
		color: palette.dark
	});
	page.drawLine({
		start: { x: box.x + 10, y: box.y },
		end: { x: box.x + 10, y: box.y + box.h },
		thickness: 1.5,
		color: palette.dark
	});
	for (let i = 1; i < tops.length; i++) {
		page.drawLine({ start: tops[i - 1], end: tops[i], thickness: 2, color: palette.accent });
	}
	for (const top of tops) page.drawCircle({ x: top.x, y: top.y, size: 3.5, color: palette.accent });
};

/** A grid of tiles with varying tint. */
const mosaic: Illustration = (page, box, palette, rng) => {
	const cols = rng.int(7, 10);
	const cell = box.w / cols;
	const rows = Math.floor(box.h / cell);
	const colours = [palette.primary, palette.secondary, palette.accent, palette.dark];
	for (let r = 0; r < rows; r++) {
		for (let c = 0; c < cols; c++) {
			if (rng.chance(0.2)) continue;
			const x = box.x + c * cell + 2;
			const y = box.y + r * cell + 2;
			if (rng.chance(0.25)) {
				page.drawCircle({
					x: x + cell / 2 - 2,
					y: y + cell / 2 - 2,
					size: cell / 2 - 4,
					color: rng.pick(colours),
					opacity: rng.range(0.5, 1)
				});
			} else {
				page.drawRectangle({
					x,
					y,
					width: cell - 4,
					height: cell - 4,
					color: rng.pick(colours),
					opacity: rng.range(0.3, 1)
				});
			}
		}
	}
};

/** Concentric rings with satellites. */
const rings: Illustration = (page, box, palette, rng) => {
	const cx = box.x + rng.range(box.w * 0.3, box.w * 0.7);
	const cy = box.y + box.h / 2;
	const maxR = box.h / 2 - 4;
	const count = rng.int(4, 7);
	for (let i = count; i >= 1; i--) {
		page.drawCircle({
			x: cx,
			y: cy,
			size: (maxR * i) / count,
			color: i % 2 === 0 ? palette.light : undefined,
			borderColor: i % 2 === 0 ? palette.primary : palette.secondary,
			borderWidth: 2.5
		});
	}
	page.drawCircle({ x: cx, y: cy, size: maxR / count / 1.5, color: palette.accent });
	const satellites = rng.int(6, 12);
	for (let i = 0; i < satellites; i++) {
		const angle = rng.range(0, Math.PI * 2);
		const radius = rng.range(maxR * 0.3, maxR * 1.6);
		const x = cx + Math.cos(angle) * radius;
		const y = cy + Math.sin(angle) * radius * 0.6;
		if (x < box.x + 8 || x > box.x + box.w - 8) continue;
		page.drawCircle({
			x,
			y,
			size: rng.range(4, 11),
			color: rng.pick([palette.dark, palette.accent, palette.secondary])
		});
	}
};

/** Rows of dots tracing waves. */
const waves: Illustration = (page, box, palette, rng) => {
	const rowsCount = rng.int(4, 6);
	const colours = [palette.primary, palette.secondary, palette.accent];
	for (let row = 0; row < rowsCount; row++) {
		const baseY = box.y + ((row + 0.5) * box.h) / rowsCount;
		const amplitude = rng.range(8, box.h / rowsCount / 1.6);
		const frequency = rng.range(1.5, 3.5);
		const phase = rng.range(0, Math.PI * 2);
		const colour = colours[row % colours.length];
		for (let x = box.x + 6; x < box.x + box.w - 6; x += 11) {
			const t = (x - box.x) / box.w;
			const y = baseY + Math.sin(t * Math.PI * 2 * frequency + phase) * amplitude;
			page.drawCircle({ x, y, size: 2.2 + 2.2 * Math.abs(Math.sin(t * 7 + row)), color: colour });
		}
	}
};

const ILLUSTRATIONS: readonly Illustration[] = [skyline, discs, bars, mosaic, rings, waves];

function drawCover(page: PDFPage, record: DemoRecord, fonts: Fonts, palette: Palette): void {
	const rng = new Rng(`${record.key}:cover`);
	const en = record.language === 'en';

	// Top band with institution and series/type masthead.
	page.drawRectangle({ x: 0, y: 600, width: PAGE_W, height: 242, color: palette.primary });
	page.drawRectangle({ x: 0, y: 592, width: PAGE_W, height: 8, color: palette.accent });
	page.drawRectangle({
		x: PAGE_W - 150,
		y: 600,
		width: 150,
		height: 242,
		color: palette.dark,
		opacity: 0.35
	});
	page.drawText(
		en
			? 'MINISTRY OF FINANCE OF THE REPUBLIC OF INDONESIA'
			: 'KEMENTERIAN KEUANGAN REPUBLIK INDONESIA',
		{
			x: MARGIN_X,
			y: 800,
			size: 8.5,
			font: fonts.sans,
			color: WHITE
		}
	);
	page.drawText(
		en ? 'DIRECTORATE GENERAL OF STATE ASSETS MANAGEMENT' : 'DIREKTORAT JENDERAL KEKAYAAN NEGARA',
		{
			x: MARGIN_X,
			y: 786,
			size: 9.5,
			font: fonts.sansBold,
			color: WHITE
		}
	);

	if (record.series) {
		const mast = toWinAnsi(record.series.title.toUpperCase());
		const size = Math.min(36, (CONTENT_W / fonts.sansBold.widthOfTextAtSize(mast, 10)) * 10);
		page.drawText(mast, { x: MARGIN_X, y: 712, size, font: fonts.sansBold, color: WHITE });
		page.drawText(
			`Volume ${record.volume ?? ''} Nomor ${record.issueNumber ?? ''} Tahun ${record.year}`,
			{
				x: MARGIN_X,
				y: 682,
				size: 14,
				font: fonts.sans,
				color: WHITE
			}
		);
		if (record.series.issn) {
			page.drawText(`ISSN ${record.series.issn}`, {
				x: MARGIN_X,
				y: 662,
				size: 9,
				font: fonts.sans,
				color: palette.light
			});
		}
	} else {
		const label = toWinAnsi(typeLabel(record).toUpperCase());
		const lines = wrap(label, fonts.sansBold, 20, CONTENT_W - 60);
		let y = 720;
		for (const line of lines) {
			page.drawText(line, { x: MARGIN_X, y, size: 20, font: fonts.sansBold, color: WHITE });
			y -= 24;
		}
		const detail = record.regulationNumber
			? `Nomor ${record.regulationNumber.replace(/^PMK /, '')}`
			: record.isbn
				? `ISBN ${record.isbn}`
				: String(record.year);
		page.drawText(toWinAnsi(detail), {
			x: MARGIN_X,
			y: y - 8,
			size: 13,
			font: fonts.sans,
			color: WHITE
		});
	}

	// Title block.
	const title = toWinAnsi(record.title);
	let titleSize = 26;
	let titleLines = wrap(title, fonts.sansBold, titleSize, CONTENT_W);
	while (titleLines.length > 4 && titleSize > 17) {
		titleSize -= 2;
		titleLines = wrap(title, fonts.sansBold, titleSize, CONTENT_W);
	}
	let y = 560;
	for (const line of titleLines) {
		page.drawText(line, {
			x: MARGIN_X,
			y,
			size: titleSize,
			font: fonts.sansBold,
			color: palette.dark
		});
		y -= titleSize * 1.2;
	}
	if (record.subtitle) {
		y -= 4;
		for (const line of wrap(toWinAnsi(record.subtitle), fonts.sans, 14, CONTENT_W)) {
			page.drawText(line, { x: MARGIN_X, y, size: 14, font: fonts.sans, color: palette.primary });
			y -= 18;
		}
	}

	// Illustration between the title and the bottom band.
	const top = Math.min(390, y - 16);
	const box: Box = { x: MARGIN_X, y: 158, w: CONTENT_W, h: Math.max(90, top - 158) };
	const style =
		record.type === 'magazine_issue'
			? issueIndex(record) % ILLUSTRATIONS.length
			: hashString(`${record.key}:style`) % ILLUSTRATIONS.length;
	ILLUSTRATIONS[style](page, box, palette, rng);

	// Bottom band: authors, publisher, place and year.
	page.drawRectangle({ x: 0, y: 0, width: PAGE_W, height: 132, color: palette.dark });
	const authors = toWinAnsi(record.authors.join(', '));
	let by = 104;
	for (const line of wrap(authors, fonts.sans, 11, CONTENT_W).slice(0, 2)) {
		page.drawText(line, { x: MARGIN_X, y: by, size: 11, font: fonts.sans, color: WHITE });
		by -= 14;
	}
	page.drawText(truncate(toWinAnsi(record.publisher), fonts.sansBold, 10, CONTENT_W), {
		x: MARGIN_X,
		y: by - 4,
		size: 10,
		font: fonts.sansBold,
		color: WHITE
	});
	page.drawText(toWinAnsi(`${record.place ?? ''}${record.place ? ', ' : ''}${record.year}`), {
		x: MARGIN_X,
		y: by - 20,
		size: 10,
		font: fonts.sans,
		color: palette.light
	});
	page.drawText(
		en
			? 'Sample document for the Perpustakaan DJKN demo; the content is fictitious.'
			: 'Dokumen contoh untuk demo Perpustakaan DJKN; isi bersifat rekaan.',
		{ x: MARGIN_X, y: 18, size: 7, font: fonts.sans, color: palette.light }
	);

	// Status stamp so drafts and withdrawn items are obvious in thumbnails.
	const stamp =
		record.status === 'draft'
			? 'DRAF'
			: record.status === 'withdrawn'
				? en
					? 'WITHDRAWN'
					: 'DICABUT'
				: null;
	if (stamp) {
		page.drawText(stamp, {
			x: 170,
			y: 250,
			size: 64,
			font: fonts.sansBold,
			color: rgb(0.8, 0.1, 0.1),
			opacity: 0.55,
			rotate: degrees(28)
		});
	}
}

// ---------------------------------------------------------------------------
// Body flow
// ---------------------------------------------------------------------------

type ParagraphKind = 'body' | 'subheading' | 'question';

const LIST_MARKER = /^((?:[a-z]|\d{1,2})\.|\(\d{1,2}\)) /;

/**
 * Sections carry plain strings; a short line without closing punctuation is
 * a sub-heading ("Pasal 3", "Langkah ke Depan", signature lines) and
 * "Tanya:" lines are interview questions.
 */
function classify(paragraph: string): ParagraphKind {
	if (paragraph.startsWith('Tanya:')) return 'question';
	if (paragraph.length <= 90 && !/[.,;:?!)]$/.test(paragraph) && !LIST_MARKER.test(paragraph))
		return 'subheading';
	return 'body';
}

/** Draws body pages, starting a new page whenever the current one is full. */
class Flow {
	private page: PDFPage | null = null;
	private y = TOP_Y;
	pageNumber: number;

	constructor(
		private readonly doc: PDFDocument,
		private readonly chrome: Chrome,
		private readonly centreSubheadings: boolean,
		firstPageNumber: number
	) {
		this.pageNumber = firstPageNumber - 1;
	}

	private get fonts(): Fonts {
		return this.chrome.fonts;
	}

	private current(): PDFPage {
		return this.page ?? this.newPage();
	}

	newPage(): PDFPage {
		this.page = this.doc.addPage([PAGE_W, PAGE_H]);
		this.pageNumber += 1;
		this.y = TOP_Y;
		return this.page;
	}

	/** Moves to a new page unless `height` more points fit above the footer. */
	private ensure(height: number): void {
		if (this.page === null || this.y - height < BOTTOM_Y) this.newPage();
	}

	private text(text: string, x: number, font: PDFFont, size: number, color: RGB): void {
		this.current().drawText(text, { x, y: this.y, size, font, color });
	}

	/** Starts a section on a fresh page; returns its page number for the TOC. */
	section(section: DemoSection): number {
		this.newPage();
		const start = this.pageNumber;
		const { fonts } = this;
		for (const line of wrap(toWinAnsi(section.heading), fonts.sansBold, HEADING_SIZE, CONTENT_W)) {
			this.text(line, MARGIN_X, fonts.sansBold, HEADING_SIZE, this.chrome.palette.dark);
			this.y -= HEADING_LEADING;
		}
		const page = this.current();
		page.drawRectangle({
			x: MARGIN_X,
			y: this.y + 6,
			width: 48,
			height: 3,
			color: this.chrome.palette.accent
		});
		this.y -= 16;
		for (const paragraph of section.paragraphs) this.paragraph(toWinAnsi(paragraph));
		if (section.table) this.table(section.table);
		return start;
	}

	private paragraph(paragraph: string): void {
		const { fonts } = this;
		const kind = classify(paragraph);
		if (kind === 'subheading') {
			const lines = wrap(paragraph, fonts.sansBold, SUBHEADING_SIZE, CONTENT_W);
			// Keep the sub-heading with at least two lines of what follows.
			this.ensure(lines.length * 15 + 6 + 2 * BODY_LEADING);
			this.y -= 4;
			for (const line of lines) {
				const width = fonts.sansBold.widthOfTextAtSize(line, SUBHEADING_SIZE);
				const x = this.centreSubheadings ? MARGIN_X + (CONTENT_W - width) / 2 : MARGIN_X;
				this.text(line, x, fonts.sansBold, SUBHEADING_SIZE, this.chrome.palette.primary);
				this.y -= 15;
			}
			this.y -= 3;
			return;
		}
		const font = kind === 'question' ? fonts.sansBold : fonts.serif;
		const size = kind === 'question' ? 10.5 : BODY_SIZE;
		const marker = LIST_MARKER.exec(paragraph);
		// Hanging indent for "a.", "1." and "(1)" items, as in legal texts.
		const indent = marker ? font.widthOfTextAtSize(marker[0], size) : 0;
		const firstWidth = CONTENT_W;
		const first = wrap(paragraph, font, size, firstWidth)[0];
		const rest = paragraph.slice(first.length).trim();
		const lines = [first, ...(rest ? wrap(rest, font, size, CONTENT_W - indent) : [])];
		this.ensure(Math.min(lines.length, 2) * BODY_LEADING);
		lines.forEach((line, index) => {
			this.ensure(BODY_LEADING);
			this.text(line, MARGIN_X + (index === 0 ? 0 : indent), font, size, TEXT);
			this.y -= BODY_LEADING;
		});
		this.y -= PARAGRAPH_GAP;
	}

	private table(table: DemoTable): void {
		const { fonts } = this;
		const header = table.header.map(toWinAnsi);
		const rows = table.rows.map((row) => row.map(toWinAnsi));
		const widths = columnWidths(header, rows, fonts);
		const numeric = header.map((_, c) =>
			rows.every((row) => /^[\d.,%()+\- ]*$/.test(row[c] ?? ''))
		);

		const layoutRow = (cells: string[], font: PDFFont) => {
			const wrapped = cells.map((cell, c) =>
				wrap(cell, font, TABLE_SIZE, widths[c] - 2 * TABLE_PAD)
			);
			const height =
				Math.max(...wrapped.map((lines) => lines.length)) * TABLE_LEADING + 2 * TABLE_PAD;
			return { wrapped, height };
		};
		const headerRow = layoutRow(header, fonts.sansBold);
		const bodyRows = rows.map((row) => layoutRow(row, fonts.sans));

		const drawRow = (
			row: { wrapped: string[][]; height: number },
			isHeader: boolean,
			isTotal: boolean
		): void => {
			const page = this.current();
			let x = MARGIN_X;
			const top = this.y;
			row.wrapped.forEach((lines, c) => {
				page.drawRectangle({
					x,
					y: top - row.height,
					width: widths[c],
					height: row.height,
					color: isHeader ? this.chrome.palette.light : isTotal ? rgb(0.95, 0.95, 0.95) : undefined,
					borderColor: LIGHT_GREY,
					borderWidth: 0.6
				});
				const font = isHeader || isTotal ? fonts.sansBold : fonts.sans;
				lines.forEach((line, i) => {
					const lineWidth = font.widthOfTextAtSize(line, TABLE_SIZE);
					const tx =
						!isHeader && numeric[c] ? x + widths[c] - TABLE_PAD - lineWidth : x + TABLE_PAD;
					page.drawText(line, {
						x: tx,
						y: top - TABLE_PAD - TABLE_SIZE - i * TABLE_LEADING + 1.5,
						size: TABLE_SIZE,
						font,
						color: TEXT
					});
				});
				x += widths[c];
			});
			this.y -= row.height;
		};

		const caption = (text: string): void => {
			for (const line of wrap(text, fonts.sansBold, 9.5, CONTENT_W)) {
				this.text(line, MARGIN_X, fonts.sansBold, 9.5, this.chrome.palette.dark);
				this.y -= 13;
			}
			this.y -= 2;
		};

		const captionText = toWinAnsi(table.caption);
		this.y -= 4;
		this.ensure(30 + headerRow.height + (bodyRows[0]?.height ?? 0));
		caption(captionText);
		drawRow(headerRow, true, false);
		bodyRows.forEach((row, index) => {
			if (this.y - row.height < BOTTOM_Y) {
				// Continue on the next page with the caption and header repeated.
				this.newPage();
				caption(`${captionText} (lanjutan)`);
				drawRow(headerRow, true, false);
			}
			const isTotal =
				/^(Jumlah|Total)$/.test(rows[index][1] ?? '') ||
				/^(Jumlah|Total)$/.test(rows[index][0] ?? '');
			drawRow(row, false, isTotal);
		});
		this.y -= 12;
	}
}

/**
 * Numeric columns keep their natural width; text columns share what is left
 * in proportion to their natural width, so long names wrap instead of numbers.
 */
function columnWidths(header: string[], rows: string[][], fonts: Fonts): number[] {
	const numeric = header.map((_, c) => rows.every((row) => /^[\d.,%()+\- ]*$/.test(row[c] ?? '')));
	const natural = header.map((head, c) => {
		const cells = rows.map((row) => fonts.sans.widthOfTextAtSize(row[c] ?? '', TABLE_SIZE));
		const headerWidth = fonts.sansBold.widthOfTextAtSize(head, TABLE_SIZE);
		const longestHeaderWord = Math.max(
			...head.split(' ').map((word) => fonts.sansBold.widthOfTextAtSize(word, TABLE_SIZE))
		);
		// Numeric columns get room for their header on about two lines ("Pokok Lelang /
		// (Rp miliar)") instead of one word per line; a short "No" stays narrow.
		const headerTarget = numeric[c] ? Math.min(headerWidth, Math.max(56, headerWidth / 2 + 8)) : 0;
		return Math.max(longestHeaderWord, headerTarget, ...cells) + 2 * TABLE_PAD + 2;
	});
	const fixed = natural.reduce((sum, w, c) => sum + (numeric[c] ? w : 0), 0);
	const flexible = natural.reduce((sum, w, c) => sum + (numeric[c] ? 0 : w), 0);
	const available = CONTENT_W - fixed;
	if (flexible === 0) {
		const scale = CONTENT_W / fixed;
		return natural.map((w) => w * scale);
	}
	return natural.map((w, c) => (numeric[c] ? w : (w / flexible) * available));
}

// ---------------------------------------------------------------------------
// Table of contents
// ---------------------------------------------------------------------------

const TOC_TOP = TOP_Y - 44;
const TOC_LEADING = 15.5;
const TOC_GAP = 7;
const TOC_NUMBER_W = 40;

interface TocEntry {
	lines: string[];
}

function tocEntries(sections: readonly DemoSection[], fonts: Fonts): TocEntry[] {
	return sections.map((section) => ({
		lines: wrap(
			toWinAnsi(section.heading),
			fonts.serif,
			BODY_SIZE + 0.5,
			CONTENT_W - TOC_NUMBER_W - 20
		)
	}));
}

/** Splits TOC entries into pages; the result length is the TOC page count. */
function paginateToc(entries: readonly TocEntry[]): TocEntry[][] {
	const pages: TocEntry[][] = [[]];
	let y = TOC_TOP;
	for (const entry of entries) {
		const height = entry.lines.length * TOC_LEADING + TOC_GAP;
		if (y - height < BOTTOM_Y) {
			pages.push([]);
			y = TOP_Y;
		}
		pages[pages.length - 1].push(entry);
		y -= height;
	}
	return pages;
}

function drawToc(
	pages: PDFPage[],
	tocPages: TocEntry[][],
	startPages: number[],
	chrome: Chrome,
	title: string
): void {
	const { fonts } = chrome;
	const size = BODY_SIZE + 0.5;
	let entryIndex = 0;
	tocPages.forEach((entries, pageIndex) => {
		const page = pages[pageIndex];
		let y = TOP_Y;
		if (pageIndex === 0) {
			page.drawText(title, {
				x: MARGIN_X,
				y,
				size: 20,
				font: fonts.sansBold,
				color: chrome.palette.dark
			});
			page.drawRectangle({
				x: MARGIN_X,
				y: y - 14,
				width: 48,
				height: 3,
				color: chrome.palette.accent
			});
			y = TOC_TOP;
		}
		for (const entry of entries) {
			entry.lines.forEach((line, i) => {
				page.drawText(line, { x: MARGIN_X, y, size, font: fonts.serif, color: TEXT });
				if (i === entry.lines.length - 1) {
					const number = String(startPages[entryIndex]);
					const numberWidth = fonts.serif.widthOfTextAtSize(number, size);
					const lineEnd = MARGIN_X + fonts.serif.widthOfTextAtSize(line, size) + 6;
					const numberX = PAGE_W - MARGIN_X - numberWidth;
					const dotWidth = fonts.serif.widthOfTextAtSize('.', size);
					const dots = Math.max(0, Math.floor((numberX - 6 - lineEnd) / dotWidth));
					if (dots > 0) {
						page.drawText('.'.repeat(dots), {
							x: lineEnd,
							y,
							size,
							font: fonts.serif,
							color: LIGHT_GREY
						});
					}
					page.drawText(number, { x: numberX, y, size, font: fonts.serif, color: TEXT });
				}
				y -= TOC_LEADING;
			});
			y -= TOC_GAP;
			entryIndex += 1;
		}
	});
}

// ---------------------------------------------------------------------------
// Entry point
// ---------------------------------------------------------------------------

/** Creation/modification date from the record, never the wall clock. */
function documentDate(record: DemoRecord): Date {
	const iso = record.publishedDate ?? `${record.year}-01-01`;
	return new Date(`${iso}T08:00:00Z`);
}

/**
 * Renders `record` as an A4 PDF: cover, table of contents, then one section
 * per new page with wrapped text, tables, running head and page-numbered
 * footer. Deterministic: equal records give byte-identical output.
 */
export async function renderDemoPdf(record: DemoRecord): Promise<Uint8Array> {
	const doc = await PDFDocument.create({ updateMetadata: false });
	const date = documentDate(record);
	doc.setTitle(toWinAnsi(record.title));
	doc.setAuthor(toWinAnsi(record.authors.join('; ')));
	doc.setSubject(toWinAnsi(record.abstract));
	doc.setKeywords(record.subjects.map(toWinAnsi));
	doc.setCreator('Perpustakaan DJKN demo');
	doc.setProducer('pdf-lib');
	doc.setLanguage(record.language === 'id' ? 'id-ID' : 'en-US');
	doc.setCreationDate(date);
	doc.setModificationDate(date);

	const fonts: Fonts = {
		sans: await doc.embedFont(StandardFonts.Helvetica),
		sansBold: await doc.embedFont(StandardFonts.HelveticaBold),
		serif: await doc.embedFont(StandardFonts.TimesRoman)
	};
	const palette = paletteFor(record);
	const en = record.language === 'en';
	const chrome: Chrome = {
		fonts,
		palette,
		head: toWinAnsi(runningHead(record)),
		shortTitle: truncate(toWinAnsi(record.title), fonts.sans, 8, CONTENT_W - 90),
		pageWord: en ? 'Page' : 'Halaman'
	};

	drawCover(doc.addPage([PAGE_W, PAGE_H]), record, fonts, palette);

	// The TOC page count is known before the body is laid out (headings only),
	// so body page numbers are final when the body is drawn.
	const tocPages = paginateToc(tocEntries(record.sections, fonts));
	const tocPageObjects = tocPages.map(() => doc.addPage([PAGE_W, PAGE_H]));

	const flow = new Flow(doc, chrome, record.type === 'regulation', 2 + tocPages.length);
	const startPages = record.sections.map((section) => flow.section(section));
	drawToc(tocPageObjects, tocPages, startPages, chrome, en ? 'Contents' : 'Daftar Isi');

	// Head and footer go last in each content stream so that extracted page
	// text (search snippets) starts with the body, not with the chrome.
	doc.getPages().forEach((page, index) => {
		if (index > 0) drawChrome(page, chrome, index + 1);
	});

	return doc.save();
}
