/**
 * Storage ports of the reference HO server. The HTTP layer only ever talks to these
 * interfaces, so a PostgreSQL metadata store or an S3/MinIO image store can be added later
 * and must pass the same contract suites (test/server/metadata-contract.ts, image-repository-contract.ts).
 */
import type { Readable } from 'node:stream';
import type {
  FleetFailure,
  PhotoGap,
  ProductGap,
  ReportSummary,
  UnsyncedPhoto,
} from '../../../src/shared/fleet-api';

/** ISO 8601 UTC timestamp with milliseconds, e.g. "2026-02-03T10:00:00.123Z". */
export type IsoTime = string;

/** A company (tenant) of the chain. */
export interface Company {
  id: string;
  name: string;
}

/** A brand sold by a company; products belong to a brand. */
export interface Brand {
  id: string;
  company_id: string;
  name: string;
}

/** A store; it sees the photos of active products of the brands actively linked to it. */
export interface Store {
  id: string;
  company_id: string;
  code: string;
  name: string;
}

/** A product of a brand. */
export interface Product {
  id: string;
  brand_id: string;
  sku: string;
  name: string;
  active: boolean;
}

/** A user account; `store_ids` is ignored for admins (who may read every store). */
export interface User {
  username: string;
  password_hash: string;
  role: 'admin' | 'store';
  store_ids: string[];
  /** A disabled user cannot sign in and every token of theirs is refused. */
  disabled: boolean;
  /** Carried in every token; bumping it (password change, disabling) revokes all older tokens. */
  token_generation: number;
}

/** A user to create: enabled, generation 0 unless said otherwise. */
export type NewUser = Omit<User, 'disabled' | 'token_generation'> & { disabled?: boolean };

/** A photo row exactly as the API reference lists it, minus `image_url` (derived per request). */
export interface PhotoRecord {
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
  created_at: IsoTime;
  updated_at: IsoTime;
}

/** Keyset position on (updated_at, id): the last row a client has seen. */
export interface PhotoCursor {
  updated_at: IsoTime;
  id: string;
}

/** One page query of a store's photos; `cursor` (keyset) wins over `offset` when both are given. */
export interface PhotoPageQuery {
  store_id: string;
  since?: IsoTime;
  limit: number;
  offset?: number;
  cursor?: PhotoCursor;
}

/**
 * A page of photos ordered by (updated_at, id). `total` counts every row matching
 * store + since (ignoring offset/cursor); `as_of` is the store clock as of the read: 1 ms after
 * the newest write that read could see (not the wall clock, which a concurrent writer or a clock
 * step could undercut), so every later write is at or after it and it can serve as the next `since`.
 */
export interface PhotoPage {
  photos: PhotoRecord[];
  total: number;
  as_of: IsoTime;
}

/** One status report item as the API reference defines it. */
export interface StatusItem {
  photo_id: string;
  status: 'synced' | 'failed';
  synced_at: IsoTime | null;
  error: string | null;
}

/** The latest reported state of one photo on one terminal of a store. */
export interface StatusRecord extends StatusItem {
  store_id: string;
  terminal_id: string;
  reported_at: IsoTime;
}

/** A terminal as its status reports made it known to a store. */
export interface TerminalRecord {
  store_id: string;
  terminal_id: string;
  /** The name of its latest report that carried the field (null: never named or cleared). */
  name: string | null;
  first_report_at: IsoTime;
  last_report_at: IsoTime;
  /** Its progress, kept by every write (see terminal-summaries.ts). */
  synced: number;
  failing: number;
  behind_since: IsoTime | null;
}

/** What a store sees now, and the latest time that set changed (a photo written, added or removed). */
export interface StoreCatalogStats {
  store_id: string;
  photos: number;
  changed_at: IsoTime | null;
}

/** One terminal's progress against its store's current photos. */
export interface TerminalProgress {
  terminal_id: string;
  /** Current photos whose latest report is "synced" at their current version. */
  synced: number;
  /** Current photos whose latest report is "failed". */
  failing: number;
  /** Oldest updated_at among current photos not synced (null when none). */
  behind_since: IsoTime | null;
}

/** A failing photo of one terminal. */
export interface FailureRecord extends FleetFailure {
  terminal_id: string;
}

/** A failing photo of one terminal of one store. */
export interface StoreFailure extends FailureRecord {
  store_id: string;
}

