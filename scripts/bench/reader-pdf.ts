import {
	concatTransformationMatrix,
	drawObject,
	PDFDocument,
	PDFHexString,
	PDFName,
	PDFString,
	popGraphicsState,
	pushGraphicsState,
	rgb,
	StandardFonts,
	type PDFPage,
	type PDFRef
} from 'pdf-lib';

/**
 * A deterministic "large scanned report" for the reader benchmark (and, small, for the reader's
 * browser tests): every page carries a heading, a paragraph of text and its own photograph-like
 * image whose pixels barely compress, so the file is big the way scanned PDFs are big. Also an
 * outline (one entry per chapter), a link from page 1 to a chapter (internal destination) and
 * one to the DJKN website (external), to exercise those parts of the viewer.
 *
 * Same options → byte-identical output (seeded PRNG, fixed dates, no clock).
 */
export interface ReaderPdfOptions {
	pages: number;
	/** Image size in pixels (RGB); 200×150 ≈ 90 KB per page after Flate. */
	imageWidth?: number;
	imageHeight?: number;
	/** A new chapter (outline entry) every this many pages. */
	chapterEvery?: number;
	seed?: number;
}

/** mulberry32: small, fast, deterministic. */
function prng(seed: number): () => number {
	let a = seed >>> 0;
	return () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

/** RGB pixels: a soft colour gradient under grain, like a scanned photograph. */
function photo(width: number, height: number, rand: () => number, hue: number): Uint8Array {
	const px = new Uint8Array(width * height * 3);
	for (let y = 0; y < height; y++) {
		for (let x = 0; x < width; x++) {
			const i = (y * width + x) * 3;
			const g = (x / width + y / height) / 2;
			const grain = () => (rand() - 0.5) * 90;
			px[i] = Math.max(0, Math.min(255, 60 + 150 * g + hue + grain()));
			px[i + 1] = Math.max(0, Math.min(255, 90 + 100 * (1 - g) + grain()));
			px[i + 2] = Math.max(0, Math.min(255, 120 + 80 * g - hue + grain()));
		}
	}
	return px;
}

const PARAGRAPH =
	'Laporan ini menyajikan hasil inventarisasi dan penilaian barang milik negara pada satuan kerja ' +
	'di lingkungan Direktorat Jenderal Kekayaan Negara. Setiap halaman memuat dokumentasi foto ' +
	'kondisi aset sebagaimana ditemukan oleh tim penilai di lapangan.';

function wrap(text: string, max: number): string[] {
	const lines: string[] = [];
	let line = '';
	for (const word of text.split(' ')) {
		if ((line + ' ' + word).trim().length > max) {
			lines.push(line);
			line = word;
		} else line = (line + ' ' + word).trim();
	}
	if (line) lines.push(line);
	return lines;
}

/** Builds the PDF described above. */
export async function buildReaderPdf(opts: ReaderPdfOptions): Promise<Uint8Array> {
	const { pages, imageWidth = 200, imageHeight = 150, chapterEvery = 25, seed = 2026 } = opts;
	const rand = prng(seed);
	const doc = await PDFDocument.create();
	const fixed = new Date(Date.UTC(2026, 0, 15));
	doc.setTitle('Laporan Inventarisasi Aset (uji pembaca)');
	doc.setAuthor('Direktorat Jenderal Kekayaan Negara');
	doc.setCreationDate(fixed);
	doc.setModificationDate(fixed);
	doc.setProducer('perpustakaan-djkn bench');
	doc.setCreator('perpustakaan-djkn bench');
	const font = await doc.embedFont(StandardFonts.Helvetica);
	const bold = await doc.embedFont(StandardFonts.HelveticaBold);
	const added: PDFPage[] = [];
	const chapters: { title: string; page: number }[] = [];

	for (let n = 1; n <= pages; n++) {
		const page = doc.addPage([595, 842]);
		added.push(page);
		const chapter = Math.floor((n - 1) / chapterEvery) + 1;
		if ((n - 1) % chapterEvery === 0) chapters.push({ title: `Bab ${chapter}`, page: n });
		page.drawText(`Bab ${chapter} — Halaman ${n}`, {
			x: 56,
			y: 780,
			size: 18,
			font: bold,
			color: rgb(0.04, 0.24, 0.43)
		});
		let y = 750;
		for (const line of wrap(`${PARAGRAPH} Catatan halaman ${n}.`, 90)) {
			page.drawText(line, { x: 56, y, size: 10, font, color: rgb(0.1, 0.1, 0.1) });
			y -= 14;
		}
		const pixels = photo(imageWidth, imageHeight, rand, (n * 37) % 60);
		const image = doc.context.flateStream(pixels, {
			Type: 'XObject',
			Subtype: 'Image',
			Width: imageWidth,
			Height: imageHeight,
			ColorSpace: 'DeviceRGB',
			BitsPerComponent: 8
		});
		const name = page.node.newXObject('Photo', doc.context.register(image));
		page.pushOperators(
			pushGraphicsState(),
			concatTransformationMatrix(483, 0, 0, 362, 56, 300),
			drawObject(name),
			popGraphicsState()
		);
		page.drawText(`Foto ${n}. Kondisi aset pada saat penilaian.`, {
			x: 56,
			y: 284,
			size: 9,
			font,
			color: rgb(0.35, 0.4, 0.46)
		});
		page.drawText(String(n), { x: 290, y: 40, size: 9, font });
	}

	// Page 1: a link to the second chapter (or the last page) and one to the DJKN website.
	const target = chapters[1]?.page ?? pages;
	const first = added[0];
	first.drawText(`Lompat ke halaman ${target}`, {
		x: 56,
		y: 240,
		size: 12,
		font: bold,
		color: rgb(0.08, 0.35, 0.62)
	});
	first.drawText('www.djkn.kemenkeu.go.id', {
		x: 56,
		y: 220,
		size: 12,
		font,
		color: rgb(0.08, 0.35, 0.62)
	});
	const links = [
		doc.context.obj({
			Type: 'Annot',
			Subtype: 'Link',
			Rect: [52, 236, 260, 254],
			Border: [0, 0, 0],
			Dest: [added[target - 1].ref, 'Fit']
		}),
		doc.context.obj({
			Type: 'Annot',
			Subtype: 'Link',
			Rect: [52, 216, 260, 234],
			Border: [0, 0, 0],
			A: { S: 'URI', URI: PDFString.of('https://www.djkn.kemenkeu.go.id/') }
		})
	];
	first.node.set(PDFName.of('Annots'), doc.context.obj(links.map((l) => doc.context.register(l))));

	// The outline: one entry per chapter.
	const outlineRef = doc.context.nextRef();
	const itemRefs: PDFRef[] = chapters.map(() => doc.context.nextRef());
	chapters.forEach((c, i) => {
		const item = doc.context.obj({
			Title: PDFHexString.fromText(c.title),
			Parent: outlineRef,
			Dest: [added[c.page - 1].ref, 'Fit'],
			...(i > 0 ? { Prev: itemRefs[i - 1] } : {}),
			...(i < chapters.length - 1 ? { Next: itemRefs[i + 1] } : {})
		});
		doc.context.assign(itemRefs[i], item);
	});
	doc.context.assign(
		outlineRef,
		doc.context.obj({
			Type: 'Outlines',
			First: itemRefs[0],
			Last: itemRefs[itemRefs.length - 1],
			Count: chapters.length
		})
	);
	doc.catalog.set(PDFName.of('Outlines'), outlineRef);
	return doc.save({ useObjectStreams: true });
}
