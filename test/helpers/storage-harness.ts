/**
 * Browser side of test/e2e/storage.test.ts: bundled by esbuild into a page, it exposes src/storage, raw `idb`
 * (to tamper with the database behind the storage layer's back) and small builders on `globalThis.harness`.
 */
import { type IDBPDatabase, openDB } from 'idb';
import * as storage from '../../src/storage';
import { openOldSchema } from './old-schema';
import { blobFor, bytesFor, failure, holds, photo, report } from './storage-fixtures';

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
