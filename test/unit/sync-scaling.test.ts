/**
 * Work per listed page and per downloaded photo does not grow with the number of photos: each page's
 * write is the size of a page, whole-table reads happen a fixed number of times per run (never per page or
 * photo), and progress does not copy the failure list per photo.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { SyncProgress } from '../../src/shared/types';
import type { SyncStorage } from '../../src/sync/ports';
import { type World, world } from './fakes/world';

/** Whole-table reads of the storage port: their cost grows with the catalog. */
const WHOLE_TABLE: (keyof SyncStorage)[] = ['listRecords', 'listFailures', 'listedPages'];

interface Cost {
  /** Serialized bytes of each write of the listing (checkpoint with its page). */
  pageWrites: number[];
  /** Whole-table reads in the run. */
  tableReads: number;
}

/** Counts what one full sync of `photos` photos costs the storage. */
async function measure(w: World, photos: number): Promise<Cost> {
  const storage = w.storage;
  const cost: Cost = { pageWrites: [], tableReads: 0 };
  const putListedPage = storage.putListedPage.bind(storage);
  storage.putListedPage = async (cp, page) => {
    cost.pageWrites.push(JSON.stringify([cp, page]).length);
    return putListedPage(cp, page);
  };
  for (const name of WHOLE_TABLE) {
    const read = (storage[name] as (...args: unknown[]) => Promise<unknown>).bind(storage);
    Object.assign(storage, {
      [name]: (...args: unknown[]) => {
        cost.tableReads++;
        return read(...args);
      },
    });
  }
  w.ho.seed(photos, 300);
  const p = await w.engine.sync();
  assert.equal(p.held, photos);
  return cost;
}

test('a page written while listing stays the size of a page, and table reads are per run, not per photo', async () => {
  const costs: Cost[] = [];
  for (const photos of [300, 1200]) {
    const w = await world({ pageLimit: 100, concurrency: 5, delayMs: 0 });
    try {
      costs.push(await measure(w, photos));
    } finally {
      w.close();
    }
  }
  const [small, large] = costs as [Cost, Cost];
  assert.equal(small.pageWrites.length, 3);
  assert.equal(large.pageWrites.length, 12);
  // The 12th page of the large catalog costs what the first page did (rows of ~equal size), not 12 times it.
  const first = large.pageWrites[0]!;
  assert.ok(
    Math.max(...large.pageWrites) < first * 1.1,
    `page writes grow with the listing: ${large.pageWrites.join(', ')}`,
  );
  assert.ok(Math.max(...large.pageWrites) < Math.max(...small.pageWrites) * 1.1);
  // Four times the photos, the same number of whole-table reads: none of them per page or per photo.
  assert.equal(large.tableReads, small.tableReads);
});

test('progress shares one failure list between updates until a failure changes', async () => {
  const w = await world({ concurrency: 1, delayMs: 0 });
  try {
    const ids = w.ho.seed(40, 300);
    for (const id of ids.slice(0, 5)) w.ho.corrupt(id, 100);
    const p = await w.engine.sync();
    assert.equal(p.failures.length, 5);
    const downloading = w.term.progress.filter(
      (x: SyncProgress) => x.status.kind === 'syncing' && x.status.phase === 'downloading',
    );
    const lists = new Set(downloading.map((x) => x.failures));
    // One list per change (none, then one more failure each time), not one per photo.
    assert.ok(downloading.length >= 40);
    assert.ok(
      lists.size <= 6,
      `${lists.size} failure lists built for ${downloading.length} updates`,
    );
  } finally {
    w.close();
  }
});
