/** Fault injection: admin endpoint, flags, and each fault forced deterministically through scripted dice. */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_FAULTS } from '../../server/src/faults';
import {
  type TestServer,
  allPhotos,
  call,
  callJson,
  errorMessage,
  login,
  md5,
  startServer,
} from './harness';

describe('fault injection', () => {
  let s: TestServer;
  let token: string;
  let storeA: string;
  let photo: any;
  const setFaults = (json: unknown) =>
    callJson(s, '/api/v1/admin/faults', { method: 'PUT', token, json });
  const listPath = () => `/api/v1/sync/product-photos/?store_id=${storeA}&limit=1`;
  const downloadPath = () => `/api/v1/sync/product-photos/${photo.id}/download/?store_id=${storeA}`;

  before(async () => {
    s = await startServer();
    token = (await login(s)).access;
    storeA = s.prep.demoLogins[0]!.store.id;
    photo = (await allPhotos(s, token, storeA))[0];
  });
  after(() => s.close());

  it('reads, updates, validates and resets the settings', async () => {
    const initial = await callJson(s, '/api/v1/admin/faults', { token });
    assert.deepEqual(initial.body.data, DEFAULT_FAULTS);
    const updated = await setFaults({ latency_ms: 5, error_rate: 0.25, routes: ['download'] });
    assert.equal(updated.status, 200);
    assert.equal(updated.body.data.error_rate, 0.25);
    assert.deepEqual(updated.body.data.routes, ['download']);
    for (const bad of [
      { error_rate: 2 },
      { error_status: 418 },
      { routes: ['everything'] },
      { surprise: 1 },
      [1],
    ]) {
      const r = await setFaults(bad);
      assert.equal(r.status, 400, JSON.stringify(bad));
      errorMessage(r.body);
    }
    const reset = await callJson(s, '/api/v1/admin/faults', { method: 'DELETE', token });
    assert.deepEqual(reset.body.data, DEFAULT_FAULTS);
  });

  it('injects 503/500 and 429 with Retry-After when the dice say so, never on admin routes', async () => {
    await setFaults({ error_rate: 0.5, error_status: 503, rate_limit_rate: 0.5, retry_after_s: 7 });
    s.dice.push(0.1);
    const unavailable = await callJson(s, listPath(), { token });
    assert.equal(unavailable.status, 503);
    assert.equal(errorMessage(unavailable.body), 'Service unavailable');
    s.dice.push(0.9, 0.2);
    const limited = await callJson(s, listPath(), { token });
    assert.equal(limited.status, 429);
    assert.equal(limited.res.headers.get('retry-after'), '7');
    assert.equal(errorMessage(limited.body), 'Too many requests');
    s.dice.push(0.9, 0.9);
    assert.equal((await call(s, listPath(), { token })).status, 200);
    s.dice.push(0.1);
    assert.equal(
      (await call(s, '/api/v1/admin/faults', { token })).status,
      200,
      'admin routes are never faulted',
    );
    s.dice.length = 0;
    await setFaults({ error_rate: 1, error_status: 500, rate_limit_rate: 0 });
    const crash = await callJson(s, listPath(), { token });
    assert.equal(crash.status, 500);
    assert.deepEqual(crash.body, {
      status: 'error',
      message: 'Internal server error',
      detail: 'Injected fault',
    });
    await setFaults({ routes: ['download'] });
    assert.equal(
      (await call(s, listPath(), { token })).status,
      200,
      'faults limited to downloads spare the list',
    );
    assert.equal((await call(s, downloadPath(), { token })).status, 500);
    await callJson(s, '/api/v1/admin/faults', { method: 'DELETE', token });
  });

  it('adds latency through the injected sleep', async () => {
    await setFaults({ latency_ms: 250 });
    s.sleeps.length = 0;
    assert.equal((await call(s, listPath(), { token })).status, 200);
    assert.deepEqual(s.sleeps, [250]);
    await callJson(s, '/api/v1/admin/faults', { method: 'DELETE', token });
  });

  it('corrupts bytes (same length, checksum mismatch) and truncates bodies', async () => {
    await setFaults({ corrupt_rate: 0.5, truncate_rate: 0.5 });
    s.dice.push(0.1);
    const corrupt = await call(s, downloadPath(), { token });
    assert.equal(corrupt.status, 200);
    assert.equal(corrupt.headers.get('x-checksum'), photo.checksum);
    const bytes = new Uint8Array(await corrupt.arrayBuffer());
    assert.equal(bytes.length, photo.size);
    assert.notEqual(md5(bytes), photo.checksum);
    s.dice.push(0.9, 0.1);
    const truncated = await call(s, downloadPath(), { token });
    assert.equal(truncated.headers.get('content-length'), String(photo.size));
    await assert.rejects(truncated.arrayBuffer());
    s.dice.push(0.9, 0.9);
    const clean = await call(s, downloadPath(), { token });
    assert.equal(md5(new Uint8Array(await clean.arrayBuffer())), photo.checksum);
    await callJson(s, '/api/v1/admin/faults', { method: 'DELETE', token });
  });

  it('limits body faults to the photos listed in photo_ids', async () => {
    const other = (await allPhotos(s, token, storeA))[1];
    const r = await setFaults({ corrupt_rate: 1, photo_ids: [photo.id.toUpperCase()] });
    assert.deepEqual(r.body.data.photo_ids, [photo.id]);
    const spared = await call(
      s,
      `/api/v1/sync/product-photos/${other.id}/download/?store_id=${storeA}`,
      { token },
    );
    assert.equal(md5(new Uint8Array(await spared.arrayBuffer())), other.checksum);
    const hit = await call(s, downloadPath(), { token });
    assert.notEqual(md5(new Uint8Array(await hit.arrayBuffer())), photo.checksum);
    for (const bad of ['x', [1], {}])
      assert.equal((await setFaults({ photo_ids: bad })).status, 400);
    await callJson(s, '/api/v1/admin/faults', { method: 'DELETE', token });
  });

  it('issues access tokens that expire early while access_ttl_s is set', async () => {
    await setFaults({ access_ttl_s: 5 });
    const short = (await login(s)).access;
    await callJson(s, '/api/v1/admin/faults', { method: 'DELETE', token });
    const normal = (await login(s)).access;
    s.clock.now += 6_000;
    try {
      const expired = await callJson(s, listPath(), { token: short });
      assert.equal(expired.status, 401);
      assert.match(errorMessage(expired.body), /expired/);
      assert.equal((await call(s, listPath(), { token: normal })).status, 200);
    } finally {
      s.clock.now -= 6_000;
    }
  });

  it('takes initial settings from flags', async () => {
    const flagged = await startServer({
      argv: ['--fault-error-rate', '1', '--fault-error-status', '500', '--fault-routes', 'list'],
    });
    try {
      assert.equal(flagged.faults.settings.error_rate, 1);
      const t = (await login(flagged)).access;
      assert.equal(
        (await call(flagged, `/api/v1/sync/product-photos/?store_id=${storeA}`, { token: t }))
          .status,
        500,
      );
    } finally {
      await flagged.close();
    }
  });
});
