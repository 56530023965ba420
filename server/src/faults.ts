/**
 * Fault injection for tests and demos: latency, 500/503, 429 with Retry-After, corrupted or
 * truncated downloads and early-expiring access tokens. Set by flags at start and at runtime by
 * PUT /api/v1/admin/faults; the random source is injectable so tests force outcomes exactly.
 */
import { Transform } from 'node:stream';
import { setTimeout as delay } from 'node:timers/promises';

/** The client-facing route groups a fault can apply to (admin routes are never faulted). */
export const FAULT_ROUTES = ['token', 'stores', 'list', 'download', 'status'] as const;

/** One client-facing route group. */
export type FaultRoute = (typeof FAULT_ROUTES)[number];

/** The active fault settings; every rate is a probability 0..1 drawn per request. */
export interface FaultSettings {
  latency_ms: number;
  error_rate: number;
  error_status: 500 | 503;
  rate_limit_rate: number;
  retry_after_s: number;
  corrupt_rate: number;
  truncate_rate: number;
  /** Lifetime in seconds of access tokens issued while set (shorter than configured = early expiry). */
  access_ttl_s: number | null;
  routes: FaultRoute[];
  /** When set, corrupt/truncate faults hit only downloads of these photos (e.g. one failing photo). */
  photo_ids: string[] | null;
}

/** No faults at all. */
export const DEFAULT_FAULTS: FaultSettings = {
  latency_ms: 0,
  error_rate: 0,
  error_status: 503,
  rate_limit_rate: 0,
  retry_after_s: 1,
  corrupt_rate: 0,
  truncate_rate: 0,
  access_ttl_s: null,
  routes: [...FAULT_ROUTES],
  photo_ids: null,
};

/** An injected HTTP failure to answer instead of the real response. */
export interface InjectedFailure {
  status: 429 | 500 | 503;
  retryAfterS?: number;
}

/** What to do to one download body. */
export type BodyFault = 'corrupt' | 'truncate';

const RATE_KEYS = ['error_rate', 'rate_limit_rate', 'corrupt_rate', 'truncate_rate'] as const;

/**
 * Applies a partial update to `base`, rejecting unknown keys and out-of-range values with a
 * message naming the field (the admin endpoint turns it into a 400).
 */
export function validateFaults(base: FaultSettings, input: unknown): FaultSettings {
  if (typeof input !== 'object' || input === null || Array.isArray(input))
    throw new Error('faults must be a JSON object');
  const next: FaultSettings = {
    ...base,
    routes: [...base.routes],
    photo_ids: base.photo_ids && [...base.photo_ids],
  };
  for (const [key, value] of Object.entries(input)) {
    if ((RATE_KEYS as readonly string[]).includes(key)) {
      next[key as (typeof RATE_KEYS)[number]] = numberIn(key, value, 0, 1);
    } else if (key === 'latency_ms') {
      next.latency_ms = numberIn(key, value, 0, 120_000);
    } else if (key === 'retry_after_s') {
      next.retry_after_s = Math.round(numberIn(key, value, 0, 86_400));
    } else if (key === 'error_status') {
      if (value !== 500 && value !== 503) throw new Error('error_status must be 500 or 503');
      next.error_status = value;
    } else if (key === 'access_ttl_s') {
      next.access_ttl_s = value === null ? null : Math.round(numberIn(key, value, 1, 86_400));
    } else if (key === 'routes') {
      if (
        !Array.isArray(value) ||
        value.some((r) => !(FAULT_ROUTES as readonly unknown[]).includes(r))
      ) {
        throw new Error(`routes must be a list of ${FAULT_ROUTES.join(', ')}`);
      }
      next.routes = [...new Set(value as FaultRoute[])];
    } else if (key === 'photo_ids') {
      if (value !== null && (!Array.isArray(value) || value.some((v) => typeof v !== 'string')))
        throw new Error('photo_ids must be a list of photo ids or null');
      next.photo_ids =
        value === null ? null : [...new Set((value as string[]).map((v) => v.toLowerCase()))];
    } else {
      throw new Error(`unknown fault setting "${key}"`);
    }
  }
  return next;
}

function numberIn(key: string, value: unknown, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
    throw new Error(`${key} must be a number from ${min} to ${max}`);
  }
  return value;
}

/** The running server's fault state. */
export class Faults {
  private current: FaultSettings;
  private readonly random: () => number;
  private readonly sleep: (ms: number) => Promise<unknown>;

  constructor(
    initial: FaultSettings = DEFAULT_FAULTS,
    deps: { random?: () => number; sleep?: (ms: number) => Promise<unknown> } = {},
  ) {
    this.current = validateFaults(DEFAULT_FAULTS, initial);
    this.random = deps.random ?? Math.random;
    this.sleep = deps.sleep ?? delay;
  }

  /** A copy of the active settings. */
  get settings(): FaultSettings {
    return { ...this.current, routes: [...this.current.routes] };
  }

  /** Applies a partial update (validated; throws on bad input) and returns the new settings. */
  update(partial: unknown): FaultSettings {
    this.current = validateFaults(this.current, partial);
    return this.settings;
  }

  /** Turns every fault off. */
  reset(): FaultSettings {
    this.current = { ...DEFAULT_FAULTS, routes: [...FAULT_ROUTES] };
    return this.settings;
  }

  /** Waits the configured latency, then decides whether this request fails instead of running. */
  async beforeRequest(route: FaultRoute): Promise<InjectedFailure | undefined> {
    const f = this.current;
    if (!f.routes.includes(route)) return undefined;
    if (f.latency_ms > 0) await this.sleep(f.latency_ms);
    if (this.roll(f.error_rate)) return { status: f.error_status };
    if (this.roll(f.rate_limit_rate)) return { status: 429, retryAfterS: f.retry_after_s };
    return undefined;
  }

  /** Decides whether this download body (of `photoId`) is corrupted or truncated. */
  bodyFault(photoId: string): BodyFault | undefined {
    const f = this.current;
    if (!f.routes.includes('download')) return undefined;
    if (f.photo_ids !== null && !f.photo_ids.includes(photoId)) return undefined;
    if (this.roll(f.corrupt_rate)) return 'corrupt';
    if (this.roll(f.truncate_rate)) return 'truncate';
    return undefined;
  }

  /** Access-token lifetime to use now: the fault's shorter one while set. */
  accessTtlS(configured: number): number {
    const short = this.current.access_ttl_s;
    return short === null ? configured : Math.min(short, configured);
  }

  // Draw only for active rates, so a test's scripted random sequence maps to the faults it set.
  private roll(rate: number): boolean {
    return rate > 0 && this.random() < rate;
  }
}

/**
 * A transform applying a body fault to a body of `length` bytes: 'corrupt' flips one byte in
 * the middle (so the MD5 no longer matches); 'truncate' stops half way and fails the stream,
 * which aborts the connection after the full Content-Length was announced.
 */
export function faultTransform(fault: BodyFault, length: number): Transform {
  const target = Math.floor(length / 2);
  let seen = 0;
  return new Transform({
    transform(chunk: Buffer, _enc, done) {
      const start = seen;
      seen += chunk.length;
      if (fault === 'corrupt') {
        if (target >= start && target < seen) {
          const copy = Buffer.from(chunk);
          copy[target - start] = copy[target - start]! ^ 0xff;
          return done(null, copy);
        }
        return done(null, chunk);
      }
      if (seen <= target) return done(null, chunk);
      if (start < target) this.push(chunk.subarray(0, target - start));
      done(new Error('Injected fault: truncated body'));
    },
  });
}
