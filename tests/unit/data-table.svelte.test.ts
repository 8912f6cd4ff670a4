import { afterEach, describe, expect, it } from 'vitest';
import { createRawSnippet, flushSync, mount, unmount } from 'svelte';
import DataTable from '../../src/lib/components/DataTable.svelte';
import {
	compareValues,
	sortFromUrl,
	type Column,
	type ServerPaging
} from '../../src/lib/components/data-table.ts';

// The component mounted in a real DOM (happy-dom) through Svelte's own `mount`, and read back
// the way a user or a screen reader meets it: header text, aria-sort, row order, labels.

interface Book {
	id: number;
	title: string;
	year: number | null;
	copies: number;
}

const BOOKS: Book[] = [
	{ id: 1, title: 'Lelang Negara', year: 2019, copies: 2 },
	{ id: 2, title: 'aset tetap', year: null, copies: 10 },
	{ id: 3, title: 'Barang Milik Negara', year: 2023, copies: 1 },
	{ id: 4, title: 'Kekayaan Negara', year: 2021, copies: 3 },
	{ id: 5, title: 'Piutang Negara', year: 2020, copies: 0 }
];

const titleLink = createRawSnippet((book: () => Book) => ({
	render: () => `<a href="/publications/${book().id}">${book().title}</a>`
}));

const COLUMNS: Column<Book>[] = [
	{ key: 'title', label: 'Judul', cell: titleLink, sortValue: (b) => b.title },
	{ key: 'year', label: 'Tahun', text: (b) => b.year, sortable: true, firstDir: 'desc' },
	{ key: 'copies', label: 'Eksemplar', text: (b) => b.copies },
	{ key: 'actions', label: 'Tindakan', labelHidden: true, text: () => 'edit' }
];

let mounted: ReturnType<typeof mount> | null = null;
let target: HTMLElement;

function render(props: Partial<Parameters<typeof DataTable<Book>>[1]> = {}) {
	target = document.createElement('div');
	document.body.append(target);
	mounted = mount(DataTable<Book>, {
		target,
		props: {
			rows: BOOKS,
			columns: COLUMNS,
			key: (b: Book) => b.id,
			caption: 'Koleksi',
			empty: 'Belum ada publikasi.',
			...props
		}
	});
	flushSync();
	return target;
}

afterEach(() => {
	if (mounted) void unmount(mounted);
	mounted = null;
	target?.remove();
});

const headers = () => [...target.querySelectorAll('thead th')] as HTMLTableCellElement[];
const header = (label: string) => headers().find((th) => th.textContent!.startsWith(label))!;
const column = (i: number) =>
	[...target.querySelectorAll('tbody tr')].map((tr) => tr.querySelectorAll('td')[i].textContent);
const click = (el: Element) => {
	(el as HTMLElement).click();
	flushSync();
};

