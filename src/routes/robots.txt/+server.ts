import { config } from '$lib/server/config.ts';
import { robotsTxt } from '$lib/server/interop/sitemap.ts';
import { publicAnswer } from '$lib/server/interop/public-answer.ts';
import type { RequestHandler } from './$types';

/** robots.txt, pointing crawlers at the sitemap (lib/server/interop/sitemap.ts). */
export const GET: RequestHandler = ({ request }) =>
	publicAnswer(request, robotsTxt(config.origin), 'text/plain');