/** Reports kept per terminal for its history. */
export const REPORT_HISTORY = 50;

/** An offset page of rows with the count of all rows. */
export interface RowPage<T> {
  rows: T[];
  total: number;
}

/** Fields of a new photo; the store assigns id (when absent), version 1, created_at, updated_at. */
export interface NewPhoto {
  id?: string;
  product_id: string;
  object_key: string;
  filename: string;
  size: number;
  content_type: string;
  checksum: string;
  is_primary: boolean;
  sort_order: number;
}

/**
 * New bytes for an existing photo: version + 1 and updated_at bumped by the store, provided the photo
 * is still at `expected_version` (the version the writer read); otherwise ConflictError, nothing written.
 */
export interface PhotoReplacement {
  expected_version: number;
  object_key: string;
  filename: string;
  size: number;
  content_type: string;
  checksum: string;
}

/**
 * Metadata of the catalog. All times come from the store's own monotonic clock: every write
 * gets an updated_at strictly greater than any earlier write, and never earlier than any
 * `as_of` already handed out, so a client using `as_of` as its next inclusive `since` misses nothing.
 * Any change that takes a photo out of a store's scope writes a tombstone for that store;
 * any change that brings one back into scope bumps its updated_at.
 */
export interface MetadataRepository {
  // catalog setup (demo seed, admin)
  createCompany(c: Company): Promise<void>;
  createBrand(b: Brand): Promise<void>;
  createStore(s: Store): Promise<void>;
  createProduct(p: Product): Promise<void>;
  createUser(u: NewUser): Promise<void>;
  getUser(username: string): Promise<User | undefined>;
  /** Every user, by username. */
  listUsers(): Promise<User[]>;
  /** Replaces a user's password hash, keeping their tokens (a re-hash of the same password). */
  setPasswordHash(username: string, password_hash: string): Promise<void>;
  /** A new password: replaces the hash and bumps the token generation (older tokens die). */
  changePassword(username: string, password_hash: string): Promise<void>;
  /** Disables (bumping the token generation) or re-enables a user. */
  setUserDisabled(username: string, disabled: boolean): Promise<void>;
  linkBrand(store_id: string, brand_id: string): Promise<void>;
  unlinkBrand(store_id: string, brand_id: string): Promise<void>;
  setProductActive(product_id: string, active: boolean): Promise<void>;
  isEmpty(): Promise<boolean>;

  // reads
  listStores(): Promise<Store[]>;
  getStore(id: string): Promise<Store | undefined>;
  getProduct(id: string): Promise<Product | undefined>;
  /** Every product, active or not (admin listing). */
  listProducts(): Promise<Product[]>;
  /** Every brand (admin listing, so link/unlink can name brand ids). */
  listBrands(): Promise<Brand[]>;
  listPhotos(q: PhotoPageQuery): Promise<PhotoPage>;
  /** A photo if it is in the store's scope now, else undefined. */
  getPhotoInScope(store_id: string, photo_id: string): Promise<PhotoRecord | undefined>;
  /** Which of these photo ids are in the store's scope now. */
  photosInScope(store_id: string, photo_ids: readonly string[]): Promise<Set<string>>;
  /** A photo by id regardless of scope (admin). */
  getPhoto(photo_id: string): Promise<PhotoRecord | undefined>;
  /** Ids of photos that left the store's scope at or after `since` (all tombstones when absent) and are not back in scope. */
  listTombstones(store_id: string, since?: IsoTime): Promise<string[]>;
  /** True when no photo row references this object key any more. */
  isObjectUnreferenced(object_key: string): Promise<boolean>;
  /** Objects a replacement or deletion stopped referencing, with when (epoch ms), not yet swept. */
  listRetiredObjects(): Promise<RetiredObject[]>;
  /** Drops these keys from the retired list (their bytes are gone or referenced again). */
  forgetRetiredObjects(object_keys: readonly string[]): Promise<void>;

