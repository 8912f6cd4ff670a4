import type { ParamMatcher } from '@sveltejs/kit';

/** A record id: a positive integer without leading zeros, small enough for SQLite. */
export const match: ParamMatcher = (param) => /^[1-9]\d{0,14}$/.test(param);
