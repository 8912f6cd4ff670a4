import fs from 'node:fs';
import path from 'node:path';
import { CORPUS_DIR } from './env.ts';

/** One real-world PDF of the shared corpus with what poppler made of it. */
export interface CorpusFile {
	file: string;
	path: string;
	/** Page count according to poppler, or null when poppler failed on it. */
	pages: number | null;
	/** Needs a user password to open. */
	passwordProtected: boolean;
	/** Words pdftotext found (null when it failed). */
	words: number | null;
	category: string;
}

function readTsv(file: string): Record<string, string>[] {
	const [head, ...lines] = fs.readFileSync(file, 'utf8').trim().split('\n');
	const cols = head.split('\t');
	return lines.map((l) => Object.fromEntries(l.split('\t').map((v, i) => [cols[i], v])));
}

const num = (s: string | undefined) => (s && /^\d+$/.test(s) ? Number(s) : null);

/** Every PDF in tests/fixtures/corpus with its manifest expectations. */
export function corpusFiles(): CorpusFile[] {
	const out: CorpusFile[] = [];
	for (const row of readTsv(path.join(CORPUS_DIR, 'pdfjs', 'manifest.tsv'))) {
		out.push({
			file: `pdfjs/${row.file}`,
			path: path.join(CORPUS_DIR, 'pdfjs', row.file),
			pages: row.poppler_pdfinfo === 'ok' ? num(row.pages_poppler) : null,
			// The manifest lists a password only for files that need one to open.
			passwordProtected: !!row.password,
			words: num(row.pdftotext_words),
			category: row.category
		});
	}
	for (const row of readTsv(path.join(CORPUS_DIR, 'debian', 'manifest.tsv'))) {
		out.push({
			file: `debian/${row.file}`,
			path: path.join(CORPUS_DIR, 'debian', row.file),
			pages: num(row.pages),
			passwordProtected: row.user_password !== '-' && row.user_password !== '',
			words: num(row.pdftotext_words),
			category: 'debian'
		});
	}
	return out;
}
