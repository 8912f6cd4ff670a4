import { getDb } from '$lib/server/db/index.ts';
import { config } from '$lib/server/config.ts';
import { clock } from '$lib/server/clock.ts';
import * as oai from '$lib/server/interop/oai.ts';
import type { RequestHandler } from './$types';

/**
 * OAI-PMH 2.0 base URL (lib/server/interop/oai.ts). Harvesters use GET or a form-encoded POST;
 * both carry the same arguments. Every answer — protocol errors included — is a 200 XML
 * document, as the protocol requires. Anonymous by design: the provider describes only what
 * the public may see, whoever asks.
 */
async function answer(pairs: [string, string][] | null): Promise<Response> {
	// The response date is taken before anything is read (see oai.reconcile on why).
	const now = clock();
	const body = await oai.respond(await getDb(), pairs, {
		origin: config.origin,
		adminEmail: config.oaiAdminEmail,
		now
	});
	return new Response(body, {
		headers: { 'Content-Type': 'text/xml; charset=utf-8', 'Cache-Control': 'no-store' }
	});
}

export const GET: RequestHandler = ({ url }) => answer([...url.searchParams]);

export const POST: RequestHandler = async ({ request }) => {
	const type = (request.headers.get('content-type') ?? '').split(';')[0].trim().toLowerCase();
	if (type !== 'application/x-www-form-urlencoded') return answer(null);
	return answer([...new URLSearchParams(await request.text())]);
};
