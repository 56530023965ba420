/**
 * A small, fixed number of concurrent password hashes. scrypt runs on libuv's thread pool (4
 * threads by default), which the file reads of photo downloads share: a flood of sign-ins must not
 * take it over, so a hash that finds every slot busy is refused at once instead of queueing.
 */

/** Slots for password hashing; two leave half the thread pool to file reads. */
export const DEFAULT_HASH_SLOTS = 2;

/** Bounded concurrency for password hashing. */
export class HashSlots {
  private busy = 0;

  constructor(private readonly max = DEFAULT_HASH_SLOTS) {}

  /** Runs `job` in a free slot; `undefined` at once (job not started) when all slots are busy. */
  async tryRun<T>(job: () => Promise<T>): Promise<{ value: T } | undefined> {
    if (this.busy >= this.max) return undefined;
    this.busy++;
    try {
      return { value: await job() };
    } finally {
      this.busy--;
    }
  }
}
