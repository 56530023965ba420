/** A small worker pool: bounded concurrency plus a polite pause of each worker between two requests. */
import type { Clock } from './ports';

/** Pool limits; `signal` stops workers from taking further jobs. */
export interface PoolOptions {
  concurrency: number;
  delayMs: number;
  clock: Clock;
  signal: AbortSignal;
}

/**
 * Runs `work` for every item with at most `concurrency` jobs in their request phase; a worker starts its
 * next request no sooner than `delayMs` after the time its previous one was due to start (the pause counts
 * from the request's start, not its end, and a timer's lateness is not added to the next pause: the HO sees
 * at most `concurrency` requests at once and at most `concurrency / delayMs` new ones per second;
 * src/sync/README.md "Politeness" says why). A job may call `released()` once its request is over
 * (a download received and verified): its worker then takes the next job, when the pause allows, while
 * that job finishes its local work (storing), at most one such job per worker. Without the call a job
 * holds its worker to the end. The first error thrown by `work` stops further jobs and is rethrown once
 * every job has settled.
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
    let nextStart = Number.NEGATIVE_INFINITY;
    let finishing: Promise<void> = Promise.resolve();
    while (!stopped() && next < items.length) {
      const item = items[next++] as T;
      const readyAt = opts.clock.now();
      // The pause counts from when this request was allowed to start, not from when the timer woke the worker:
      // a timer fires late by a millisecond or more (more on a busy thread), and counting from the wake-up
      // added that lateness to every one of a run's pauses (issue 14's politeness figure). A late wake-up is
      // not caught up beyond itself: a worker that was busy past its time (a slow download) counts from now.
      const start = Math.max(readyAt, nextStart);
      if (start > readyAt) {
        await opts.clock.sleep(start - readyAt, opts.signal).catch(() => undefined);
        if (stopped()) break;
      }
      nextStart = start + opts.delayMs;
      let release = (): void => undefined;
      const released = new Promise<void>((resolve) => (release = resolve));
      const job = work(item, release)
        .catch((err: unknown) => {
          state.failure ??= { err };
        })
        .finally(release);
      await released;
      await finishing;
      finishing = job;
    }
    await finishing;
  };
  const workers = Math.max(1, Math.min(opts.concurrency, items.length));
  await Promise.all(Array.from({ length: workers }, worker));
  if (state.failure !== null) throw state.failure.err;
}
