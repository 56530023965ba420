/**
 * A small, fixed number of concurrent password hashes. scrypt runs on libuv's thread pool (4
 * threads by default), which the file reads of photo downloads share: a flood of sign-ins must not
 * take it over, so a hash that finds every slot busy is refused at once instead of queueing.
 */
import { availableParallelism } from 'node:os';

/**
 * Slots for password hashing: half the CPU cores (at least one). Each hash keeps a core busy for its
 * whole run, so on a small box more would leave the event loop serving downloads no core at all.
 */
export const DEFAULT_HASH_SLOTS = Math.max(1, Math.floor(availableParallelism() / 2));

/** Bounded concurrency for password hashing. */
export class HashSlots {
  private busy = 0;

  constructor(private readonly max = DEFAULT_HASH_SLOTS) {}

  /** True while every slot is busy (a caller can refuse before doing any other work). */
  get full(): boolean {
    return this.busy >= this.max;
  }

  /** Runs `job` in a free slot; `undefined` at once (job not started) when all slots are busy. */
  async tryRun<T>(job: () => Promise<T>): Promise<{ value: T } | undefined> {
    if (this.full) return undefined;
    this.busy++;
    try {
      return { value: await job() };
    } finally {
      this.busy--;
    }
  }
}
