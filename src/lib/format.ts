/** An amount in rupiah as Indonesians write it in both UI languages: `Rp 12.500`. */
export function rupiah(amount: number): string {
	return `Rp ${Math.round(amount).toLocaleString('id-ID')}`;
}
