import fsp from 'node:fs/promises';
import sharp from 'sharp';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import { writeTransaction } from '../db/write.js';
import * as storage from '../storage/index.ts';
import { log } from '../log.ts';
import type { CoverImage } from '../../types.ts';

type Db = Kysely<Database>;

/**
 * Covers in the sizes and formats browsers want. Every stored file has a page-1 thumbnail, a
 * 320 px PNG (pdf/extract.js); from it sharp makes WebP and AVIF renderings at `WIDTHS`, kept
 * in the content-addressed store and listed in `cover_variants` (migration 0016) with their
 * dimensions — the PNG itself is listed too, so every cover's intrinsic size is known.
 * Pages draw them with `srcset`/`sizes` and explicit width/height; the reader uses the
 * dimensions to size its page-1 placeholder. They are served by the cover route under the
 * very same access check as the PNG.
 *
 * Made right after a file is committed (`ensureVariants`, from ingest) and, for files stored
 * before 0016, by `backfill` (the `covers:backfill` script, and the leader process in the
 * background at start; idempotent: a file whose rows exist is skipped).
 */

export type CoverFormat = 'png' | 'webp' | 'avif';
/** Card covers show at about 150–200 CSS px: 160 w for 1× screens, the full 320 for 2×. */
export const WIDTHS = [160, 320] as const;
/** Encoder settings: photographs of printed covers; quality where artefacts stop showing. */
const WEBP = { quality: 78, effort: 4 } as const;
// AVIF at effort 2: ~0.1 s a cover here, where effort 4 took ~1 s for 10 % fewer bytes.
const AVIF = { quality: 55, effort: 2 } as const;

export interface CoverVariant {
	format: CoverFormat;
	width: number;
	height: number;
	key: string;
	bytes: number;
}

/**
 * Renders and stores the variants of one file's thumbnail, then lists them (one transaction).
 * Does nothing when the file has no thumbnail or its rows already exist. Never throws for a bad
 * image: a file keeps its PNG cover and the reason is logged.
 */
export async function ensureVariants(db: Db, fileId: number): Promise<boolean> {
	const file = await db
		.selectFrom('files')
		.select(['id', 'thumbnail_key'])
		.where('id', '=', fileId)
		.executeTakeFirst();
	if (!file?.thumbnail_key) return false;
	const have = await db
		.selectFrom('cover_variants')
		.select('file_id')
		.where('file_id', '=', fileId)
		.executeTakeFirst();
	if (have) return false;
	let variants: Rendered[];
	try {
		variants = await render(file.thumbnail_key);
	} catch (err) {
		log.warn({ err, fileId }, 'cover variants: thumbnail could not be converted');
		return false;
	}
	try {
		return await storeVariants(db, fileId, variants);
	} catch (err) {
		// A full disk, as when rendering failed: the file keeps its PNG cover.
		log.warn({ err, fileId }, 'cover variants: could not be stored');
		return false;
	}
}

/** Stores rendered variants and lists them, unless another process listed the file's first. */
async function storeVariants(db: Db, fileId: number, variants: Rendered[]): Promise<boolean> {
	return writeTransaction(db, async (tx) => {
		// Another process may have finished the same file meanwhile: keep its rows.
		const again = await tx
			.selectFrom('cover_variants')
			.select('file_id')
			.where('file_id', '=', fileId)
			.executeTakeFirst();
		if (again) return false;
		// Stored inside the write transaction, like an upload's files (ingest.commit): an orphan
		// sweep on a server starting meanwhile runs under the same lock (ingest.sweepOrphans).
		const rows = [];
		for (const v of variants) {
			const key = v.data ? (await storage.putBytes(v.data, 'thumb', v.format)).key : v.key!;
			rows.push({
				file_id: fileId,
				format: v.format,
				width: v.width,
				height: v.height,
				storage_key: key,
				bytes: v.bytes
			});
		}
		await tx.insertInto('cover_variants').values(rows).execute();
		return true;
	});
}

