import { describe, expect, it } from 'vitest';
import {
	contentDisposition,
	ifRangeHolds,
	notModified,
	parseRange
} from '../../src/lib/server/reader/ranges.ts';
import { isRobot, visitorKey } from '../../src/lib/server/reader/usage.ts';
import { canDownload, type DownloadFacts, type Viewer } from '../../src/lib/server/access.ts';

const SIZE = 1000;

describe('parseRange', () => {
	it.each([
		['bytes=0-99', { kind: 'partial', start: 0, end: 99 }],
		['bytes=100-', { kind: 'partial', start: 100, end: 999 }],
		['bytes=-50', { kind: 'partial', start: 950, end: 999 }],
		['bytes=-5000', { kind: 'partial', start: 0, end: 999 }],
		['bytes=990-5000', { kind: 'partial', start: 990, end: 999 }],
		['bytes=999-999', { kind: 'partial', start: 999, end: 999 }],
		['Bytes = 1 - 2', { kind: 'partial', start: 1, end: 2 }],
		['bytes=1000-', { kind: 'unsatisfiable' }],
		['bytes=1000-1005', { kind: 'unsatisfiable' }],
		['bytes=-0', { kind: 'unsatisfiable' }],
		['bytes=5-1', { kind: 'full' }],
		['bytes=0-1,5-9', { kind: 'full' }],
		['bytes=-', { kind: 'full' }],
		['bytes=a-b', { kind: 'full' }],
		['items=0-1', { kind: 'full' }],
		['bytes=99999999999999999999-', { kind: 'full' }]
	])('%s', (header, expected) => {
		expect(parseRange(header, SIZE)).toEqual(expected);
	});

	it('no header means the whole file', () => {
		expect(parseRange(null, SIZE)).toEqual({ kind: 'full' });
	});
});

describe('conditional requests', () => {
	const v = { etag: '"abc"', lastModified: new Date('2026-01-02T03:04:05.678Z') };
	const h = (init: Record<string, string>) => new Headers(init);

	it('If-None-Match uses weak comparison and wins over If-Modified-Since', () => {
		expect(notModified(h({ 'if-none-match': '"abc"' }), v)).toBe(true);
		expect(notModified(h({ 'if-none-match': 'W/"abc"' }), v)).toBe(true);
		expect(notModified(h({ 'if-none-match': '"x", "abc"' }), v)).toBe(true);
		expect(notModified(h({ 'if-none-match': '*' }), v)).toBe(true);
		expect(
			notModified(
				h({ 'if-none-match': '"x"', 'if-modified-since': 'Fri, 02 Jan 2026 03:04:05 GMT' }),
				v
			)
		).toBe(false);
		expect(notModified(h({ 'if-modified-since': 'Fri, 02 Jan 2026 03:04:05 GMT' }), v)).toBe(true);
		expect(notModified(h({ 'if-modified-since': 'Fri, 02 Jan 2026 03:04:04 GMT' }), v)).toBe(false);
		expect(notModified(h({ 'if-modified-since': 'garbage' }), v)).toBe(false);
		expect(notModified(h({}), v)).toBe(false);
	});

	it('If-Range needs a strong match or the exact date', () => {
		expect(ifRangeHolds(h({}), v)).toBe(true);
		expect(ifRangeHolds(h({ 'if-range': '"abc"' }), v)).toBe(true);
		expect(ifRangeHolds(h({ 'if-range': 'W/"abc"' }), v)).toBe(false);
		expect(ifRangeHolds(h({ 'if-range': '"old"' }), v)).toBe(false);
		expect(ifRangeHolds(h({ 'if-range': 'Fri, 02 Jan 2026 03:04:05 GMT' }), v)).toBe(true);
		expect(ifRangeHolds(h({ 'if-range': 'Fri, 02 Jan 2026 03:04:06 GMT' }), v)).toBe(false);
	});
});

