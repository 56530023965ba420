/**
 * The SyncStorage contract: what the engine may rely on from any storage, run against every
 * implementation (the in-memory fake in memory-storage.test.ts, the real IndexedDB storage in
 * indexeddb-storage.test.ts; Chromium keeps the real one honest in test/e2e/storage.test.ts).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { newCheckpoint } from '../../src/sync/checkpoint';
import type { EngineRecord, ListedPage, RunCheckpoint, SyncStorage } from '../../src/sync/ports';
import { blobFor, failure, holds, photo, report } from '../helpers/storage-fixtures';

/** One implementation under test, freshly emptied. */
export interface StorageUnderTest {
  storage: SyncStorage;
  /** The bytes held for photo `id`, or undefined. */
  bytesOf(id: string): Promise<Blob | undefined>;
  /** Distinct byte entries held (shared bytes count once). */
  byteEntries(): Promise<number>;
  /** The bytes of `checksum` vanish (evicted) and storage notices: its photos are flagged `bytes_missing`. */
  loseBytes(checksum: string): Promise<void>;
  close(): void;
}

const ENGINE: EngineRecord = {
  watermark: null,
  last_success_at: null,
  last_reconcile_at: null,
  pending_deletion: null,
  status_disabled_until_ms: null,
  terminal_id: 'terminal-1',
};

/** A full listing that has read no page yet. */
export const LISTING: RunCheckpoint = newCheckpoint('full', null, false);

/** A stored photo with its bytes: `checksum` names the content (equal checksums, equal bytes). */
async function put(s: SyncStorage, id: string, checksum: string, size = 64): Promise<void> {
  await s.putVerified(photo(id, checksum, size), blobFor(checksum, size));
}

/** How a rejection looks, for implementations that word errors alike. */
const rejects = (p: Promise<unknown>) => assert.rejects(p, Error);

