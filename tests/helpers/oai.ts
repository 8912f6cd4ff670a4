import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { withLibraryDb } from './db.ts';
import { ROOT, TEST_DIR } from './env.ts';

/** The official schemas (copied into the repository, imports local: no network). */
export const SCHEMAS = path.join(ROOT, 'tests', 'fixtures', 'schemas');
/** OAI-PMH 2.0 + oai_dc + oai-identifier (the driver shipped with the schemas). */
export const OAI_DC_SCHEMA = path.join(SCHEMAS, 'oai-pmh', 'oai-pmh-all.xsd');
/** OAI-PMH 2.0 + qualified Dublin Core (DCMI's schemas) + oai-identifier. */
export const OAI_QDC_SCHEMA = path.join(SCHEMAS, 'qdc', 'oai-pmh-qdc.xsd');

const TOOLS = {
	xmllint: { file: '/usr/bin/xmllint', install: 'sudo apt-get install -y libxml2-utils' },
	perl: { file: '/usr/bin/perl', install: 'sudo apt-get install -y libhttp-oai-perl' }
};

/** Fails (never skips) when a tool the test drives is missing, naming the install command. */
export function requireTool(name: keyof typeof TOOLS): void {
	const t = TOOLS[name];
	if (!fs.existsSync(t.file)) throw new Error(`${t.file} is missing: ${t.install}`);
	if (name === 'perl') {
		const r = spawnSync(t.file, ['-MHTTP::OAI', '-e', '1'], { encoding: 'utf8' });
		if (r.status !== 0) throw new Error(`HTTP::OAI (Perl) is missing: ${t.install}`);
	}
}

/**
 * Validates an XML document against an XSD with libxml2's xmllint, offline (`--nonet`): every
 * import resolves to the local copies. Returns xmllint's verdict and messages.
 */
export function validateXml(xml: string, schema: string): { ok: boolean; output: string } {
	requireTool('xmllint');
	const dir = path.join(TEST_DIR, 'tmp', 'xml');
	fs.mkdirSync(dir, { recursive: true });
	const file = path.join(dir, `${crypto.randomUUID()}.xml`);
	fs.writeFileSync(file, xml);
	try {
		const r = spawnSync('/usr/bin/xmllint', ['--nonet', '--noout', '--schema', schema, file], {
			encoding: 'utf8'
		});
		return { ok: r.status === 0, output: `${r.stdout}${r.stderr}` };
	} finally {
		fs.rmSync(file, { force: true });
	}
}

/** One harvested record as the Perl harvester prints it. */
export interface HarvestedRecord {
	identifier: string;
	status: 'active' | 'deleted';
	datestamp: string;
	sets: string[];
	title: string;
}

export interface Harvest {
	responseDate: string;
	pages: number;
	records: HarvestedRecord[];
	/** Everything the harvester printed. */
	raw: string;
}

/**
 * Harvests with Debian's HTTP::OAI::Harvester (tests/helpers/oai-harvest.pl), following
 * resumption tokens; throws with the harvester's message on an OAI or HTTP error.
 */
export function harvest(
	baseUrl: string,
	opts: {
		verb?: 'ListIdentifiers' | 'ListRecords';
		prefix?: string;
		from?: string;
		until?: string;
		set?: string;
	} = {}
): Harvest {
	requireTool('perl');
	const r = spawnSync(
		'/usr/bin/perl',
		[
			path.join(ROOT, 'tests', 'helpers', 'oai-harvest.pl'),
			baseUrl,
			opts.verb ?? 'ListIdentifiers',
			opts.prefix ?? 'oai_dc',
			opts.from ?? '',
			opts.until ?? '',
			opts.set ?? ''
		],
		{ encoding: 'utf8', timeout: 120_000 }
	);
	if (r.status !== 0) throw new Error(`harvest failed (${r.status}): ${r.stderr}${r.stdout}`);
	const out: Harvest = { responseDate: '', pages: 0, records: [], raw: r.stdout };
	for (const line of r.stdout.split('\n')) {
		if (!line) continue;
		const f = line.split('\t');
		if (f[0] === 'responseDate') out.responseDate = f[1];
		else if (f[0] === 'pages') out.pages = Number(f[1]);
		else
			out.records.push({
				identifier: f[0],
				status: f[1] as 'active' | 'deleted',
				datestamp: f[2],
				sets: f[3] ? f[3].split(',') : [],
				title: f[4] ?? ''
			});
	}
	return out;
}

/** The text of every element with this (prefixed) name, in document order. */
export function texts(xml: string, name: string): string[] {
	const re = new RegExp(`<${name}(?:\\s[^>]*)?>([^<]*)</${name}>`, 'g');
	return [...xml.matchAll(re)].map((m) => decode(m[1]));
}

/** The attributes of the first element with this name, or null. */
export function attributes(xml: string, name: string): Record<string, string> | null {
	const m = new RegExp(`<${name}((?:\\s[^>]*?)?)\\s*/?>`).exec(xml);
	if (!m) return null;
	return Object.fromEntries(
		[...m[1].matchAll(/([\w:-]+)="([^"]*)"/g)].map((a) => [a[1], decode(a[2])])
	);
}

function decode(s: string): string {
	return s
		.replace(/&lt;/g, '<')
		.replace(/&gt;/g, '>')
		.replace(/&quot;/g, '"')
		.replace(/&apos;/g, "'")
		.replace(/&amp;/g, '&');
}

/** Ids and titles of the records the anonymous public may not see (today, UTC), on either engine. */
export async function hiddenRecords(
	dataDir: string
): Promise<{ id: number; title: string; why: string }[]> {
	return withLibraryDb(dataDir, (db) =>
		db.all(
			`select id, title, access || '/' || status || coalesce('/embargo ' || embargo_until, '') why
			 from publications
			 where not (status = 'published' and access = 'public' and (embargo_until is null or embargo_until <= ?))`,
			new Date().toISOString().slice(0, 10)
		)
	);
}

/** Ids of the records the anonymous public may see (today, UTC), ascending, on either engine. */
export async function publicIds(dataDir: string): Promise<number[]> {
	const rows = await withLibraryDb(dataDir, (db) =>
		db.all<{ id: number }>(
			`select id from publications
			 where status = 'published' and access = 'public' and (embargo_until is null or embargo_until <= ?)
			 order by id`,
			new Date().toISOString().slice(0, 10)
		)
	);
	return rows.map((r) => r.id);
}

/**
 * Adds `n` published public books (with an author each) straight into a data directory before
 * its server starts, so a harvest needs more than one page of 100.
 */
export function addPublicBooks(dataDir: string, n: number): void {
	const db = new SQLite(path.join(dataDir, 'perpustakaan.sqlite'));
	try {
		const insert = db.prepare(
			`insert into publications (type, title, year, language, access, status, publisher)
			 values ('book', ?, ?, 'id', 'public', 'published', 'Direktorat Jenderal Kekayaan Negara')`
		);
		const author = db.prepare(
			`insert into publication_authors (publication_id, position, name) values (?, 0, ?)`
		);
		db.transaction(() => {
			for (let i = 1; i <= n; i++) {
				const { lastInsertRowid } = insert.run(
					`Kajian Pengelolaan Aset Nomor ${i}`,
					2000 + (i % 25)
				);
				author.run(Number(lastInsertRowid), `Penulis Uji ${i}`);
			}
		})();
	} finally {
		db.close();
	}
}
