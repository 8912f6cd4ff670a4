import type { Lang, SessionUser } from '$lib/types';

declare global {
	namespace App {
		interface Locals {
			/** The signed-in user, or null for an anonymous public reader. */
			user: SessionUser | null;
			/** The interface language chosen by the reader (cookie), Indonesian by default. */
			lang: Lang;
			requestId: string;
			/** How the user was identified: session cookie, API bearer token, or not at all. */
			authVia: 'session' | 'token' | null;
			/** Set by the area guard: the root layout answers 403 instead of rendering the page. */
			forbidden: boolean;
		}
		interface Error {
			message: string;
			requestId?: string;
		}
		// Every page also receives `lang` and `user` from the root layout (see +layout.server.ts).
		interface PageData {
			lang?: Lang;
			user?: SessionUser | null;
		}
	}
}

export {};
