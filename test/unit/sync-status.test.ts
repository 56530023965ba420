/** Status reports: outbox batches of at most 100, retries until accepted, and a missing endpoint never blocks sync. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { STORE } from './fakes/fake-ho';
import { type World, world } from './fakes/world';

type Batch = {
  store_id: string;
  terminal_id: string;
  terminal_name: string;
  sync_batch: {
    photo_id: string;
    status: string;
    synced_at: string | null;
    error: string | null;
  }[];
};
const batches = (w: World): Batch[] =>
  w.ho.statusBatches.filter((b) => b.accepted).map((b) => b.body as unknown as Batch);

test('every outcome is reported in batches of at most 100 with a stable terminal id and name', async () => {
  const w = await world({ delayMs: 0 });
  try {
    const ids = w.ho.seed(250, 100);
    w.ho.failWith('download', 500, 4, ids[0]!);
    const p = await w.engine.sync();
    assert.equal(p.reporting, 'ok');
    const sent = batches(w);
    assert.deepEqual(
      sent.map((b) => b.sync_batch.length),
      [100, 100, 50],
    );
    assert.ok(
      sent.every(
        (b) =>
          b.store_id === STORE &&
          b.terminal_name === 'till-1' &&
          b.terminal_id === sent[0]!.terminal_id,
      ),
    );
    const items = sent.flatMap((b) => b.sync_batch);
    assert.deepEqual(new Set(items.map((i) => i.photo_id)), new Set(ids));
    const failed = items.find((i) => i.photo_id === ids[0])!;
    assert.deepEqual(failed, {
      photo_id: ids[0],
      status: 'failed',
      synced_at: null,
      error: 'HTTP 500',
    });
    const ok = items.find((i) => i.photo_id === ids[1])!;
    assert.equal(ok.status, 'synced');
    assert.match(ok.synced_at ?? '', /^\d{4}-\d\d-\d\dT/);
    assert.equal(w.storage.outbox.length, 0);

    w.ho.addPhoto(300);
    await w.engine.sync();
    assert.equal(
      batches(w).at(-1)!.terminal_id,
      sent[0]!.terminal_id,
      'terminal id stable across runs',
    );
  } finally {
    w.close();
  }
});

test('a failing status endpoint is retried with backoff; reports made while the HO was down arrive later', async () => {
  const w = await world();
  try {
    w.ho.seed(3);
    w.ho.failWith('status', 503, 2);
    const p = await w.engine.sync();
    assert.equal(p.reporting, 'ok');
    assert.equal(batches(w).length, 1);

    w.ho.addPhoto(4);
    w.ho.failWith('status', 500, 4);
    const q = await w.engine.sync();
    assert.equal(q.status.kind, 'idle', 'sync itself succeeded');
    assert.equal(q.reporting, 'backlog');
    assert.equal(w.storage.outbox.length, 1);
    const r = await w.engine.flushStatus();
    assert.equal(r.reporting, 'ok');
    assert.equal(w.storage.outbox.length, 0);
    assert.equal(batches(w).at(-1)!.sync_batch[0]!.status, 'synced');
  } finally {
    w.close();
  }
});

for (const code of [404, 405] as const) {
  test(`a status endpoint answering ${code} disables reporting without blocking sync`, async () => {
    const w = await world();
    try {
      w.ho.statusRoute = code;
      const ids = w.ho.seed(5);
      const p = await w.engine.sync();
      assert.equal(p.status.kind, 'idle');
      assert.equal(p.reporting, 'disabled');
      assert.deepEqual(await w.verifiedIds(), [...ids].sort());
      assert.equal(w.storage.outbox.length, 5, 'reports kept for when the endpoint appears');
      const posts = w.ho.seen('status').length;
      w.ho.addPhoto(6);
      await w.engine.sync();
      assert.equal(w.ho.seen('status').length, posts, 'not probed again the same day');
      w.ho.statusRoute = 'ok';
      w.clock.advance(24 * 60 * 60 * 1000);
      const q = await w.engine.sync();
      assert.equal(q.reporting, 'ok');
      assert.equal(batches(w).flatMap((b) => b.sync_batch).length, 6);
    } finally {
      w.close();
    }
  });
}

test('a batch the HO refuses (400) is split: only the refused report is dropped and counted, later ones flow', async () => {
  const w = await world({ delayMs: 0 });
  try {
    const ids = w.ho.seed(10, 100);
    w.ho.refuseReportsOf.add(ids[3]!);
    const p = await w.engine.sync();
    assert.equal(p.reporting, 'ok');
    assert.equal(p.reportsRejected, 1);
    assert.equal(w.storage.outbox.length, 0, 'nothing blocks the outbox');
    const delivered = batches(w).flatMap((b) => b.sync_batch.map((i) => i.photo_id));
    assert.deepEqual(
      delivered.sort(),
      ids.filter((id) => id !== ids[3]).sort(),
      'every other report reached the HO exactly once',
    );

    const later = w.ho.addPhoto(11);
    const q = await w.engine.sync();
    assert.equal(q.reportsRejected, 1);
    assert.ok(
      batches(w)
        .at(-1)!
        .sync_batch.some((i) => i.photo_id === later),
      'a later report is not blocked',
    );
  } finally {
    w.close();
  }
});

test('when every report of a batch is refused alone, the request is at fault: reports stay queued, none dropped', async () => {
  const w = await world({ delayMs: 0 });
  try {
    const ids = w.ho.seed(3, 100);
    for (const id of ids) w.ho.refuseReportsOf.add(id);
    const p = await w.engine.sync();
    assert.equal(p.status.kind, 'idle');
    assert.equal(p.reporting, 'backlog');
    assert.equal(p.reportsRejected, 0);
    assert.equal(w.storage.outbox.length, 3);
    w.ho.refuseReportsOf.clear();
    assert.equal((await w.engine.flushStatus()).reporting, 'ok');
    assert.equal(w.storage.outbox.length, 0);
  } finally {
    w.close();
  }
});

test('an HO asking for reports later (429 + Retry-After) gets them in a run after that time; the run does not wait', async () => {
  const w = await world({ delayMs: 0 });
  try {
    const ids = w.ho.seed(250, 100);
    w.ho.failWith('status', 429, 1, null, { 'Retry-After': '60' });
    const p = await w.engine.sync();
    assert.equal(p.status.kind, 'idle', 'the sync itself succeeded');
    assert.equal(p.reporting, 'backlog');
    assert.equal(w.storage.outbox.length, 250, 'every report kept for later');
    assert.ok(!w.clock.sleeps.includes(60_000), 'the run did not sleep through the Retry-After');
    assert.equal(w.ho.seen('status').length, 1);

    const later = w.ho.addPhoto(251);
    await w.engine.sync();
    assert.equal(w.ho.seen('status').length, 1, 'nothing sent before the HO said');

    w.clock.advance(60_000);
    const q = await w.engine.sync();
    assert.equal(q.reporting, 'ok');
    assert.equal(w.storage.outbox.length, 0);
    assert.deepEqual(
      new Set(batches(w).flatMap((b) => b.sync_batch.map((i) => i.photo_id))),
      new Set([...ids, later]),
    );
  } finally {
    w.close();
  }
});
