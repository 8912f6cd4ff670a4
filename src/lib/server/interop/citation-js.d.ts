/**
 * The small part of Citation.js (https://citation.js.org) this app uses. The packages ship no
 * type declarations; these describe only what interop/citation.ts calls.
 */
declare module '@citation-js/core' {
	export interface CiteOutputOptions {
		format?: 'text' | 'html' | 'object' | 'string' | 'real';
		type?: 'text' | 'html' | 'json' | 'string' | 'object';
		template?: string;
		lang?: string;
		style?: string;
	}
	export class Cite {
		constructor(data: unknown, options?: { forceType?: string });
		format(name: string, options?: CiteOutputOptions): string;
	}
	interface Register<T> {
		add(name: string, value: T): void;
		has(name: string): boolean;
	}
	export const plugins: {
		config: {
			get(name: '@csl'): { styles: Register<string>; locales: Register<string> };
		};
	};
}
declare module '@citation-js/plugin-csl';
declare module '@citation-js/plugin-bibtex';
declare module '@citation-js/plugin-ris';
