/**
 * Status reporting: outcomes wait in the persistent outbox and are POSTed in batches of at most 100,
 * oldest first, each batch removed only once the HO accepted it. A missing endpoint (404/405) switches
 * reporting off for a while without ever blocking sync; the outbox is kept for when it returns.
 */
import { AuthError } from '../shared/errors';
import type { HoClient } from './api-client';
import type { HttpContext } from './http';
import type { EngineRecord, SyncStorage } from './ports';

/** Largest batch per POST. */
export const STATUS_BATCH = 100;

/** True while reporting is switched off because the status endpoint was missing. */
export function reportingDisabled(record: EngineRecord, now: number): boolean {
  return record.status_disabled_until_ms !== null && now < record.status_disabled_until_ms;
}

/**
 * Sends every queued report it can and returns the engine record to persist (reporting switched off
 * when the endpoint is missing). Only an AuthError escapes; other failures leave a backlog for later.
 */
export async function flushOutbox(ctx: HttpContext, client: HoClient, storage: SyncStorage, record: EngineRecord): Promise<EngineRecord> {
  const now = ctx.clock.now();
  if (reportingDisabled(record, now)) return record;
  const enabled = { ...record, status_disabled_until_ms: null };
  try {
    for (;;) {
      const batch = await storage.peekOutbox(STATUS_BATCH);
      if (batch.length === 0) return enabled;
      const answer = await client.postStatus(ctx, {
        store_id: ctx.settings.storeId,
        terminal_id: record.terminal_id,
        terminal_name: ctx.settings.terminalName,
        sync_batch: batch.map((e) => e.item),
      });
      if (answer === 'missing') return { ...record, status_disabled_until_ms: now + ctx.settings.reconcileIntervalMs };
      await storage.removeOutbox(batch.map((e) => e.seq));
    }
  } catch (err) {
    if (err instanceof AuthError) throw err;
    return enabled;
  }
}
