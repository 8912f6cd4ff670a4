import { apiError } from '$lib/server/http.ts';
import { translator } from '$lib/i18n/index.ts';
import type { RequestHandler } from './$types';

/** Unknown API paths answer JSON, not the HTML error page. */
const notFound: RequestHandler = ({ locals }) =>
	apiError(404, 'not_found', translator(locals.lang)('error.notFound'));

export const GET = notFound;
export const POST = notFound;
export const PUT = notFound;
export const PATCH = notFound;
export const DELETE = notFound;
