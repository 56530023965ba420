/**
 * POST /api/v1/sync/product-photos/status/ — a terminal's sync report. The latest state per
 * (store, photo, terminal) is kept; an optional `terminal_id` (extension) tells terminals apart.
 */
import type { FastifyInstance } from 'fastify';
import type { StatusItem } from '../persistence/types';
import { badRequest } from '../http/errors';
import { isUuid, parseIsoTime, requiredUuid } from '../http/params';
import { type RouteContext, authenticate, storeInScope } from '../http/context';

/** Most items one report may carry. */
export const MAX_BATCH = 1000;

/** Terminal id recorded for reports that do not name one. */
export const DEFAULT_TERMINAL = 'default';

function optionalText(value: unknown, name: string, max: number): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string' || value.length > max)
    throw badRequest(`${name} must be a string of at most ${max} characters`);
  return value;
}

function statusItem(raw: unknown, i: number): StatusItem {
  const where = `sync_batch[${i}]`;
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    throw badRequest(`${where} must be an object`);
  const item = raw as Record<string, unknown>;
  if (!isUuid(item.photo_id)) throw badRequest(`${where}.photo_id must be a valid UUID`);
  if (item.status !== 'synced' && item.status !== 'failed')
    throw badRequest(`${where}.status must be "synced" or "failed"`);
  let syncedAt: string | null = null;
  if (item.synced_at !== undefined && item.synced_at !== null) {
    syncedAt = typeof item.synced_at === 'string' ? (parseIsoTime(item.synced_at) ?? null) : null;
    if (syncedAt === null)
      throw badRequest(`${where}.synced_at must be an ISO 8601 timestamp or null`);
  }
  if (item.error !== undefined && item.error !== null && typeof item.error !== 'string')
    throw badRequest(`${where}.error must be a string or null`);
  return {
    photo_id: item.photo_id.toLowerCase(),
    status: item.status,
    synced_at: syncedAt,
    error: (item.error as string | null | undefined) ?? null,
  };
}

/** Registers the status report route. */
export function statusRoutes(app: FastifyInstance, ctx: RouteContext): void {
  app.post(
    '/api/v1/sync/product-photos/status/',
    { config: { faultRoute: 'status' } },
    async (request) => {
      const who = await authenticate(ctx, request);
      const body = request.body;
      if (typeof body !== 'object' || body === null || Array.isArray(body) || Buffer.isBuffer(body))
        throw badRequest('Request body must be a JSON object');
      const b = body as Record<string, unknown>;
      const storeId = requiredUuid(b.store_id, 'store_id');
      if (b.sync_batch === undefined || b.sync_batch === null)
        throw badRequest('sync_batch is required');
      if (!Array.isArray(b.sync_batch)) throw badRequest('sync_batch must be a list');
      if (b.sync_batch.length > MAX_BATCH)
        throw badRequest(
          `sync_batch has ${b.sync_batch.length} items; at most ${MAX_BATCH} are allowed per request`,
        );
      const items = b.sync_batch.map(statusItem);
      let terminal: string | undefined;
      if (!ctx.config.referenceOnly) {
        // terminal_name is accepted for clients that send it; only the id keys the stored state.
        optionalText(b.terminal_name, 'terminal_name', 200);
        terminal = optionalText(b.terminal_id, 'terminal_id', 200);
      }
      await storeInScope(ctx, who, storeId);
      const count = await ctx.meta.recordStatus(storeId, terminal || DEFAULT_TERMINAL, items);
      return { status: 'success', message: `Sync status updated for ${count} photos` };
    },
  );
}
