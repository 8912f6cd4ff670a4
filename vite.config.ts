import { sveltekit } from '@sveltejs/kit/vite';
import { minify, type Plugin } from 'vite';
import { defineConfig } from 'vitest/config';

/**
 * Files imported with `?url` are emitted as they are, and pdf.js ships its viewer components
 * (`web/pdf_viewer.mjs`, loaded by the reader through its URL: lib/components/reader/pdfjs.ts)
 * unminified: 311 KB, 57 KB Brotli. Minify that asset at the end of the client build (the
 * name's hash stays the source's, which changes only with pdfjs-dist). pdf.js and its worker
 * come minified already (`*.min.mjs`). Issue #18.
 */
function minifyPdfViewer(): Plugin {
	return {
		name: 'djkn-minify-pdf-viewer',
		apply: 'build',
		async generateBundle(_options, bundle) {
			for (const file of Object.values(bundle)) {
				if (file.type !== 'asset' || !/(^|\/)pdf_viewer\.[\w-]+\.mjs$/.test(file.fileName))
					continue;
				const code =
					typeof file.source === 'string' ? file.source : new TextDecoder().decode(file.source);
				const out = await minify(file.fileName, code, {
					module: true,
					compress: true,
					mangle: true
				});
				if (out.errors?.length) this.error(`minifying ${file.fileName}: ${out.errors[0].message}`);
				file.source = out.code;
			}
		}
	};
}

/** The server suites that also run on PostgreSQL (project `server-pg`), most important first. */
const PG_SUITES = [
	'access-matrix',
	'api-visibility',
	'circulation-leaks',
	'circulation-api',
	'circulation',
	'login-lockout',
	'search',
	'cataloguing-api',
	'accounts',
	'bad-input',
	'availability',
	'items',
	'counter',
	'file-route',
	'oai',
	'opds',
	'cache-headers',
	'circulation-settings',
	'table-sorting',
	'origin',
	'compression'
];

export default defineConfig({
	plugins: [sveltekit(), minifyPdfViewer()],
	server: { host: '127.0.0.1' },
	test: {
		// Each project is a layer of the test pyramid; scripts/test.js runs them all and prints
		// the one summary line CI reads.
		projects: [
			{
				extends: true,
				test: {
					name: 'unit',
					include: ['tests/unit/**/*.test.ts'],
					exclude: ['tests/unit/**/*.svelte.test.ts'],
					environment: 'node'
				}
			},
			{
				// Components mounted in a DOM (happy-dom): Svelte's `mount` exists only in its browser
				// build, so this layer resolves packages with the `browser` condition; the unit layer
				// keeps Node's, which the server modules it tests need.
				extends: true,
				resolve: { conditions: ['browser'] },
				test: {
					name: 'component',
					include: ['tests/unit/**/*.svelte.test.ts'],
					environment: 'happy-dom'
				}
			},
			{
				extends: true,
				test: {
					name: 'server',
					include: ['tests/server/**/*.test.ts'],
					environment: 'node',
					globalSetup: ['tests/server/global-setup.ts'],
					testTimeout: 60_000,
					hookTimeout: 120_000
				}
			},
			{
				// The same server suites again on PostgreSQL (issue #16): one real server for the run,
				// the demo catalog seeded once into a template database, a database per test file
				// (tests/server/pg-global-setup.ts, tests/helpers/demo.ts). Suites that are SQLite by
				// nature (its file, WAL, migrations' history, backup format) stay in `server` only.
				extends: true,
				test: {
					name: 'server-pg',
					include: PG_SUITES.map((name) => `tests/server/${name}.test.ts`),
					environment: 'node',
					globalSetup: ['tests/server/global-setup.ts', 'tests/server/pg-global-setup.ts'],
					testTimeout: 60_000,
					hookTimeout: 120_000
				}
			},
			{
				extends: true,
				test: {
					name: 'e2e',
					include: ['tests/e2e/**/*.test.ts'],
					environment: 'node',
					globalSetup: ['tests/e2e/global-setup.ts'],
					testTimeout: 60_000,
					hookTimeout: 180_000,
					fileParallelism: false
				}
			}
		]
	}
});
