/**
 * The ImageRepository contract suite. Every image backend (local directory today, S3/MinIO later)
 * must pass it; it talks to the store only through the ImageRepository interface.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { InvalidInputError } from '../../server/src/persistence/errors';
import type { ImageRepository } from '../../server/src/persistence/types';

async function collect(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Uint8Array));
  return Buffer.concat(chunks);
}

/** Deterministic pseudo-random bytes, so a mix-up of two objects can never compare equal by accident. */
function bytes(length: number, seed: number): Buffer {
  const out = Buffer.alloc(length);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

/** A readable that yields `data` in small chunks, optionally failing after `failAfter` bytes. */
function chunked(data: Buffer, chunk: number, failAfter?: number): Readable {
  let pos = 0;
  return new Readable({
    read() {
      if (failAfter !== undefined && pos >= failAfter) {
        this.destroy(new Error('upload interrupted'));
        return;
      }
      const start = pos;
      pos += chunk;
      this.push(start < data.length ? data.subarray(start, pos) : null);
    },
  });
}

const md5 = (b: Buffer) => createHash('md5').update(b).digest('hex');

/** True when `attempt` throws or yields a stream that errors: both are acceptable ways to refuse a read. */
async function readFails(attempt: () => Readable): Promise<unknown> {
  try {
    await collect(attempt());
  } catch (err) {
    return err;
  }
  return undefined;
}

const BAD_KEYS = [
  '',
  '../escape.jpg',
  'products/../../escape.jpg',
  '/etc/passwd',
  'a\\b.jpg',
  'a\0b.jpg',
  'products//x.jpg',
  'products/./x.jpg',
  'products/x/',
];

/** Registers the contract tests for one backend; `make` returns a fresh, empty store per test. */
export function imageRepositoryContract(
  name: string,
  make: () => Promise<ImageRepository> | ImageRepository,
): void {
  describe(`ImageRepository contract: ${name}`, () => {
    it('stores a Buffer and reads it back with stat size', async () => {
      const images = await make();
      const data = bytes(5000, 1);
      const info = await images.put('products/p1/a.jpg', data);
      assert.equal(info.size, 5000);
      assert.equal(typeof info.mtime_ms, 'number');
      assert.deepEqual(await collect(images.read('products/p1/a.jpg')), data);
      assert.equal((await images.stat('products/p1/a.jpg'))?.size, 5000);
    });

    it('stores a stream of many chunks without losing or reordering bytes', async () => {
      const images = await make();
      const data = bytes(1_000_003, 2);
      const info = await images.put('products/p2/big.jpg', chunked(data, 4096));
      assert.equal(info.size, data.length);
      assert.equal(md5(await collect(images.read('products/p2/big.jpg'))), md5(data));
    });

    it('stores an empty object', async () => {
      const images = await make();
      assert.equal((await images.put('empty.jpg', Buffer.alloc(0))).size, 0);
      assert.equal((await collect(images.read('empty.jpg'))).length, 0);
    });

    it('reads inclusive byte ranges', async () => {
      const images = await make();
      const data = bytes(1000, 3);
      await images.put('r.jpg', data);
      assert.deepEqual(
        await collect(images.read('r.jpg', { start: 0, end: 0 })),
        data.subarray(0, 1),
      );
      assert.deepEqual(
        await collect(images.read('r.jpg', { start: 10, end: 19 })),
        data.subarray(10, 20),
      );
      assert.deepEqual(
        await collect(images.read('r.jpg', { start: 999, end: 999 })),
        data.subarray(999),
      );
      assert.deepEqual(
        await collect(images.read('r.jpg', { start: 500, end: 999 })),
        data.subarray(500),
      );
      assert.ok(
        await readFails(() => images.read('r.jpg', { start: 5, end: 4 })),
        'end before start',
      );
      assert.ok(
        await readFails(() => images.read('r.jpg', { start: -1, end: 4 })),
        'negative start',
      );
    });

    it('replaces an object atomically: a reader sees the old bytes or the new, never a mix', async () => {
      const images = await make();
      const oldBytes = bytes(300_000, 4);
      const newBytes = bytes(200_000, 5);
      await images.put('swap.jpg', oldBytes);
      const reading = collect(images.read('swap.jpg'));
      await images.put('swap.jpg', chunked(newBytes, 1000));
      const seen = md5(await reading);
      assert.ok(seen === md5(oldBytes) || seen === md5(newBytes), 'reader got a whole version');
      assert.equal(md5(await collect(images.read('swap.jpg'))), md5(newBytes));
      assert.equal((await images.stat('swap.jpg'))?.size, newBytes.length);
    });

    it('a failed upload leaves the previous object untouched and creates nothing new', async () => {
      const images = await make();
      const original = bytes(10_000, 6);
      await images.put('keep.jpg', original);
      await assert.rejects(
        images.put('keep.jpg', chunked(bytes(50_000, 7), 1000, 20_000)),
        /upload interrupted/,
      );
      assert.deepEqual(await collect(images.read('keep.jpg')), original);
      await assert.rejects(
        images.put('never.jpg', chunked(bytes(50_000, 8), 1000, 5_000)),
        /upload interrupted/,
      );
      assert.equal(await images.stat('never.jpg'), undefined);
    });

    it('reports missing objects: stat undefined, read errors', async () => {
      const images = await make();
      assert.equal(await images.stat('missing.jpg'), undefined);
      assert.equal(await images.stat('products'), undefined, 'a key prefix is not an object');
      assert.ok(await readFails(() => images.read('missing.jpg')));
    });

    it('deletes objects idempotently, leaving others alone', async () => {
      const images = await make();
      await images.put('products/d/1.jpg', bytes(10, 9));
      await images.put('products/d/2.jpg', bytes(10, 10));
      await images.delete('products/d/1.jpg');
      assert.equal(await images.stat('products/d/1.jpg'), undefined);
      await images.delete('products/d/1.jpg');
      await images.delete('products/none/none.jpg');
      assert.equal((await images.stat('products/d/2.jpg'))?.size, 10);
    });

    it('lists every stored object with its size, and nothing deleted', async () => {
      const images = await make();
      await images.put('products/l/1.jpg', bytes(10, 11));
      await images.put('products/l/deep/2.jpg', bytes(20, 12));
      await images.put('top.jpg', bytes(30, 13));
      await images.delete('top.jpg');
      const listed: { key: string; size: number }[] = [];
      for await (const o of images.list()) {
        assert.equal(typeof o.mtime_ms, 'number');
        listed.push({ key: o.key, size: o.size });
      }
      assert.deepEqual(
        listed.sort((a, b) => a.key.localeCompare(b.key)),
        [
          { key: 'products/l/1.jpg', size: 10 },
          { key: 'products/l/deep/2.jpg', size: 20 },
        ],
      );
    });

    it('rejects keys that are empty, absolute, escape the root or carry backslashes/NUL', async () => {
      const images = await make();
      for (const key of BAD_KEYS) {
        await assert.rejects(
          images.put(key, Buffer.from('x')),
          InvalidInputError,
          `put ${JSON.stringify(key)}`,
        );
        await assert.rejects(images.stat(key), InvalidInputError, `stat ${JSON.stringify(key)}`);
        await assert.rejects(
          images.delete(key),
          InvalidInputError,
          `delete ${JSON.stringify(key)}`,
        );
        assert.ok(
          (await readFails(() => images.read(key))) instanceof InvalidInputError,
          `read ${JSON.stringify(key)}`,
        );
      }
    });
  });
}
