import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyDemoData } from '../helpers/demo.ts';
import { startServer, type RunningServer } from '../helpers/server.ts';

/**
 * The sort parameters the server-paged tables link to, through the real built server: the
 * catalog API honours `sort=year|title` with `dir`, and a bad `dir` is a clear 400, never a 500.
 */
let server: RunningServer;

beforeAll(async () => {
	server = await startServer(copyDemoData());
});
afterAll(async () => {
	await server?.stop();
});

const items = async (query: string) => {
	const res = await fetch(`${server.url}/api/v1/publications?${query}`);
	expect(res.status).toBe(200);
	return (await res.json()).items as { id: number; title: string; year: number | null }[];
};

describe('table sorting on the server', () => {
	it('orders by year and by title in both directions', async () => {
		const asc = await items('sort=year&dir=asc&pageSize=100');
		const desc = await items('sort=year&dir=desc&pageSize=100');
		const years = (l: { year: number | null }[]) => l.map((p) => p.year ?? 0);
		expect(years(asc)).toEqual([...years(asc)].sort((a, b) => a - b));
		expect(years(desc)).toEqual([...years(desc)].sort((a, b) => b - a));
		const titles = (await items('sort=title&dir=desc&pageSize=100')).map((p) =>
			p.title.toLowerCase()
		);
		expect(titles[0] >= titles[titles.length - 1]).toBe(true);
	});

	it('refuses an unknown direction with a 400 naming the parameter', async () => {
		const res = await fetch(`${server.url}/api/v1/publications?sort=title&dir=sideways`);
		expect(res.status).toBe(400);
		expect(JSON.stringify(await res.json())).toContain('dir');
	});
});
