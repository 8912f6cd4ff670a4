import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { ROOT, TEST_DIR } from './env.ts';

/** The official OPDS schemas, copied into the repository (tests/fixtures/schemas/README.md). */
export const OPDS_SCHEMAS = path.join(ROOT, 'tests', 'fixtures', 'schemas', 'opds');
/**
 * OPDS 1.2's RELAX NG grammar with only its URI-pattern typo fixed (the official one rejects
 * every URI containing `r` or `t`); it includes the Atom grammar.
 */
export const OPDS_RNG = path.join(OPDS_SCHEMAS, '1.2', 'opds-fixed-uri-pattern.rng');
/** RFC 4287's Atom grammar (shipped with the OPDS one). */
export const ATOM_RNG = path.join(OPDS_SCHEMAS, '1.2', 'atom.rng');

const JING = '/usr/bin/jing';
const XMLLINT = '/usr/bin/xmllint';

function requireTool(file: string, install: string): void {
	if (!fs.existsSync(file)) throw new Error(`${file} is missing: ${install}`);
}

/** Writes documents to scratch files, runs `tool` over them, and removes them again. */
function withFiles<T>(docs: Record<string, string>, ext: string, run: (files: string[]) => T): T {
	const dir = path.join(TEST_DIR, 'tmp', `opds-${crypto.randomUUID()}`);
	fs.mkdirSync(dir, { recursive: true });
	try {
		const files = Object.entries(docs).map(([name, body], i) => {
			const file = path.join(
				dir,
				`${i}-${name.replace(/[^A-Za-z0-9_-]+/g, '_').slice(0, 80)}.${ext}`
			);
			fs.writeFileSync(file, body);
			return file;
		});
		return run(files);
	} finally {
		fs.rmSync(dir, { recursive: true, force: true });
	}
}

/**
 * Validates XML documents against a RELAX NG grammar with jing, all in one run (it is a JVM).
 * Returns jing's verdict and messages (which name the scratch file, i.e. the document's URL).
 */
export function jing(
	schema: string,
	docs: Record<string, string>
): { ok: boolean; output: string } {
	requireTool(JING, 'sudo apt-get install -y jing');
	return withFiles(docs, 'xml', (files) => {
		const r = spawnSync(JING, [schema, ...files], { encoding: 'utf8' });
		// The Debian wrapper warns about optional jars on stderr; only jing's own lines matter.
		const output = `${r.stdout}${r.stderr}`
			.split('\n')
			.filter((l) => l.trim() && !l.includes('[warning]'))
			.join('\n');
		return { ok: r.status === 0, output };
	});
}

/** Checks that documents are well-formed XML (xmllint, offline). */
export function wellFormed(docs: Record<string, string>): { ok: boolean; output: string } {
	requireTool(XMLLINT, 'sudo apt-get install -y libxml2-utils');
	return withFiles(docs, 'xml', (files) => {
		const r = spawnSync(XMLLINT, ['--nonet', '--noout', ...files], { encoding: 'utf8' });
		return { ok: r.status === 0, output: `${r.stdout}${r.stderr}` };
	});
}

/**
 * The OPDS 2.0 feed validator: ajv 8 with formats, every OPDS 2.0 and Readium Web Publication
 * Manifest schema loaded from the local copies, so no `$ref` goes to the network (as the
 * schemas' own validate-opds2.mjs does).
 */
export function opds2Validator(): ValidateFunction {
	// ajv-formats is CommonJS: under Node's ESM loader its function is the default's default.
	const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ??
		addFormatsModule) as unknown as (ajv: Ajv) => Ajv;
	const ajv = new Ajv({ strict: false, allErrors: true });
	addFormats(ajv);
	const walk = (d: string): string[] =>
		fs
			.readdirSync(d, { withFileTypes: true })
			.flatMap((e) =>
				e.isDirectory()
					? walk(path.join(d, e.name))
					: e.name.endsWith('.schema.json')
						? [path.join(d, e.name)]
						: []
			);
	for (const f of [
		...walk(path.join(OPDS_SCHEMAS, 'readium-webpub-manifest')),
		...walk(path.join(OPDS_SCHEMAS, '2.0'))
	])
		ajv.addSchema(JSON.parse(fs.readFileSync(f, 'utf8')));
	const validate = ajv.getSchema('https://drafts.opds.io/schema/feed.schema.json');
	if (!validate) throw new Error('OPDS 2.0 feed schema not found');
	return validate;
}
