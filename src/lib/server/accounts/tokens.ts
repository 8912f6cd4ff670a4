import crypto from 'node:crypto';

/** A fresh random 256-bit secret, URL-safe. */
export function newSecret(): string {
	return crypto.randomBytes(32).toString('base64url');
}

/** Only this hash is stored: a stolen database does not yield usable session or API tokens. */
export function hashSecret(secret: string): string {
	return crypto.createHash('sha256').update(secret).digest('hex');
}
