/**
 * The real IndexedDB storage (src/storage) held to the SyncStorage contract in Node, on fake-indexeddb
 * (an implementation of the IndexedDB spec). Type-checked with the DOM (tsconfig.e2e), not tsconfig.node.
 */
import 'fake-indexeddb/auto';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { openDB } from 'idb';
import { openSyncStorage } from '../../src/storage';
import { openOldSchema } from '../helpers/old-schema';
import { blobFor, photo, report } from '../helpers/storage-fixtures';
import { DB_VERSION } from '../../src/storage/db';
import { buildProducts } from '../../src/sw/products';
import { LISTING, syncStorageContract } from './storage-contract';

let databases = 0;

syncStorageContract('IndexedDB storage (fake-indexeddb)', async () => {
  const name = `contract-${++databases}`;
  const storage = await openSyncStorage({ name });
  return {
    storage,
    bytesOf: async (id) => (await storage.readPhoto(id))?.blob,
    byteEntries: async () => {
      const db = await openDB(name);
      try {
        return await db.count('bytes');
      } finally {
        db.close();
      }
    },
    loseBytes: async (checksum) => {
      const db = await openDB(name);
      try {
        await db.delete('bytes', checksum);
      } finally {
        db.close();
      }
      // The sweep flags every record whose bytes entry is gone, as a read that finds them gone does.
      await storage.sweep();
    },
    close: () => storage.close(),
  };
});

test('migrating to version 4 moves a listing in progress out of the checkpoint into one listed page', async () => {
  const name = 'migrate-v3';
  const a = photo('a', 'ca', 10);
  const b = photo('b', 'cb', 10);
  // The stores and checkpoint as version 3 left them (the listing's ids and rows inside the checkpoint).
  const v3 = await openOldSchema(name, 3);
  const { pages: _p, seen_count: _s, ...fields } = LISTING;
  await v3.put(
    'state',
    { ...fields, offset: 200, pending: [a, b], seen_ids: ['a', 'b', 'c', 'a'], deleted_ids: ['z'] },
    'checkpoint',
  );
  v3.close();

  const storage = await openSyncStorage({ name });
  try {
    const cp = await storage.getState('checkpoint');
    assert.ok(cp !== undefined);
    assert.equal(cp.pages, 1);
    assert.equal(cp.seen_count, 3);
    assert.equal(cp.offset, 200, 'the position is kept');
    assert.deepEqual(cp.pending, []);
    assert.ok(!('seen_ids' in cp));
    assert.deepEqual(await storage.listedPages(1), [
      { seen: ['a', 'b', 'c', 'a'], pending: [a, b], settled: [], deleted: ['z'] },
    ]);
  } finally {
    storage.close();
  }
});

test('migrating to version 5 indexes the photos held by version 4 in gallery order, flags kept, records unchanged', async () => {
  const name = 'migrate-v4';
  const named = (id: string, product: string, name: string, missing = false) => ({
    ...photo(id, `c-${id}`, 10, { product_id: product, product_name: name, product_sku: 'S' }),
    ...(missing ? { bytes_missing: true } : {}),
  });
  const records = [
    named('z1', 'pz', 'Zebra'),
    named('a1', 'pa', 'apple', true),
    named('c1', 'pc', 'Café'),
    named('c2', 'pc', 'Café'),
    named('b1', 'pb', 'Banana'),
  ];
  const v4 = await openOldSchema(name, 4);
  for (const r of records) {
    await v4.put('photos', r);
    if (!r.bytes_missing) await v4.put('bytes', blobFor(r.checksum, 10), r.checksum);
  }
  v4.close();

  const storage = await openSyncStorage({ name });
  try {
    assert.equal(DB_VERSION, 5);
    assert.deepEqual(
      (await storage.galleryHead(3)).map((r) => r.id),
      ['a1', 'b1', 'c1', 'c2'],
      'the first three products in gallery order',
    );
    const { ids, missing } = await storage.recordIds();
    assert.deepEqual([[...ids].sort(), missing], [['a1', 'b1', 'c1', 'c2', 'z1'], ['a1']]);
    const byId = new Map(records.map((r) => [r.id, r]));
    for (const r of await storage.listRecords()) assert.deepEqual(r, byId.get(r.id), r.id);
    assert.deepEqual(await storage.getRecord('a1'), byId.get('a1'));
  } finally {
    storage.close();
  }
});

