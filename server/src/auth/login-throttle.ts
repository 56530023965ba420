/**
 * Throttling of failed sign-ins per username and per client address: after too many failures in a
 * window, further attempts on that key are refused with 429 and Retry-After until the window ends,
 * without spending a password hash on them. The counts live behind FailureCounter so several server
 * processes can share them in the database.
 */
import { ApiError } from '../http/errors';

/** The failures of one key in its current window. */
export interface FailureWindow {
  failures: number;
  /** When the window (and any lock) ends, epoch ms. */
  resetAtMs: number;
}

/** Where failure counts are kept (memory, or the metadata database when shared). */
export interface FailureCounter {
  /** The key's current window, or undefined when it has none or it ended before `nowMs`. */
  get(key: string, nowMs: number): Promise<FailureWindow | undefined>;
  /** Counts one failure; a key without a running window starts one of `windowMs` at `nowMs`. */
  add(key: string, nowMs: number, windowMs: number): Promise<void>;
  /** Forgets the key (a successful sign-in). */
  clear(key: string): Promise<void>;
}

/** FailureCounter in process memory; ended windows are dropped as keys are touched. */
export class MemoryFailureCounter implements FailureCounter {
  private readonly windows = new Map<string, FailureWindow>();

  async get(key: string, nowMs: number): Promise<FailureWindow | undefined> {
    const w = this.windows.get(key);
    if (w && w.resetAtMs <= nowMs) this.windows.delete(key);
    return w && w.resetAtMs > nowMs ? { ...w } : undefined;
  }

  async add(key: string, nowMs: number, windowMs: number): Promise<void> {
    const w = await this.get(key, nowMs);
    this.windows.set(key, {
      failures: (w?.failures ?? 0) + 1,
      resetAtMs: w?.resetAtMs ?? nowMs + windowMs,
    });
  }

  async clear(key: string): Promise<void> {
    this.windows.delete(key);
  }
}

/** Limits of the throttle. */
export interface ThrottleLimits {
  /** Failed sign-ins per username per window. */
  perUser: number;
  /** Failed sign-ins and refreshes per client address per window (a store's terminals may share one). */
  perAddress: number;
  windowMs: number;
}

/** Failed sign-ins allowed before a 15-minute lock (per username, per address). */
export const DEFAULT_LIMITS: ThrottleLimits = {
  perUser: 10,
  perAddress: 50,
  windowMs: 15 * 60 * 1000,
};

/** What one attempt is counted against. */
export interface Attempt {
  address: string;
  username?: string;
}

/** Checks and counts failed sign-ins; `clock` is epoch ms. */
export class LoginThrottle {
  constructor(
    private readonly counter: FailureCounter,
    private readonly limits: ThrottleLimits,
    private readonly clock: () => number,
  ) {}

  private keys(a: Attempt): [string, number][] {
    const keys: [string, number][] = [[`address:${a.address}`, this.limits.perAddress]];
    if (a.username !== undefined)
      keys.push([`user:${a.username.normalize('NFKC').toLowerCase()}`, this.limits.perUser]);
    return keys;
  }

  /** Throws 429 with Retry-After (seconds) while the address or the username is locked. */
  async check(a: Attempt): Promise<void> {
    const now = this.clock();
    for (const [key, limit] of this.keys(a)) {
      const w = await this.counter.get(key, now);
      if (w && w.failures >= limit) {
        const retryAfterS = Math.max(1, Math.ceil((w.resetAtMs - now) / 1000));
        throw new ApiError(429, 'Too many failed sign-ins; try again later', {
          'retry-after': String(retryAfterS),
        });
      }
    }
  }

  /** Counts a failed attempt against its address and username. */
  async failed(a: Attempt): Promise<void> {
    const now = this.clock();
    for (const [key] of this.keys(a)) await this.counter.add(key, now, this.limits.windowMs);
  }

  /** A successful sign-in clears its username's failures (the address keeps its count). */
  async succeeded(username: string): Promise<void> {
    const [, user] = this.keys({ address: '', username });
    await this.counter.clear(user![0]);
  }
}
