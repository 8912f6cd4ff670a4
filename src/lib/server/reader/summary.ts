import { clock } from '../clock.ts';
import type { Db } from '../db/index.ts';
import { canDownload, type Viewer } from '../access.ts';
import * as publications from '../catalog/publications.ts';
import * as progress from './progress.ts';
import { readableFacts } from './open.ts';
import * as usage from './usage.ts';

/** What the detail page shows about reading a publication. */
export interface ReadingSummary {
	/** The record has a file the viewer may open in the reader. */
	mayRead: boolean;
	/** The download and print buttons may be offered (see `canDownload`). */
	mayDownload: boolean;
	views: number;
	downloads: number;
	/** "Continue reading (page N)" for a logged-in reader who has opened it before. */
	lastPage: number | null;
}

/**
 * Reading facts of a publication the viewer is already allowed to see (the detail page found
 * it through the policy): may it be read and downloaded, how often it was, and where this
 * reader stopped.
 */
export async function summarize(
	db: Db,
	viewer: Viewer,
	publicationId: number,
	now = clock()
): Promise<ReadingSummary> {
	const [facts, file, counts, lastPage] = await Promise.all([
		readableFacts(db, viewer, publicationId, now),
		publications.currentFile(db, publicationId),
		usage.counts(db, publicationId),
		progress.lastPage(db, viewer, publicationId)
	]);
	const mayRead = !!facts && !!file;
	return {
		mayRead,
		mayDownload: mayRead && !!facts && canDownload(viewer, facts, now),
		views: counts.views,
		downloads: counts.downloads,
		lastPage: mayRead ? lastPage : null
	};
}
