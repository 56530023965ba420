/**
 * The bench's floor service worker (bundled by bench/floor.ts into the static site at /bench-floor/, a
 * scope of its own): downloads the photos a page posts, as the engine's worker would, but does nothing
 * else. Per variant: read each body; + MD5 with the engine's hashing (hash-wasm createMD5, one hasher per
 * photo, fed every chunk, as src/sync/verify.ts); + a Blob of the chunks, as the engine builds before
 * storing. Timed with the worker's own clock, like plain fetch() is timed in its page.
 */
import { createMD5 } from 'hash-wasm';
import type { FloorPhoto, FloorReply, FloorRequest, FloorVariant } from './floor-protocol';

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
    }
  };
  const start = performance.now();
  await Promise.all(Array.from({ length: concurrency }, worker));
  return { ms: performance.now() - start, bytes, mismatches };
}

/** Reads one body; `ok` is false when the MD5 or the Blob's size does not match the listing. */
async function readBody(
  body: ReadableStream<Uint8Array>,
  photo: FloorPhoto,
  variant: FloorVariant,
): Promise<{ bytes: number; ok: boolean }> {
  const hasher = variant === 'read' ? null : (await createMD5()).init();
  const chunks: Uint8Array[] | null = variant === 'blob' ? [] : null;
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
  if (chunks !== null) {
    const blob = new Blob(chunks as BlobPart[], { type: photo.contentType });
    ok &&= blob.size === photo.size;
  }
  return { bytes, ok };
}
