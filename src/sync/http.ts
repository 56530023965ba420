/**
 * HTTP plumbing shared by every engine request: per-request deadlines through AbortController and the
 * injected clock, mapping of failures to typed errors, and the retry loop (backoff + jitter, Retry-After).
 */
import {
  AbortedError,
  ConnectionClosedError,
  HttpError,
  InvalidResponseError,
  OfflineError,
  SyncError,
  TimeoutError,
} from '../shared/errors';
import type { SyncSettings } from '../shared/types';
import { backoffDelay, parseRetryAfter } from './backoff';
import type { Clock, FetchFn, RandomFn } from './ports';

/** What a request needs from its run: transport, time, randomness, settings and the run's stop signal. */
export interface HttpContext {
  fetch: FetchFn;
  clock: Clock;
  random: RandomFn;
  settings: SyncSettings;
  signal: AbortSignal;
}

/** Deadline of a one-off request a person waits for outside runs (connection probe, sign-out). */
const ONE_SHOT_TIMEOUT_MS = 10_000;

/** `settings` for a one-off request: one attempt and a short deadline, never a run's retries. */
export function oneShot(settings: SyncSettings): SyncSettings {
  return {
    ...settings,
    maxAttempts: 1,
    requestTimeoutMs: Math.min(settings.requestTimeoutMs, ONE_SHOT_TIMEOUT_MS),
  };
}

/** One in-flight request: its response and the controller that tears it down (timeouts, run stop). */
export interface Exchange {
  res: Response;
  controller: AbortController;
  /** Must be called once the body is consumed or abandoned. */
  done(): void;
}

/** The typed error of a request whose awaited step failed: the run stopped, a SyncError as is, else the connection broke. */
function stepFailure(ctx: HttpContext, err: unknown): unknown {
  if (ctx.signal.aborted) return new AbortedError('sync stopped');
  if (err instanceof SyncError) return err;
  return new ConnectionClosedError(
    `connection closed: ${err instanceof Error ? err.message : String(err)}`,
  );
}

const timedOut = (ctx: HttpContext): TimeoutError =>
  new TimeoutError(`no answer within ${ctx.settings.requestTimeoutMs} ms`);

/**
 * Awaits `work`, failing with TimeoutError after `requestTimeoutMs` (and aborting `controller`), with
 * AbortedError when the run stops, and with ConnectionClosedError when a body read breaks off (the
 * browser's plain TypeError for a reset or truncated stream).
 */
export async function withDeadline<T>(
  ctx: HttpContext,
  controller: AbortController,
  work: Promise<T>,
): Promise<T> {
  const cancel = new AbortController();
  const timeout = ctx.clock.sleep(ctx.settings.requestTimeoutMs, cancel.signal).then(
    () => {
      controller.abort();
      throw timedOut(ctx);
    },
    () => new Promise<never>(() => {}),
  );
  try {
    return await Promise.race([work, timeout]);
  } catch (err) {
    throw stepFailure(ctx, err);
  } finally {
    cancel.abort();
  }
}

/** The deadline of a body read chunk by chunk (see `bodyDeadline`). */
export interface BodyDeadline {
  /** Awaits one read of the body, failing as `withDeadline` does. */
  read<T>(work: Promise<T>): Promise<T>;
  /** Ends the deadline once the body is read or abandoned. */
  stop(): void;
}

/**
 * Like `withDeadline` for each read of a body, with one timer for the whole body: a read waiting
 * `requestTimeoutMs` for its chunk aborts `controller`, which fails that read. A ~100 KB photo arrives in
 * several chunks, and a timer, an AbortController and a race per chunk were ~5 % of the service worker's
 * CPU in a full sync (issue 14's profile). Time between reads (hashing, storing a partial) does not count.
 */
