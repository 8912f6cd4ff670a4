import crypto from 'node:crypto';
import { promisify } from 'node:util';

const scrypt = promisify(crypto.scrypt) as (
	password: string,
	salt: Buffer,
	keylen: number,
	options: crypto.ScryptOptions
) => Promise<Buffer>;

/** scrypt cost parameters (N=2^15, r=8, p=1: ~50 ms and 32 MiB per hash on this machine). */
const SCRYPT = { N: 2 ** 15, r: 8, p: 1, maxmem: 64 * 1024 * 1024 };
const KEY_LEN = 32;

/** Hashes a password with scrypt and a fresh 16-byte salt; the result embeds its parameters. */
export async function hashPassword(password: string): Promise<string> {
	const salt = crypto.randomBytes(16);
	const key = await scrypt(password.normalize('NFKC'), salt, KEY_LEN, SCRYPT);
	return `scrypt$${SCRYPT.N}$${SCRYPT.r}$${SCRYPT.p}$${salt.toString('base64')}$${key.toString('base64')}`;
}

/** Checks a password against a stored hash in constant time. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
	const parts = stored.split('$');
	if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
	const [, n, r, p, saltB64, keyB64] = parts;
	const expected = Buffer.from(keyB64, 'base64');
	const key = await scrypt(
		password.normalize('NFKC'),
		Buffer.from(saltB64, 'base64'),
		expected.length,
		{
			N: Number(n),
			r: Number(r),
			p: Number(p),
			maxmem: SCRYPT.maxmem
		}
	);
	return crypto.timingSafeEqual(key, expected);
}
