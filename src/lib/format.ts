/** An amount in rupiah as Indonesians write it in both UI languages: `Rp 12.500`. */
export function rupiah(amount: number): string {
	return `Rp ${Math.round(amount).toLocaleString('id-ID')}`;
}

/** The library works on Jakarta time (WIB, UTC+7, no daylight saving). */
export const WIB_OFFSET_MS = 7 * 3600_000;

/** The Jakarta calendar date (`YYYY-MM-DD`) of an instant: how due dates are shown and counted. */
export function jakartaDate(at: string | Date): string {
	const ms = typeof at === 'string' ? Date.parse(at) : at.getTime();
	return new Date(ms + WIB_OFFSET_MS).toISOString().slice(0, 10);
}