export function bodyDeadline(ctx: HttpContext, controller: AbortController): BodyDeadline {
  const timeoutMs = ctx.settings.requestTimeoutMs;
  const stopped = new AbortController();
  /** When the read under way started; null between reads. */
  let readSince: number | null = null;
  let expired = false;
  const watch = async (): Promise<void> => {
    let wait = timeoutMs;
    for (;;) {
      await ctx.clock.sleep(wait, stopped.signal);
      const waited = readSince === null ? 0 : ctx.clock.now() - readSince;
      if (waited >= timeoutMs) {
        expired = true;
        controller.abort();
        return;
      }
      wait = timeoutMs - waited;
    }
  };
  // Rejects only when stopped.
  watch().catch(() => undefined);
  return {
    async read(work) {
      readSince = ctx.clock.now();
      try {
        return await work;
      } catch (err) {
        throw expired ? timedOut(ctx) : stepFailure(ctx, err);
      } finally {
        readSince = null;
      }
    },
    stop: () => stopped.abort(),
  };
}

/** Sends a request with a deadline for the response headers; the caller reads the body and calls `done`. */
export async function send(ctx: HttpContext, url: string, init: RequestInit): Promise<Exchange> {
  if (ctx.signal.aborted) throw new AbortedError('sync stopped');
  const controller = new AbortController();
  const stop = (): void => controller.abort();
  ctx.signal.addEventListener('abort', stop, { once: true });
  const done = (): void => ctx.signal.removeEventListener('abort', stop);
  try {
    const pending = ctx.fetch(url, { ...init, signal: controller.signal }).catch((err: unknown) => {
      throw controller.signal.aborted
        ? err
        : new OfflineError(`network error: ${err instanceof Error ? err.message : String(err)}`);
    });
    return { res: await withDeadline(ctx, controller, pending), controller, done };
  } catch (err) {
    done();
    throw err;
  }
}

/** Reads a JSON body within the deadline; a body that is not JSON is an InvalidResponseError naming `field`. */
export async function readJson(ctx: HttpContext, ex: Exchange, field = 'body'): Promise<unknown> {
  try {
    return JSON.parse(await withDeadline(ctx, ex.controller, ex.res.text())) as unknown;
  } catch (err) {
    if (err instanceof SyntaxError) throw new InvalidResponseError(field, 'not JSON');
    throw err;
  } finally {
    ex.done();
  }
}

/** Turns a non-success response into an HttpError, with the reference's `message` and Retry-After when present. */
export async function httpError(ctx: HttpContext, ex: Exchange, what: string): Promise<HttpError> {
  const { res } = ex;
  let message = `${what}: HTTP ${res.status}`;
  try {
    const body: unknown = JSON.parse(await withDeadline(ctx, ex.controller, res.text()));
    const detail =
      typeof body === 'object' && body !== null
        ? (body as { message?: unknown }).message
        : undefined;
    if (typeof detail === 'string') message += ` (${detail.slice(0, 200)})`;
  } catch {
    // not the reference's error shape: the status alone says enough
  } finally {
    ex.done();
  }
  const retryAfter = parseRetryAfter(
    res.headers.get('retry-after'),
    res.headers.get('date'),
    ctx.clock.now(),
  );
  return new HttpError(res.status, message, retryAfter);
}

/**
 * Runs `attempt` until it succeeds, retrying retryable SyncErrors up to `maxAttempts` with exponential
 * backoff and jitter; a Retry-After is honoured, and one longer than `maxRetryAfterMs` ends the retries.
 */
export async function withRetry<T>(
  ctx: HttpContext,
  attempt: (n: number) => Promise<T>,
): Promise<T> {
  for (let n = 1; ; n++) {
    try {
      return await attempt(n);
    } catch (err) {
      if (
        !(err instanceof SyncError) ||
        !err.retryable ||
        n >= ctx.settings.maxAttempts ||
        ctx.signal.aborted
      )
        throw err;
      const retryAfter = err instanceof HttpError ? err.retryAfterMs : null;
      if (retryAfter !== null && retryAfter > ctx.settings.maxRetryAfterMs) throw err;
      const wait = retryAfter ?? backoffDelay(n, ctx.settings, ctx.random);
      await ctx.clock.sleep(wait, ctx.signal).catch(() => {
        throw new AbortedError('sync stopped');
      });
    }
  }
}