describe('DataTable', () => {
	it('names the table, its columns and every cell for the stacked phone layout', () => {
		render();
		expect(target.querySelector('caption')!.textContent).toBe('Koleksi');
		expect(headers().map((th) => th.textContent!.replace(/,.*$/, '').replace(/[▲▼↕]/, ''))).toEqual(
			['Judul', 'Tahun', 'Eksemplar', 'Tindakan']
		);
		// The actions header is read by screen readers only.
		expect(header('Tindakan').querySelector('.visually-hidden')!.textContent).toBe('Tindakan');
		const first = target.querySelectorAll('tbody tr')[0].querySelectorAll('td');
		expect([...first].map((td) => td.dataset.label)).toEqual(['Judul', 'Tahun', 'Eksemplar', '']);
		// Cell snippets render as given; plain columns show their text.
		expect(first[0].querySelector('a')!.getAttribute('href')).toBe('/publications/1');
		expect(first[1].textContent).toBe('2019');
		expect(column(0)).toEqual(BOOKS.map((b) => b.title));
	});

	it('sorts by a header button, toggling the direction and aria-sort', () => {
		render();
		const title = header('Judul');
		const year = header('Tahun');
		expect(title.getAttribute('aria-sort')).toBe('none');
		expect(year.getAttribute('aria-sort')).toBe('none');
		// A column that cannot sort has no button and no aria-sort.
		expect(header('Eksemplar').querySelector('button')).toBeNull();
		expect(header('Eksemplar').hasAttribute('aria-sort')).toBe(false);
		const button = title.querySelector('button')!;
		expect(button.type).toBe('button'); // a native button: Enter and Space work

		click(button);
		expect(title.getAttribute('aria-sort')).toBe('ascending');
		expect(year.getAttribute('aria-sort')).toBe('none');
		// Case-insensitive, as a reader expects ("aset" before "Barang").
		expect(column(0)).toEqual([
			'aset tetap',
			'Barang Milik Negara',
			'Kekayaan Negara',
			'Lelang Negara',
			'Piutang Negara'
		]);
		expect(button.textContent).toContain('diurutkan naik');

		click(button);
		expect(title.getAttribute('aria-sort')).toBe('descending');
		expect(column(0)![0]).toBe('Piutang Negara');

		// Another column starts with its own first direction; empty values always come last.
		click(year.querySelector('button')!);
		expect(year.getAttribute('aria-sort')).toBe('descending');
		expect(title.getAttribute('aria-sort')).toBe('none');
		expect(column(1)).toEqual(['2023', '2021', '2020', '2019', '']);
		click(year.querySelector('button')!);
		expect(column(1)).toEqual(['2019', '2020', '2021', '2023', '']);
	});

	it('starts from a given order', () => {
		render({ sort: { key: 'year', dir: 'asc' } });
		expect(header('Tahun').getAttribute('aria-sort')).toBe('ascending');
		expect(column(1)![0]).toBe('2019');
	});

	it('shows an empty state with a way onward instead of an empty table', () => {
		render({
			rows: [],
			empty: 'Anda tidak sedang meminjam apa pun.',
			emptyAction: { href: '/search', label: 'Cari publikasi' }
		});
		expect(target.querySelector('table')).toBeNull();
		expect(target.textContent).toContain('Anda tidak sedang meminjam apa pun.');
		expect(target.querySelector('a')!.getAttribute('href')).toBe('/search');
		expect(target.querySelector('a')!.textContent).toBe('Cari publikasi');
	});

	it('pages a long list in the browser and goes back to page 1 after sorting', () => {
		render({ pageSize: 2 });
		expect(target.querySelectorAll('tbody tr')).toHaveLength(2);
		const nav = target.querySelector('nav[aria-label=Halaman]')!;
		expect(nav.textContent).toContain('Halaman 1 dari 3');
		const [prev, next] = nav.querySelectorAll('button');
		expect(prev.disabled).toBe(true);
		click(next);
		expect(nav.textContent).toContain('Halaman 2 dari 3');
		expect(column(0)).toEqual(['Barang Milik Negara', 'Kekayaan Negara']);
		click(next);
		expect(column(0)).toEqual(['Piutang Negara']);
		expect(next.disabled).toBe(true);
		click(header('Judul').querySelector('button')!);
		expect(nav.textContent).toContain('Halaman 1 dari 3');
		expect(column(0)).toEqual(['aset tetap', 'Barang Milik Negara']);
	});

	it('sorts and pages through URL links when the server pages', () => {
		const url = new URL('http://localhost/admin/accounts?q=negara&sort=year&dir=desc&page=2');
		const server: ServerPaging = {
			page: 2,
			pageSize: 2,
			total: 5,
			url,
			sort: sortFromUrl(url, ['title', 'year'])
		};
		render({
			server,
			columns: COLUMNS.map((c) => (c.key === 'title' ? { ...c, sortable: true } : c))
		});
		// The rows are shown as the server ordered them.
		expect(column(0)).toEqual(BOOKS.map((b) => b.title));
		expect(header('Tahun').getAttribute('aria-sort')).toBe('descending');
		expect(header('Judul').getAttribute('aria-sort')).toBe('none');
		const href = (th: HTMLElement) => th.querySelector('a')!.getAttribute('href');
		// Toggling the active column flips the direction; a new column starts at its first one.
		expect(href(header('Tahun'))).toBe('/admin/accounts?q=negara&sort=year&dir=asc');
		expect(href(header('Judul'))).toBe('/admin/accounts?q=negara&sort=title&dir=asc');
		const nav = target.querySelector('nav')!;
		expect(nav.textContent).toContain('Halaman 2 dari 3');
		expect(nav.querySelector('a[rel=prev]')!.getAttribute('href')).toBe(
			'/admin/accounts?q=negara&sort=year&dir=desc'
		);
		expect(nav.querySelector('a[rel=next]')!.getAttribute('href')).toBe(
			'/admin/accounts?q=negara&sort=year&dir=desc&page=3'
		);
	});

	it('ships a stacked layout for narrow screens labelled from data-label', async () => {
		// The stylesheet is what turns rows into cards; check the rule exists with the label.
		const fs = await import('node:fs');
		const source = fs.readFileSync('src/lib/components/DataTable.svelte', 'utf8');
		expect(source).toMatch(/@media \(max-width: 600px\)/);
		expect(source).toMatch(/content: attr\(data-label\)/);
	});
});

describe('sorting helpers', () => {
	it('compares numbers as numbers, text naturally, empty last in both directions', () => {
		expect([10, 2, null, 1].sort((a, b) => compareValues(a, b, 'asc'))).toEqual([1, 2, 10, null]);
		expect([10, 2, null, 1].sort((a, b) => compareValues(a, b, 'desc'))).toEqual([10, 2, 1, null]);
		expect(['ITM-10', 'ITM-2', ''].sort((a, b) => compareValues(a, b, 'asc'))).toEqual([
			'ITM-2',
			'ITM-10',
			''
		]);
	});

	it('reads only known columns from the URL', () => {
		const u = (s: string) => new URL(`http://x/?${s}`);
		expect(sortFromUrl(u('sort=name&dir=desc'), ['name'])).toEqual({ key: 'name', dir: 'desc' });
		expect(sortFromUrl(u('sort=name&dir=sideways'), ['name'])).toEqual({ key: 'name', dir: 'asc' });
		expect(sortFromUrl(u('sort=password'), ['name'])).toBeNull();
	});
});
