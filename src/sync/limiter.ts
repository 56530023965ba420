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
 * Runs `work` for every item with at most `concurrency` jobs in their request phase; each worker waits
 * `delayMs` between two jobs. A job may call `released()` once its request is over (a download received
 * and verified): its worker then starts the pause, and the next job after it, while that job finishes its
 * local work (storing), at most one such job per worker. Without the call a job holds its worker to the
 * end. The first error thrown by `work` stops further jobs and is rethrown once every job has settled.
 */
export async function runPool<T>(
  items: readonly T[],
  opts: PoolOptions,
  work: (item: T, released: () => void) => Promise<void>,
): Promise<void> {
  let next = 0;
  const state: { failure: { err: unknown } | null } = { failure: null };
  const stopped = (): boolean => state.failure !== null || opts.signal.aborted;
  const worker = async (): Promise<void> => {
    let releasedAt: number | null = null;
    let finishing: Promise<void> = Promise.resolve();
    while (!stopped() && next < items.length) {
      const item = items[next++] as T;
      const wait = releasedAt === null ? 0 : releasedAt + opts.delayMs - opts.clock.now();
      if (wait > 0) {
        await opts.clock.sleep(wait, opts.signal).catch(() => undefined);
        if (stopped()) break;
      }
      let release = (): void => undefined;
      const released = new Promise<void>((resolve) => (release = resolve));
      let at: number | null = null;
      const job = work(item, () => {
        at ??= opts.clock.now();
        release();
      })
        .catch((err: unknown) => {
          state.failure ??= { err };
        })
        .finally(release);
      await released;
      await finishing;
      finishing = job;
      releasedAt = at ?? opts.clock.now();
    }
    await finishing;
  };
  const workers = Math.max(1, Math.min(opts.concurrency, items.length));
  await Promise.all(Array.from({ length: workers }, worker));
  if (state.failure !== null) throw state.failure.err;
}
