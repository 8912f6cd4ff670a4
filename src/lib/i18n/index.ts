import { en } from './en.ts';
import { id, type MessageKey } from './id.ts';
import type { Lang } from '../types.ts';

export type { MessageKey } from './id.ts';
export const DEFAULT_LANG: Lang = 'id';
export const LANG_COOKIE = 'lang';

const dictionaries: Record<Lang, Record<MessageKey, string>> = { id, en };

export type Translate = (
	key: MessageKey | string,
	params?: Record<string, string | number>
) => string;

/** Picks a supported language from a cookie or query value, defaulting to Indonesian. */
export function parseLang(raw: string | null | undefined): Lang {
	return raw === 'en' ? 'en' : DEFAULT_LANG;
}

/** Numbers as readers of that language write them: 1.538 in Indonesian, 1,538 in English. */
export function formatNumber(lang: Lang, n: number): string {
	return new Intl.NumberFormat(lang === 'id' ? 'id-ID' : 'en-GB').format(n);
}

/**
 * A translator for one language. Unknown keys fall back to Indonesian and then to the key
 * itself, so a missing string is visible rather than an empty hole.
 */
export function translator(lang: Lang): Translate {
	const dict = dictionaries[lang];
	return (key, params) => {
		let s = (dict as Record<string, string>)[key] ?? (id as Record<string, string>)[key] ?? key;
		if (params) {
			for (const [k, v] of Object.entries(params)) {
				s = s.replaceAll(`{${k}}`, typeof v === 'number' ? formatNumber(lang, v) : v);
			}
		}
		return s;
	};
}
