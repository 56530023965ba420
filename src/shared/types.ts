/**
 * Runtime-neutral types shared by the sync engine (service worker), storage and UI.
 * Nothing here touches DOM, `self` or Node APIs.
 */
import type { Problem } from './problems';

/** ISO 8601 UTC timestamp with milliseconds, e.g. "2026-02-03T10:00:00.123Z". */
export type IsoTime = string;

/** One product photo as the HO lists it, validated and normalised (timestamps canonical, checksum lower-case). */
export interface PhotoMeta {
  id: string;
  product_id: string;
  product_sku: string;
  product_name: string;
  object_key: string;
  filename: string;
  size: number;
  content_type: string;
  checksum: string;
  version: number;
  is_primary: boolean;
  sort_order: number;
  updated_at: IsoTime;
  image_url: string | null;
}

/** A photo held locally: its metadata plus what the engine learned while downloading it. */
export interface StoredPhoto extends PhotoMeta {
  /** Strong validator the HO sent with the bytes, used for If-None-Match / If-Range. */
  etag: string | null;
  /** When this terminal verified and stored the bytes (terminal clock; informational only). */
  synced_at: IsoTime;
  /** Set by storage when it knows the bytes are gone (evicted); the engine then re-downloads. */
  bytes_missing?: boolean;
}

/** One status report item exactly as the API reference defines it. */
export interface StatusItem {
  photo_id: string;
  status: 'synced' | 'failed';
  synced_at: IsoTime | null;
  error: string | null;
}

/** Everything a deployer or user can configure; `DEFAULT_SETTINGS` fills what is not set. */
export interface SyncSettings {
  /** HO base URL without trailing slash, e.g. "https://ho.example.com" (may include a sub-path). */
  serverUrl: string;
  storeId: string;
  /** Path of the simplejwt token endpoint; `/api/v1/token/` is tried when this answers 404. */
  tokenPath: string;
  /** Shown to the HO in status reports next to the stable terminal id. */
  terminalName: string;
  /** Maximum downloads in flight at once. */
  concurrency: number;
  /** Pause of each download worker between two downloads. */
  delayMs: number;
  /** Page size of list requests. */
  pageLimit: number;
  /** Time to response headers and maximum stall between two body chunks. */
  requestTimeoutMs: number;
  /** Attempts per request within one run (first try included) before it counts as failed. */
  maxAttempts: number;
  backoffBaseMs: number;
  backoffMaxMs: number;
  /** A Retry-After longer than this ends the attempt for this run instead of waiting. */
  maxRetryAfterMs: number;
  /** Share of local photos a run may delete without explicit confirmation. */
  maxDeleteShare: number;
  /** A reconciliation (list-only) pass runs when the last one is older than this. */
  reconcileIntervalMs: number;
  /** Period of page-driven syncs; `syncJitterMs` of random spread is added to each. */
  syncIntervalMs: number;
  syncJitterMs: number;
  /** Renew the access token this long before its `exp`, or a quarter of its lifetime before when that is shorter. */
  renewBeforeExpiryMs: number;
  /** A partial download is persisted every this many bytes so a killed worker can resume with Range. */
  partialCheckpointBytes: number;
  /** Offset listings restarted this often because the set changed under them count as cut short. */
  maxListingRestarts: number;
  /** Backoff of a failed photo across runs (first retry after about this long, doubling). */
  failureRetryBaseMs: number;
  failureRetryMaxMs: number;
  /** Subtracted from a watermark derived from `updated_at` (not from `sync_timestamp`) to cover late commits. */
  watermarkOverlapMs: number;
  /**
   * HTTP method of the photo list: `auto` sends the documented GET and switches to POST (remembered) when
   * the HO answers 405, as the deployed upstream does; `GET`/`POST` fix it.
   */
  listMethod: ListMethod;
  /** `company_id` sent in POST list bodies; empty: not sent. */
  companyId: string;
}

/** How the photo list is requested (see `SyncSettings.listMethod`). */
export type ListMethod = 'auto' | 'GET' | 'POST';

/** The values `listMethod` may take. */
export const LIST_METHODS: readonly ListMethod[] = ['auto', 'GET', 'POST'];

/** Longest terminal name the terminal accepts (the reference HO stores up to 200 characters). */
export const TERMINAL_NAME_MAX = 64;

