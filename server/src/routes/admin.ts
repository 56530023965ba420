/**
 * Admin-only endpoints under /api/v1/admin/: the same operations as the CLI (via AdminOps) plus
 * the runtime fault settings. Image uploads are the raw bytes as the request body.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AdminOps, MAX_IMAGE_BYTES } from '../admin-ops';
import { badRequest } from '../http/errors';
import { intParam, isUuid, queryValue } from '../http/params';
import { type RouteContext, requireAdmin } from '../http/context';

/** Content types accepted as raw image uploads. */
export const UPLOAD_TYPES = [
  'image/jpeg',
  'image/png',
  'image/gif',
  'image/webp',
  'application/octet-stream',
];

type IdParams = Record<'photo_id' | 'product_id' | 'store_id' | 'brand_id', string>;

function ok<T>(data: T) {
  return { status: 'success' as const, data };
}

function id(request: FastifyRequest, name: keyof IdParams): string {
  const v = (request.params as Partial<IdParams>)[name];
  if (!isUuid(v)) throw badRequest(`${name} must be a valid UUID`);
  return v.toLowerCase();
}

function uploaded(request: FastifyRequest): Buffer {
  if (!Buffer.isBuffer(request.body) || request.body.length === 0) {
    throw badRequest(
      `Send the image bytes as the body with Content-Type ${UPLOAD_TYPES.join(', ')}`,
    );
  }
  return request.body;
}

function jsonObject(body: unknown): Record<string, unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body) || Buffer.isBuffer(body))
    throw badRequest('Request body must be a JSON object');
  return body as Record<string, unknown>;
}

function boolQuery(request: FastifyRequest, name: string): boolean | undefined {
  const v = queryValue(request.query, name);
  if (v === undefined) return undefined;
  if (!/^(true|false|1|0)$/.test(v)) throw badRequest(`${name} must be true or false`);
  return v === 'true' || v === '1';
}

/** Registers every admin route; each one first checks the caller is an admin. */
export function adminRoutes(app: FastifyInstance, ctx: RouteContext): void {
  const ops = new AdminOps(ctx.meta, ctx.photos);
  const base = '/api/v1/admin';
  const admin = {
    preHandler: async (request: FastifyRequest) => void (await requireAdmin(ctx, request)),
  };
  const upload = { ...admin, bodyLimit: MAX_IMAGE_BYTES };

  app.get(`${base}/faults/`, admin, async () => ok(ctx.faults.settings));
  app.put(`${base}/faults/`, admin, async (request) => {
    try {
      return ok(ctx.faults.update(request.body));
    } catch (e) {
      throw badRequest((e as Error).message);
    }
  });
  app.delete(`${base}/faults/`, admin, async () => ok(ctx.faults.reset()));

  app.get(`${base}/stores/`, admin, async () => ok({ stores: await ops.listStores() }));
  app.get(`${base}/brands/`, admin, async () => ok({ brands: await ops.listBrands() }));
  app.get(`${base}/products/`, admin, async () => ok({ products: await ops.listProducts() }));
  app.get(`${base}/stores/:store_id/sync-status/`, admin, async (request) =>
    ok({ statuses: await ops.syncStatus(id(request, 'store_id')) }),
  );
  app.put(`${base}/stores/:store_id/brands/:brand_id/`, admin, async (request) => {
    await ops.linkBrand(id(request, 'store_id'), id(request, 'brand_id'));
    return { status: 'success', message: 'Brand linked' };
  });
  app.delete(`${base}/stores/:store_id/brands/:brand_id/`, admin, async (request) => {
    await ops.unlinkBrand(id(request, 'store_id'), id(request, 'brand_id'));
    return { status: 'success', message: 'Brand unlinked' };
  });
  app.patch(`${base}/products/:product_id/`, admin, async (request) => {
    const { active } = jsonObject(request.body);
    if (typeof active !== 'boolean') throw badRequest('active must be true or false');
    return ok({ product: await ops.setProductActive(id(request, 'product_id'), active) });
  });

  app.post(`${base}/products/:product_id/photos/`, upload, async (request, reply) => {
    const sortOrder = queryValue(request.query, 'sort_order');
    const photo = await ops.addPhoto({
      product_id: id(request, 'product_id'),
      source: { bytes: uploaded(request) },
      ...optional('filename', queryValue(request.query, 'filename')),
      ...optional('is_primary', boolQuery(request, 'is_primary')),
      ...optional(
        'sort_order',
        sortOrder === undefined ? undefined : intParam(sortOrder, 'sort_order', 0, 0),
      ),
    });
    return reply.code(201).send(ok({ photo }));
  });
  app.put(`${base}/photos/:photo_id/content/`, upload, async (request) =>
    ok({
      photo: await ops.replacePhoto(
        id(request, 'photo_id'),
        { bytes: uploaded(request) },
        queryValue(request.query, 'filename'),
      ),
    }),
  );
  app.patch(`${base}/photos/:photo_id/`, admin, async (request) => {
    const body = jsonObject(request.body);
    const photoId = id(request, 'photo_id');
    const unknown = Object.keys(body).filter((k) => k !== 'is_primary' && k !== 'sort_order');
    if (unknown.length > 0 || Object.keys(body).length === 0)
      throw badRequest('Send {"is_primary": true} and/or {"sort_order": <integer>}');
    if (body.is_primary !== undefined && body.is_primary !== true)
      throw badRequest(
        'is_primary can only be set to true (another photo becoming primary unsets it)',
      );
    if (body.sort_order !== undefined && typeof body.sort_order !== 'number')
      throw badRequest('sort_order must be an integer');
    let photo =
      body.sort_order === undefined
        ? undefined
        : await ops.setSortOrder(photoId, body.sort_order as number);
    if (body.is_primary) photo = await ops.setPrimary(photoId);
    return ok({ photo });
  });
  app.delete(`${base}/photos/:photo_id/`, admin, async (request) => {
    const photo = await ops.deletePhoto(id(request, 'photo_id'));
    return { status: 'success', message: `Photo ${photo.id} deleted` };
  });
}

function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}
