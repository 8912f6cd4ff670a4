import { error, json, type RequestEvent } from '@sveltejs/kit';
import { translator } from '../i18n/index.ts';

/**
 * Form bodies are the caller's to get wrong. A body that does not parse as a form — garbage or
 * truncated multipart, a multipart type without boundary, `text/plain` — is a 400 with a
 * translated reason, never an unhandled exception (500). Every form action reads its body here.
 */
export async function readForm(event: RequestEvent): Promise<FormData> {
	try {
		return await event.request.formData();
	} catch {
		error(400, translator(event.locals.lang)('error.invalidBody'));
	}
}

/**
 * `?/default` names SvelteKit's reserved action; SvelteKit answers it with an internal error
 * (500). It is simply an action that does not exist: 404, as for any unknown action name.
 */
export function reservedActionRefusal(event: RequestEvent): Response | null {
	if (event.request.method !== 'POST' || !event.url.searchParams.has('/default')) return null;
	const message = translator(event.locals.lang)('error.notFound');
	const accept = event.request.headers.get('accept') ?? '';
	// `use:enhance` asks for JSON and reads SvelteKit's action result shape.
	if (accept.includes('application/json'))
		return json({ type: 'error', error: { message } }, { status: 404 });
	return new Response(message, {
		status: 404,
		headers: { 'Content-Type': 'text/plain; charset=utf-8' }
	});
}
