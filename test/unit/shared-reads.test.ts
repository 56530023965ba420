/**
 * Whole-table reads shared by concurrent callers in the service worker (src/sw/shared-reads.ts): one read
 * for callers arriving together, never a read that started before a write for a caller after it.
 */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { shareReads } from '../../src/sw/shared-reads';
import { blobFor, photo } from '../helpers/storage-fixtures';
import { MemoryStorage } from './fakes/memory-storage';

/** A MemoryStorage counting its listRecords calls, wrapped. */
function counted() {
  const inner = new MemoryStorage();
  const counter = { reads: 0 };
  const list = inner.listRecords.bind(inner);
  inner.listRecords = () => {
    counter.reads++;
    return list();
  };
  return { storage: shareReads(inner), counter };
}

it('callers arriving while a whole-table read runs share it, each with its own array', async () => {
  const { storage, counter } = counted();
  await storage.putVerified(photo('a', 'c1', 8), blobFor('c1', 8));
  const [one, two] = await Promise.all([storage.listRecords(), storage.listRecords()]);
  assert.equal(counter.reads, 1);
  assert.deepEqual([one.map((r) => r.id), two.map((r) => r.id)], [['a'], ['a']]);
  assert.notEqual(one, two, 'a caller may change its array without touching the other');
  await storage.listRecords();
  assert.equal(counter.reads, 2, 'a read after the shared one finished reads again');
});

it('a caller after a write never joins a read that started before it', async () => {
  const { storage, counter } = counted();
  const before = storage.listRecords();
  const write = storage.putVerified(photo('a', 'c1', 8), blobFor('c1', 8));
  const after = storage.listRecords();
  await write;
  assert.deepEqual(
    (await after).map((r) => r.id),
    ['a'],
    'the write is seen',
  );
  assert.deepEqual(await before, []);
  assert.equal(counter.reads, 2);
});

it('other methods pass through unchanged', async () => {
  const { storage } = counted();
  await storage.putState('checkpoint', undefined);
  assert.equal(await storage.getState('checkpoint'), undefined);
  assert.equal(await storage.countOutbox(), 0);
});

it('reading the listed pages between two callers does not stop them sharing a read', async () => {
  const { storage, counter } = counted();
  await storage.putVerified(photo('a', 'c1', 8), blobFor('c1', 8));
  await Promise.all([storage.listRecords(), storage.listedPages(2), storage.listRecords()]);
  assert.equal(counter.reads, 1, 'a read of the listed pages is no write');
});

it('a photo read counts as a write only when it flagged gone bytes (null)', async () => {
  const inner = new MemoryStorage();
  let reads = 0;
  let answer: null | undefined;
  // Whole-table reads stay in flight until released, so a caller after the photo read could join them.
  const waiting: (() => void)[] = [];
  const list = inner.listRecords.bind(inner);
  const storage = shareReads(
    Object.assign(inner, {
      listRecords: () => {
        reads++;
        return new Promise<void>((r) => waiting.push(r)).then(list);
      },
      readPhoto: async (_id: string) => answer,
    }),
  );
  for (const [found, expected] of [
    [undefined, 1],
    [null, 2],
  ] as const) {
    reads = 0;
    answer = found;
    const first = storage.listRecords();
    await storage.readPhoto('x');
    const second = storage.listRecords();
    for (const release of waiting.splice(0)) release();
    await Promise.all([first, second]);
    assert.equal(reads, expected, `a photo read answering ${found}`);
  }
});
