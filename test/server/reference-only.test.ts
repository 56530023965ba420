/** --reference-only: the server offers exactly the API reference, every extension switched off. */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { type TestServer, call, callJson, errorMessage, login, startServer } from './harness';

describe('reference-only mode', () => {
  let s: TestServer;
  let token: string;
  let storeA: string;
  before(async () => {
    s = await startServer({ env: { REFERENCE_ONLY: '1' } });
    token = (await login(s)).access;
    storeA = s.prep.demoLogins[0]!.store.id;
  });
  after(() => s.close());

  it('has no store list', async () => {
    const r = await callJson(s, '/api/v1/stores/', { token });
    assert.equal(r.status, 404);
    errorMessage(r.body);
  });

  it('answers the list with exactly the reference data keys and ignores cursor', async () => {
    const r = await callJson(s, `/api/v1/sync/product-photos/?store_id=${storeA}&limit=3`, {
      token,
    });
    assert.equal(r.status, 200);
    assert.deepEqual(Object.keys(r.body.data).sort(), [
      'has_more',
      'next_offset',
      'photos',
      'total',
    ]);
    assert.equal(r.body.data.next_offset, 3);
    const withCursor = await callJson(
      s,
      `/api/v1/sync/product-photos/?store_id=${storeA}&limit=3&cursor=garbage`,
      { token },
    );
    assert.equal(withCursor.status, 200);
    assert.deepEqual(withCursor.body.data.photos, r.body.data.photos);
  });

  it('downloads without ETag, 304, ranges or HEAD', async () => {
    const photo = (
      await callJson(s, `/api/v1/sync/product-photos/?store_id=${storeA}&limit=1`, { token })
    ).body.data.photos[0];
    const path = `/api/v1/sync/product-photos/${photo.id}/download/?store_id=${storeA}`;
    const r = await call(s, path, {
      token,
      headers: { 'if-none-match': `"${photo.checksum}"`, range: 'bytes=0-9' },
    });
    assert.equal(r.status, 200);
    assert.equal(r.headers.get('etag'), null);
    assert.equal(r.headers.get('accept-ranges'), null);
    assert.equal(r.headers.get('x-checksum'), photo.checksum);
    assert.equal(r.headers.get('x-version'), String(photo.version));
    assert.equal((await r.arrayBuffer()).byteLength, photo.size);
    assert.equal((await call(s, path, { token, method: 'HEAD' })).status, 404);
  });

  it('accepts status reports but ignores terminal_id', async () => {
    const photo = (
      await callJson(s, `/api/v1/sync/product-photos/?store_id=${storeA}&limit=1`, { token })
    ).body.data.photos[0];
    const r = await callJson(s, '/api/v1/sync/product-photos/status/', {
      token,
      json: {
        store_id: storeA,
        terminal_id: 'till-1',
        sync_batch: [{ photo_id: photo.id, status: 'synced', synced_at: null, error: null }],
      },
    });
    assert.equal(r.body.message, 'Sync status updated for 1 photos');
    const rows = await s.meta.listStatus(storeA);
    assert.deepEqual(
      rows.map((x) => x.terminal_id),
      ['default'],
    );
  });
});
