import { page } from '$app/state';
import { translator, type Translate } from './index.ts';
import type { Lang } from '../types.ts';

/** The reader's language as chosen on the server (layout data). */
export function currentLang(): Lang {
	return (page.data.lang as Lang | undefined) ?? 'id';
}

/** A translator for the current page's language; re-evaluates when the language changes. */
export function useT(): { readonly t: Translate; readonly lang: Lang } {
	return {
		get t() {
			return translator(currentLang());
		},
		get lang() {
			return currentLang();
		}
	};
}
