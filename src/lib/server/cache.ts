/**
 * The default cache policy, applied once per response in hooks.server.ts after the route ran.
 * Routes that know better set their own `Cache-Control` (files and covers revalidate by ETag,
 * API lists are `private, no-cache` with `Vary`), and that is left alone. An answer without
 * one that was personalised — the caller is signed in (cookie or token), or it sets a cookie —
 * gets `private, no-store`: HTML pages and `__data.json` for members (which include every page
 * of an internal or restricted record, since only members see those), and personal JSON such as
 * loans and holds. Nothing personal may sit in a shared cache or outlive a logout in a browser.
 */
export function applyCachePolicy(response: Response, signedIn: boolean): void {
	if (response.headers.has('Cache-Control')) return;
	if (signedIn || response.headers.has('Set-Cookie'))
		response.headers.set('Cache-Control', 'private, no-store');
}
