// The security headers every response carries — pages, JSON, files and the static assets that
// adapter-node serves before SvelteKit's `handle` runs. One definition, used by
// hooks.server.ts (SvelteKit responses, also under `vite dev`) and by scripts/start.js (every
// response of the production server). Plain JavaScript: start.js loads it without a build step.

/** Headers set on every response unless the response already has its own value. */
export const SECURITY_HEADERS = Object.freeze({
	'X-Content-Type-Options': 'nosniff',
	'Referrer-Policy': 'strict-origin-when-cross-origin',
	'X-Frame-Options': 'SAMEORIGIN',
	'Permissions-Policy': 'camera=(), microphone=(), geolocation=()',
	'Cross-Origin-Opener-Policy': 'same-origin'
});

/**
 * CSP of SvelteKit responses that are not HTML pages (JSON, PDFs, covers): nothing may run.
 * HTML pages get SvelteKit's own nonce-based policy (svelte.config.js). Static assets get no
 * CSP: a worker script (pdf.js) runs under the CSP of its own response, and a strict one there
 * would stop the worker from fetching and compiling its decoders.
 */
export const NON_HTML_CSP = "default-src 'none'; frame-ancestors 'self'";

/**
 * Sets each security header a response lacks (fetch `Headers`, as SvelteKit's `handle` sees
 * them).
 * @param {Headers} headers
 */
export function addSecurityHeaders(headers) {
	for (const [name, value] of Object.entries(SECURITY_HEADERS)) {
		if (!headers.has(name)) headers.set(name, value);
	}
	if (!headers.has('Content-Security-Policy')) headers.set('Content-Security-Policy', NON_HTML_CSP);
}
