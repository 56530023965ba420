/** "Full resync" asked for during an ordinary run stops that run and starts the full one at once, instead of queueing behind it. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { turnsUntil } from './fakes/turns';
import { World } from './fakes/world';

test('a full resync stops a running incremental run; finished photos are not downloaded again', async () => {
  const w = new World({ concurrency: 1, delayMs: 0 });
  try {
    await w.signIn();
    w.ho.seed(5);
    await w.engine.sync();
    for (let n = 6; n <= 40; n++) w.ho.addPhoto(n);
    w.ho.latencyMs = 1000;

    const ordinary = w.engine.sync();
    assert.ok(await turnsUntil(() => w.storage.records.size >= 8));
    const lists = w.ho.seen('list').length;
    const full = w.engine.sync({ full: true, retryFailedNow: true });
    const stopped = await ordinary;
    assert.equal(stopped.status.kind, 'idle', 'the stopped run is not an error');
    assert.ok(stopped.held < 40, `the ordinary run was stopped early (held ${stopped.held})`);

    const done = await full;
    assert.equal(done.held, 40);
    assert.equal(done.status.kind, 'idle');
    const fullList = w.ho.seen('list').slice(lists);
    assert.ok(
      fullList.length > 0 && fullList.every((r) => !r.url.searchParams.has('since')),
      'the full run listed without since',
    );
    assert.ok(
      w.ho.seen('download').length <= 41,
      'no finished photo downloaded again (only the one in flight at the stop)',
    );
    assert.deepEqual((await w.verifiedIds()).length, 40);
  } finally {
    w.close();
  }
});

test('a full resync asked for during a full run waits for it instead of stopping it', async () => {
  const w = new World({ concurrency: 1, delayMs: 0 });
  try {
    await w.signIn();
    w.ho.seed(10);
    w.ho.latencyMs = 1000;
    const first = w.engine.sync({ full: true });
    assert.ok(await turnsUntil(() => w.storage.records.size >= 2));
    const second = w.engine.sync({ full: true });
    assert.equal((await first).held, 10, 'the first full run finished');
    assert.equal((await second).held, 10);
    assert.equal(w.ho.seen('download').length, 10);
  } finally {
    w.close();
  }
});
