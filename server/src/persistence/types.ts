/**
 * Storage ports of the reference HO server. The HTTP layer only ever talks to these two
 * interfaces, so a PostgreSQL metadata store or an S3/MinIO image store can be added later
 * and must pass the same contract suites (test/server/metadata-contract.ts, image-repository-contract.ts).
 */
import type { Readable } from 'node:stream';

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
}

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

/** New bytes for an existing photo: version + 1 and updated_at bumped by the store. */
export interface PhotoReplacement {
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
  createUser(u: User): Promise<void>;
  getUser(username: string): Promise<User | undefined>;
  /** Replaces a user's password hash (the admin's follows ADMIN_PASSWORD on every start). */
  setPasswordHash(username: string, password_hash: string): Promise<void>;
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
  /** A photo by id regardless of scope (admin). */
  getPhoto(photo_id: string): Promise<PhotoRecord | undefined>;
  /** Ids of photos that left the store's scope at or after `since` (all tombstones when absent) and are not back in scope. */
  listTombstones(store_id: string, since?: IsoTime): Promise<string[]>;
  /** True when no photo row references this object key any more. */
  isObjectUnreferenced(object_key: string): Promise<boolean>;

  // photo writes
  addPhoto(p: NewPhoto): Promise<PhotoRecord>;
  replacePhoto(photo_id: string, r: PhotoReplacement): Promise<PhotoRecord>;
  setPrimary(photo_id: string): Promise<PhotoRecord>;
  setSortOrder(photo_id: string, sort_order: number): Promise<PhotoRecord>;
  deletePhoto(photo_id: string): Promise<void>;

  // status reports
  /** Upserts the latest state per (store, photo, terminal); returns how many items were stored. */
  recordStatus(store_id: string, terminal_id: string, items: StatusItem[]): Promise<number>;
  listStatus(store_id: string): Promise<StatusRecord[]>;

  close(): Promise<void>;
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
}