test('the gallery head is the first products of the whole list, kept in order as photos are renamed, lost and deleted', async () => {
  const storage = await openSyncStorage({ name: `gallery-head-${++databases}` });
  const NAMES = [
    'kopi',
    'Kopi Susu',
    'café',
    'Cafe',
    'Éclair',
    'eclair',
    'apple',
    'Apple',
    'zebra',
    'Teh',
  ];
  try {
    for (let i = 0; i < 30; i++) {
      const fields = {
        product_id: `p${i}`,
        product_sku: `S${i % 4}`,
        product_name: `${NAMES[i % 10]} ${i % 3}`,
      };
      await storage.putVerified(photo(`a${i}`, `ca${i}`, 8, fields), blobFor(`ca${i}`, 8));
      if (i % 4 === 0)
        await storage.putVerified(
          photo(`b${i}`, `cb${i}`, 8, { ...fields, is_primary: false }),
          blobFor(`cb${i}`, 8),
        );
    }
    await storage.putMeta(
      photo('a3', 'ca3', 8, { product_id: 'p3', product_sku: 'S3', product_name: 'Aaa' }),
    );
    await storage.deleteRecords(['a7']);
    const check = async (step: string) => {
      const all = await storage.listRecords();
      const whole = buildProducts(
        all.filter((r) => !r.bytes_missing),
        all.filter((r) => r.bytes_missing === true),
      );
      for (const n of [1, 5, 29, 40]) {
        const head = await storage.galleryHead(n);
        const held = head.filter((r) => !r.bytes_missing);
        const headList = buildProducts(
          held,
          head.filter((r) => r.bytes_missing === true),
        );
        assert.deepEqual(
          headList.map((p) => p.id),
          whole.slice(0, Math.min(n, whole.length)).map((p) => p.id),
          `${step}: first ${n}`,
        );
        assert.deepEqual(headList, whole.slice(0, headList.length), `${step}: the same photos`);
      }
    };
    await check('stored');
    const raw = await openDB(`gallery-head-${databases}`);
    await raw.delete('bytes', 'ca0');
    raw.close();
    await storage.sweep();
    assert.equal((await storage.getRecord('a0'))?.bytes_missing, true);
    await check('bytes lost');
  } finally {
    storage.close();
  }
});

// The service worker opens without the sweep (so the first screen's reads never wait for it) and sweeps
// before its first run: the leftovers must stay until then, and go when it runs.
test('opened with sweep: false, leaves leftovers to sweep(), which removes them', async () => {
  const name = `deferred-sweep-${++databases}`;
  const first = await openSyncStorage({ name });
  await first.putVerified(photo('a', 'ca', 64), blobFor('ca', 64));
  first.close();
  const raw = await openDB(name);
  await raw.put('bytes', blobFor('orphan', 10), 'orphan');
  raw.close();
  const storage = await openSyncStorage({ name, sweep: false });
  const bytesKeys = async (): Promise<IDBValidKey[]> => {
    const db = await openDB(name);
    try {
      return await db.getAllKeys('bytes');
    } finally {
      db.close();
    }
  };
  try {
    assert.deepEqual((await bytesKeys()).sort(), ['ca', 'orphan'], 'not swept at open');
    assert.equal((await storage.readPhoto('a'))?.record.id, 'a', 'reads answer before the sweep');
    await storage.sweep();
    assert.deepEqual(await bytesKeys(), ['ca'], 'swept');
  } finally {
    storage.close();
  }
});

test('one photo that cannot be written does not fail the photos verified with it; each lands or fails whole', async () => {
  const storage = await openSyncStorage({ name: 'group-failure' });
  try {
    const good = Array.from({ length: 5 }, (_, i) => photo(`g${i}`, `c${i}`, 16));
    // A record IndexedDB refuses (its key is not a valid key): it fails inside the write transaction.
    const bad = { ...photo('x', 'cx', 16), id: {} as unknown as string };
    const results = await Promise.allSettled([
      storage.putVerified(photo('first', 'cf', 16), blobFor('cf', 16)),
      ...good
        .slice(0, 2)
        .map((p) => storage.putVerified(p, blobFor(p.checksum, 16), report(p.id, 'synced'))),
      storage.putVerified(bad, blobFor('cx', 16), report('x', 'synced')),
      ...good
        .slice(2)
        .map((p) => storage.putVerified(p, blobFor(p.checksum, 16), report(p.id, 'synced'))),
    ]);
    assert.deepEqual(
      results.map((r) => r.status),
      ['fulfilled', 'fulfilled', 'fulfilled', 'rejected', 'fulfilled', 'fulfilled', 'fulfilled'],
    );
    assert.deepEqual((await storage.listRecords()).map((r) => r.id).sort(), [
      'first',
      'g0',
      'g1',
      'g2',
      'g3',
      'g4',
    ]);
    assert.deepEqual(
      (await storage.peekOutbox(10)).map((e) => e.item.photo_id),
      ['g0', 'g1', 'g2', 'g3', 'g4'],
      'no report of the photo that was not stored',
    );
    assert.equal((await storage.readPhoto('g4'))?.blob.size, 16);
  } finally {
    storage.close();
  }
});
