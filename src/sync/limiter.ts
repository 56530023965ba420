/** A small worker pool: bounded concurrency plus a polite pause of each worker between two jobs. */
import type { Clock } from './ports';

/** Pool limits; `signal` stops workers from taking further jobs. */
export interface PoolOptions {
  concurrency: number;
  delayMs: number;
  clock: Clock;
  signal: AbortSignal;
}

/**
 * Runs `work` for every item with at most `concurrency` jobs in flight; each worker waits `delayMs`
 * between its jobs. The first error thrown by `work` stops further jobs and is rethrown once the jobs
 * in flight have settled.
 */
export async function runPool<T>(items: readonly T[], opts: PoolOptions, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const state: { failure: { err: unknown } | null } = { failure: null };
  const worker = async (): Promise<void> => {
    for (let first = true; state.failure === null && !opts.signal.aborted && next < items.length; first = false) {
      const item = items[next++] as T;
      if (!first && opts.delayMs > 0) {
        await opts.clock.sleep(opts.delayMs, opts.signal).catch(() => undefined);
        if (opts.signal.aborted || state.failure !== null) return;
      }
      try {
        await work(item);
      } catch (err) {
        state.failure ??= { err };
      }
    }
  };
  const workers = Math.max(1, Math.min(opts.concurrency, items.length));
  await Promise.all(Array.from({ length: workers }, worker));
  if (state.failure !== null) throw state.failure.err;
}
