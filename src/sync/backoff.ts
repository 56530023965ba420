/** Backoff, Retry-After and jitter arithmetic (pure; time and randomness come from the caller). */
import type { RandomFn } from './ports';
import type { SyncSettings } from '../shared/types';

/** Delay before retry number `attempt` (1-based): exponential, capped, with "equal jitter" (half fixed, half random). */
export function backoffDelay(
  attempt: number,
  settings: Pick<SyncSettings, 'backoffBaseMs' | 'backoffMaxMs'>,
  random: RandomFn,
): number {
  const ceiling = Math.min(settings.backoffMaxMs, settings.backoffBaseMs * 2 ** (attempt - 1));
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}

/**
 * Milliseconds a Retry-After header asks to wait, or null when absent/unreadable. An HTTP-date is
 * measured against the response's own Date header when present, so the terminal clock does not matter.
 */
export function parseRetryAfter(
  value: string | null,
  responseDate: string | null,
  nowMs: number,
): number | null {
  if (value === null) return null;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const at = Date.parse(trimmed);
  if (Number.isNaN(at)) return null;
  const serverNow = responseDate === null ? Number.NaN : Date.parse(responseDate);
  return Math.max(0, at - (Number.isNaN(serverNow) ? nowMs : serverNow));
}

/** Delay until the next periodic sync: the interval plus random jitter so a chain's terminals spread out. */
export function nextSyncDelayMs(
  settings: Pick<SyncSettings, 'syncIntervalMs' | 'syncJitterMs'>,
  random: RandomFn,
): number {
  return settings.syncIntervalMs + Math.round(random() * settings.syncJitterMs);
}
