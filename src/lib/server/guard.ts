import type { Role } from './db/schema.ts';

/**
 * Areas of the site that need a role, by path prefix. Checked in hooks.server.ts before any
 * load, action or endpoint runs — a layout guard alone would not protect form actions.
 */
export const PROTECTED_AREAS: { prefix: string; role: Role }[] = [
	{ prefix: '/admin', role: 'admin' },
	{ prefix: '/staff', role: 'librarian' },
	{ prefix: '/account', role: 'employee' }
];

/** The role a path needs, or null for public paths. */
export function requiredRole(pathname: string): Role | null {
	for (const area of PROTECTED_AREAS) {
		if (pathname === area.prefix || pathname.startsWith(`${area.prefix}/`)) return area.role;
	}
	return null;
}

/** Only same-site paths may be returned to after login, never another host (open redirect). */
export function safeReturnPath(to: string | null | undefined): string {
	if (!to || !to.startsWith('/') || to.startsWith('//') || to.startsWith('/\\')) return '/';
	return to;
}
