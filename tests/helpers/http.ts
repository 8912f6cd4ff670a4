/** A tiny cookie-keeping HTTP client for one "person" talking to the test server. */
export class Client {
	cookies = new Map<string, string>();
	constructor(
		readonly base: string,
		readonly headers: Record<string, string> = {}
	) {}

	async fetch(path: string, init: RequestInit = {}): Promise<Response> {
		const headers = new Headers(init.headers);
		for (const [k, v] of Object.entries(this.headers)) if (!headers.has(k)) headers.set(k, v);
		// A browser sends Origin with every POST, PUT, PATCH and DELETE (the server requires it of
		// cookie-authenticated writes). Tests of its absence use plain fetch.
		const method = (init.method ?? 'GET').toUpperCase();
		if (!['GET', 'HEAD', 'OPTIONS'].includes(method) && !headers.has('origin'))
			headers.set('origin', this.base);
		if (this.cookies.size) {
			// Cookies set by the server join any fixed cookie header (e.g. `lang=en`).
			const jar = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
			const fixed = headers.get('cookie');
			headers.set('cookie', fixed ? `${fixed}; ${jar}` : jar);
		}
		const send = () => fetch(`${this.base}${path}`, { ...init, headers, redirect: 'manual' });
		let res: Response;
		try {
			res = await send();
		} catch (err) {
			// A kept-alive connection the server closed for idleness just as the request left (the
			// test's event loop was busy, e.g. on a child process): a browser retries a GET on a
			// fresh connection, and so does this client. Anything else is a real failure.
			const code = (err as { cause?: { code?: string } }).cause?.code;
			if (!['GET', 'HEAD'].includes(method) || code !== 'UND_ERR_SOCKET') throw err;
			res = await send();
		}
		for (const c of res.headers.getSetCookie()) {
			const [pair, ...attrs] = c.split(';');
			const [name, ...rest] = pair.split('=');
			const value = rest.join('=');
			const expired = attrs.some(
				(a) => /max-age=0/i.test(a) || /expires=thu, 01 jan 1970/i.test(a)
			);
			if (expired || value === '') this.cookies.delete(name.trim());
			else this.cookies.set(name.trim(), value);
		}
		return res;
	}

	/** POST JSON as a same-origin browser script would. */
	postJson(path: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
		return this.fetch(path, {
			method: 'POST',
			headers: { 'content-type': 'application/json', origin: this.base, ...headers },
			body: JSON.stringify(body)
		});
	}

	/** POST a form as a same-origin browser would (SvelteKit checks the Origin header). */
	postForm(
		path: string,
		fields: Record<string, string>,
		headers: Record<string, string> = {}
	): Promise<Response> {
		return this.fetch(path, {
			method: 'POST',
			headers: {
				'content-type': 'application/x-www-form-urlencoded',
				// A browser's native form post; with */* SvelteKit would answer as for use:enhance (JSON, always 200).
				accept: 'text/html',
				origin: this.base,
				...headers
			},
			body: new URLSearchParams(fields).toString()
		});
	}

	async login(username: string, password: string): Promise<Response> {
		return this.postJson('/api/v1/auth/login', { username, password });
	}
}
