// @ts-expect-error autocannon ships no type declarations; the few fields used are typed below.
import autocannon from 'autocannon';

export interface LoadResult {
	path: string;
	requests: number;
	/** Connection errors plus answers other than 2xx/304. */
	errors: number;
	timeouts: number;
	seconds: number;
	rps: number;
	p50: number;
	p90: number;
	p97_5: number;
	p99: number;
}

/** The q-th percentile (0..100) of sorted values, nearest-rank. */
export function percentile(sorted: number[], q: number): number {
	if (sorted.length === 0) return NaN;
	const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((q / 100) * sorted.length) - 1));
	return sorted[rank];
}

interface AutocannonResult {
	requests: { total: number; average: number };
	latency: { p50: number; p90: number; p97_5: number; p99: number };
	errors: number;
	timeouts: number;
	non2xx: number;
	duration: number;
}

/**
 * Closed-loop HTTP load on one loopback URL with autocannon: `connections` keep-alive clients,
 * each sending its next request as soon as the previous answer arrives, for `seconds`.
 * Only ever targets the server this benchmark started on 127.0.0.1.
 */
export async function load(
	baseUrl: string,
	path: string,
	connections: number,
	seconds: number,
	headers: Record<string, string> = {}
): Promise<LoadResult> {
	const url = new URL(path, baseUrl);
	if (url.hostname !== '127.0.0.1' && url.hostname !== 'localhost')
		throw new Error('loopback only');
	const r = (await autocannon({
		url: url.href,
		connections,
		duration: seconds,
		timeout: 10,
		headers
	})) as AutocannonResult;
	return {
		path,
		requests: r.requests.total,
		errors: r.errors + r.non2xx,
		timeouts: r.timeouts,
		seconds: r.duration,
		rps: r.requests.total / r.duration,
		p50: r.latency.p50,
		p90: r.latency.p90,
		p97_5: r.latency.p97_5,
		p99: r.latency.p99
	};
}
