import fs from 'node:fs';
import { Readable } from 'node:stream';
import { error } from '@sveltejs/kit';
import { findAsset } from '$lib/server/reader/pdfjs-assets.ts';
import { translator } from '$lib/i18n/index.ts';
import type { RequestHandler } from './$types';

/**
 * pdf.js data files (CMaps, standard fonts, WebAssembly decoders, colour profile) from the
 * installed pdfjs-dist, on a strict allow-list — see pdfjs-assets.ts for why an endpoint.
 * The version is part of the URL, so every answer is immutable.
 */
export const GET: RequestHandler = ({ params, locals }) => {
	const asset = findAsset(params.version, params.dir, params.name);
	if (!asset) error(404, translator(locals.lang)('error.notFound'));
	return new Response(Readable.toWeb(fs.createReadStream(asset.path)) as ReadableStream, {
		headers: {
			'Content-Type': asset.type,
			'Content-Length': String(asset.bytes),
			'Cache-Control': 'public, max-age=31536000, immutable',
			// The worker fetches these; nothing else of ours may embed or read them cross-origin.
			'Cross-Origin-Resource-Policy': 'same-origin'
		}
	});
};
