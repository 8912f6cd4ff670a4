import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { ROOT, TEST_DIR } from './env.ts';

/**
 * Checks JSON-LD documents as served against the schema.org vocabulary. schema.org publishes no
 * JSON Schema; its official definition is the vocabulary itself, which `schema-dts` turns into
 * TypeScript types (one per type, with exactly the properties whose domain includes it and the
 * ranges they accept). Each document becomes a typed constant of the type its `@type` names and
 * the TypeScript compiler checks the file: an unknown type or property, a property on a type
 * outside its domain or a value outside its range is an error, with the path to it.
 */
export function checkSchemaOrg(docs: { label: string; doc: Record<string, unknown> }[]): {
	ok: boolean;
	output: string;
} {
	const dir = path.join(TEST_DIR, 'tmp', `jsonld-${crypto.randomUUID()}`);
	fs.mkdirSync(dir, { recursive: true });
	const lines = ["import type * as S from 'schema-dts';"];
	docs.forEach(({ label, doc }, i) => {
		const type = String(doc['@type']);
		if (!/^[A-Z][A-Za-z]+$/.test(type))
			throw new Error(`${label}: @type "${type}" is not a type name`);
		lines.push(`// ${label.replace(/\n/g, ' ')}`);
		lines.push(`export const doc${i}: S.WithContext<S.${type}> = ${JSON.stringify(doc, null, 2)};`);
	});
	fs.writeFileSync(path.join(dir, 'jsonld.ts'), lines.join('\n') + '\n');
	fs.writeFileSync(
		path.join(dir, 'tsconfig.json'),
		JSON.stringify({
			compilerOptions: {
				strict: true,
				noEmit: true,
				target: 'es2022',
				module: 'esnext',
				moduleResolution: 'bundler',
				types: [],
				skipLibCheck: true
			},
			files: ['jsonld.ts']
		})
	);
	const r = spawnSync(
		process.execPath,
		[path.join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', dir, '--pretty', 'false'],
		{ encoding: 'utf8' }
	);
	const output = `${r.stdout}${r.stderr}`.trim();
	if (r.status === 0) fs.rmSync(dir, { recursive: true, force: true });
	return { ok: r.status === 0, output };
}
