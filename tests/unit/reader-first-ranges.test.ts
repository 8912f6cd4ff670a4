import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { READER_CHUNK, tailChunkStart } from '../../src/lib/server/reader/open.ts';
import { READER_RANGES, tailRange } from '../../src/lib/components/reader/pdfjs.ts';
import { buildReaderPdf } from '../../scripts/bench/reader-pdf.ts';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'djkn-first-ranges-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
const C = READER_CHUNK;

describe("the reader's first tail range: whole chunks, the last 64 KiB and the xref section", () => {
	it('uses the same chunk size on both sides', () => {
		expect(C).toBe(READER_RANGES.chunk);
	});

	it('starts on the chunk boundary before both the last 64 KiB and startxref (a real PDF)', async () => {
		const bytes = await buildReaderPdf({ pages: 40 });
		const file = path.join(dir, 'r.pdf');
		fs.writeFileSync(file, bytes);
		const size = bytes.byteLength;
		const start = await tailChunkStart(file, size, C);
		const text = Buffer.from(bytes).toString('latin1');
		const startxref = Number(/startxref\s+(\d+)\s+%%EOF\s*$/.exec(text)![1]);
		expect(start % C).toBe(0);
		expect(start).toBeLessThanOrEqual(Math.min(startxref, size - C));
		expect(start).toBeGreaterThan(Math.min(startxref, size - C) - C);
		expect(tailRange(start)).toBe(`${start}-`);
	});

	it('includes a cross-reference section further back, within four chunks of the end', async () => {
		const far = path.join(dir, 'far.pdf');
		const body = Buffer.alloc(10 * C, 0x20);
		const at = 10 * C - Math.floor(2.5 * C);
		fs.writeFileSync(far, Buffer.concat([body, Buffer.from(`\nstartxref\n${at}\n%%EOF\n`)]));
		const size = fs.statSync(far).size;
		expect(await tailChunkStart(far, size, C)).toBe(Math.floor(at / C) * C);
		// Further than that: the last whole chunks only (pdf.js fetches the rest as it needs it).
		fs.writeFileSync(far, Buffer.concat([body, Buffer.from('\nstartxref\n10\n%%EOF\n')]));
		expect(await tailChunkStart(far, size, C)).toBe(Math.floor((size - C) / C) * C);
	});

	it('without a usable startxref, or a file, still asks for whole chunks', async () => {
		const junk = path.join(dir, 'junk.pdf');
		fs.writeFileSync(junk, 'not a pdf at all');
		expect(await tailChunkStart(junk, 16, C)).toBe(0);
		const missing = path.join(dir, 'missing.pdf');
		expect(await tailChunkStart(missing, 3 * C + 5, C)).toBe(2 * C);
		expect(tailRange(null)).toBe(`-${READER_RANGES.tail}`);
	});
});
