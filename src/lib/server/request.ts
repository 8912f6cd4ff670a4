import type { Viewer } from './access.ts';
import type { SessionUser } from '../types.ts';

/** The policy's view of the signed-in user (or null for the public). */
export function viewerOf(user: SessionUser | null): Viewer {
	return user ? { id: user.id, role: user.role } : null;
}
