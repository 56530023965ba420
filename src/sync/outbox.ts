/**
 * Status reporting: outcomes wait in the persistent outbox and are POSTed in batches of at most 100,
 * oldest first, each batch removed only once the HO accepted it. A batch the HO refuses (400/413/422)
 * is split in halves until the refused items are isolated; those are dropped and counted, the rest
 * keeps flowing. A missing endpoint (404/405) switches reporting off for a while without ever blocking
 * sync; the outbox is kept for when it returns. An HO asking to come back later (Retry-After, e.g. its cap on
 * reports per minute) is not waited for inside the run: the rest of the outbox goes with a run after that time.
 */
import { AuthError, HttpError } from '../shared/errors';
import type { HoClient } from './api-client';
import type { HttpContext } from './http';
import type { EngineRecord, OutboxEntry, SyncStorage } from './ports';

/** Largest batch per POST. */
export const STATUS_BATCH = 100;

/** Answers with which an HO refuses the content of a report rather than failing to take it. */
const REFUSED = new Set([400, 413, 422]);

/** True while reporting is switched off because the status endpoint was missing. */
export function reportingDisabled(record: EngineRecord, now: number): boolean {
  return record.status_disabled_until_ms !== null && now < record.status_disabled_until_ms;
}

/** True while the HO's Retry-After on a report has not passed: reports wait in the outbox. */
function reportingPaused(record: EngineRecord, now: number): boolean {
  return (record.reports_paused_until_ms ?? null) !== null && now < record.reports_paused_until_ms!;
}

/**
 * Posts `entries`, removing what the HO accepts; a refused batch is split in halves. Returns the
 * entries the HO refused on their own (not removed yet), or 'missing' when there is no endpoint.
 */
async function deliver(
  ctx: HttpContext,
  client: HoClient,
  storage: SyncStorage,
  record: EngineRecord,
  entries: OutboxEntry[],
): Promise<OutboxEntry[] | 'missing'> {
  try {
    const answer = await client.postStatus(ctx, {
      store_id: ctx.settings.storeId,
      terminal_id: record.terminal_id,
      terminal_name: ctx.settings.terminalName,
      sync_batch: entries.map((e) => e.item),
    });
    if (answer === 'missing') return 'missing';
    await storage.removeOutbox(entries.map((e) => e.seq));
    return [];
  } catch (err) {
    if (!(err instanceof HttpError) || !REFUSED.has(err.status)) throw err;
    if (entries.length === 1) return entries;
    const half = Math.ceil(entries.length / 2);
    const refused: OutboxEntry[] = [];
    for (const part of [entries.slice(0, half), entries.slice(half)]) {
      const result = await deliver(ctx, client, storage, record, part);
      if (result === 'missing') return result;
      refused.push(...result);
    }
    return refused;
  }
}

/**
 * Sends every queued report it can and returns the engine record to persist (reporting switched off
 * when the endpoint is missing, refused reports counted). Only an AuthError escapes; other failures
 * leave a backlog for later. When every item of a batch is refused alone, the request itself is at
 * fault (e.g. a field of ours the HO does not take), not the items: they stay queued.
 */
export async function flushOutbox(
  ctx: HttpContext,
  client: HoClient,
  storage: SyncStorage,
  record: EngineRecord,
): Promise<EngineRecord> {
  const now = ctx.clock.now();
  if (reportingDisabled(record, now) || reportingPaused(record, now)) return record;
  let next: EngineRecord = {
    ...record,
    status_disabled_until_ms: null,
    reports_paused_until_ms: null,
  };
  // A Retry-After ends this flush instead of being slept through (see reports_paused_until_ms): an HO capping
  // reports per minute held a 12,700-photo first sync open for four more minutes, 30 reports a minute.
  const noWait: HttpContext = { ...ctx, settings: { ...ctx.settings, maxRetryAfterMs: 0 } };
  try {
    for (;;) {
      const batch = await storage.peekOutbox(STATUS_BATCH);
      if (batch.length === 0) return next;
      const refused = await deliver(noWait, client, storage, next, batch);
      if (refused === 'missing')
        return { ...next, status_disabled_until_ms: now + ctx.settings.reconcileIntervalMs };
      if (refused.length === batch.length) return next;
      await storage.removeOutbox(refused.map((e) => e.seq));
      next = { ...next, reports_rejected: (next.reports_rejected ?? 0) + refused.length };
    }
  } catch (err) {
    if (err instanceof AuthError) throw err;
    if (err instanceof HttpError && err.retryAfterMs !== null)
      return { ...next, reports_paused_until_ms: ctx.clock.now() + err.retryAfterMs };
    return next;
  }
}
