/** Sync status reports over real HTTP: the reference message, persistence per terminal, every 400. */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { BODY_LIMIT } from '../../server/src/app';
import { type TestServer, allPhotos, callJson, errorMessage, login, startServer } from './harness';

const STATUS = '/api/v1/sync/product-photos/status/';

describe('status report', () => {
  let s: TestServer;
  let token: string;
  let storeA: string;
  let storeB: string;
  let photos: { id: string }[];
  const post = (json: unknown, t = token) => callJson(s, STATUS, { json, token: t });
  const statuses = async (store: string) =>
    (await callJson(s, `/api/v1/admin/stores/${store}/sync-status/`, { token })).body.data
      .statuses as any[];

  before(async () => {
    s = await startServer();
    token = (await login(s)).access;
    [storeA, storeB] = s.prep.demoLogins.map((d) => d.store.id) as [string, string];
    photos = await allPhotos(s, token, storeA);
  });
  after(() => s.close());

  it('records the reference example and answers "Sync status updated for N photos"', async () => {
    const r = await post({
      store_id: storeA,
      sync_batch: [
        {
          photo_id: photos[0]!.id,
          status: 'synced',
          synced_at: '2026-02-03T10:05:00Z',
          error: null,
        },
        { photo_id: photos[1]!.id, status: 'failed', synced_at: null, error: 'Network timeout' },
      ],
    });
    assert.equal(r.status, 200);
    assert.deepEqual(r.body, { status: 'success', message: 'Sync status updated for 2 photos' });
    const rows = await statuses(storeA);
    const first = rows.find((x) => x.photo_id === photos[0]!.id);
    assert.equal(first.status, 'synced');
    assert.equal(first.synced_at, '2026-02-03T10:05:00.000Z');
    assert.equal(first.terminal_id, 'default');
    assert.match(first.reported_at, /Z$/);
    assert.equal(rows.find((x) => x.photo_id === photos[1]!.id).error, 'Network timeout');
  });

  it('keeps the latest state per (photo, terminal) and is idempotent', async () => {
    const batch = (status: string, error: string | null) => ({
      store_id: storeA,
      terminal_id: 'till-7',
      terminal_name: 'Till 7',
      sync_batch: [
        {
          photo_id: photos[2]!.id,
          status,
          synced_at: status === 'synced' ? '2026-02-03T11:00:00+07:00' : null,
          error,
        },
      ],
    });
    for (let i = 0; i < 2; i++)
      assert.equal((await post(batch('failed', 'disk full'))).status, 200);
    assert.equal(
      (await post(batch('synced', null))).body.message,
      'Sync status updated for 1 photos',
    );
    assert.equal(
      (await post({ ...batch('failed', 'other terminal'), terminal_id: 'till-8' })).status,
      200,
    );
    const rows = (await statuses(storeA)).filter((x) => x.photo_id === photos[2]!.id);
    assert.equal(rows.length, 2);
    const till7 = rows.find((x) => x.terminal_id === 'till-7');
    assert.equal(till7.status, 'synced');
    assert.equal(till7.synced_at, '2026-02-03T04:00:00.000Z');
    assert.equal(till7.error, null);
    assert.equal(rows.find((x) => x.terminal_id === 'till-8').status, 'failed');
  });

  it('rejects malformed reports with 400 in the error shape', async () => {
    const item = { photo_id: photos[0]!.id, status: 'synced', synced_at: null, error: null };
    const cases: [unknown, RegExp][] = [
      [[], /JSON object/],
      [{ sync_batch: [item] }, /^store_id is required$/],
      [{ store_id: 'x', sync_batch: [item] }, /store_id must be a valid UUID/],
      [{ store_id: storeA }, /sync_batch is required/],
      [{ store_id: storeA, sync_batch: {} }, /sync_batch must be a list/],
      [{ store_id: storeA, sync_batch: Array.from({ length: 1001 }, () => item) }, /at most 1000/],
      [
        { store_id: storeA, sync_batch: [{ ...item, status: 'done' }] },
        /status must be "synced" or "failed"/,
      ],
      [
        { store_id: storeA, sync_batch: [{ ...item, photo_id: 'nope' }] },
        /photo_id must be a valid UUID/,
      ],
      [
        { store_id: storeA, sync_batch: [{ ...item, synced_at: 'soon' }] },
        /synced_at must be an ISO 8601/,
      ],
      [
        { store_id: storeA, sync_batch: [{ ...item, error: 42 }] },
        /error must be a string or null/,
      ],
      [{ store_id: storeA, sync_batch: ['x'] }, /sync_batch\[0\] must be an object/],
      [{ store_id: storeA, terminal_id: 7, sync_batch: [item] }, /terminal_id/],
    ];
    for (const [json, message] of cases) {
      const r = await post(json);
      assert.equal(r.status, 400, JSON.stringify(json).slice(0, 80));
      assert.match(errorMessage(r.body), message);
    }
    const full = await post({
      store_id: storeA,
      sync_batch: Array.from({ length: 1000 }, () => item),
    });
    assert.equal(full.status, 200);
    for (const [body, message] of [
      ['{"store_id": ', /Malformed JSON/],
      ['x'.repeat(BODY_LIMIT + 10), /too large/],
    ] as const) {
      const r = await callJson(s, STATUS, {
        token,
        body,
        headers: { 'content-type': 'application/json' },
      });
      assert.equal(r.status, 400);
      assert.match(errorMessage(r.body), message);
    }
    const notJson = await callJson(s, STATUS, {
      token,
      body: '<store/>',
      headers: { 'content-type': 'application/xml' },
    });
    assert.equal(notJson.status, 415);
    errorMessage(notJson.body);
  });

  it('checks auth and store scope: 401 without token, 404 unknown store, 403 for another store', async () => {
    const item = { photo_id: photos[0]!.id, status: 'synced', synced_at: null, error: null };
    assert.equal(
      (await callJson(s, STATUS, { json: { store_id: storeA, sync_batch: [item] } })).status,
      401,
    );
    const unknown = await post({
      store_id: '00000000-0000-4000-8000-000000000000',
      sync_batch: [item],
    });
    assert.equal(unknown.status, 404);
    assert.equal(errorMessage(unknown.body), 'Store not found');
    const demoA = s.prep.demoLogins[0]!;
    const userToken = (await login(s, demoA.username, demoA.password)).access;
    const foreign = await post({ store_id: storeB, sync_batch: [item] }, userToken);
    assert.equal(foreign.status, 403);
    assert.equal((await post({ store_id: storeA, sync_batch: [item] }, userToken)).status, 200);
  });
});
