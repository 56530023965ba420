/**
 * Issue 9, item 8: status reports are bounded: errors truncated, items outside the caller's store
 * ignored and not counted, a cap on distinct terminals per store, a per-terminal rate limit.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import {
  MAX_ERROR_CHARS,
  MAX_TERMINALS_PER_STORE,
  REPORTS_PER_MINUTE,
} from '../../server/src/routes/status';
import { type TestServer, allPhotos, callJson, errorMessage, login, startServer } from './harness';

const STATUS = '/api/v1/sync/product-photos/status/';

describe('bounded status reports', () => {
  let s: TestServer;
  let token: string;
  let storeA: string;
  let mine: { id: string }[];
  let theirs: { id: string }[];
  const post = (json: unknown) => callJson(s, STATUS, { json, token });
  const item = (photo_id: string, error: string | null = null) => ({
    photo_id,
    status: error ? 'failed' : 'synced',
    synced_at: null,
    error,
  });

  before(async () => {
    s = await startServer();
    const demo = s.prep.demoLogins[0]!;
    storeA = demo.store.id;
    token = (await login(s, demo.username, demo.password)).access;
    const admin = (await login(s)).access;
    mine = await allPhotos(s, admin, storeA);
    const inA = new Set(mine.map((p) => p.id));
    theirs = (await allPhotos(s, admin, s.prep.demoLogins[1]!.store.id)).filter(
      (p) => !inA.has(p.id),
    );
  });
  after(() => s.close());

  it('truncates long errors and ignores photos outside the store, counting only what it stored', async () => {
    const r = await post({
      store_id: storeA,
      terminal_id: 'bounds-1',
      sync_batch: [
        item(mine[0]!.id, 'x'.repeat(900)),
        item(mine[1]!.id),
        item(randomUUID(), 'made up'),
        item(randomUUID()),
        item(theirs[0]!.id),
      ],
    });
    assert.equal(r.status, 200);
    assert.equal(
      r.body.message,
      'Sync status updated for 2 photos; 3 not in this store were ignored',
    );
    const stored = (await s.meta.listStatus(storeA)).filter((x) => x.terminal_id === 'bounds-1');
    assert.deepEqual(stored.map((x) => x.photo_id).sort(), [mine[0]!.id, mine[1]!.id].sort());
    assert.equal(
      stored.find((x) => x.photo_id === mine[0]!.id)!.error,
      'x'.repeat(MAX_ERROR_CHARS),
    );
  });

  it('limits reports per terminal per minute with 429 and Retry-After', async () => {
    const report = (terminal_id: string) =>
      post({ store_id: storeA, terminal_id, sync_batch: [item(mine[0]!.id)] });
    for (let i = 0; i < REPORTS_PER_MINUTE; i++) assert.equal((await report('chatty')).status, 200);
    const refused = await report('chatty');
    assert.equal(refused.status, 429);
    assert.match(errorMessage(refused.body), /Too many status reports/);
    assert.ok(Number(refused.res.headers.get('retry-after')) >= 1);
    assert.equal((await report('quiet')).status, 200);
    // The window runs on the server's injected clock: a minute later the terminal may report again.
    s.clock.now += 60_000;
    assert.equal((await report('chatty')).status, 200);
  });

  it('caps the distinct terminals of a store, still taking reports from known ones', async () => {
    const known = new Set((await s.meta.listTerminals(storeA)).map((t) => t.terminal_id));
    for (let i = 0; known.size < MAX_TERMINALS_PER_STORE; i++) {
      await s.meta.recordStatus(storeA, `seeded-${i}`, [item(mine[0]!.id) as never]);
      known.add(`seeded-${i}`);
    }
    const extra = await post({ store_id: storeA, terminal_id: 'one-too-many', sync_batch: [] });
    assert.equal(extra.status, 400);
    assert.match(errorMessage(extra.body), /terminals/);
    const again = await post({ store_id: storeA, terminal_id: 'seeded-0', sync_batch: [] });
    assert.equal(again.status, 200);
  });
});
