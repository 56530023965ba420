/**
 * Password hashing within bounds: a small, fixed number of concurrent hashes, and a share of those
 * slots' CPU time. scrypt runs on libuv's thread pool (4 threads by default), which the file reads of
 * photo downloads share, and each hash keeps a core busy for its whole run: a flood of sign-ins must
 * take neither the pool nor the cores, so a hash that finds every slot busy or the budget spent is
 * refused at once (429) instead of queueing.
 */
import { availableParallelism } from 'node:os';

/**
 * Slots for password hashing: half the CPU cores (at least one). Each hash keeps a core busy for its
 * whole run, so on a small box more would leave the event loop serving downloads no core at all.
 */
export const DEFAULT_HASH_SLOTS = Math.max(1, Math.floor(availableParallelism() / 2));

/** Share of the slots' time hashing may use over a longer span (a flood keeps a slot busy all the time otherwise). */
export const DEFAULT_HASH_CPU_SHARE = 0.25;

/**
 * Hashing time (ms) that may be spent at once before the share applies: sign-ins back to back (a store
 * setting up its terminals, a loaded machine where each hash takes a second) are not refused; a flood is,
 * once it has lasted this long.
 */
export const HASH_BURST_MS = 10_000;

/** Bounded concurrency and CPU time for password hashing; `now` is a monotonic clock in ms. */
export class HashSlots {
  private busy = 0;
  /** Hashing time not yet paid back by idle time (ms); the budget is spent while it exceeds the burst. */
  private debtMs = 0;
  private paidAt: number;

  constructor(
    private readonly max = DEFAULT_HASH_SLOTS,
    private readonly share = DEFAULT_HASH_CPU_SHARE,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.paidAt = now();
  }

  /**
   * Seconds a sign-in should wait before trying again, or 0 when a hash may start now: at least 1 while
   * every slot is busy, longer while the budget is spent.
   */
  get retryAfterS(): number {
    const overMs = this.settle() - HASH_BURST_MS;
    if (overMs > 0) return Math.max(1, Math.ceil(overMs / (this.share * this.max) / 1000));
    return this.busy >= this.max ? 1 : 0;
  }

  /** Runs `job` in a free slot; `undefined` at once (job not started) when refused (see retryAfterS). */
  async tryRun<T>(job: () => Promise<T>): Promise<{ value: T } | undefined> {
    if (this.retryAfterS > 0) return undefined;
    this.busy++;
    const started = this.now();
    try {
      return { value: await job() };
    } finally {
      this.busy--;
      this.settle();
      this.debtMs += this.now() - started;
    }
  }

  /** Pays the debt back for the time since the last call (`share` of each slot's time) and returns it. */
  private settle(): number {
    const t = this.now();
    this.debtMs = Math.max(0, this.debtMs - (t - this.paidAt) * this.share * this.max);
    this.paidAt = t;
    return this.debtMs;
  }
}