/**
 * True for a usable `terminalName`: empty (unnamed) or at most TERMINAL_NAME_MAX characters without
 * control characters and without spaces around it (what a person reads on the HO's console).
 */
export function isTerminalName(v: unknown): v is string {
  return (
    typeof v === 'string' &&
    v.length <= TERMINAL_NAME_MAX &&
    v === v.trim() &&
    // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it refuses
    !/[\u0000-\u001f\u007f]/.test(v)
  );
}

/** True for a usable `companyId`: empty (not sent) or an id of letters, digits and `. _ ~ -`. */
export function isCompanyId(v: unknown): v is string {
  return typeof v === 'string' && /^[A-Za-z0-9._~-]{0,128}$/.test(v);
}

/** Defaults: the API reference's recommendations (100 per page, 5 concurrent, 100 ms apart). */
export const DEFAULT_SETTINGS: SyncSettings = {
  serverUrl: '',
  storeId: '',
  tokenPath: '/api/token/',
  terminalName: '',
  concurrency: 5,
  delayMs: 100,
  pageLimit: 100,
  requestTimeoutMs: 30_000,
  maxAttempts: 4,
  backoffBaseMs: 1_000,
  backoffMaxMs: 60_000,
  maxRetryAfterMs: 120_000,
  maxDeleteShare: 0.5,
  reconcileIntervalMs: 24 * 60 * 60 * 1000,
  syncIntervalMs: 15 * 60 * 1000,
  syncJitterMs: 60_000,
  renewBeforeExpiryMs: 60_000,
  partialCheckpointBytes: 256 * 1024,
  maxListingRestarts: 5,
  failureRetryBaseMs: 60_000,
  failureRetryMaxMs: 60 * 60 * 1000,
  watermarkOverlapMs: 60_000,
  listMethod: 'auto',
  companyId: '',
};

/** Access/refresh tokens as persisted; `token_path` is the sign-in path that worked (refresh is derived from it). */
export interface TokenSet {
  access: string;
  refresh: string | null;
  /** Access token expiry from its JWT `exp`, epoch ms; null when the token carries none. */
  access_exp_ms: number | null;
  /**
   * Terminal time (epoch ms) to renew the access token at, fixed when it was received (src/sync/auth.ts
   * `renewAtMs`); null: no `exp`, never renewed ahead. Absent in tokens saved by older versions.
   */
  access_renew_at_ms?: number | null;
  token_path: string;
}

/** A photo that failed and waits for a retry on a later run (the retry set). */
export interface FailureInfo {
  photo_id: string;
  /** Short reason as reported to the HO: "checksum mismatch", "HTTP 500", "timeout", ... */
  reason: string;
  /** The reason as a problem code, for the person (the UI words it). */
  problem: Problem;
  attempts: number;
  last_attempt_at: IsoTime;
}

/** What the UI shows as the engine's current condition. */
export type SyncStatus =
  | { kind: 'signed-out' }
  | { kind: 'idle' }
  | {
      kind: 'syncing';
      phase: 'listing' | 'downloading' | 'reconciling';
      done: number;
      total: number;
    }
  /** A run ended by `problem` (its code tells the UI what to say). */
  | { kind: 'offline' | 'error' | 'paused-auth' | 'quota'; problem: Problem }
  | { kind: 'needs-confirmation'; deleteCount: number; localCount: number };

/** Snapshot broadcast to every page after each step of a run. */
export interface SyncProgress {
  status: SyncStatus;
  /** Verified photos held locally. */
  held: number;
  /** Photos the terminal knows it should hold (held + queued + failed); "held / expected" in the UI. */
  expected: number;
  /** Bytes verified and stored during the current (or last) run. */
  bytesDownloaded: number;
  failures: FailureInfo[];
  lastSuccessAt: IsoTime | null;
  lastReconcileAt: IsoTime | null;
  /** Status reporting to the HO: working, switched off (endpoint missing), or items waiting to be sent. */
  reporting: 'ok' | 'disabled' | 'backlog';
  /** Status reports the HO refused (HTTP 400 on their own) and that were dropped so later ones flow. */
  reportsRejected: number;
  /**
   * Since when the HO has not answered (a request failed without any response, e.g. server down);
   * null when the last request got an answer. Outlives runs and worker restarts: the offline badge.
   */
  offlineSince: IsoTime | null;
}
