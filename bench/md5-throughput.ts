/**
 * MD5 throughput of the engine's hashing (hash-wasm's createMD5, one hasher per photo, fed in fetch-sized
 * chunks, as src/sync/verify.ts does) in Chromium, against Node's crypto MD5 on the same bytes.
 */
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { launchChromium } from '../test/helpers/chromium';
import { REPO_ROOT } from '../test/helpers/ho-server';
import { median, pairedRatio } from './stats';

/** Figures of scenario 6. */
export interface Md5Result {
  bytes: number;
  photoBytes: number;
  chunkBytes: number;
  browserMBps: number[];
  nodeMBps: number[];
  medianBrowserMBps: number;
  medianNodeMBps: number;
  /** Median over the alternating pairs of browser MB/s / Node MB/s. */
  browserOverNode: number;
}

const HASH_WASM_MD5 = join(REPO_ROOT, 'node_modules', 'hash-wasm', 'dist', 'md5.umd.min.js');
const CHUNK_BYTES = 64 * 1024;
const SEED = 0x9e3779b9;

/** Deterministic pseudo-random bytes (xorshift32): the same function builds the data in Node and in the page. */
export function patternBytes(size: number, seed: number): Uint8Array {
  const words = new Uint32Array(Math.ceil(size / 4));
  let x = seed >>> 0 || 1;
  for (let i = 0; i < words.length; i++) {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    words[i] = x;
  }
  return new Uint8Array(words.buffer, 0, size);
}

function nodeRun(data: Uint8Array, photoBytes: number): { ms: number; digest: string } {
  const start = performance.now();
  const digests: string[] = [];
  for (let off = 0; off < data.length; off += photoBytes) {
    const end = Math.min(data.length, off + photoBytes);
    const h = createHash('md5');
    for (let c = off; c < end; c += CHUNK_BYTES)
      h.update(data.subarray(c, Math.min(end, c + CHUNK_BYTES)));
    digests.push(h.digest('hex'));
  }
  const ms = performance.now() - start;
  return { ms, digest: createHash('md5').update(digests.join('')).digest('hex') };
}

/** Hashes `bytes` split into photos of `photoBytes`, `reps` times alternating browser and Node. */
export async function md5Throughput(
  bytes: number,
  photoBytes: number,
  reps: number,
): Promise<Md5Result> {
  const data = patternBytes(bytes, SEED);
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    await page.addScriptTag({
      content: `globalThis.__name = (f) => f; globalThis.patternBytes = ${patternBytes.toString()};`,
    });
    await page.addScriptTag({ path: HASH_WASM_MD5 });
    const browserMBps: number[] = [];
    const nodeMBps: number[] = [];
    for (let i = 0; i < reps; i++) {
      const b = await page.evaluate(
        async ({ bytes, seed, photoBytes, chunk }) => {
          const g = globalThis as unknown as {
            patternBytes: (size: number, seed: number) => Uint8Array;
            benchData?: Uint8Array;
            hashwasm: typeof import('hash-wasm');
          };
          g.benchData ??= g.patternBytes(bytes, seed);
          const data = g.benchData;
          const start = performance.now();
          const digests: string[] = [];
          for (let off = 0; off < data.length; off += photoBytes) {
            const end = Math.min(data.length, off + photoBytes);
            const h = (await g.hashwasm.createMD5()).init();
            for (let c = off; c < end; c += chunk)
              h.update(data.subarray(c, Math.min(end, c + chunk)));
            digests.push(h.digest('hex'));
          }
          const ms = performance.now() - start;
          return { ms, digest: await g.hashwasm.md5(digests.join('')) };
        },
        { bytes, seed: SEED, photoBytes, chunk: CHUNK_BYTES },
      );
      const n = nodeRun(data, photoBytes);
      if (b.digest !== n.digest) throw new Error('browser and Node hashed different bytes');
      browserMBps.push(bytes / 1e6 / (b.ms / 1000));
      nodeMBps.push(bytes / 1e6 / (n.ms / 1000));
    }
    return {
      bytes,
      photoBytes,
      chunkBytes: CHUNK_BYTES,
      browserMBps,
      nodeMBps,
      medianBrowserMBps: median(browserMBps),
      medianNodeMBps: median(nodeMBps),
      browserOverNode: pairedRatio(browserMBps, nodeMBps),
    };
  } finally {
    await browser.close();
  }
}