describe('contentDisposition', () => {
	it('keeps a plain title readable', () => {
		expect(contentDisposition('inline', 'Laporan Tahunan 2022')).toBe(
			`inline; filename="Laporan Tahunan 2022.pdf"; filename*=UTF-8''Laporan%20Tahunan%202022.pdf`
		);
	});

	it('neutralises quotes, slashes, control characters and leading dots', () => {
		const cd = contentDisposition('attachment', '../"evil"\\name\r\nX-Header: 1; ñ');
		expect(cd.startsWith('attachment; filename="')).toBe(true);
		const ascii = /filename="([^"]*)"/.exec(cd)![1];
		expect(ascii).toMatch(/^[A-Za-z0-9 ._()-]+$/);
		expect(ascii.startsWith('.')).toBe(false);
		const utf8 = decodeURIComponent(/filename\*=UTF-8''(\S+)$/.exec(cd)![1]);
		expect(utf8).not.toMatch(/[\\/\r\n]/);
		expect(utf8).toContain('ñ');
		expect(cd).not.toMatch(/[\r\n]/);
	});

	it('falls back to a generic name and caps the length', () => {
		expect(contentDisposition('inline', '///')).toContain('filename="-.pdf"');
		expect(contentDisposition('inline', '资产')).toContain('filename="_.pdf"');
		expect(contentDisposition('inline', '   ')).toContain('filename="dokumen.pdf"');
		const long = /filename="([^"]*)"/.exec(contentDisposition('inline', 'a'.repeat(500)))![1];
		expect(long.length).toBeLessThanOrEqual(124);
	});
});

describe('usage counting helpers', () => {
	it('recognises robots and tools, not browsers (headless Chromium included)', () => {
		for (const ua of [
			'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)',
			'Mozilla/5.0 (compatible; bingbot/2.0)',
			'curl/8.5.0',
			'Wget/1.21.3',
			'python-requests/2.31.0',
			'Baiduspider',
			'',
			null
		])
			expect(isRobot(ua), String(ua)).toBe(true);
		for (const ua of [
			'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36',
			'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/156.0 Safari/537.36',
			'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 Version/17.0 Mobile/15E148 Safari/604.1'
		])
			expect(isRobot(ua), ua).toBe(false);
	});

	it('identifies members by id and anonymous visitors by a keyed hash, never the address', () => {
		expect(visitorKey(7, '10.0.0.1', 'ua')).toBe('u:7');
		const a = visitorKey(null, '10.0.0.1', 'ua');
		expect(a).toMatch(/^a:[0-9a-f]{32}$/);
		expect(a).not.toContain('10.0.0.1');
		expect(visitorKey(null, '10.0.0.1', 'ua')).toBe(a);
		expect(visitorKey(null, '10.0.0.2', 'ua')).not.toBe(a);
		expect(visitorKey(null, '10.0.0.1', 'other')).not.toBe(a);
	});
});

describe('canDownload', () => {
	const NOW = new Date('2026-06-01T12:00:00Z');
	const anonymous: Viewer = null;
	const employee: Viewer = { id: 1, role: 'employee' };
	const librarian: Viewer = { id: 2, role: 'librarian' };
	const facts = (over: Partial<DownloadFacts> = {}): DownloadFacts => ({
		access: 'public',
		status: 'published',
		embargo_until: null,
		downloadable: 1,
		...over
	});

	it.each([
		['public', 1, [true, true, true]],
		['public', 0, [false, false, true]],
		['internal', 1, [false, true, true]],
		['internal', 0, [false, false, true]],
		['restricted', 1, [false, false, true]],
		['restricted', 0, [false, false, true]]
	] as const)('%s, downloadable=%i: anonymous/employee/librarian', (access, downloadable, want) => {
		const got = [anonymous, employee, librarian].map((v) =>
			canDownload(v, facts({ access, downloadable }), NOW)
		);
		expect(got).toEqual(want);
	});

	it('nobody but staff downloads what they may not see (draft, embargo)', () => {
		expect(canDownload(employee, facts({ status: 'draft' }), NOW)).toBe(false);
		expect(canDownload(anonymous, facts({ embargo_until: '2099-01-01' }), NOW)).toBe(false);
		expect(canDownload(librarian, facts({ status: 'withdrawn', downloadable: 0 }), NOW)).toBe(true);
	});
});
