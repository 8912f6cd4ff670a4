import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

/**
 * The data files pdf.js fetches at run time — CMaps (CJK and other non-Latin encodings),
 * the standard 14 fonts, the JPEG 2000/JBIG2 WebAssembly decoders and the CMYK colour profile —
 * served from this origin under `/pdfjs/<version>/<dir>/<name>`, never from a CDN.
 *
 * Why an endpoint reading `node_modules/pdfjs-dist` rather than copies in `static/`:
 * - the files always match the installed pdf.js (an upgrade cannot leave stale copies behind,
 *   and nothing generated lands in the source tree or in git);
 * - the version in the URL makes every file immutable, so browsers cache them for a year and
 *   an upgrade simply changes the URLs;
 * - nothing from the URL reaches the file system: the allow-list is the actual listing of four
 *   known directories, filtered by strict name patterns, taken once at start.
 */

const require = createRequire(import.meta.url);
const PACKAGE_DIR = path.dirname(require.resolve('pdfjs-dist/package.json'));

/** The installed pdf.js version; URLs carrying another version are not served. */
export const PDFJS_VERSION: string = (
	JSON.parse(fs.readFileSync(path.join(PACKAGE_DIR, 'package.json'), 'utf8')) as {
		version: string;
	}
).version;

/** Directories pdf.js asks for, the file names allowed in each, and their media type. */
const DIRECTORIES: Record<string, { pattern: RegExp; type: (name: string) => string }> = {
	cmaps: {
		pattern: /^[A-Za-z0-9][A-Za-z0-9_.+-]*\.bcmap$/,
		type: () => 'application/octet-stream'
	},
	standard_fonts: {
		pattern: /^[A-Za-z0-9][A-Za-z0-9_-]*\.(pfb|ttf)$/,
		type: (n) => (n.endsWith('.ttf') ? 'font/ttf' : 'application/octet-stream')
	},
	wasm: { pattern: /^[a-z0-9][a-z0-9_]*\.wasm$/, type: () => 'application/wasm' },
	iccs: { pattern: /^[A-Za-z0-9][A-Za-z0-9_-]*\.icc$/, type: () => 'application/vnd.iccprofile' }
};

let allowed: Map<string, string> | undefined;

/** `dir/name` → absolute path, for every file pdf.js may fetch. Built once. */
function allowList(): Map<string, string> {
	if (allowed) return allowed;
	const map = new Map<string, string>();
	for (const [dir, { pattern }] of Object.entries(DIRECTORIES)) {
		let names: string[] = [];
		try {
			names = fs.readdirSync(path.join(PACKAGE_DIR, dir));
		} catch {
			continue; // a pdf.js build without this directory
		}
		for (const name of names) {
			if (pattern.test(name)) map.set(`${dir}/${name}`, path.join(PACKAGE_DIR, dir, name));
		}
	}
	allowed = map;
	return map;
}

/** A servable asset: where it is on disk and its media type. */
export interface PdfjsAsset {
	path: string;
	type: string;
	bytes: number;
}

/**
 * The asset for a URL's `version`, `dir` and `name`, or null when it is not on the allow-list
 * (wrong version, unknown directory, unknown or suspicious name).
 */
export function findAsset(version: string, dir: string, name: string): PdfjsAsset | null {
	if (version !== PDFJS_VERSION || !Object.hasOwn(DIRECTORIES, dir)) return null;
	const file = allowList().get(`${dir}/${name}`);
	if (!file) return null;
	return { path: file, type: DIRECTORIES[dir].type(name), bytes: fs.statSync(file).size };
}
