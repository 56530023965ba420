/**
 * Browser side of test/e2e/storage.test.ts: bundled by esbuild into a page, it exposes src/storage, raw `idb`
 * (to tamper with the database behind the storage layer's back) and small builders on `globalThis.harness`.
 */
import { type IDBPDatabase, openDB } from 'idb';
import * as storage from '../../src/storage';
import type { StatusItem, StoredPhoto } from '../../src/shared/types';
import type { FailureRecord } from '../../src/sync/ports';

/** A photo record with `size` taken from its bytes and everything else filled in. */
function photo(
  id: string,
  checksum: string,
  size: number,
  overrides: Partial<StoredPhoto> = {},
): StoredPhoto {
  return {
    id,
    product_id: `prod-${id}`,
    product_sku: `SKU-${id}`,
    product_name: `Product ${id}`,
    object_key: `photos/${id}.jpg`,
    filename: `${id}.jpg`,
    size,
    content_type: 'image/jpeg',
    checksum,
    version: 1,
    is_primary: true,
    sort_order: 0,
    updated_at: '2026-01-01T00:00:00.000Z',
    image_url: null,
    etag: `"${checksum}"`,
    synced_at: '2026-01-02T00:00:00.000Z',
    ...overrides,
  };
}

/** Deterministic bytes derived from `seed` (so two photos with one checksum get equal bytes). */
function bytesFor(seed: string, size: number): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(size);
  let h = 2166136261;
  for (const ch of seed) h = Math.imul(h ^ ch.charCodeAt(0), 16777619);
  for (let i = 0; i < size; i++) {
    h = Math.imul(h ^ i, 16777619);
    out[i] = h >>> 24;
  }
  return out;
}

/** The content a checksum stands for in these tests, as a Blob. */
function blobFor(checksum: string, size: number, type = 'image/jpeg'): Blob {
  return new Blob([bytesFor(checksum, size)], { type });
}

/** True when `blob` holds exactly the bytes `blobFor(checksum, size)` would. */
async function holds(blob: Blob, checksum: string, size: number): Promise<boolean> {
  const got = new Uint8Array(await blob.arrayBuffer());
  const want = bytesFor(checksum, size);
  return got.length === want.length && got.every((b, i) => b === want[i]);
}

/** A status report of photo `id`. */
function report(id: string, status: StatusItem['status']): StatusItem {
  return {
    photo_id: id,
    status,
    synced_at: status === 'synced' ? '2026-01-01T00:00:00.000Z' : null,
    error: status === 'failed' ? 'HTTP 500' : null,
  };
}

/** A failed photo without metadata, retried after `attempts` seconds. */
function failure(id: string, attempts: number): FailureRecord {
  return {
    photo_id: id,
    reason: 'HTTP 500',
    attempts,
    last_attempt_at: '2026-01-01T00:00:00.000Z',
    meta: null,
    next_retry_at_ms: 1000 * attempts,
  };
}

/** Runs `fn` with the storage layer open on database `name`, closing it afterwards. */
async function withStorage<T>(
  name: string,
  fn: (s: storage.PhotoStorage) => Promise<T>,
): Promise<T> {
  const s = await storage.openSyncStorage({ name });
  try {
    return await fn(s);
  } finally {
    s.close();
  }
}

/** Runs `fn` on a raw, untyped connection to database `name` at its current version (for tampering). */
async function withRawDb<T>(name: string, fn: (db: IDBPDatabase) => Promise<T>): Promise<T> {
  const db = await openDB(name);
  try {
    return await fn(db);
  } finally {
    db.close();
  }
}

/**
 * Creates database `name` exactly as an old schema `version` of src/storage/db.ts left it (released steps
 * never change), for migration tests: version 1's stores, and version 2's by-checksum index.
 */
function openOldSchema(name: string, version: 1 | 2): Promise<IDBPDatabase> {
  return openDB(name, version, {
    upgrade(db) {
      const photos = db.createObjectStore('photos', { keyPath: 'id' });
      if (version >= 2) photos.createIndex('by-checksum', 'checksum');
      db.createObjectStore('bytes');
      db.createObjectStore('partials', { keyPath: 'photo_id' });
      db.createObjectStore('partial-chunks');
      db.createObjectStore('failures', { keyPath: 'photo_id' });
      db.createObjectStore('outbox', { autoIncrement: true }).createIndex('by-photo', 'photo_id', {
        unique: true,
      });
      db.createObjectStore('state');
    },
  });
}

/** Keys of the bytes store of database `name`, i.e. the checksums whose bytes are held. */
function bytesKeys(name: string): Promise<IDBValidKey[]> {
  return withRawDb(name, (db) => db.getAllKeys('bytes'));
}

/** How `promise` failed (name, reason of a SyncError, message), or null when it resolved. */
async function failureOf(
  promise: Promise<unknown>,
): Promise<{ name: string; reason: string | null; message: string } | null> {
  try {
    await promise;
    return null;
  } catch (err) {
    const e = err as Error & { reason?: string };
    return { name: e.name, reason: e.reason ?? null, message: e.message };
  }
}

const harness = {
  storage,
  openDB,
  photo,
  report,
  failure,
  blobFor,
  holds,
  bytesFor,
  withStorage,
  withRawDb,
  openOldSchema,
  bytesKeys,
  failureOf,
};

/** What the page exposes as `globalThis.harness`. */
export type StorageHarness = typeof harness;

Object.assign(globalThis, { harness });
