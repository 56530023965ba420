/**
 * Browser side of test/e2e/sync-body-deadline.test.ts: reads one photo body with the engine's own request
 * and verification code (src/sync/http.ts, src/sync/verify.ts) under the browser's real fetch and timers.
 */
import type { SyncError } from '../../src/shared/errors';
import { DEFAULT_SETTINGS, type PhotoMeta } from '../../src/shared/types';
import { systemClock } from '../../src/sync/clock';
import { type HttpContext, send } from '../../src/sync/http';
import { FRESH, readVerified } from '../../src/sync/verify';

/** How one read ended: the verified size, or the engine's error reason. */
export type ReadOutcome = { ok: true; size: number } | { ok: false; reason: string };

declare global {
  var readPhoto: (url: string, meta: PhotoMeta, requestTimeoutMs: number) => Promise<ReadOutcome>;
}

globalThis.readPhoto = async (url, meta, requestTimeoutMs) => {
  const ctx: HttpContext = {
    fetch: (input, init) => fetch(input, init),
    clock: systemClock,
    random: Math.random,
    settings: { ...DEFAULT_SETTINGS, requestTimeoutMs },
    signal: new AbortController().signal,
  };
  try {
    const ex = await send(ctx, url, { cache: 'no-store' });
    const blob = await readVerified(ctx, ex, meta, FRESH, async () => undefined);
    return { ok: true, size: blob.size };
  } catch (err) {
    return { ok: false, reason: (err as SyncError).reason ?? String(err) };
  }
};