/** A variant rendered in memory: the PNG (already stored, `data` null) or a WebP/AVIF to store. */
type Rendered = Omit<CoverVariant, 'key'> & { key: string | null; data: Uint8Array | null };

/** The PNG thumbnail's size, and its WebP/AVIF renderings (in memory: stored by the caller). */
async function render(thumbnailKey: string): Promise<Rendered[]> {
	const png = await fsp.readFile(storage.pathOf(thumbnailKey));
	const meta = await sharp(png).metadata();
	if (!meta.width || !meta.height) throw new Error('thumbnail without dimensions');
	const out: Rendered[] = [
		{
			format: 'png',
			width: meta.width,
			height: meta.height,
			key: thumbnailKey,
			bytes: png.byteLength,
			data: null
		}
	];
	for (const width of WIDTHS) {
		if (width > meta.width) continue;
		const resized = sharp(png).resize({ width, withoutEnlargement: true });
		for (const format of ['webp', 'avif'] as const) {
			const { data, info } = await (
				format === 'webp' ? resized.clone().webp(WEBP) : resized.clone().avif(AVIF)
			).toBuffer({ resolveWithObject: true });
			out.push({
				format,
				width: info.width,
				height: info.height,
				key: null,
				bytes: data.byteLength,
				data
			});
		}
	}
	return out;
}

/** The variants listed for a file (PNG included), smallest first. */
export async function variantsOf(db: Db, fileId: number): Promise<CoverVariant[]> {
	const rows = await db
		.selectFrom('cover_variants')
		.selectAll()
		.where('file_id', '=', fileId)
		.orderBy('width')
		.execute();
	return rows.map((r) => ({
		format: r.format,
		width: r.width,
		height: r.height,
		key: r.storage_key,
		bytes: r.bytes
	}));
}

/** Variants of many files at once, by file id (for lists of publications). */
export async function variantsByFile(db: Db, fileIds: number[]) {
	const map = new Map<number, CoverVariant[]>();
	if (fileIds.length === 0) return map;
	const rows = await db
		.selectFrom('cover_variants')
		.selectAll()
		.where('file_id', 'in', fileIds)
		.orderBy('width')
		.execute();
	for (const r of rows)
		map.set(r.file_id, [
			...(map.get(r.file_id) ?? []),
			{ format: r.format, width: r.width, height: r.height, key: r.storage_key, bytes: r.bytes }
		]);
	return map;
}

/** The `CoverImage` a page needs from a file's variants, or null when it has none yet. */
export function coverImage(variants: CoverVariant[]): CoverImage | null {
	const png = variants.find((v) => v.format === 'png');
	if (!png) return null;
	const formats = (['avif', 'webp'] as const).filter((f) => variants.some((v) => v.format === f));
	const widths = [...new Set(variants.filter((v) => v.format !== 'png').map((v) => v.width))];
	return { width: png.width, height: png.height, formats, widths };
}

/** Every storage key a variant row names (the orphan sweep keeps them). */
export async function storedKeys(db: Db): Promise<string[]> {
	const rows = await db.selectFrom('cover_variants').select('storage_key').execute();
	return rows.map((r) => r.storage_key);
}

/**
 * Makes the variants of every file that has a thumbnail and no rows yet, one file at a time.
 * Returns how many files got variants. `signal` stops it between files (server shutdown).
 */
export async function backfill(db: Db, signal?: AbortSignal): Promise<number> {
	const files = await db
		.selectFrom('files')
		.leftJoin('cover_variants', 'cover_variants.file_id', 'files.id')
		.select('files.id')
		.where('files.thumbnail_key', 'is not', null)
		.where('cover_variants.file_id', 'is', null)
		.orderBy('files.id')
		.execute();
	let made = 0;
	for (const { id } of files) {
		if (signal?.aborted) break;
		if (await ensureVariants(db, id)) made++;
	}
	return made;
}
