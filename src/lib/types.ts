import type { RegulationFacts } from './regulations.ts';

/**
 * Shapes shared by the server and the UI. Table rows never leave `lib/server`; these are what
 * pages, components and the JSON API see.
 */

export const PUBLICATION_TYPES = [
	'magazine_issue',
	'book',
	'regulation',
	'report',
	'article',
	'other'
] as const;
export type PublicationType = (typeof PUBLICATION_TYPES)[number];

export const ACCESS_LEVELS = ['public', 'internal', 'restricted'] as const;
export type AccessLevel = (typeof ACCESS_LEVELS)[number];

export const STATUSES = ['draft', 'published', 'withdrawn'] as const;
export type PublicationStatus = (typeof STATUSES)[number];

export const LANGUAGES = ['id', 'en'] as const;
export type Lang = (typeof LANGUAGES)[number];

export type Role = 'employee' | 'librarian' | 'admin';

export interface SeriesRef {
	id: number;
	slug: string;
	title: string;
}

/** A publication as the UI and the JSON API see it. */
export interface Publication {
	id: number;
	type: PublicationType;
	title: string;
	subtitle: string | null;
	authors: string[];
	publisher: string | null;
	place: string | null;
	year: number | null;
	publishedDate: string | null;
	language: string;
	abstract: string | null;
	subjects: string[];
	isbn: string | null;
	issn: string | null;
	regulationNumber: string | null;
	edition: string | null;
	series: SeriesRef | null;
	volume: number | null;
	issue: number | null;
	callNumber: string | null;
	access: AccessLevel;
	status: PublicationStatus;
	embargoUntil: string | null;
	downloadable: boolean;
	/** Page count of the current PDF, null for records without a file (physical collection). */
	pages: number | null;
	hasFile: boolean;
	hasTextLayer: boolean | null;
	/** URL of the cover thumbnail, null when there is no file. */
	cover: string | null;
	/**
	 * The cover's intrinsic size and the responsive renderings it has (migration 0016): `cover`
	 * with `&f=webp|avif&w=N` for each listed width. Null when there is no cover or it predates
	 * its variants (then `cover` alone, a PNG).
	 */
	// Optional only so the many hand-made Publication fixtures in tests need not name it;
	// hydrate() always sets it.
	coverImage?: CoverImage | null;
	copies: number;
	/** Concurrent digital copies lent for a restricted record (0 = not lendable). */
	digitalCopies: number;
	/** JDIHN facts of a regulation (type `regulation`), as the viewer may see them; else null. */
	regulation: RegulationFacts | null;
	/** How THIS viewer can have it (catalog/availability.ts): online, download, shelf, loan. */
	availability: Availability;
	createdAt: string;
	updatedAt: string;
}

/** Physical copies of a record: how many are on the shelf now, of how many in circulation. */
export interface ShelfState {
	/** Copies available to borrow or consult right now. */
	available: number;
	/** Copies in circulation (available, on loan or waiting on the hold shelf). */
	total: number;
	callNumber: string | null;
	location: string | null;
}

/**
 * How a record can be had by the viewer who asked: read online (the reader opens), download,
 * physical copies on the shelf, by (digital) loan only — or, when all are false/null, the
 * catalogue record only.
 */
export interface Availability {
	online: boolean;
	download: boolean;
	shelf: ShelfState | null;
	/** Employees may borrow it (digital loan); not readable online by this viewer until then. */
	loanOnly: boolean;
}

/** Values of the `availability` filter and facet. */
export const AVAILABILITY_FILTERS = ['online', 'shelf'] as const;
export type AvailabilityFilter = (typeof AVAILABILITY_FILTERS)[number];

export interface Page<T> {
	total: number;
	page: number;
	pageSize: number;
	items: T[];
}

export interface FacetCount {
	value: string;
	count: number;
	/** What to show when the value is a key (a series slug shows its title). */
	label?: string;
}

export interface CatalogFacets {
	type: FacetCount[];
	year: FacetCount[];
	subject: FacetCount[];
	availability: FacetCount[];
}

/** The signed-in user as the UI sees them. */
export interface SessionUser {
	id: number;
	name: string;
	nip: string | null;
	email: string | null;
	role: Role;
	memberType: string;
	unit: string | null;
}

/** A cover's size and responsive renderings (see `Publication.coverImage`). */
export interface CoverImage {
	width: number;
	height: number;
	formats: ('webp' | 'avif')[];
	widths: number[];
}
