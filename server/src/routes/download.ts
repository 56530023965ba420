/**
 * GET (and HEAD) /api/v1/sync/product-photos/<photo_id>/download/?store_id — the photo's bytes,
 * streamed from the image store, with the reference's headers; unless --reference-only also a strong
 * ETag (If-None-Match -> 304), Last-Modified and byte ranges (Range/If-Range -> 206/416).
 */
import { pipeline } from 'node:stream';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { faultTransform } from '../faults';
import { ApiError, badRequest } from '../http/errors';
import { isUuid, queryValue, requiredUuid } from '../http/params';
import { type RouteContext, authenticate, storeInScope } from '../http/context';
import type { PhotoRecord } from '../persistence/types';

/** `attachment` with an ASCII fallback filename and the exact UTF-8 name (RFC 6266). */
export function contentDisposition(filename: string): string {
  const ascii = filename.replace(/[^\x20-\x7e]|["\\]/g, '_');
  const exact =
    ascii === filename
      ? ''
      : `; filename*=UTF-8''${encodeURIComponent(filename).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)}`;
  return `attachment; filename="${ascii}"${exact}`;
}

/** The strong entity tag of a photo's bytes. */
export function photoEtag(photo: Pick<PhotoRecord, 'checksum'>): string {
  return `"${photo.checksum}"`;
}

/** True when an If-None-Match list matches `etag` (weak comparison, as RFC 9110 requires for it). */
function noneMatch(header: string, etag: string): boolean {
  const bare = etag.replace(/^W\//, '');
  return header.split(',').some((t) => {
    const tag = t.trim();
    return tag === '*' || tag.replace(/^W\//, '') === bare;
  });
}

/** The single byte range asked for; 'ignore' for syntax we do not serve (the full body is sent). */
function parseRange(
  header: string,
  size: number,
): { start: number; end: number } | 'ignore' | 'unsatisfiable' {
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m || (m[1] === '' && m[2] === '')) return 'ignore';
  if (m[1] === '') {
    const suffix = Number(m[2]);
    if (suffix === 0 || size === 0) return 'unsatisfiable';
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(m[1]);
  const end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  if (m[2] !== '' && Number(m[2]) < start) return 'ignore';
  if (start >= size) return 'unsatisfiable';
  return { start, end };
}

/** Registers the download route. */
export function downloadRoutes(app: FastifyInstance, ctx: RouteContext): void {
  const extensions = !ctx.config.referenceOnly;

  async function download(
    request: FastifyRequest<{ Params: { photo_id: string } }>,
    reply: FastifyReply,
  ) {
    const who = await authenticate(ctx, request);
    const storeId = requiredUuid(queryValue(request.query, 'store_id'), 'store_id');
    const photoId = request.params.photo_id;
    if (!isUuid(photoId)) throw badRequest('photo_id must be a valid UUID');
    await storeInScope(ctx, who, storeId);
    const photo = await ctx.meta.getPhotoInScope(storeId, photoId.toLowerCase());
    if (!photo) throw new ApiError(404, 'Photo not found');
    const info = await ctx.images.stat(photo.object_key);
    if (!info) throw new Error(`Failed to download image: object ${photo.object_key} is missing`);

    const etag = photoEtag(photo);
    const lastModified = new Date(photo.updated_at).toUTCString();
    reply.headers({
      'content-type': photo.content_type,
      'content-disposition': contentDisposition(photo.filename),
      'x-checksum': photo.checksum,
      'x-version': String(photo.version),
      // A CDN or reverse proxy may store the bytes (public) but must ask us before every reuse
      // (no-cache): we check the caller's token and scope, then answer 304 when the ETag (the MD5)
      // still matches, so no terminal gets a photo it may not see or a stale version, and the bytes
      // cross from origin once per version. The image_url's ?v= also changes with the bytes.
      'cache-control': 'public, no-cache',
      // A browser opening the URL must take the photo for what content-type says, never sniff HTML in it.
      'x-content-type-options': 'nosniff',
    });
    let range: { start: number; end: number } | undefined;
    if (extensions) {
      reply.headers({ etag, 'last-modified': lastModified, 'accept-ranges': 'bytes' });
      const inm = request.headers['if-none-match'];
      if (inm && noneMatch(inm, etag)) return reply.code(304).send();
      const rangeHeader = request.headers.range;
      const ifRange = request.headers['if-range'];
      // If-Range: a changed photo gets the whole new body rather than a splice of two versions.
      const rangeApplies =
        rangeHeader && (!ifRange || ifRange === etag || ifRange === lastModified);
      const parsed = rangeApplies ? parseRange(rangeHeader, info.size) : 'ignore';
      if (parsed === 'unsatisfiable') {
        throw new ApiError(416, 'Requested range not satisfiable', {
          'content-range': `bytes */${info.size}`,
        });
      }
      if (parsed !== 'ignore') range = parsed;
    }
    const length = range ? range.end - range.start + 1 : info.size;
    reply.header('content-length', String(length));
    if (range)
      reply.code(206).header('content-range', `bytes ${range.start}-${range.end}/${info.size}`);
    if (request.method === 'HEAD') return reply.send();
    const body = ctx.images.read(photo.object_key, range);
    const fault = ctx.faults.bodyFault(photo.id);
    // pipeline() tears both streams down if either fails, so a truncated body aborts the response.
    return reply.send(
      fault ? pipeline(body, faultTransform(fault, length), () => undefined) : body,
    );
  }

  app.route({
    method: extensions ? ['GET', 'HEAD'] : ['GET'],
    url: '/api/v1/sync/product-photos/:photo_id/download/',
    config: { faultRoute: 'download' },
    handler: download,
  });
}
