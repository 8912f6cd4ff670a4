import fs from 'node:fs';
import { Readable } from 'node:stream';
import { error } from '@sveltejs/kit';
import { getDb } from '$lib/server/db/index.ts';
import * as reader from '$lib/server/reader/open.ts';
import * as publications from '$lib/server/catalog/publications.ts';
import * as covers from '$lib/server/catalog/covers.ts';
import * as storage from '$lib/server/storage/index.ts';
import { canReadContent } from '$lib/server/access.ts';
import { notModified } from '$lib/server/reader/ranges.ts';
import { viewerOf } from '$lib/server/request.ts';
import { clock } from '$lib/server/clock.ts';
import { translator } from '$lib/i18n/index.ts';
import type { RequestHandler } from './$types';

const TYPES = { png: 'image/png', webp: 'image/webp', avif: 'image/avif' } as const;

/**
 * The cover thumbnail, served only to those the policy lets read the publication: the PNG, or
 * with `f=webp|avif` and `w=<width>` one of its responsive renderings (covers.ts) under the
 * very same check. A rendering that does not exist is a 404; a malformed `f`/`w` a 400.
 */
export const GET: RequestHandler = async ({ params, locals, request, url }) => {
	const db = await getDb();
	const t = translator(locals.lang);
	const format = url.searchParams.get('f') ?? 'png';
	const width = url.searchParams.get('w');
	if (!(format in TYPES) || (width !== null && !/^[1-9]\d{0,3}$/.test(width)))
		error(400, t('error.invalid'));
	const now = clock();
	// The same rule as the file itself: a borrower of a restricted record sees its cover too.
	const facts = await reader.readableFacts(db, viewerOf(locals.user), Number(params.id), now);
	if (!facts) error(404, t('error.notFound'));
	const file = await publications.currentFile(db, facts.id);
	if (!file?.thumbnail_key) error(404, t('error.notFound'));
	let key = file.thumbnail_key;
	if (format !== 'png' || width !== null) {
		const variant = (await covers.variantsOf(db, file.id)).find(
			(v) => v.format === format && (width === null || v.width === Number(width))
		);
		if (!variant) error(404, t('error.notFound'));
		key = variant.key;
	}
	const info = await storage.stat(key);
	if (!info) error(404, t('error.notFound'));
	// Each rendering is its own representation: its own strong tag.
	const etag = `"${file.sha256.slice(0, 16)}${format === 'png' && width === null ? '' : `-${format}${width ?? ''}`}"`;
	// Shared caches only for a cover anyone may see (a public draft is not), and every copy
	// revalidates (a cheap 304), so a cover stops showing the moment its record is hidden.
	const headers: Record<string, string> = canReadContent(null, facts, now)
		? { 'Cache-Control': 'public, no-cache', ETag: etag }
		: { 'Cache-Control': 'private, no-cache', Vary: 'Cookie, Authorization', ETag: etag };
	if (notModified(request.headers, { etag, lastModified: new Date(file.created_at) }))
		return new Response(null, { status: 304, headers });
	const stream = Readable.toWeb(fs.createReadStream(storage.pathOf(key)));
	return new Response(stream as ReadableStream, {
		headers: {
			...headers,
			'Content-Type': TYPES[format as keyof typeof TYPES],
			'Content-Length': String(info.bytes)
		}
	});
};
