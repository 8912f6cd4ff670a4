import { redirect } from '@sveltejs/kit';
import { getDb } from '$lib/server/db/index.ts';
import * as audit from '$lib/server/audit.ts';
import { clientIp, endSession } from '$lib/server/accounts/web.ts';
import type { Actions, PageServerLoad } from './$types';

// Logging out changes state, so it is a POST (a GET link could be triggered by an <img>).
export const load: PageServerLoad = () => redirect(303, '/');

export const actions: Actions = {
	default: async (event) => {
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
		redirect(303, '/');
	}
};
