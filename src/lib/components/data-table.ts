import type { Snippet } from 'svelte';

/** Sort direction as it appears in the URL (`?sort=col&dir=asc`) and in the component state. */
export type SortDir = 'asc' | 'desc';

/** A sort order: which column, which way. */
export interface SortState {
	key: string;
	dir: SortDir;
}

/** One column of a {@link DataTable}: its header, how a cell is drawn and whether it sorts. */
export interface Column<T> {
	/** Stable id of the column; the `sort` URL value when the table sorts on the server. */
	key: string;
	/** Header text; also the `data-label` a cell shows above its value in the stacked layout. */
	label: string;
	/** Keeps the header for screen readers only (e.g. an actions column). */
	labelHidden?: boolean;
	/** The cells name their row (`<th scope="row">`), like the month of a table of figures. */
	rowHeader?: boolean;
	/** Draws the cell (given the row and the column key); without it, `text(row)` is shown. */
	cell?: Snippet<[T, string]>;
	/** Plain cell text when there is no snippet (and the default client-side sort value). */
	text?: (row: T) => string | number | null | undefined;
	/**
	 * Client-side sorting: the value compared. Giving it (or `sortable` with `text`) makes the
	 * header a sort button.
	 */
	sortValue?: (row: T) => string | number | null | undefined;
	/** The column sorts (on the server when the table is server-paged, else by text/sortValue). */
	sortable?: boolean;
	/** Direction of the first click on this header: dates and counts read best newest first. */
	firstDir?: SortDir;
	/** Extra classes for the cells: `nowrap`, `num`, `actions`, `strong-danger` are styled. */
	class?: string;
}

/** Server paging and sorting, read from and written to the page's URL. */
export interface ServerPaging {
	page: number;
	pageSize: number;
	total: number;
	/** The URL of the page being shown (links keep its other parameters). */
	url: URL;
	/** The active sort as the server applied it, if the URL asked for one. */
	sort?: SortState | null;
}

/**
 * Reads `?sort=col&dir=asc|desc` for a server-sorted table. Unknown columns or directions are
 * ignored (null) rather than an error, so an old bookmark still opens the page.
 */
export function sortFromUrl(url: URL, allowed: readonly string[]): SortState | null {
	const key = url.searchParams.get('sort');
	if (!key || !allowed.includes(key)) return null;
	const dir = url.searchParams.get('dir') === 'desc' ? 'desc' : 'asc';
	return { key, dir };
}

/** The link a server-sorted header points to: toggles the direction, back to page 1. */
export function sortHref(url: URL, key: string, current: SortState | null, first: SortDir): string {
	const next = new URL(url);
	const dir: SortDir =
		current?.key === key ? (current.dir === 'asc' ? 'desc' : 'asc') : (first ?? 'asc');
	next.searchParams.set('sort', key);
	next.searchParams.set('dir', dir);
	next.searchParams.delete('page');
	return next.pathname + next.search;
}

/** The link to page `n` of a server-paged table (page 1 has no parameter). */
export function pageHref(url: URL, n: number): string {
	const next = new URL(url);
	if (n <= 1) next.searchParams.delete('page');
	else next.searchParams.set('page', String(n));
	return next.pathname + next.search;
}

const collator = new Intl.Collator(['id', 'en'], { numeric: true, sensitivity: 'base' });

/**
 * Compares two cell values for client-side sorting: numbers as numbers, text the way a reader
 * expects (case- and accent-insensitive, "ITM-2" before "ITM-10"); empty values always last.
 */
export function compareValues(
	a: string | number | null | undefined,
	b: string | number | null | undefined,
	dir: SortDir
): number {
	const emptyA = a === null || a === undefined || a === '';
	const emptyB = b === null || b === undefined || b === '';
	if (emptyA || emptyB) return emptyA === emptyB ? 0 : emptyA ? 1 : -1;
	const c =
		typeof a === 'number' && typeof b === 'number' ? a - b : collator.compare(String(a), String(b));
	return dir === 'asc' ? c : -c;
}
