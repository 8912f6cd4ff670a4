import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const PACKAGE_NAME = 'perpustakaan-djkn';
let root: string | undefined;

function isAppRoot(dir: string): boolean {
	try {
		const pkg = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) as {
			name?: string;
		};
		return pkg.name === PACKAGE_NAME;
	} catch {
		return false;
	}
}

function walkUp(start: string): string | undefined {
	for (let dir = start; ; dir = path.dirname(dir)) {
		if (isAppRoot(dir)) return dir;
		if (path.dirname(dir) === dir) return undefined;
	}
}

/**
 * The repository checkout the server runs from. The built server (build/), the CLI scripts and
 * the tests all run from it; worker threads load their plain-JS entry files from here.
 */
export function appRoot(): string {
	root ??=
		process.env.APP_ROOT ||
		walkUp(path.dirname(fileURLToPath(import.meta.url))) ||
		walkUp(process.cwd());
	if (!root) throw new Error('cannot find the application root (package.json); set APP_ROOT');
	return root;
}

let version: string | undefined;

/** The release running: `version` of the application's package.json (e.g. `0.1.0`). */
export function appVersion(): string {
	if (version === undefined) {
		try {
			const pkg = JSON.parse(fs.readFileSync(path.join(appRoot(), 'package.json'), 'utf8')) as {
				version?: string;
			};
			version = pkg.version ?? 'unknown';
		} catch {
			version = 'unknown';
		}
	}
	return version;
}
