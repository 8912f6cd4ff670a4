import path from 'node:path';

/** Reads a positive integer from the environment, falling back when unset or invalid. */
function intFromEnv(name: string, fallback: number): number {
	const raw = process.env[name];
	if (raw === undefined || raw.trim() === '') return fallback;
	const n = Number(raw);
	if (!Number.isInteger(n) || n <= 0) {
		throw new Error(`${name} must be a positive integer, got "${raw}"`);
	}
	return n;
}

/** The database's file name inside DATA_DIR (backup and restore name it too). */
export const DATABASE_FILE = 'perpustakaan.sqlite';

/**
 * Runtime configuration from environment variables (documented in the README).
 * Read lazily so tests and CLI scripts can set DATA_DIR before first use.
 */
export const config = {
	get dataDir(): string {
		return path.resolve(process.env.DATA_DIR || './data');
	},
	get databaseFile(): string {
		return path.join(this.dataDir, DATABASE_FILE);
	},
	/** Size bound of the in-process cache of anonymous pages (lib/server/page-cache.ts); 0 disables it. */
	get pageCacheMb(): number {
		return process.env.PAGE_CACHE_MB?.trim() === '0' ? 0 : intFromEnv('PAGE_CACHE_MB', 64);
	},
	/**
	 * This process's part in a multi-process server (scripts/start.js sets it): the `leader` runs
	 * the once-per-server work (recovery sweeps, search index builds), `follower`s only serve.
	 */
	get serverRole(): 'leader' | 'follower' {
		return process.env.PERPUSTAKAAN_ROLE === 'follower' ? 'follower' : 'leader';
	},
	/**
	 * The site's public origin (scheme, host, port), as adapter-node and scripts/start.js read it:
	 * `ORIGIN`, else `http://$HOST:$PORT`. Absolute links that leave the site (OAI-PMH identifiers
	 * and record URLs) are built on it.
	 */
	get origin(): string {
		const explicit = process.env.ORIGIN?.trim();
		if (explicit) return explicit.replace(/\/+$/, '');
		const host = process.env.HOST?.trim() || '127.0.0.1';
		return `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${process.env.PORT?.trim() || '3000'}`;
	},
	/**
	 * Contact address the OAI-PMH Identify answer gives harvesters (`OAI_ADMIN_EMAIL`). Default:
	 * `perpustakaan@` the host of ORIGIN (a host without a dot gets `.localdomain`, because the
	 * protocol's schema wants a domain), so a deployment behind its real name answers with a
	 * mailbox on that name until one is configured.
	 */
	get oaiAdminEmail(): string {
		const explicit = process.env.OAI_ADMIN_EMAIL?.trim();
		if (explicit) return explicit;
		const host = new URL(this.origin).hostname.replace(/^\[|\]$/g, '');
		return `perpustakaan@${host.includes('.') ? host : `${host}.localdomain`}`;
	},
	/** Entries per page of an OPDS acquisition feed (`OPDS_PAGE_SIZE`, default 50, at most 500). */
	get opdsPageSize(): number {
		return Math.min(intFromEnv('OPDS_PAGE_SIZE', 50), 500);
	},
	/**
	 * URLs per sitemap file (`SITEMAP_PAGE_SIZE`, default and maximum 50,000 — the limit of the
	 * sitemaps.org protocol). Past it /sitemap.xml becomes a sitemap index of /sitemap-N.xml pages;
	 * tests set it small to prove the paging.
	 */
	get sitemapPageSize(): number {
		return Math.min(intFromEnv('SITEMAP_PAGE_SIZE', 50_000), 50_000);
	},
	/**
	 * Unpaid fines (rupiah) over which a member may not borrow (`FINE_BLOCK_AMOUNT`, #15):
	 * 0 or unset = fines never block. A whole number ≥ 0; anything else stops the start.
	 */
	get fineBlockAmount(): number {
		const raw = process.env.FINE_BLOCK_AMOUNT?.trim();
		if (!raw) return 0;
		const n = Number(raw);
		if (!Number.isInteger(n) || n < 0)
			throw new Error(`FINE_BLOCK_AMOUNT must be a whole number of rupiah ≥ 0, got "${raw}"`);
		return n;
	},
	get maxUploadMb(): number {
		return intFromEnv('MAX_UPLOAD_MB', 200);
	},
	get sessionDays(): number {
		return intFromEnv('SESSION_DAYS', 14);
	},
	get logLevel(): string {
		return process.env.LOG_LEVEL || 'info';
	},
	/**
	 * Who may read /metrics: a comma-separated list of `localhost` (callers on the loopback
	 * interface, not through a proxy) and `staff` (librarian and admin sessions or tokens), or
	 * `any`, or `off`. Default `localhost,staff`.
	 */
	get metricsAllow(): ReadonlySet<'localhost' | 'staff' | 'any' | 'off'> {
		const raw = (process.env.METRICS_ALLOW ?? '').trim() || 'localhost,staff';
		const words = raw.split(/[\s,]+/).filter(Boolean);
		const known = ['localhost', 'staff', 'any', 'off'] as const;
		for (const w of words) {
			if (!(known as readonly string[]).includes(w))
				throw new Error(`METRICS_ALLOW must list localhost, staff, any or off, got "${raw}"`);
		}
		return new Set(words as (typeof known)[number][]);
	}
};
