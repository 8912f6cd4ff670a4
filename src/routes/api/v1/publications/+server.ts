import { json } from '@sveltejs/kit';
import { getDb } from '$lib/server/db/index.ts';
import * as publications from '$lib/server/catalog/publications.ts';
import * as records from '$lib/server/catalog/records.ts';
import * as ingest from '$lib/server/catalog/ingest.ts';
import * as staging from '$lib/server/catalog/staging.ts';
import { fieldsFromForm, fieldsFromJson } from '$lib/server/catalog/api-input.ts';
import { parseCatalogQuery } from '$lib/server/catalog/query.ts';
import { canEditCatalog } from '$lib/server/access.ts';
import { config } from '$lib/server/config.ts';
import { apiError, readJsonObject, toApiError } from '$lib/server/http.ts';
import { DomainError } from '$lib/server/errors.ts';
import { clientIp } from '$lib/server/accounts/web.ts';
import { viewerOf } from '$lib/server/request.ts';
import { translator } from '$lib/i18n/index.ts';
import type { RequestHandler } from './$types';

/** `GET /api/v1/publications` — the records the caller may see, filtered and paginated. */
export const GET: RequestHandler = async ({ url, locals }) => {
	try {
		const db = await getDb();
		const viewer = viewerOf(locals.user);
		const query = parseCatalogQuery(url);
		const asksForHidden =
			(query.access && query.access !== 'public') || (query.status && query.status !== 'published');
		if (!publications.mayFilterByAccess(viewer) && asksForHidden) {
			// Asking for a level you may not see yields an empty list rather than an error that
			// would confirm such records exist.
			return json({ total: 0, page: query.page ?? 1, pageSize: query.pageSize ?? 20, items: [] });
		}
		return json(await publications.list(db, viewer, query), {
			headers: { 'Cache-Control': 'private, no-cache', Vary: 'Cookie, Authorization' }
		});
	} catch (err) {
		return toApiError(err, locals.lang);
	}
};

/**
 * `POST /api/v1/publications` (librarians, tokens) — multipart with an optional `file` and
 * metadata fields named as in the record JSON, or a JSON body for a record without a file.
 * 201 with the record; a refused file is a 4xx and nothing is stored.
 */
export const POST: RequestHandler = async (event) => {
	const { request, locals } = event;
	const viewer = viewerOf(locals.user);
	const t = translator(locals.lang);
	if (!viewer) return apiError(401, 'unauthorized', t('error.unauthorized'));
	if (!canEditCatalog(viewer)) return apiError(403, 'forbidden', t('error.forbidden'));
	const actor = { id: viewer.id, ip: clientIp(event) };
	try {
		const db = await getDb();
		const type = request.headers.get('content-type') ?? '';
		let id: number;
		if (/^multipart\/form-data/i.test(type)) {
			const length = Number(request.headers.get('content-length') ?? 0);
			if (length > config.maxUploadMb * 1024 * 1024 + 1024 * 1024) {
				return apiError(413, 'file_too_large', t('upload.tooLarge', { mb: config.maxUploadMb }));
			}
			const form = await request.formData().catch(() => {
				// Garbage, truncated or boundary-less multipart: the client's mistake, not ours.
				throw new DomainError(400, 'invalid_body', 'error.invalidBody');
			});
			const fields = fieldsFromForm(form);
			const file = form.get('file');
			if (file instanceof File) {
				const tmp = await staging.receive(file.stream(), file.size);
				id = (await ingest.ingestNew(db, tmp, file.name || null, fields, actor)).publicationId;
			} else {
				id = await records.create(db, fields, actor);
			}
		} else {
			id = await records.create(db, fieldsFromJson(await readJsonObject(request)), actor);
		}
		return json(await publications.findById(db, viewer, id), {
			status: 201,
			headers: { Location: `/api/v1/publications/${id}` }
		});
	} catch (err) {
		return toApiError(err, locals.lang);
	}
};
