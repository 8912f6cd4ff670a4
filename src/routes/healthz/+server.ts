import { json } from '@sveltejs/kit';
import { appVersion } from '$lib/server/paths.ts';
import type { RequestHandler } from './$types';

/**
 * Liveness for monitors and process supervisors: the process answers. Deliberately cheap and
 * public, so it says nothing about the catalog (readiness with its checks is /readyz).
 */
export const GET: RequestHandler = () =>
	json({ status: 'ok', version: appVersion() }, { headers: { 'Cache-Control': 'no-store' } });
