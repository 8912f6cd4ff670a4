import type { Lang, SessionUser } from '$lib/types';

declare global {
	namespace App {
		interface Locals {
			/** The signed-in user, or null for an anonymous public reader. */
			user: SessionUser | null;
			/** The interface language chosen by the reader (cookie), Indonesian by default. */
			lang: Lang;
			requestId: string;
		}
		interface Error {
			message: string;
			requestId?: string;
		}
		interface PageData {
			lang: Lang;
			user: SessionUser | null;
		}
	}
}

export {};
