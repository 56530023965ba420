/**
 * Browser side of scripts/measure-storage.ts (bundled by esbuild, run in a page): writes, reads and deletes a
 * set of photo-sized blobs with the two candidate byte stores, shaped like the real storage layer would use them
 * (one IndexedDB transaction per photo; Cache Storage put then record). Lives here because it needs DOM types.
 */

import type { BenchOptions, BenchResult, Strategy, Usage } from './storage-bench-types';
import { committed, request } from './idb-requests';

export type { BenchOptions, BenchResult, Strategy, Usage } from './storage-bench-types';

/** Exposed by the Node side (page.exposeFunction): bytes the origin's storage takes on disk. */
declare function benchDiskBytes(): Promise<number>;

const DB_NAME = 'bench';
const CACHE_NAME = 'bench-bytes';

interface Photo {
  key: string;
  blob: Blob;
}

function randomBlob(size: number): Blob {
  const bytes = new Uint8Array(size);
  for (let at = 0; at < size; at += 65_536)
    crypto.getRandomValues(bytes.subarray(at, Math.min(size, at + 65_536)));
  return new Blob([bytes], { type: 'image/jpeg' });
}

function hexKey(): string {
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) =>
    b.toString(16).padStart(2, '0'),
  ).join('');
}

function openDb(): Promise<IDBDatabase> {
  const req = indexedDB.open(DB_NAME, 1);
  req.onupgradeneeded = () => {
    req.result.createObjectStore('photos');
    req.result.createObjectStore('bytes');
  };
  return request(req);
}

function byteUrl(key: string): string {
  return new URL(`/__bench-bytes/${key}`, location.href).href;
}

async function writeOne(db: IDBDatabase, strategy: Strategy, photo: Photo): Promise<void> {
  const record = {
    id: photo.key,
    checksum: photo.key,
    size: photo.blob.size,
    content_type: photo.blob.type,
  };
  if (strategy === 'cache') {
    const cache = await caches.open(CACHE_NAME);
    const headers = { 'Content-Type': photo.blob.type, 'Content-Length': String(photo.blob.size) };
    await cache.put(byteUrl(photo.key), new Response(photo.blob, { headers }));
  }
  const tx = db.transaction(strategy === 'idb' ? ['photos', 'bytes'] : ['photos'], 'readwrite');
  tx.objectStore('photos').put(record, photo.key);
  if (strategy === 'idb') tx.objectStore('bytes').put(photo.blob, photo.key);
  await committed(tx);
}

async function readOne(db: IDBDatabase, strategy: Strategy, key: string): Promise<number> {
  const tx = db.transaction(strategy === 'idb' ? ['photos', 'bytes'] : ['photos'], 'readonly');
  const record = request(tx.objectStore('photos').get(key));
  const blob =
    strategy === 'idb' ? request<Blob | undefined>(tx.objectStore('bytes').get(key)) : undefined;
  if ((await record) === undefined) throw new Error(`record ${key} missing`);
  let body: Blob | Response | undefined;
  if (strategy === 'idb') body = await blob;
  else body = await caches.match(byteUrl(key), { cacheName: CACHE_NAME });
  if (body === undefined) throw new Error(`bytes of ${key} missing`);
  return (await body.arrayBuffer()).byteLength;
}

async function deleteOne(db: IDBDatabase, strategy: Strategy, key: string): Promise<void> {
  const tx = db.transaction(strategy === 'idb' ? ['photos', 'bytes'] : ['photos'], 'readwrite');
  tx.objectStore('photos').delete(key);
  if (strategy === 'idb') tx.objectStore('bytes').delete(key);
  await committed(tx);
  if (strategy === 'cache') await (await caches.open(CACHE_NAME)).delete(byteUrl(key));
}

async function inParallel<T>(
  items: T[],
  concurrency: number,
  fn: (item: T) => Promise<unknown>,
): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) await fn(items[next++] as T);
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}

/** Current usage of this origin. */
export async function usage(): Promise<Usage> {
  // usageDetails is a Chromium extension of StorageEstimate.
  const estimate = (await navigator.storage.estimate()) as StorageEstimate & {
    usageDetails?: Record<string, number>;
  };
  return {
    usage: estimate.usage ?? 0,
    quota: estimate.quota ?? 0,
    details: estimate.usageDetails ?? {},
  };
}

async function timed(fn: () => Promise<void>): Promise<number> {
  const start = performance.now();
  await fn();
  return performance.now() - start;
}

/** Writes `count` photos, reads each back in full, then deletes them all, timing each phase. */
export async function runBench(options: BenchOptions): Promise<BenchResult> {
  const photos: Photo[] = Array.from({ length: options.count }, () => ({
    key: hexKey(),
    blob: randomBlob(Math.round(options.meanBytes * (0.8 + 0.4 * Math.random()))),
  }));
  const bytes = photos.reduce((sum, p) => sum + p.blob.size, 0);
  const db = await openDb();
  const before = await usage();
  const diskBefore = await benchDiskBytes();
  const writeMs = await timed(() =>
    inParallel(photos, options.concurrency, (p) => writeOne(db, options.strategy, p)),
  );
  const afterWrite = await usage();
  const diskAfterWrite = await benchDiskBytes();
  let read = 0;
  const readMs = await timed(() =>
    inParallel(photos, options.concurrency, async (p) => {
      const n = await readOne(db, options.strategy, p.key);
      read += n;
    }),
  );
  if (read !== bytes) throw new Error(`read ${read} bytes, wrote ${bytes}`);
  const deleteMs = await timed(() =>
    inParallel(photos, options.concurrency, (p) => deleteOne(db, options.strategy, p.key)),
  );
  const afterDelete = await usage();
  const diskAfterDelete = await benchDiskBytes();
  db.close();
  return {
    bytes,
    writeMs,
    readMs,
    deleteMs,
    before,
    afterWrite,
    afterDelete,
    diskBefore,
    diskAfterWrite,
    diskAfterDelete,
  };
}

Object.assign(globalThis, { runBench, usage });
