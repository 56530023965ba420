/**
 * GET /api/v1/sync/product-photos/ (the reference's list, plus the sync_timestamp / deleted_ids /
 * next_cursor extensions unless --reference-only) and GET /api/v1/stores/ (extension).
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { PhotoCursor, PhotoRecord } from '../persistence/types';
import { badRequest } from '../http/errors';
import { decodeCursor, encodeCursor } from '../http/cursor';
import { intParam, parseIsoTime, queryValue, requiredUuid } from '../http/params';
import { type RouteContext, authenticate, storeInScope, storesOf } from '../http/context';

/** One photo as the reference lists it. */
export type ApiPhoto = Omit<PhotoRecord, 'created_at'> & { image_url: string };

/** Largest page a client may ask for; bigger limits are capped, not rejected. */
export const MAX_LIMIT = 1000;

/** The download URL of a photo on this server, as `image_url` carries it. */
export function downloadUrl(
  ctx: RouteContext,
  request: FastifyRequest,
  photo: Pick<PhotoRecord, 'id' | 'checksum'>,
  storeId: string,
): string {
  const base = ctx.config.publicUrl ?? `${request.protocol}://${request.host}`;
  // ?v= changes with the bytes, like upstream's MinIO URLs, so URL-keyed caches never serve stale images.
  return `${base}/api/v1/sync/product-photos/${photo.id}/download/?store_id=${storeId}&v=${photo.checksum.slice(0, 8)}`;
}

/** Registers the photo list and the store list. */
export function photoRoutes(app: FastifyInstance, ctx: RouteContext): void {
  const extensions = !ctx.config.referenceOnly;

  app.get('/api/v1/sync/product-photos/', { config: { faultRoute: 'list' } }, async (request) => {
    const who = await authenticate(ctx, request);
    const q = request.query;
    const storeId = requiredUuid(queryValue(q, 'store_id'), 'store_id');
    const sinceRaw = queryValue(q, 'since');
    const since = sinceRaw ? parseIsoTime(sinceRaw) : undefined;
    if (sinceRaw && since === undefined)
      throw badRequest('since must be an ISO 8601 timestamp, e.g. 2026-02-03T10:00:00Z');
    const limit = intParam(queryValue(q, 'limit'), 'limit', 100, 1, MAX_LIMIT);
    const offset = intParam(queryValue(q, 'offset'), 'offset', 0, 0);
    const cursorRaw = extensions ? queryValue(q, 'cursor') : undefined;
    const cursor: PhotoCursor | undefined = cursorRaw ? decodeCursor(cursorRaw) : undefined;
    await storeInScope(ctx, who, storeId);

    // One extra row tells whether another page exists, for offset and cursor paging alike.
    const page = await ctx.meta.listPhotos({
      store_id: storeId,
      limit: limit + 1,
      ...(since ? { since } : {}),
      ...(cursor ? { cursor } : { offset }),
    });
    const hasMore = page.photos.length > limit;
    const rows = page.photos.slice(0, limit);
    const last = rows[rows.length - 1];
    const photos: ApiPhoto[] = rows.map(({ created_at: _created, ...p }) => ({
      ...p,
      image_url: downloadUrl(ctx, request, p, storeId),
    }));
    return {
      status: 'success',
      data: {
        photos,
        total: page.total,
        has_more: hasMore,
        next_offset: hasMore && !cursor ? offset + rows.length : null,
        ...(extensions
          ? {
              sync_timestamp: page.as_of,
              deleted_ids: await ctx.meta.listTombstones(storeId, since),
              next_cursor: hasMore && last ? encodeCursor(last) : null,
            }
          : {}),
      },
    };
  });

  if (extensions) {
    app.get('/api/v1/stores/', { config: { faultRoute: 'stores' } }, async (request) => {
      const who = await authenticate(ctx, request);
      return {
        status: 'success',
        data: {
          stores: (await storesOf(ctx, who)).map(({ id, code, name }) => ({ id, code, name })),
        },
      };
    });
  }
}
