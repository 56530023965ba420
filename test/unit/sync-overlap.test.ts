/** Downloads start while the listing goes on: the first page's photos do not wait for the last page. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { turnsUntil } from './fakes/turns';
import { world } from './fakes/world';

test("the first page's photos are stored while the next page is still being listed", async () => {
  const w = await world({ pageLimit: 5 });
  try {
    const ids = w.ho.seed(15);
    // The second list request never answers until the run is stopped.
    w.ho.onList = (n) => {
      if (n === 0) w.ho.hang('list');
    };
    const run = w.engine.sync();
    const stored = await turnsUntil(() => w.storage.records.size === 5);
    assert.ok(stored, `${w.storage.records.size} of page 1's 5 photos stored while page 2 hangs`);
    assert.deepEqual([...w.storage.records.keys()].sort(), ids.slice(0, 5).sort());
    assert.equal(w.ho.seen('list').length, 2, 'the listing is still on its second page');
    w.engine.stop();
    await run;
    w.ho.onList = null;
    await w.engine.sync();
    assert.deepEqual(await w.verifiedIds(), [...ids].sort());
    for (const id of ids) assert.equal(w.ho.downloadsOf(id), 1, `photo ${id} fetched twice`);
  } finally {
    w.close();
  }
});

test('a full disk while listing stops the downloads, not the listing: its deletions still free space', async () => {
  const w = await world({ pageLimit: 2, concurrency: 1 });
  try {
    const old = w.ho.seed(6, 1000);
    await w.engine.sync();
    // The HO lists four new photos and retires two old ones (within the share deleted without asking).
    const fresh = [7, 8, 9, 10].map((n) => w.ho.addPhoto(n, 1000));
    const retired = old.slice(0, 2);
    for (const id of retired) w.ho.deletePhoto(id);
    w.storage.quotaBytes = 7500;
    const p = await w.engine.sync();
    assert.equal(p.status.kind, 'quota');
    assert.deepEqual(
      [...w.storage.records.keys()].filter((id) => retired.includes(id)),
      [],
      'the retired photos were deleted although the downloads stopped',
    );
    assert.ok(w.ho.seen('list').length >= 3, 'the listing went on to its last page');
    assert.deepEqual(
      p.failures.map((f) => f.reason),
      ['storage full'],
    );
    w.storage.quotaBytes = Number.POSITIVE_INFINITY;
    const q = await w.engine.sync({ retryFailedNow: true });
    assert.equal(q.status.kind, 'idle');
    assert.deepEqual(await w.verifiedIds(), [...old.slice(2), ...fresh].sort());
  } finally {
    w.close();
  }
});
