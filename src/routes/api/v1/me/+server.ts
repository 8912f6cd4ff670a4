import { json } from '@sveltejs/kit';
import { apiError } from '$lib/server/http.ts';
import { translator } from '$lib/i18n/index.ts';
import type { RequestHandler } from './$types';

/** `GET /api/v1/me` — `{ id, name, nip, email, role, memberType }` of the caller, or 401. */
export const GET: RequestHandler = ({ locals }) => {
	const u = locals.user;
	if (!u) return apiError(401, 'unauthorized', translator(locals.lang)('error.unauthorized'));
	return json(
		{
			id: u.id,
			name: u.name,
			nip: u.nip,
			email: u.email,
			role: u.role,
			memberType: u.memberType,
			unit: u.unit
		},
		{ headers: { 'Cache-Control': 'no-store' } }
	);
};
