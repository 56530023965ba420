/**
 * Typed errors of the sync engine. Each carries a short `reason` (what is reported to the HO and
 * listed in the UI), whether retrying can help, what it stops (one photo or the whole run) and the UI
 * state it leads to when it ends a run.
 */
import { type Problem, ProblemError } from './problems';

/** UI state an error puts the engine in when it stops a run. */
export type ErrorState = 'error' | 'offline' | 'paused-auth' | 'quota';

/**
 * What an error during one photo's download stops: only that photo (recorded as failed, retried on a
 * later run), the photo and then the run (recorded, then the run ends), or the run at once (nothing is
 * recorded for the photo: it was not the photo's fault).
 */
export type ErrorScope = 'photo' | 'photo-then-run' | 'run';

/** Base of every engine error. */
export abstract class SyncError extends Error {
  abstract readonly reason: string;
  abstract readonly retryable: boolean;
  readonly uiState: ErrorState = 'error';
  readonly stops: ErrorScope = 'photo';
}

/** Credentials rejected or token renewal failed: sync pauses until the user signs in again. */
export class AuthError extends SyncError {
  override readonly name = 'AuthError';
  readonly reason = 'authentication failed';
  readonly retryable = false;
  override readonly uiState = 'paused-auth';
  override readonly stops = 'run';
}

/** Non-success HTTP answer. 408/425/429/5xx are retryable; `retryAfterMs` comes from Retry-After. */
export class HttpError extends SyncError {
  override readonly name = 'HttpError';
  readonly reason: string;
  readonly retryable: boolean;
  constructor(
    readonly status: number,
    message: string,
    readonly retryAfterMs: number | null = null,
  ) {
    super(message);
    this.reason = `HTTP ${status}`;
    this.retryable = status === 408 || status === 425 || status === 429 || status >= 500;
  }
}

/** Downloaded bytes do not match the listed checksum, `size` or `X-Checksum`; never stored. Retried: transfers corrupt. */
export class ChecksumMismatchError extends SyncError {
  override readonly name = 'ChecksumMismatchError';
  readonly retryable = true;
  constructor(
    readonly reason: 'checksum mismatch' | 'size mismatch',
    message: string,
  ) {
    super(message);
  }
}

/** The listed `content_type` is not an allowed raster type, or the verified bytes are not one: never stored. */
export class UnsupportedImageTypeError extends SyncError {
  override readonly name = 'UnsupportedImageTypeError';
  readonly reason = 'unsupported image type';
  readonly retryable = false;
}

/** Local storage is full: the run stops cleanly keeping everything already stored. */
export class QuotaError extends SyncError {
  override readonly name = 'QuotaError';
  readonly reason = 'storage full';
  readonly retryable = false;
  override readonly uiState = 'quota';
  override readonly stops = 'photo-then-run';
}

/** The HO answered something the engine cannot trust (bad JSON, a field of the wrong type). */
export class InvalidResponseError extends SyncError {
  override readonly name = 'InvalidResponseError';
  readonly retryable = false;
  readonly reason: string;
  /** `field` names the offending field, e.g. "photos[3].checksum". */
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`invalid response: ${field}: ${message}`);
    this.reason = `invalid response: ${field}`;
  }
}

/** The network is unreachable (fetch rejected): the run stops as offline, nothing is marked failed. */
export class OfflineError extends SyncError {
  override readonly name = 'OfflineError';
  readonly reason = 'network error';
  readonly retryable = true;
  override readonly uiState = 'offline';
  override readonly stops = 'run';
}

/** The connection broke while a body was read (reset, truncated stream): retried; the HO was reachable. */
export class ConnectionClosedError extends SyncError {
  override readonly name = 'ConnectionClosedError';
  readonly reason = 'connection closed';
  readonly retryable = true;
}

/** No response headers or body bytes within the configured time. */
export class TimeoutError extends SyncError {
  override readonly name = 'TimeoutError';
  readonly reason = 'timeout';
  readonly retryable = true;
}

/** An offset listing kept changing under the reader (restarted too often): it counts as cut short. */
export class ListingUnstableError extends SyncError {
  override readonly name = 'ListingUnstableError';
  readonly reason = 'listing kept changing';
  readonly retryable = false;
}

/** The run was stopped on purpose (sign-out, store change); not a failure of anything. */
export class AbortedError extends SyncError {
  override readonly name = 'AbortedError';
  readonly reason = 'aborted';
  readonly retryable = false;
  override readonly stops = 'run';
}

/** Short reason for any thrown value, for reports and the UI. */
export function reasonOf(err: unknown): string {
  return err instanceof SyncError ? err.reason : 'internal error';
}

/** True when `err` ends the run at once (offline, auth, stopped): not a fault of the photo or page at hand. */
export function endsRun(err: unknown): boolean {
  return err instanceof SyncError && err.stops === 'run';
}

/** Problems of the fixed reasons (the rest carry a parameter: "HTTP 503", "invalid response: photos"). */
const REASON_PROBLEMS: Readonly<Record<string, Problem>> = {
  'authentication failed': { code: 'auth.expired' },
  'checksum mismatch': { code: 'sync.checksum-mismatch' },
  'size mismatch': { code: 'sync.size-mismatch' },
  'unsupported image type': { code: 'sync.unsupported-image-type' },
  'storage full': { code: 'storage.full' },
  'network error': { code: 'http.offline' },
  'connection closed': { code: 'http.connection-closed' },
  timeout: { code: 'http.timeout' },
  'listing kept changing': { code: 'sync.listing-unstable' },
  aborted: { code: 'sync.stopped' },
};

/**
 * The problem a short `reason` stands for (reasons are what the HO is told and what failures persist;
 * the person is told the problem, in their language).
 */
export function problemOfReason(reason: string): Problem {
  const fixed = REASON_PROBLEMS[reason];
  if (fixed !== undefined) return fixed;
  const status = /^HTTP (\d{3})$/.exec(reason)?.[1];
  if (status !== undefined) return { code: 'http.status', status: Number(status) };
  const field = /^invalid response: (.+)$/.exec(reason)?.[1];
  if (field !== undefined) return { code: 'http.invalid-response', field };
  return { code: 'internal', detail: reason };
}

/** What to tell a person about `err` (a code with parameters; the UI words it). */
export function problemOf(err: unknown): Problem {
  if (err instanceof ProblemError) return err.problem;
  if (err instanceof SyncError) return problemOfReason(err.reason);
  return { code: 'internal', detail: err instanceof Error ? err.message : String(err) };
}
