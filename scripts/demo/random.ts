/**
 * Deterministic pseudo-random helpers for the demo catalogue.
 *
 * Nothing in `scripts/demo/` may use `Math.random` or the clock: the catalogue
 * and every rendered PDF must be byte-identical across runs so that search
 * tests, thumbnails and fixtures stay stable.
 */

/**
 * 32-bit FNV-1a hash of a string. Used to derive per-record seeds so that
 * adding or reordering records never changes the text of unrelated records.
 */
export function hashString(input: string): number {
	let hash = 0x811c9dc5;
	for (let i = 0; i < input.length; i++) {
		hash ^= input.charCodeAt(i);
		hash = Math.imul(hash, 0x01000193);
	}
	return hash >>> 0;
}

/** mulberry32: tiny, fast and good enough for generating filler text. */
export function mulberry32(seed: number): () => number {
	let state = seed >>> 0;
	return () => {
		state = (state + 0x6d2b79f5) >>> 0;
		let t = state;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

/** Seeded random source with the handful of helpers the generators need. */
export class Rng {
	private readonly next: () => number;

	/**
	 * @param seed a number, or a string that is hashed into one (typically a
	 *   record key, optionally with a purpose suffix such as `'mkn-2019-01:cover'`).
	 */
	constructor(seed: number | string) {
		this.next = mulberry32(typeof seed === 'string' ? hashString(seed) : seed);
	}

	/** Uniform float in [0, 1). */
	float(): number {
		return this.next();
	}

	/** Uniform integer in [min, max], both inclusive. */
	int(min: number, max: number): number {
		return min + Math.floor(this.next() * (max - min + 1));
	}

	/** Uniform float in [min, max). */
	range(min: number, max: number): number {
		return min + this.next() * (max - min);
	}

	/** True with probability `p`. */
	chance(p: number): boolean {
		return this.next() < p;
	}

	/** One element of a non-empty list. */
	pick<T>(items: readonly T[]): T {
		if (items.length === 0) throw new Error('Rng.pick on empty list');
		return items[Math.floor(this.next() * items.length)];
	}

	/** A shuffled copy (Fisher-Yates). */
	shuffle<T>(items: readonly T[]): T[] {
		const copy = items.slice();
		for (let i = copy.length - 1; i > 0; i--) {
			const j = Math.floor(this.next() * (i + 1));
			[copy[i], copy[j]] = [copy[j], copy[i]];
		}
		return copy;
	}

	/** `count` distinct elements (or all of them when the list is shorter). */
	sample<T>(items: readonly T[], count: number): T[] {
		return this.shuffle(items).slice(0, Math.min(count, items.length));
	}
}
