import http from 'node:http';

export interface LoadResult {
	path: string;
	requests: number;
	errors: number;
	seconds: number;
	rps: number;
	p50: number;
	p95: number;
	p99: number;
}

/** The q-th percentile (0..100) of sorted values, nearest-rank. */
export function percentile(sorted: number[], q: number): number {
	if (sorted.length === 0) return NaN;
	const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((q / 100) * sorted.length) - 1));
	return sorted[rank];
}

/**
 * Closed-loop HTTP load on one loopback URL: `connections` clients each send a request as soon
 * as the previous answer arrives, for `seconds`. Records every latency (exact percentiles).
 * Only ever targets the server this benchmark started on 127.0.0.1.
 */
export async function load(
	baseUrl: string,
	path: string,
	connections: number,
	seconds: number
): Promise<LoadResult> {
	const url = new URL(path, baseUrl);
	if (url.hostname !== '127.0.0.1' && url.hostname !== 'localhost')
		throw new Error('loopback only');
	const agent = new http.Agent({ keepAlive: true, maxSockets: connections });
	const latencies: number[] = [];
	let errors = 0;
	const until = performance.now() + seconds * 1000;
	const one = () =>
		new Promise<void>((resolve) => {
			const start = performance.now();
			const req = http.get(url, { agent }, (res) => {
				res.resume();
				res.on('end', () => {
					if (res.statusCode !== 200) errors++;
					latencies.push(performance.now() - start);
					resolve();
				});
			});
			req.on('error', () => {
				errors++;
				resolve();
			});
		});
	const began = performance.now();
	await Promise.all(
		Array.from({ length: connections }, async () => {
			while (performance.now() < until) await one();
		})
	);
	const elapsed = (performance.now() - began) / 1000;
	agent.destroy();
	latencies.sort((a, b) => a - b);
	return {
		path,
		requests: latencies.length,
		errors,
		seconds: elapsed,
		rps: latencies.length / elapsed,
		p50: percentile(latencies, 50),
		p95: percentile(latencies, 95),
		p99: percentile(latencies, 99)
	};
}