/** Runs the contract against storages built by `open`. */
export function syncStorageContract(name: string, open: () => Promise<StorageUnderTest>): void {
  describe(`SyncStorage contract: ${name}`, () => {
    const fresh = async (t: { after: (fn: () => void) => void }): Promise<StorageUnderTest> => {
      const under = await open();
      t.after(() => under.close());
      return under;
    };

    it('stores verified bytes with their record and lists it', async (t) => {
      const { storage, bytesOf } = await fresh(t);
      await put(storage, 'a', 'c1');
      assert.equal((await storage.getRecord('a'))?.checksum, 'c1');
      assert.deepEqual(
        (await storage.listRecords()).map((r) => r.id),
        ['a'],
      );
      const bytes = await bytesOf('a');
      assert.ok(bytes !== undefined && (await holds(bytes, 'c1', 64)));
      assert.equal(await storage.getRecord('missing'), undefined);
    });

    it('photos verified at the same time all land, shared bytes once, their reports queued in call order', async (t) => {
      const { storage, bytesOf, byteEntries } = await fresh(t);
      await put(storage, 'old', 'c0');
      // Forty photos at once (more than one write group): the second of each pair shares the first's bytes,
      // and 'old' gets new bytes, so its old ones go unless another photo of the batch takes them.
      const writes = Array.from({ length: 40 }, (_, i) =>
        storage.putVerified(
          photo(`p${i}`, `c${1 + Math.floor(i / 2)}`, 64),
          blobFor(`c${1 + Math.floor(i / 2)}`, 64),
          report(`p${i}`, 'synced'),
        ),
      );
      writes.push(storage.putVerified(photo('old', 'c99', 64), blobFor('c99', 64)));
      writes.push(storage.putVerified(photo('twin', 'c0', 64), blobFor('c0', 64)));
      await Promise.all(writes);
      assert.equal((await storage.listRecords()).length, 42);
      for (const id of ['p0', 'p39', 'old', 'twin']) {
        const record = await storage.getRecord(id);
        const bytes = await bytesOf(id);
        assert.ok(record && bytes && (await holds(bytes, record.checksum, 64)), id);
      }
      assert.equal(await byteEntries(), 22, 'c1..c20, c99, and c0 kept for twin');
      assert.deepEqual(
        (await storage.peekOutbox(100)).map((e) => e.item.photo_id),
        Array.from({ length: 40 }, (_, i) => `p${i}`),
      );
    });

    it('photos verified together among new ones: a held one drops its old bytes, a replaced report keeps its call position', async (t) => {
      const { storage, bytesOf, byteEntries } = await fresh(t);
      await put(storage, 'p3', 'c0');
      await storage.appendOutbox(report('p5', 'failed'));
      // Two rounds: the first finds a held photo and an unsent report among new ones, the second is all new.
      for (const round of [0, 1]) {
        const ids = Array.from({ length: 8 }, (_, i) => `p${i + 8 * round}`);
        await Promise.all(
          ids.map((id, i) =>
            storage.putVerified(
              photo(id, `c${1 + i + 8 * round}`, 64),
              blobFor(`c${1 + i + 8 * round}`, 64),
              report(id, 'synced'),
            ),
          ),
        );
        const p3 = await bytesOf('p3');
        assert.ok(p3 !== undefined && (await holds(p3, 'c4', 64)), 'p3 has its new bytes');
        assert.equal(await byteEntries(), 8 * (round + 1), 'c0 went with the last photo using it');
        assert.deepEqual(
          (await storage.peekOutbox(100)).map((e) => [e.item.photo_id, e.item.status]),
          Array.from({ length: 8 * (round + 1) }, (_, i) => [`p${i}`, 'synced']),
        );
      }
      assert.equal((await storage.listRecords()).length, 16);
    });

    it('lists the ids of every photo and of those whose bytes are gone, as the flags change', async (t) => {
      const { storage, loseBytes } = await fresh(t);
      const ids = async () => {
        const { ids, missing } = await storage.recordIds();
        return { ids: [...ids].sort(), missing: [...missing].sort() };
      };
      assert.deepEqual(await ids(), { ids: [], missing: [] });
      await put(storage, 'a', 'c1');
      await put(storage, 'b', 'c1');
      await put(storage, 'c', 'c2');
      assert.deepEqual(await ids(), { ids: ['a', 'b', 'c'], missing: [] });
      await loseBytes('c1');
      assert.deepEqual(await ids(), { ids: ['a', 'b', 'c'], missing: ['a', 'b'] });
      assert.equal((await storage.getRecord('a'))?.bytes_missing, true);
      // New metadata keeps the flag; the bytes stored again clear it for every photo sharing them.
      await storage.putMeta(photo('a', 'c1', 64, { sort_order: 4 }));
      assert.deepEqual((await ids()).missing, ['a', 'b']);
      await put(storage, 'a', 'c1');
      assert.deepEqual(await ids(), { ids: ['a', 'b', 'c'], missing: [] });
      await loseBytes('c2');
      await storage.deleteRecords(['c']);
      assert.deepEqual(await ids(), { ids: ['a', 'b'], missing: [] });
    });

    it('refuses bytes whose size differs from the record, storing nothing', async (t) => {
      const { storage, byteEntries } = await fresh(t);
      await rejects(storage.putVerified(photo('a', 'c1', 64), blobFor('c1', 63)));
      assert.deepEqual(await storage.listRecords(), []);
      assert.equal(await byteEntries(), 0);
    });

    it('keeps bytes once per checksum, shared, until the last photo using them goes', async (t) => {
      const { storage, bytesOf, byteEntries } = await fresh(t);
      await put(storage, 'a', 'same');
      await put(storage, 'b', 'same');
      await put(storage, 'c', 'other');
      assert.equal(await byteEntries(), 2);
      await storage.deleteRecords(['a', 'unknown']);
      const kept = await bytesOf('b');
      assert.ok(kept !== undefined && (await holds(kept, 'same', 64)), 'b keeps the shared bytes');
      await storage.deleteRecords(['b']);
      assert.equal(await byteEntries(), 1, 'dropped with their last photo');
    });

    it('a new version replaces the old one; old bytes go unless another photo shares them', async (t) => {
      const { storage, bytesOf, byteEntries } = await fresh(t);
      await put(storage, 'a', 'v1');
      await put(storage, 'b', 'v1');
      await put(storage, 'a', 'v2', 80);
      assert.equal((await storage.getRecord('a'))?.checksum, 'v2');
      const a = await bytesOf('a');
      assert.ok(a !== undefined && (await holds(a, 'v2', 80)));
      assert.equal(await byteEntries(), 2, 'v1 still used by b');
      await put(storage, 'b', 'v2', 80);
      assert.equal(await byteEntries(), 1, 'v1 used by nobody');
    });

    it('updates metadata only around the bytes held', async (t) => {
      const { storage } = await fresh(t);
      await put(storage, 'a', 'c1');
      await storage.putMeta(photo('a', 'c1', 64, { sort_order: 5 }));
      assert.equal((await storage.getRecord('a'))?.sort_order, 5);
      await rejects(storage.putMeta(photo('a', 'c2', 64)));
      await rejects(storage.putMeta(photo('nobody', 'c1', 64)));
      assert.equal(await storage.getRecord('nobody'), undefined);
    });

    it('keeps partial downloads chunk by chunk and drops them when the photo is stored', async (t) => {
      const { storage } = await fresh(t);
      const header = { photo_id: 'a', checksum: 'c1', etag: null, md5_state: new Uint8Array([1]) };
      await storage.appendPartial({ ...header, received: 10 }, blobFor('x', 10));
      await storage.appendPartial({ ...header, received: 25 }, blobFor('y', 15));
      await rejects(storage.appendPartial({ ...header, received: 40 }, blobFor('z', 5)));
      const partial = await storage.loadPartial('a');
      assert.equal(partial?.received, 25);
      assert.deepEqual(
        partial?.chunks.map((c) => c.size),
        [10, 15],
      );
      assert.deepEqual(await storage.partialIds(), ['a']);
      await storage.appendPartial({ ...header, received: 5 }, blobFor('w', 5));
      assert.equal((await storage.loadPartial('a'))?.chunks.length, 1, 'a fresh start replaces');
      await put(storage, 'a', 'c1');
      assert.deepEqual(await storage.partialIds(), []);
      await storage.appendPartial({ ...header, photo_id: 'b', received: 5 }, blobFor('v', 5));
      await storage.clearPartial('b');
      assert.equal(await storage.loadPartial('b'), undefined);
    });

    it('state values round-trip as copies; undefined deletes', async (t) => {
      const { storage } = await fresh(t);
      const settings = { storeId: 'S-1', concurrency: 3 };
      await storage.putState('settings', settings);
      settings.concurrency = 9;
      assert.deepEqual(await storage.getState('settings'), { storeId: 'S-1', concurrency: 3 });
      await storage.putState('settings', undefined);
      assert.equal(await storage.getState('settings'), undefined);
    });

    it('keeps failures by photo and the outbox in order, one unsent report per photo', async (t) => {
      const { storage } = await fresh(t);
      await storage.putFailure(failure('a', 1));
      await storage.putFailure(failure('a', 2));
      await storage.putFailure(failure('b', 1));
      assert.deepEqual((await storage.listFailures()).map((f) => [f.photo_id, f.attempts]).sort(), [
        ['a', 2],
        ['b', 1],
      ]);
      await storage.deleteFailures(['a', 'unknown']);
      assert.deepEqual(
        (await storage.listFailures()).map((f) => f.photo_id),
        ['b'],
      );

      await storage.appendOutbox(report('a', 'failed'));
      await storage.putVerified(photo('b', 'c1', 64), blobFor('c1', 64), report('b', 'synced'));
      await storage.appendOutbox(report('a', 'synced'));
      const queued = await storage.peekOutbox(10);
      assert.deepEqual(
        queued.map((e) => [e.item.photo_id, e.item.status]),
        [
          ['b', 'synced'],
          ['a', 'synced'],
        ],
      );
      assert.equal(await storage.countOutbox(), 2);
      assert.equal((await storage.peekOutbox(1)).length, 1);
      await storage.removeOutbox([queued[0]!.seq]);
      assert.deepEqual(
        (await storage.peekOutbox(10)).map((e) => e.item.photo_id),
        ['a'],
      );
    });

    it('removes exactly the reports given, keeping those queued between them', async (t) => {
      const { storage } = await fresh(t);
      for (const id of ['a', 'b', 'c', 'd', 'e', 'f'])
        await storage.appendOutbox(report(id, 'synced'));
      const seqs = (await storage.peekOutbox(10)).map((e) => e.seq);
      await storage.removeOutbox([seqs[4]!, seqs[0]!, seqs[1]!, seqs[3]!, seqs[0]!]);
      assert.deepEqual(
        (await storage.peekOutbox(10)).map((e) => e.item.photo_id),
        ['c', 'f'],
      );
      assert.deepEqual(
        (await storage.peekOutbox(1)).map((e) => e.seq),
        [seqs[2]],
      );
      assert.equal(await storage.countOutbox(), 2);
    });

    it('listed pages are written with the checkpoint, read back in order, and go with it', async (t) => {
      const { storage } = await fresh(t);
      const page = (n: number): ListedPage => ({
        seen: [`s${n}`],
        pending: [photo(`p${n}`, `c${n}`, 10)],
        settled: [`x${n}`],
        deleted: [`d${n}`],
      });
      const cp = (pages: number): RunCheckpoint => ({ ...LISTING, pages, offset: pages * 100 });
      for (const n of [0, 1, 2]) await storage.putListedPage(cp(n + 1), page(n));
      assert.deepEqual(
        await storage.getState('checkpoint'),
        cp(3),
        'the checkpoint in the same step',
      );
      assert.deepEqual(await storage.listedPages(3), [page(0), page(1), page(2)]);
      assert.deepEqual(
        await storage.listedPages(2),
        [page(0), page(1)],
        'only the pages asked for',
      );
      assert.deepEqual(await storage.listedPages(0), []);
      // A new listing overwrites page 0 and drops the pages its checkpoint does not count.
      await storage.putListedPage(cp(1), page(9));
      assert.deepEqual(await storage.listedPages(3), [page(9)]);
      await storage.putState('checkpoint', { ...cp(0), phase: 'downloading' });
      assert.deepEqual(await storage.listedPages(3), [], 'a complete listing keeps no pages');
      await storage.putListedPage(cp(1), page(4));
      await storage.putState('checkpoint', undefined);
      assert.deepEqual(await storage.listedPages(3), [], 'pages go with the checkpoint');
      await storage.putListedPage(cp(1), page(5));
      await storage.wipe(ENGINE);
      assert.deepEqual(await storage.listedPages(3), [], 'and with the store');
    });

    it('wipe forgets the store and keeps settings and the given engine record', async (t) => {
      const { storage, byteEntries } = await fresh(t);
      await put(storage, 'a', 'c1');
      await storage.appendPartial(
        { photo_id: 'b', checksum: 'c2', etag: null, md5_state: new Uint8Array(), received: 5 },
        blobFor('v', 5),
      );
      await storage.putFailure(failure('c', 1));
      await storage.appendOutbox(report('c', 'failed'));
      await storage.putState('settings', { storeId: 'S-1' });
      await storage.putState('auth', {
        access: 't',
        refresh: null,
        access_exp_ms: null,
        token_path: '/api/token/',
      });
      await storage.putState('checkpoint', { phase: 'listing' } as RunCheckpoint);
      await storage.putState('engine', { ...ENGINE, watermark: '2026-01-01T00:00:00.000Z' });
      await storage.wipe(ENGINE);
      assert.deepEqual(await storage.listRecords(), []);
      assert.equal(await byteEntries(), 0);
      assert.deepEqual(await storage.partialIds(), []);
      assert.deepEqual(await storage.listFailures(), []);
      assert.equal(await storage.countOutbox(), 0);
      assert.equal(await storage.getState('auth'), undefined);
      assert.equal(await storage.getState('checkpoint'), undefined);
      assert.deepEqual(await storage.getState('settings'), { storeId: 'S-1' });
      assert.deepEqual(await storage.getState('engine'), ENGINE);
    });
  });
}