  // photo writes
  /**
   * `bytes`, when given, are stored under `p.object_key` in the database's photo_objects in the same
   * transaction as the row (the deployment whose bytes live in the database): both or neither.
   */
  addPhoto(p: NewPhoto, bytes?: Buffer): Promise<PhotoRecord>;
  /**
   * Compare-and-set on `r.expected_version` (ConflictError when another write got there first); the
   * previous object is listed as retired in the same transaction. `bytes` as for addPhoto.
   */
  replacePhoto(photo_id: string, r: PhotoReplacement, bytes?: Buffer): Promise<PhotoRecord>;
  setPrimary(photo_id: string): Promise<PhotoRecord>;
  setSortOrder(photo_id: string, sort_order: number): Promise<PhotoRecord>;
  /** Deletes the row (tombstoned) and lists its object as retired, in one transaction. */
  deletePhoto(photo_id: string): Promise<void>;

  // status reports
  /**
   * Upserts the latest state per (store, photo, terminal) with the photo's version at that moment,
   * notes the terminal (name replaced unless `terminal_name` is undefined; '' clears it) and keeps
   * the report in its history (the latest REPORT_HISTORY); returns how many items were stored.
   */
  recordStatus(
    store_id: string,
    terminal_id: string,
    items: StatusItem[],
    terminal_name?: string | null,
  ): Promise<number>;
  listStatus(store_id: string): Promise<StatusRecord[]>;

  // fleet (admin console)
  /** Every terminal that ever reported, or those of one store. */
  listTerminals(store_id?: string): Promise<TerminalRecord[]>;
  /** Photo count and last change of every store. */
  storeCatalogStats(): Promise<StoreCatalogStats[]>;
  /** How many photos each store sees now (as storeCatalogStats, kept at write time: cheap to read). */
  storePhotoCounts(): Promise<Map<string, number>>;
  /** Progress of every terminal of the store against its current photos. */
  terminalProgress(store_id: string): Promise<TerminalProgress[]>;
  /** Current photos of the store whose latest report is a failure, newest report first. */
  listFailures(store_id: string, terminal_id?: string): Promise<FailureRecord[]>;
  /** The newest `per_terminal` failures (as listFailures) of every terminal of these stores. */
  latestFailures(store_ids: readonly string[], per_terminal: number): Promise<StoreFailure[]>;
  /** A terminal's latest `limit` reports, newest first. */
  listReports(store_id: string, terminal_id: string, limit: number): Promise<ReportSummary[]>;
  /** Current photos the terminal has not reported synced at their version, oldest change first. */
  listUnsynced(
    store_id: string,
    terminal_id: string,
    limit: number,
    offset: number,
  ): Promise<RowPage<UnsyncedPhoto>>;
  /** Current photos no terminal of the store reported synced at their version, oldest change first. */
  listUnsyncedByAll(store_id: string, limit: number, offset: number): Promise<RowPage<PhotoGap>>;
  /** Active products of the store with no primary photo. */
  listProductsWithoutPrimary(store_id: string): Promise<ProductGap[]>;

  close(): Promise<void>;
}

/** An object no row references since `retired_ms` (epoch ms). */
export interface RetiredObject {
  object_key: string;
  retired_ms: number;
}

/** Size and validator of a stored object. */
export interface ObjectInfo {
  size: number;
  mtime_ms: number;
}

/**
 * Image bytes by object key. `put` is atomic: a reader sees either the old bytes or the new,
 * never a partial file, and a crash mid-write leaves no visible object.
 */
export interface ImageRepository {
  put(key: string, data: Buffer | Readable): Promise<ObjectInfo>;
  stat(key: string): Promise<ObjectInfo | undefined>;
  /** Streams the bytes, or the inclusive byte range [start, end]; never reads the whole object into memory. */
  read(key: string, range?: { start: number; end: number }): Readable;
  delete(key: string): Promise<void>;
  /** Every stored object (in-flight writes excluded), for the sweep. */
  list(): AsyncIterable<ObjectInfo & { key: string }>;
}

/**
 * Photo writes together with their bytes. Every write stores its bytes under a key no other write
 * uses (so bytes never change under a key a reader holds), and either the row and its bytes both
 * exist afterwards or the new bytes are dropped: with bytes in the database in one transaction, with
 * files by writing the bytes first and removing them if the row write fails (a crash in between
 * leaves an orphan file for the start-up sweep). Old bytes are only retired, never deleted here.
 */
export interface PhotoWriter {
  addPhoto(p: NewPhoto, bytes: Buffer): Promise<PhotoRecord>;
  /** ConflictError when the photo is no longer at `r.expected_version`; the new bytes are dropped. */
  replacePhoto(photo_id: string, r: PhotoReplacement, bytes: Buffer): Promise<PhotoRecord>;
}
