/**
 * POST /api/v1/sync/product-photos/status/ — a terminal's sync report. The latest state per
 * (store, photo, terminal) is kept; an optional `terminal_id` (extension) tells terminals apart.
 * Bounded so one store user cannot fill the database: errors are truncated, items for photos outside
 * the store are ignored (the answer counts only what was stored), a store has a cap on distinct
 * terminals, and each terminal a cap on reports per minute (429 + Retry-After).
 */
import type { FastifyInstance } from 'fastify';
import type { StatusItem } from '../persistence/types';
import { ApiError, badRequest } from '../http/errors';
import { isUuid, parseIsoTime, requiredUuid } from '../http/params';
import { type RouteContext, authenticate, storeInScope } from '../http/context';

/** Most items one report may carry. */
export const MAX_BATCH = 1000;

/** Longest stored `error`; longer ones are cut, not refused (a terminal must not lose its report). */
export const MAX_ERROR_CHARS = 500;

/** Most distinct terminals reporting for one store. */
export const MAX_TERMINALS_PER_STORE = 500;

/** Reports one terminal may send per minute (a sync sends one per run, a few at most). */
export const REPORTS_PER_MINUTE = 30;

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
    error: typeof item.error === 'string' ? item.error.slice(0, MAX_ERROR_CHARS) : null,
  };
}

/** 429 when the terminal reports too often, 400 when it would be one terminal too many for the store. */
async function limitReports(ctx: RouteContext, storeId: string, terminalId: string): Promise<void> {
  const key = `status:${storeId}:${terminalId}`;
  const now = ctx.clock();
  const window = await ctx.windows.get(key, now);
  if (window && window.failures >= REPORTS_PER_MINUTE) {
    throw new ApiError(429, 'Too many status reports from this terminal; try again later', {
      'retry-after': String(Math.max(1, Math.ceil((window.resetAtMs - now) / 1000))),
    });
  }
  // Every report notes its terminal (even an empty one), so the cap counts the terminals table.
  const known = (await ctx.meta.listTerminals(storeId)).map((t) => t.terminal_id);
  if (!known.includes(terminalId) && known.length >= MAX_TERMINALS_PER_STORE)
    throw badRequest(
      `Store already has ${known.length} terminals reporting; at most ${MAX_TERMINALS_PER_STORE} are allowed`,
    );
  await ctx.windows.add(key, now, 60_000);
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
      let name: string | null | undefined;
      if (!ctx.config.referenceOnly) {
        // Only the id keys the stored state; the name (kept as the latest reported) is for the fleet console.
        name =
          b.terminal_name === null ? null : optionalText(b.terminal_name, 'terminal_name', 200);
        terminal = optionalText(b.terminal_id, 'terminal_id', 200);
      }
      await storeInScope(ctx, who, storeId);
      const terminalId = terminal || DEFAULT_TERMINAL;
      await limitReports(ctx, storeId, terminalId);
      const inScope = await ctx.meta.photosInScope(
        storeId,
        items.map((i) => i.photo_id),
      );
      const accepted = items.filter((i) => inScope.has(i.photo_id));
      const count = await ctx.meta.recordStatus(storeId, terminalId, accepted, name);
      const ignored = items.length - accepted.length;
      return {
        status: 'success',
        message: `Sync status updated for ${count} photos${ignored ? `; ${ignored} not in this store were ignored` : ''}`,
      };
    },
  );
}
