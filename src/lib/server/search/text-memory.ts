import { LRUCache } from 'lru-cache';

/** BM25's parameters (the usual ones; FTS5's bm25() uses the same). */
const K1 = 1.2;
const B = 0.75;
const ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

/**
 * What every text engine keeps in memory, whatever stores the texts: the vocabulary (stem →
 * records holding it) for typo tolerance, spelling hints and IDF, and each record's stem counts
 * for BM25's length factor. The engine's interface asks these synchronously, many times per
 * query; each engine fills this at reload() from its own tables (text-engine.ts, text-engine-pg.ts),
 * so both answer the same from the same rows.
 */
export function textMemory() {
	let vocab = new Map<string, number>();
	let lengths = new Map<number, [number, number]>();
	let averages: [number, number] = [1, 1];
	let rows = 1;
	/**
	 * Page hits per file and terms: a seek per term in the page index for every shown hit was
	 * about a fifth of a search (profiled), and the same words are looked up in the same
	 * records again and again. A file's pages change only when the index is built, after which
	 * every process calls reload() or learn(), which empty this.
	 */
	const pageHitCache = new LRUCache<string, number[]>({ max: 20_000 });
	/**
	 * One-edit neighbours per word: finding them asks the vocabulary about 70 variants per letter
	 * of the word (several milliseconds per query, profiled), and people search the same words.
	 * The vocabulary changes only on reload() or learn(), which empty this.
	 */
	const neighbourCache = new LRUCache<string, string[]>({ max: 20_000 });

	function has(w: string): boolean {
		return vocab.has(w);
	}

	return {
		pageHitCache,
		/** Empties the caches (the indexes changed). */
		clear() {
			pageHitCache.clear();
			neighbourCache.clear();
		},
		/** Replaces the vocabulary. */
		setVocabulary(entries: Iterable<[string, number]>) {
			vocab = new Map(entries);
		},
		/** Adds a few records' terms to the vocabulary. */
		learn(added: string[]) {
			for (const t of added) vocab.set(t, (vocab.get(t) ?? 0) + 1);
		},
		/**
		 * Distinct stems per record and column, and their averages (BM25's length factor);
		 * `count` is the number of records with a text row (the N of IDF).
		 */
		setLengths(list: Iterable<[number, number | null, number]>, count: number) {
			const next = new Map<number, [number, number]>();
			let sumA = 0;
			let sumB = 0;
			let withA = 0;
			for (const [id, a, b] of list) {
				next.set(id, [a ?? 0, b]);
				if (a) {
					sumA += a;
					withA++;
				}
				sumB += b;
			}
			lengths = next;
			rows = Math.max(1, count);
			averages = [
				Math.max(1, sumA / Math.max(1, withA)),
				Math.max(1, sumB / Math.max(1, next.size))
			];
		},
		records() {
			return rows;
		},
		lengthNorm(id: number, column: 'abstract' | 'body') {
			const l = lengths.get(id);
			if (!l) return 1;
			const i = column === 'abstract' ? 0 : 1;
			return (K1 + 1) / (1 + K1 * (1 - B + (B * l[i]) / averages[i]));
		},
		hasTerm: has,
		termDocs(term: string) {
			return vocab.get(term) ?? 0;
		},
		neighbours(word: string) {
			const known = neighbourCache.get(word);
			if (known) return known;
			const out = new Set<string>();
			const letters = new Set([...ALPHABET, ...word]);
			const check = (w: string) => {
				if (w !== word && has(w)) out.add(w);
			};
			for (let i = 0; i <= word.length; i++) {
				const head = word.slice(0, i);
				const tail = word.slice(i);
				if (i < word.length) check(head + tail.slice(1)); // deletion
				for (const c of letters) {
					check(head + c + tail); // insertion
					if (i < word.length) check(head + c + tail.slice(1)); // substitution
				}
			}
			const found = [...out];
			neighbourCache.set(word, found);
			return found;
		}
	};
}

export type TextMemory = ReturnType<typeof textMemory>;

/** The parts of a term as the text indexes hold them (a synonym such as `write-off`: its parts). */
export function termParts(terms: Iterable<string>): string[] {
	return [...new Set([...terms].flatMap((t) => t.split(/[^\p{L}\p{N}]+/u)))].filter(Boolean);
}
