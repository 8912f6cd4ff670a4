import { DomainError } from '../errors.ts';

/** A circulation rule refused the action (409 with a stable code and a translated message). */
export function refused(
	code: string,
	params: Record<string, string | number> = {},
	status = 409
): DomainError {
	return new DomainError(status, code, `circ.error.${code}`, params);
}
