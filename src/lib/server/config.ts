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

/** How nodemailer reaches the SMTP server: a URL, or host/port/credentials. */
export type SmtpSettings =
	| { url: string }
	| { host: string; port: number; secure: boolean; auth?: { user: string; pass: string } };

/** Reads an on/off flag: 1/true/yes/on or 0/false/no/off (case-insensitive). */
function flagFromEnv(name: string, fallback: boolean): boolean {
	const raw = process.env[name]?.trim().toLowerCase();
	if (!raw) return fallback;
	if (['1', 'true', 'yes', 'on'].includes(raw)) return true;
	if (['0', 'false', 'no', 'off'].includes(raw)) return false;
	throw new Error(`${name} must be true or false, got "${raw}"`);
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
	/**
	 * `FILES_DIR`: where the stored files live — PDFs, covers — and, with them, everything that
	 * two servers of one library must both see: uploads being received and staged (`tmp/`) and
	 * web-import sources (`imports/`). Set it to a mount every application server shares (#16);
	 * unset, the single-server layout is kept: `DATA_DIR/files`, `DATA_DIR/tmp`, `DATA_DIR/imports`.
	 */
	get filesDir(): string {
		const shared = process.env.FILES_DIR?.trim();
		return shared ? path.resolve(shared) : path.join(this.dataDir, 'files');
	},
	/** The parent of `tmp/` and `imports/`: FILES_DIR when set, else DATA_DIR (see `filesDir`). */
	get workDir(): string {
		const shared = process.env.FILES_DIR?.trim();
		return shared ? path.resolve(shared) : this.dataDir;
	},
	/** Whether FILES_DIR names a directory other servers may share (sweeps then spare young files). */
	get filesShared(): boolean {
		return Boolean(process.env.FILES_DIR?.trim());
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
	 * Months the search log keeps each search (`SEARCH_LOG_RETENTION_MONTHS`, default 13: a full
	 * year to compare with the same month last year). Older rows are deleted by the leader
	 * process at start and every hour (lib/server/statistics/search-log.ts).
	 */
	get searchLogRetentionMonths(): number {
		return intFromEnv('SEARCH_LOG_RETENTION_MONTHS', 13);
	},
	/**
	 * The SMTP server reminders are sent through, or null when none is configured — then e-mail
	 * is OFF: the reminder scan enqueues nothing and the sender does not run (lib/server/mail/).
	 * `SMTP_URL` (`smtp://user:pass@host:587`, `smtps://…:465`) wins; otherwise `SMTP_HOST` with
	 * `SMTP_PORT` (default 587, or 465 when `SMTP_SECURE`), `SMTP_SECURE` (implicit TLS, default
	 * false: STARTTLS is used when the server offers it), `SMTP_USER` and `SMTP_PASS`.
	 */
	get smtp(): SmtpSettings | null {
		const url = process.env.SMTP_URL?.trim();
		if (url) {
			if (!/^smtps?:\/\//i.test(url))
				throw new Error('SMTP_URL must start with smtp:// or smtps://');
			return { url };
		}
		const host = process.env.SMTP_HOST?.trim();
		if (!host) return null;
		const secure = flagFromEnv('SMTP_SECURE', false);
		const user = process.env.SMTP_USER?.trim();
		return {
			host,
			port: intFromEnv('SMTP_PORT', secure ? 465 : 587),
			secure,
			...(user ? { auth: { user, pass: process.env.SMTP_PASS ?? '' } } : {})
		};
	},
	/**
	 * The sender of reminders (`MAIL_FROM`, an address or `Name <address>`). Default:
	 * `Perpustakaan DJKN <perpustakaan@…>` on the host of ORIGIN, like OAI_ADMIN_EMAIL.
	 */
	get mailFrom(): string {
		const explicit = process.env.MAIL_FROM?.trim();
		if (explicit) return explicit;
		const host = new URL(this.origin).hostname.replace(/^\[|\]$/g, '');
		return `Perpustakaan DJKN <perpustakaan@${host.includes('.') ? host : `${host}.localdomain`}>`;
	},
	/** Seconds between two rounds of the reminder scan and sender (`MAIL_INTERVAL`, 60). */
	get mailIntervalSeconds(): number {
		return intFromEnv('MAIL_INTERVAL', 60);
	},
	/**
	 * First retry delay after a failed send (`MAIL_RETRY_SECONDS`, default 60); it doubles with
	 * every further failure up to 6 hours, and a notice is retried until it is delivered.
	 */
	get mailRetrySeconds(): number {
		return intFromEnv('MAIL_RETRY_SECONDS', 60);
	},
	/**
	 * Key for signed links that work without a login (`APP_SECRET`, at least 32 characters):
	 * e-mail unsubscribe links. Unset: a random key generated once and kept in the database
	 * (table mail_state), which is enough for one installation; set it to keep links valid
	 * across a fresh database.
	 */
	get appSecret(): string | null {
		const raw = process.env.APP_SECRET?.trim();
		if (!raw) return null;
		if (raw.length < 32) throw new Error('APP_SECRET must be at least 32 characters long');
		return raw;
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
	/** Largest file a web import accepts (`IMPORT_MAX_BYTES`, default 1 GiB): CSV, .xlsx or ZIP. */
	get importMaxBytes(): number {
		return intFromEnv('IMPORT_MAX_BYTES', 1024 * 1024 * 1024);
	},
	/**
	 * Largest total a ZIP import may unpack to (`IMPORT_MAX_UNZIPPED_BYTES`, default 4 GiB),
	 * judged from the archive's directory before anything is extracted.
	 */
	get importMaxUnzippedBytes(): number {
		return intFromEnv('IMPORT_MAX_UNZIPPED_BYTES', 4 * 1024 * 1024 * 1024);
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
