import fs from 'node:fs';
import { Readable } from 'node:stream';
import { error } from '@sveltejs/kit';
import { getDb } from '$lib/server/db/index.ts';
import * as reader from '$lib/server/reader/open.ts';
import * as publications from '$lib/server/catalog/publications.ts';
import * as storage from '$lib/server/storage/index.ts';
import { viewerOf } from '$lib/server/request.ts';
import { translator } from '$lib/i18n/index.ts';
import type { RequestHandler } from './$types';

/** The cover thumbnail, served only to those the policy lets read the publication. */
export const GET: RequestHandler = async ({ params, locals }) => {
	const db = await getDb();
	const t = translator(locals.lang);
	// The same rule as the file itself: a borrower of a restricted record sees its cover too.
	const facts = await reader.readableFacts(db, viewerOf(locals.user), Number(params.id));
	if (!facts) error(404, t('error.notFound'));
	const file = await publications.currentFile(db, facts.id);
	if (!file?.thumbnail_key) error(404, t('error.notFound'));
	const info = await storage.stat(file.thumbnail_key);
	if (!info) error(404, t('error.notFound'));
	const stream = Readable.toWeb(fs.createReadStream(storage.pathOf(file.thumbnail_key)));
	return new Response(stream as ReadableStream, {
		headers: {
			'Content-Type': 'image/png',
			'Content-Length': String(info.bytes),
			// Covers of public records may sit in shared caches; others only in the reader's own.
			'Cache-Control':
				facts.access === 'public' ? 'public, max-age=86400' : 'private, max-age=3600',
			ETag: `"${file.sha256.slice(0, 16)}"`
		}
	});
};
