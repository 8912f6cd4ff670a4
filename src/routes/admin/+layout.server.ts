import { refuseFlaggedPage } from '$lib/server/http.ts';
import type { LayoutServerLoad } from './$types';

// hooks.server.ts guards this area for every request; this renders its 403 inside the site.
export const load: LayoutServerLoad = ({ locals }) => refuseFlaggedPage(locals);
