/**
 * What the service worker's product list hears of storage writes (src/sw/write-watch.ts): a committed
 * photo as itself, a write that may change the list as "changed", and nothing for the writes a sync makes
 * per photo that change nothing shown.
 */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { StoredPhoto } from '../../src/shared/types';
import { watchWrites } from '../../src/sw/write-watch';
import { blobFor, photo } from '../helpers/storage-fixtures';
import { MemoryStorage } from './fakes/memory-storage';

function watched() {
  const heard: string[] = [];
  const storage = watchWrites(new MemoryStorage(), {
    stored: (record: StoredPhoto) => heard.push(`stored ${record.id}`),
    changed: () => heard.push('changed'),
  });
  return { storage, heard };
}

it('a photo is heard of once committed; a refused one is not', async () => {
  const { storage, heard } = watched();
  await storage.putVerified(photo('a', 'c1', 8), blobFor('c1', 8));
  assert.deepEqual(heard, ['stored a']);
  await assert.rejects(storage.putVerified(photo('b', 'c2', 8), blobFor('c2', 5)));
  assert.deepEqual(heard, ['stored a'], 'bytes of the wrong size are refused, and not heard of');
});

it('writes that may change the list say so; reports, partials, failures, reads and other state do not', async () => {
  const { storage, heard } = watched();
  await storage.putVerified(photo('a', 'c1', 8), blobFor('c1', 8));
  heard.length = 0;
  await storage.appendOutbox({ photo_id: 'a', status: 'synced', synced_at: null, error: null });
  await storage.removeOutbox([1]);
  await storage.putState('auth', undefined);
  await storage.putFailure({
    photo_id: 'b',
    reason: 'x',
    attempts: 1,
    last_attempt_at: '2026-01-01T00:00:00.000Z',
    meta: null,
    next_retry_at_ms: 0,
  });
  await storage.deleteFailures(['b']);
  await storage.listRecords();
  await storage.getRecord('a');
  assert.deepEqual(heard, []);
  await storage.putMeta({ ...photo('a', 'c1', 8), product_name: 'Renamed' });
  await storage.putState('checkpoint', undefined);
  await storage.deleteRecords(['a']);
  assert.deepEqual(heard, ['changed', 'changed', 'changed']);
  await assert.rejects(storage.putMeta(photo('zz', 'c9', 8)));
  assert.equal(
    heard.length,
    4,
    'a failed write is heard of too (it changes nothing, a rebuild is harmless)',
  );
});

it('every read is heard as nothing, the listed pages a product-list build reads included', async () => {
  const { storage, heard } = watched();
  await storage.putVerified(photo('a', 'c1', 8), blobFor('c1', 8));
  heard.length = 0;
  // Before listedPages counted as a read, each build of the product list (which reads the listed pages) said
  // "changed", and the next notice built the whole list again: every 2 s of a sync, for its whole length.
  await storage.listedPages(3);
  await storage.recordIds();
  await storage.getState('checkpoint');
  await storage.listFailures();
  await storage.partialIds();
  await storage.loadPartial('a');
  await storage.peekOutbox(10);
  await storage.countOutbox();
  assert.deepEqual(heard, []);
});

it('a photo read is heard of only when it found the bytes gone (null), not when the photo is not held', async () => {
  const heard: string[] = [];
  let answer: null | undefined;
  const storage = watchWrites(
    { readPhoto: async (_id: string) => answer },
    { stored: () => heard.push('stored'), changed: () => heard.push('changed') },
  );
  // A placeholder read: before, each one made the next notice rebuild the whole product list.
  await storage.readPhoto('pending');
  assert.deepEqual(heard, []);
  answer = null;
  await storage.readPhoto('gone');
  assert.deepEqual(heard, ['changed']);
});
