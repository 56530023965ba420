/**
 * `--profile upstream`: the HO as its upstream project is really deployed (shared/contract-notes.md),
 * so the PWA is tested against what it will meet, not only against the reference: the list is
 * `POST /api/v1/sync/product-photos/` with a JSON body (GET answers Django REST framework's 405), the
 * answer is flat (`deleted_ids` always empty, as upstream), tokens live at /api/v1/token/ only, and
 * there is no download or status route: photos come from `image_url` on a second origin (MinIO there,
 * a second listener here) with `?v=<first 8 hex of the checksum>`.
 */
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { ApiError, badRequest } from '../http/errors';
import type { RouteContext } from '../http/context';
import { authenticate, storeInScope } from '../http/context';
import { intParam, isUuid, parseIsoTime, requiredUuid } from '../http/params';
import { MAX_LIMIT } from '../routes/photos';
import type { ImageRepository, MetadataRepository, PhotoRecord } from '../persistence/types';

const LIST_PATH = '/api/v1/sync/product-photos/';
const IMAGE_PREFIX = '/product-images/';

/** The URL of a photo on the image origin, as upstream's MinIO URLs look. */
export function upstreamImageUrl(
  imageOrigin: string,
  photo: Pick<PhotoRecord, 'id' | 'checksum'>,
): string {
  return `${imageOrigin}${IMAGE_PREFIX}${photo.id}?v=${photo.checksum.slice(0, 8)}`;
}

/**
 * Django's 404 page (DEBUG off): what upstream answers for a route it does not have, e.g. the
 * documented download, status and /api/token/ paths.
 */
export function djangoNotFound(reply: FastifyReply): FastifyReply {
  return reply
    .code(404)
    .type('text/html; charset=utf-8')
    .send(
      '<!doctype html>\n<html lang="en">\n<head>\n  <title>Not Found</title>\n</head>\n<body>\n  <h1>Not Found</h1><p>The requested resource was not found on this server.</p>\n</body>\n</html>\n',
    );
}

/** The JSON body of a POST list, as upstream's serializer takes it. */
function listBody(body: unknown) {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw badRequest('Request body must be a JSON object');
  const b = body as Record<string, unknown>;
  const text = (name: string): string | undefined => {
    const v = b[name];
    if (v === undefined || v === null) return undefined;
    if (typeof v === 'number' && Number.isSafeInteger(v)) return String(v);
    if (typeof v !== 'string') throw badRequest(`${name} must be a string`);
    return v;
  };
  const sinceRaw = text('updated_since');
  const since = sinceRaw ? parseIsoTime(sinceRaw) : undefined;
  if (sinceRaw && since === undefined)
    throw badRequest('updated_since must be an ISO 8601 timestamp, e.g. 2026-02-03T10:00:00Z');
  const companyRaw = text('company_id');
  if (companyRaw !== undefined && !isUuid(companyRaw))
    throw badRequest('company_id must be a valid UUID');
  return {
    storeId: requiredUuid(b.store_id, 'store_id'),
    companyId: companyRaw?.toLowerCase(),
    since,
    limit: intParam(text('limit'), 'limit', 100, 1, MAX_LIMIT),
    offset: intParam(text('offset'), 'offset', 0, 0),
  };
}

/** Registers the POST-only list (a GET answers 405 the way Django REST framework does). */
export function upstreamRoutes(app: FastifyInstance, ctx: RouteContext, imageOrigin: string): void {
  app.get(LIST_PATH, { config: { faultRoute: 'list' } }, async (request, reply) => {
    await authenticate(ctx, request);
    return reply.code(405).header('allow', 'POST, OPTIONS').send({
      detail: 'Method "GET" not allowed.',
    });
  });

  app.post(LIST_PATH, { config: { faultRoute: 'list' } }, async (request) => {
    const who = await authenticate(ctx, request);
    const q = listBody(request.body);
    const store = await storeInScope(ctx, who, q.storeId);
    if (q.companyId !== undefined && q.companyId !== store.company_id)
      throw new ApiError(404, 'Store not found');
    const page = await ctx.meta.listPhotos({
      store_id: store.id,
      limit: q.limit + 1,
      offset: q.offset,
      ...(q.since ? { since: q.since } : {}),
    });
    const hasMore = page.photos.length > q.limit;
    const rows = page.photos.slice(0, q.limit);
    return {
      photos: rows.map(({ created_at: _created, ...p }) => ({
        ...p,
        image_url: upstreamImageUrl(imageOrigin, p),
      })),
      deleted_ids: [],
      sync_timestamp: page.as_of,
      total: page.total,
      has_more: hasMore,
      next_offset: hasMore ? q.offset + rows.length : null,
      filter: {
        company_id: q.companyId ?? null,
        store_id: store.id,
        updated_since: q.since ?? null,
      },
      store: { id: store.id, code: store.code, name: store.name },
    };
  });
}

/** What the image origin serves from. */
export interface ImageOriginDeps {
  meta: MetadataRepository;
  images: ImageRepository;
  logLevel: 'silent' | 'error' | 'warn' | 'info' | 'debug';
}

/**
 * The second origin `image_url` points to, like a public MinIO bucket: the bytes of any photo by id,
 * no token (none may be sent there), readable cross-origin.
 */
export function buildImageApp(deps: ImageOriginDeps): FastifyInstance {
  const app = Fastify({
    logger: deps.logLevel === 'silent' ? false : { level: deps.logLevel },
    forceCloseConnections: true,
  });
  const cors = (reply: FastifyReply) =>
    reply.headers({
      'access-control-allow-origin': '*',
      'access-control-expose-headers': 'ETag, Content-Length, Content-Range',
    });
  app.options(`${IMAGE_PREFIX}:id`, async (request, reply) =>
    cors(reply)
      .headers({
        'access-control-allow-methods': 'GET, HEAD',
        'access-control-allow-headers':
          request.headers['access-control-request-headers'] ?? 'Range, If-Range, If-None-Match',
        'access-control-max-age': '600',
      })
      .code(204)
      .send(),
  );
  app.get(
    `${IMAGE_PREFIX}:id`,
    async (request: FastifyRequest<{ Params: { id: string } }>, reply) => {
      cors(reply);
      const { id } = request.params;
      const photo = isUuid(id) ? await deps.meta.getPhoto(id.toLowerCase()) : undefined;
      const info = photo ? await deps.images.stat(photo.object_key) : undefined;
      if (!photo || !info)
        return reply
          .code(404)
          .type('application/xml')
          .send('<Error><Code>NoSuchKey</Code></Error>');
      const etag = `"${photo.checksum}"`;
      reply.headers({
        'content-type': photo.content_type,
        etag,
        'cache-control': 'public, max-age=31536000, immutable',
      });
      if (request.headers['if-none-match'] === etag) return reply.code(304).send();
      reply.header('content-length', String(info.size));
      return reply.send(deps.images.read(photo.object_key));
    },
  );
  return app;
}
