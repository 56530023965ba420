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
 * Items that arrive while the pool runs (the rows a listing finds, page by page). `take` waits for the
 * next item and answers `undefined` once the feed is closed and drained; items pushed after `close` are
 * dropped (the run they were for has ended).
 */
export class Feed<T> {
  private items: T[] = [];
  private head = 0;
  private closed = false;
  private waiting: (() => void)[] = [];

  /** A closed feed of `items`. */
  static of<T>(items: readonly T[]): Feed<T> {
    const feed = new Feed<T>();
    feed.push(items);
    feed.close();
    return feed;
  }

  /** Adds items for the pool to take, in order. */
  push(items: Iterable<T>): void {
    if (this.closed) return;
    for (const item of items) this.items.push(item);
    this.wake();
  }

  /** No more items will come: takers get what is left, then `undefined`. */
  close(): void {
    this.closed = true;
    this.wake();
  }

  /** The next item, waiting for one while the feed is open; `undefined` once closed and drained. */
  async take(): Promise<T | undefined> {
    while (this.head >= this.items.length && !this.closed)
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    if (this.head >= this.items.length) return undefined;
    const item = this.items[this.head++] as T;
    // Taken items are let go in batches, so a long run's feed does not keep every row it ever carried.
    if (this.head >= 1024 && this.head * 2 >= this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return item;
  }

  private wake(): void {
    const waiting = this.waiting;
    this.waiting = [];
    for (const resolve of waiting) resolve();
  }
}

/**
 * Runs `work` for every item of `items` (a list, or a feed that items arrive on) with at most `concurrency`
 * jobs in their request phase; a worker starts its
 * next request no sooner than `delayMs` after the time its previous one was due to start (the pause counts
 * from the request's start, not its end, and a timer's lateness is not added to the next pause: the HO sees
 * at most `concurrency` requests at once and at most `concurrency / delayMs` new ones per second;
 * src/sync/README.md "Politeness" says why). A job may call `released()` once its request is over
 * (a download received and verified): its worker then takes the next job, when the pause allows, while
 * that job finishes its local work (storing), at most one such job per worker. Without the call a job
 * holds its worker to the end. The first error thrown by `work` stops further jobs (and closes a feed)
 * and is rethrown once every job has settled.
 */
export async function runPool<T>(
  items: readonly T[] | Feed<T>,
  opts: PoolOptions,
  work: (item: T, released: () => void) => Promise<void>,
): Promise<void> {
  const feed = items instanceof Feed ? items : Feed.of(items);
  const state: { failure: { err: unknown } | null } = { failure: null };
  const stopped = (): boolean => state.failure !== null || opts.signal.aborted;
  // A worker waiting for the next item must not wait past the run's end.
  const stop = (): void => feed.close();
  opts.signal.addEventListener('abort', stop, { once: true });
  const worker = async (): Promise<void> => {
    let nextStart = Number.NEGATIVE_INFINITY;
    let finishing: Promise<void> = Promise.resolve();
    while (!stopped()) {
      const item = await feed.take();
      if (item === undefined || stopped()) break;
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
          stop();
        })
        .finally(release);
      await released;
      await finishing;
      finishing = job;
    }
    await finishing;
  };
  const workers = Math.max(
    1,
    Array.isArray(items) ? Math.min(opts.concurrency, items.length) : opts.concurrency,
  );
  try {
    await Promise.all(Array.from({ length: workers }, worker));
  } finally {
    opts.signal.removeEventListener('abort', stop);
  }
  if (state.failure !== null) throw state.failure.err;
}
