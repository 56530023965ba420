/** Deletions: deleted_ids, reconciliation passes, and the safety rules around them. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { world } from './fakes/world';

const DAY = 24 * 60 * 60 * 1000;

test('deleted_ids from an incremental listing are applied', async () => {
  const w = await world();
  try {
    const ids = w.ho.seed(10);
    await w.engine.sync();
    w.ho.deletePhoto(ids[3]!);
    w.ho.deletePhoto(ids[7]!);
    const bytesOf7 = w.storage.records.get(ids[7]!)!.checksum;
    const p = await w.engine.sync();
    assert.ok(w.ho.seen('list').at(-1)!.url.searchParams.has('since'), 'incremental run');
    assert.equal(p.held, 8);
    assert.ok(!w.storage.records.has(ids[3]!) && !w.storage.blobs.has(bytesOf7));
  } finally {
    w.close();
  }
});

test('without deleted_ids, removals are found by the daily reconciliation and by a full resync', async () => {
  const w = await world();
  try {
    w.ho.deletedIds = false;
    const ids = w.ho.seed(10);
    await w.engine.sync();
    w.ho.deletePhoto(ids[0]!);
    await w.engine.sync();
    assert.equal(w.storage.records.size, 10, 'an incremental listing cannot see removals');
    w.clock.advance(DAY);
    const p = await w.engine.sync();
    assert.equal(
      w.ho.seen('list').at(-1)!.url.searchParams.has('since'),
      false,
      'reconciliation lists without since',
    );
    assert.equal(p.held, 9);
    assert.ok(p.lastReconcileAt !== null);

    w.ho.deletePhoto(ids[1]!);
    const downloads = w.ho.seen('download').length;
    const q = await w.engine.sync({ full: true });
    assert.equal(q.held, 8);
    assert.equal(
      w.ho.seen('download').length,
      downloads,
      'reconciliation downloads nothing already held',
    );
  } finally {
    w.close();
  }
});

test('no deletion after a listing that failed part-way; the next complete listing applies it', async () => {
  const w = await world({ pageLimit: 5 });
  try {
    Object.assign(w.ho, { deletedIds: false, cursors: false });
    const ids = w.ho.seed(12);
    await w.engine.sync();
    w.ho.deletePhoto(ids[11]!);
    w.ho.onList = (n) => {
      if (n === 0) w.ho.failWith('list', 500, 4);
    };
    const before = structuredClone(w.storage.state.get('engine'));
    const p = await w.engine.sync({ full: true });
    w.ho.onList = null;
    assert.equal(p.status.kind, 'error');
    assert.equal(w.storage.records.size, 12, 'nothing deleted after a cut-short listing');
    assert.deepEqual(
      w.storage.state.get('engine'),
      before,
      'watermark and reconcile time unchanged',
    );
    const q = await w.engine.sync();
    assert.equal(q.status.kind, 'idle');
    assert.equal(q.held, 11);
  } finally {
    w.close();
  }
});

test('more deletions than the allowed share wait for confirmation', async () => {
  const w = await world();
  try {
    w.ho.deletedIds = false;
    const ids = w.ho.seed(10);
    await w.engine.sync();
    for (const id of ids.slice(0, 6)) w.ho.deletePhoto(id);
    const p = await w.engine.sync({ full: true });
    assert.deepEqual(p.status, { kind: 'needs-confirmation', deleteCount: 6, localCount: 10 });
    assert.equal(w.storage.records.size, 10, 'nothing deleted without confirmation');
    const again = await w.engine.sync();
    assert.equal(again.status.kind, 'needs-confirmation', 'still waiting on later runs');
    const q = await w.engine.confirmDeletes();
    assert.deepEqual(q.status, { kind: 'idle' });
    assert.equal(q.held, 4);
    assert.deepEqual(await w.verifiedIds(), ids.slice(6).sort());
  } finally {
    w.close();
  }
});

test('explicit confirmation as a sync option, and deleted_ids obey the same share limit', async () => {
  const w = await world();
  try {
    const ids = w.ho.seed(4);
    await w.engine.sync();
    for (const id of ids.slice(0, 3)) w.ho.deletePhoto(id);
    const p = await w.engine.sync();
    assert.equal(p.status.kind, 'needs-confirmation');
    const q = await w.engine.sync({ confirmDeletes: true });
    assert.equal(q.status.kind, 'idle');
    assert.deepEqual([...w.storage.records.keys()], [ids[3]]);
  } finally {
    w.close();
  }
});

test('a photo that failed and then left the store is dropped from the retry set', async () => {
  const w = await world();
  try {
    const ids = w.ho.seed(5);
    w.ho.failWith('download', 500, 4, ids[0]!);
    assert.equal((await w.engine.sync()).failures.length, 1);
    w.ho.deletePhoto(ids[0]!);
    w.clock.advance(DAY);
    const p = await w.engine.sync();
    assert.deepEqual(p.failures, []);
    assert.equal(p.held, 4);
    assert.equal(p.expected, 4);
  } finally {
    w.close();
  }
});

test('an offset listing that keeps changing is cut short: no deletions, no watermark, photos found are still fetched', async () => {
  const w = await world({ pageLimit: 3, maxListingRestarts: 2 });
  try {
    Object.assign(w.ho, { deletedIds: false, cursors: false, syncTimestamp: false });
    const ids = w.ho.seed(9);
    await w.engine.sync();
    w.ho.deletePhoto(ids[0]!);
    let n = 100;
    w.ho.onList = (i) => {
      if (i > 0) w.ho.touch(ids[1 + (i % 3)]!, n++); // every page moves an early row to the end
    };
    const before = structuredClone(w.storage.state.get('engine'));
    const p = await w.engine.sync({ full: true });
    w.ho.onList = null;
    assert.equal(p.status.kind, 'error');
    assert.deepEqual((p.status as { problem: unknown }).problem, { code: 'sync.listing-unstable' });
    assert.ok(w.storage.records.has(ids[0]!), 'nothing deleted');
    assert.deepEqual(w.storage.state.get('engine'), before);
    const q = await w.engine.sync({ full: true });
    assert.equal(q.status.kind, 'idle');
    assert.deepEqual(await w.verifiedIds(), ids.slice(1).sort());
  } finally {
    w.close();
  }
});
