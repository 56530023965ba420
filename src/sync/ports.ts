/**
 * Ports of the sync session and engine: everything they need from their runtime, injected so the same
 * code runs in the service worker (IndexedDB for records, bytes and state; Web Locks; real timers) and in
 * Node tests (fakes).
 */
import type {
  FailureInfo,
  IsoTime,
  PhotoMeta,
  StatusItem,
  StoredPhoto,
  SyncSettings,
  TokenSet,
} from '../shared/types';

/** `fetch` as the engine calls it (always an absolute URL string). */
export type FetchFn = (url: string, init: RequestInit) => Promise<Response>;

/** Time source. `sleep` rejects with `signal.reason` when the signal aborts, and clears its timer. */
export interface Clock {
  now(): number;
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/** Uniform random number in [0, 1), for jitter. */
export type RandomFn = () => number;

/** Runs `fn` while holding the named exclusive lock (Web Locks in the SW), so one sync runs at a time. */
export type LockFn = <T>(name: string, fn: () => Promise<T>) => Promise<T>;

/** Name of the lock that keeps one sync (or sign-out) at a time across tabs and the service worker. */
export const SYNC_LOCK = 'product-photo-sync';

/** What a probe of a server URL found (see `ProbeFn`). */
export type ProbeResult =
  | { kind: 'answers' }
  | { kind: 'no-answer' }
  /** `allowed`: the origins the violated policy lets this runtime connect to (empty when it names none). */
  | { kind: 'blocked'; allowed: string[] };

/**
 * Fetches a server URL once without reading it (no CORS needed) and says whether it answered, failed, or
 * was refused by the runtime's own Content Security Policy: what tells CORS, policy and "down" apart.
 */
export type ProbeFn = (url: string) => Promise<ProbeResult>;

/** Persisted state of an interrupted download: bytes so far (as chunks) and the MD5 state after them. */
export interface PartialDownload {
  photo_id: string;
  /** Checksum the bytes are being downloaded for; a partial for another version is discarded. */
  checksum: string;
  /** ETag of the response the bytes came from, sent back as If-Range. */
  etag: string | null;
  /** Bytes held in `chunks`, i.e. the next Range start. */
  received: number;
  /** hash-wasm MD5 `save()` state after exactly `received` bytes. */
  md5_state: Uint8Array;
  chunks: Blob[];
}

/** Header of a partial download without its chunks, written together with each appended chunk. */
export type PartialProgress = Omit<PartialDownload, 'chunks'>;

/** An unsent status report; `seq` orders the outbox and identifies what to remove after the HO accepted it. */
export interface OutboxEntry {
  seq: number;
  item: StatusItem;
}

/** A failed photo as persisted (the reason only), with the metadata needed to retry it even when it is not listed again. */
export interface FailureRecord extends Omit<FailureInfo, 'problem'> {
  /** Metadata to retry with; null when the listed row itself was invalid (it is retried by listing again). */
  meta: PhotoMeta | null;
  /** Earliest terminal time (epoch ms) an automatic run retries it; manual runs ignore it. */
  next_retry_at_ms: number;
}

/** Where a run stands, persisted after every page and phase change so a killed worker resumes. */
export interface RunCheckpoint {
  mode: 'full' | 'incremental';
  /** `since` of this listing; null for full listings. */
  since: IsoTime | null;
  phase: 'listing' | 'downloading';
  /** Listing position to resume from: keyset cursor when the HO offered one, else an offset. */
  cursor: string | null;
  offset: number;
  /** `total` of the first page of the current pass (offset paging: a change means the set moved). */
  total: number | null;
  /** Id of the last row read (offset paging: the next request overlaps it by one row to detect a shift). */
  last_id: string | null;
  restarts: number;
  /** Held photos with an ETag are re-checked with If-None-Match (a forced full resync with re-check). */
  recheck: boolean;
  /**
   * Rows that need a download, in listing order, once the listing is complete (phase 'downloading'). While
   * listing it stays empty: what each page found is in its `ListedPage` (listing.ts `loadListed`), so the
   * write per page does not grow with the pages before it.
   */
  pending: PhotoMeta[];
  /** Listed pages persisted with this checkpoint (`putListedPage`), numbered from 0. */
  pages: number;
  /** Distinct ids listed so far (progress while listing). */
  seen_count: number;
  /** `sync_timestamp` of the first page (earliest, so safe as the next `since`), when the HO sends it. */
  sync_timestamp: IsoTime | null;
  /** Largest `updated_at` listed: the next `since` (less the overlap) when the HO sends no sync_timestamp. */
  max_updated_at: IsoTime | null;
  /** A row failed validation: do not commit the watermark; `unreconcilable` also blocks reconciliation. */
  invalid_rows: boolean;
  unreconcilable: boolean;
}

/**
 * What one listed page added to a listing, stored next to the checkpoint. Replaying the pages in order
 * gives the listing's state: the ids seen (for full listings: the reconciliation set), the rows that need
 * a download and the ids the HO said were deleted.
 */
export interface ListedPage {
  /** Ids on the page, invalid rows included. */
  seen: string[];
  /** Rows of the page that need a download, in page order. */
  pending: PhotoMeta[];
  /** Rows of the page that need none: they leave the pending rows of earlier pages (a row listed again). */
  settled: string[];
  /** Ids the HO said were deleted (`deleted_ids`), applied once the listing completes. */
  deleted: string[];
}

/** Deletions found by a run that exceed the allowed share and wait for `confirmDeletes`. */
export interface PendingDeletion {
  ids: string[];
  local_count: number;
}

/** Small engine bookkeeping, one record. */
export interface EngineRecord {
  /** Inclusive `since` of the next incremental listing (server time), null before the first complete listing. */
  watermark: IsoTime | null;
  last_success_at: IsoTime | null;
  last_reconcile_at: IsoTime | null;
  pending_deletion: PendingDeletion | null;
  /** Stable random id sent with status reports. */
  terminal_id: string;
  /** Status endpoint answered 404/405: reporting is off until this terminal time (epoch ms). */
  status_disabled_until_ms: number | null;
  /**
   * The HO asked for the reports later (an answer with Retry-After, e.g. 429): none are sent before this terminal
   * time (epoch ms); they wait in the outbox, the run does not (absent in records of older versions).
   */
  reports_paused_until_ms?: number | null;
  /** Status reports the HO refused on their own and that were dropped (absent in records of older versions). */
  reports_rejected?: number;
  /** Display name of the store as the HO listed it, for the store it was chosen for. */
  store_name?: { store_id: string; name: string } | null;
  /** The list answered GET with 405 and POST worked (set by the client, cleared by a sign-in or server change). */
  list_method?: 'POST' | null;
  /** Start of the HO's offline spell as last saved by a run or a probe; null: it answered (absent in older records). */
  offline_since?: IsoTime | null;
  /**
   * A sign-in of a terminal that was not signed in is under way: its tokens may already be saved, its store not
   * yet checked, so it does not count as signed in (no run may start on a store that may not exist). Persisted
   * so a worker stopped mid-sign-in does not come back signed in.
   */
  sign_in_pending?: boolean;
}

/** Keys and value types of `getState`/`putState`. */
export interface StateMap {
  settings: Partial<SyncSettings>;
  auth: TokenSet;
  engine: EngineRecord;
  checkpoint: RunCheckpoint;
}

/**
 * Persistent storage the engine needs. Every method is one atomic step: an IndexedDB implementation
 * runs each in a single transaction, and receives only finished values (a verified Blob, a chunk),
 * so it never awaits a non-IDB promise inside a transaction. Implementations throw `QuotaError`
 * (src/shared/errors) when storage is full.
 */
export interface SyncStorage {
  /** A held photo, or undefined. */
  getRecord(id: string): Promise<StoredPhoto | undefined>;
  /** Every held photo (metadata only). */
  listRecords(): Promise<StoredPhoto[]>;
  /**
   * The ids of every held photo and of those among them whose bytes are gone (`bytes_missing`): what counting
   * needs, without reading every record.
   */
  recordIds(): Promise<{ ids: string[]; missing: string[] }>;
  /**
   * Stores verified bytes and their record in one step, replacing any previous version (readers see
   * the old or the new photo, never neither) and dropping any partial download of that photo. `report`,
   * when given, is queued in the same step as `appendOutbox` would (one write per photo instead of two).
   */
  putVerified(record: StoredPhoto, bytes: Blob, report?: StatusItem): Promise<void>;
  /** Updates metadata of a held photo whose bytes are unchanged (same checksum). */
  putMeta(record: StoredPhoto): Promise<void>;
  /** Removes photos (records, bytes, partial downloads); unknown ids are ignored. */
  deleteRecords(ids: string[]): Promise<void>;

