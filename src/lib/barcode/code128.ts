/**
 * Code 128, code set B (printable ASCII 32–126), with no dependency: start B, one symbol per
 * character, the mod-103 check symbol and the stop pattern. Every symbol is six elements
 * (bar, space, bar, space, bar, space) whose widths in modules add up to 11; the stop pattern
 * has a seventh, final bar and is 13 modules wide. The symbol is therefore
 * 11 × (characters + 3) + 2 modules, plus the quiet zones a renderer adds on both sides
 * (at least 10 modules each).
 */

/** Element widths of symbol values 0–106 (ISO/IEC 15417 table; 103–105 start A/B/C, 106 stop). */
const WIDTHS = (
	'212222 222122 222221 121223 121322 131222 122213 122312 132212 221213 221312 231212 ' +
	'112232 122132 122231 113222 123122 123221 223211 221132 221231 213212 223112 312131 ' +
	'311222 321122 321221 312212 322112 322211 212123 212321 232121 111323 131123 131321 ' +
	'112313 132113 132311 211313 231113 231311 112133 112331 132131 113123 113321 133121 ' +
	'313121 211331 231131 213113 213311 213131 311123 311321 331121 312113 312311 332111 ' +
	'314111 221411 431111 111224 111422 121124 121421 141122 141221 112214 112412 122114 ' +
	'122411 142112 142211 241211 221114 413111 241112 134111 111242 121142 121241 114212 ' +
	'124112 124211 411212 421112 421211 212141 214121 412121 111143 111341 131141 114113 ' +
	'114311 411113 411311 113141 114131 311141 411131 211412 211214 211232 2331112'
).split(' ');

export const START_B = 104;
export const STOP = 106;

/** A character outside code set B (ASCII 32–126) was given. */
export class Code128Error extends Error {
	constructor(
		readonly char: string,
		readonly index: number
	) {
		super(`Code 128 set B cannot encode ${JSON.stringify(char)} at position ${index}`);
		this.name = 'Code128Error';
	}
}

/**
 * The symbol values of `text`: start B, one value per character (its code − 32), the check
 * symbol (start value + Σ position × value, mod 103) and stop. Throws `Code128Error` for a
 * character outside ASCII 32–126 (also for an empty text: a barcode must carry something).
 */
export function symbols(text: string): number[] {
	if (!text.length) throw new Code128Error('', 0);
	const values: number[] = [];
	for (let i = 0; i < text.length; i++) {
		const code = text.charCodeAt(i);
		if (code < 32 || code > 126) throw new Code128Error(text[i], i);
		values.push(code - 32);
	}
	let sum = START_B;
	values.forEach((v, i) => (sum += v * (i + 1)));
	return [START_B, ...values, sum % 103, STOP];
}

/** The check symbol value (0–102) of `text` in code set B. */
export function checksum(text: string): number {
	const s = symbols(text);
	return s[s.length - 2];
}

/**
 * The widths in modules of the alternating elements of `text`'s barcode, starting with a bar
 * (even indexes are bars, odd indexes spaces, the last element is a bar). No quiet zones.
 */
export function widths(text: string): number[] {
	return symbols(text).flatMap((v) => [...WIDTHS[v]].map(Number));
}

/** The barcode as one character per module: `1` a bar module, `0` a space module. */
export function modules(text: string): string {
	return widths(text)
		.map((w, i) => (i % 2 === 0 ? '1' : '0').repeat(w))
		.join('');
}

/** The bars of `text`'s barcode as [x, width] in modules, counted from the left quiet zone. */
export function bars(text: string, quiet = 10): [number, number][] {
	const out: [number, number][] = [];
	let x = quiet;
	widths(text).forEach((w, i) => {
		if (i % 2 === 0) out.push([x, w]);
		x += w;
	});
	return out;
}

/** Total width in modules of `text`'s barcode including both quiet zones. */
export function totalModules(text: string, quiet = 10): number {
	return 11 * (text.length + 3) + 2 + 2 * quiet;
}

/**
 * A standalone SVG of `text`'s barcode (bars only; print the text beside it). The viewBox is
 * in modules, so the image scales crisply; `moduleWidth` and `height` set its default size in
 * CSS pixels.
 */
export function svg(
	text: string,
	opts: { moduleWidth?: number; height?: number; quiet?: number; title?: string } = {}
): string {
	const { moduleWidth = 2, height = 60, quiet = 10 } = opts;
	const total = totalModules(text, quiet);
	const rects = bars(text, quiet)
		.map(([x, w]) => `<rect x="${x}" y="0" width="${w}" height="${height}"/>`)
		.join('');
	const title = escapeXml(opts.title ?? text);
	return (
		`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${total} ${height}" ` +
		`width="${total * moduleWidth}" height="${height}" preserveAspectRatio="none" ` +
		`shape-rendering="crispEdges" role="img" aria-label="${title}">` +
		`<title>${title}</title><rect width="${total}" height="${height}" fill="#fff"/>` +
		`<g fill="#000">${rects}</g></svg>`
	);
}

function escapeXml(s: string): string {
	return s.replace(
		/[&<>"']/g,
		(c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!
	);
}
