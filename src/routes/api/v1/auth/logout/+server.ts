import { getDb } from '$lib/server/db/index.ts';
import * as audit from '$lib/server/audit.ts';
import { clientIp, endSession } from '$lib/server/accounts/web.ts';
import type { RequestHandler } from './$types';

/** `POST /api/v1/auth/logout` — ends the current session; 204 either way. */
export const POST: RequestHandler = async (event) => {
	const userId = await endSession(event);
	if (userId) {
		await audit.record(await getDb(), {
			actorId: userId,
			action: 'auth.logout',
			entity: 'user',
			entityId: userId,
			ip: clientIp(event)
		});
	}
	return new Response(null, { status: 204 });
};
