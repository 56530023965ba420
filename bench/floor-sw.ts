/**
 * The bench's floor service worker (bundled by bench/floor.ts into the static site at /bench-floor/, a
 * scope of its own): downloads the photos a page posts, as the engine's worker would, but does nothing
 * else. Per variant: read each body; + MD5 with the engine's hashing (hash-wasm createMD5, one hasher per
 * photo, fed every chunk, as src/sync/verify.ts); + a Blob of the chunks, as the engine builds before
 * storing; + that Blob stored in IndexedDB and nothing else (no record, report or progress), grouped as the
 * engine's storage groups its writes, one Blob per photo or one per group. Timed with the worker's own clock,
 * like plain fetch() is timed in its page, until the last write has committed.
 */
import { createMD5 } from 'hash-wasm';
import type { FloorPhoto, FloorReply, FloorRequest, FloorVariant } from './floor-protocol';
import { committed, request } from '../test/helpers/idb-requests';

declare const self: ServiceWorkerGlobalScope;

self.addEventListener('install', () => void self.skipWaiting());

self.addEventListener('message', (event) => {
  const port = event.ports[0];
  if (port === undefined) return;
  const reply = (r: FloorReply) => port.postMessage(r);
  // waitUntil keeps the worker alive for the whole run.
  event.waitUntil(
    run(event.data as FloorRequest).then(reply, (e: unknown) =>
      reply({ error: e instanceof Error ? e.message : String(e) }),
    ),
  );
});

async function run({ variant, photos, token, concurrency }: FloorRequest): Promise<FloorReply> {
  const store = variant === 'store' || variant === 'packed' ? await openStore(variant) : null;
  const writes: Promise<void>[] = [];
  let next = 0;
  let bytes = 0;
  let mismatches = 0;
  const worker = async (): Promise<void> => {
    while (next < photos.length) {
      const photo = photos[next++]!;
      const res = await fetch(photo.url, {
        headers: { Authorization: `Bearer ${token}` },
        cache: 'no-store',
      });
      if (!res.ok || res.body === null) throw new Error(`HTTP ${res.status} for ${photo.url}`);
      const got = await readBody(res.body, photo, variant);
      bytes += got.bytes;
      if (!got.ok) mismatches++;
      // Like the engine, a worker goes on downloading while its photo is written.
      if (store !== null && got.blob !== null) writes.push(store.put(photo.checksum, got.blob));
    }
  };
  const start = performance.now();
  await Promise.all(Array.from({ length: concurrency }, worker));
  await Promise.all(writes);
  const ms = performance.now() - start;
  store?.close();
  return { ms, bytes, mismatches };
}

/** Photos written together at most, as src/storage/sync-storage.ts groups them. */
const MAX_GROUP = 32;

/** A group-committing Blob store in a database of its own (one per variant), emptied when opened. */
interface FloorStore {
  put(checksum: string, blob: Blob): Promise<void>;
  close(): void;
}

async function openStore(variant: 'store' | 'packed'): Promise<FloorStore> {
  const open = indexedDB.open(`floor-${variant}`, 1);
  open.onupgradeneeded = () => {
    open.result.createObjectStore('bytes');
    open.result.createObjectStore('packs', { autoIncrement: true });
  };
  const db = await request(open);
  const clear = db.transaction(['bytes', 'packs'], 'readwrite');
  clear.objectStore('bytes').clear();
  clear.objectStore('packs').clear();
  await committed(clear);
  const queue: { checksum: string; blob: Blob; done: () => void; failed: (e: unknown) => void }[] =
    [];
  let writing = false;
  const write = (): void => {
    if (writing || queue.length === 0) return;
    writing = true;
    const group = queue.splice(0, MAX_GROUP);
    const tx = db.transaction(['bytes', 'packs'], 'readwrite');
    const bytes = tx.objectStore('bytes');
    if (variant === 'store') {
      for (const { checksum, blob } of group) bytes.put(blob, checksum);
    } else {
      const packs = tx.objectStore('packs');
      let start = 0;
      const slices = group.map(({ checksum, blob }) => {
        const slice = { checksum, start, end: start + blob.size };
        start = slice.end;
        return slice;
      });
      request(packs.add(new Blob(group.map((g) => g.blob)))).then((pack) => {
        for (const { checksum, ...range } of slices) bytes.put({ pack, ...range }, checksum);
      });
    }
    void committed(tx)
      .then(
        () => {
          for (const g of group) g.done();
        },
        (e: unknown) => {
          for (const g of group) g.failed(e);
        },
      )
      .finally(() => {
        writing = false;
        write();
      });
  };
  return {
    put: (checksum, blob) =>
      new Promise((done, failed) => {
        queue.push({ checksum, blob, done, failed });
        write();
      }),
    close: () => db.close(),
  };
}

/** Reads one body; `ok` is false when the MD5 or the Blob's size does not match the listing. */
async function readBody(
  body: ReadableStream<Uint8Array>,
  photo: FloorPhoto,
  variant: FloorVariant,
): Promise<{ bytes: number; ok: boolean; blob: Blob | null }> {
  const hasher = variant === 'read' ? null : (await createMD5()).init();
  const chunks: Uint8Array[] | null = variant === 'read' || variant === 'md5' ? null : [];
  const reader = body.getReader();
  let bytes = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    bytes += value.byteLength;
    hasher?.update(value);
    chunks?.push(value);
  }
  let ok = hasher === null || hasher.digest('hex') === photo.checksum;
  const blob = chunks === null ? null : new Blob(chunks as BlobPart[], { type: photo.contentType });
  if (blob !== null) ok &&= blob.size === photo.size;
  return { bytes, ok, blob };
}