  /** Ids of the photos that have a partial download. */
  partialIds(): Promise<string[]>;
  loadPartial(id: string): Promise<PartialDownload | undefined>;
  /** Appends one chunk and replaces the header (received, md5_state, ...) in the same step. */
  appendPartial(progress: PartialProgress, chunk: Blob): Promise<void>;
  clearPartial(id: string): Promise<void>;

  getState<K extends keyof StateMap>(key: K): Promise<StateMap[K] | undefined>;
  /**
   * Writes a state value; `undefined` deletes it. Writing the checkpoint drops the listed pages it does not
   * count (numbers from its `pages` on; all of them when it is deleted).
   */
  putState<K extends keyof StateMap>(key: K, value: StateMap[K] | undefined): Promise<void>;
  /** Stores `page` as listed page number `cp.pages - 1` and `cp` as the checkpoint, in one step. */
  putListedPage(cp: RunCheckpoint, page: ListedPage): Promise<void>;
  /** Listed pages 0 to `count - 1` of the checkpoint, in order. */
  listedPages(count: number): Promise<ListedPage[]>;

  listFailures(): Promise<FailureRecord[]>;
  putFailure(failure: FailureRecord): Promise<void>;
  deleteFailures(ids: string[]): Promise<void>;

  /** Adds a report; an unsent report for the same photo is replaced (the HO keeps only the latest anyway). */
  appendOutbox(item: StatusItem): Promise<void>;
  /** Oldest `max` unsent reports. */
  peekOutbox(max: number): Promise<OutboxEntry[]>;
  removeOutbox(seqs: number[]): Promise<void>;
  countOutbox(): Promise<number>;

  /**
   * Forgets the store: photos, partials, failures, outbox, checkpoint (with its pages) and tokens; keeps settings; replaces
   * the engine record with `engine` in the same step (a terminal never exists without its identity).
   */
  wipe(engine: EngineRecord): Promise<void>;
}
