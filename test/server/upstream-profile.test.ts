/** `--profile upstream`: the HO as upstream deploys it, over real HTTP (list, tokens, routes, image origin, config). */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ConfigError, loadConfig } from '../../server/src/config';
import { ADMIN, type TestServer, call, callJson, md5, startServer } from './harness';

const LIST = '/api/v1/sync/product-photos/';

describe('upstream profile', () => {
  let s: TestServer;
  let token: string;
  let refresh: string;
  let store: { id: string; code: string; name: string };
  let companyId: string;
  const staticDir = mkdtempSync(join(tmpdir(), 'ho-upstream-static-'));
  const post = (json: unknown, t = token) => callJson(s, LIST, { token: t, json });

  before(async () => {
    writeFileSync(join(staticDir, 'sw.js'), '// worker');
    s = await startServer({ argv: ['--profile', 'upstream'], staticDir });
    const r = await callJson(s, '/api/v1/token/', { json: ADMIN });
    assert.equal(r.status, 200);
    ({ access: token, refresh } = r.body);
    store = s.prep.demoLogins[0]!.store;
    companyId = (await s.meta.getStore(store.id))!.company_id;
  });
  after(async () => {
    await s.close();
    rmSync(staticDir, { recursive: true, force: true });
  });

  it('answers GET on the list with 405 as Django REST framework does, after authentication', async () => {
    const r = await callJson(s, `${LIST}?store_id=${store.id}`, { token });
    assert.equal(r.status, 405);
    assert.deepEqual(r.body, { detail: 'Method "GET" not allowed.' });
    assert.equal(r.res.headers.get('allow'), 'POST, OPTIONS');
    assert.equal((await call(s, `${LIST}?store_id=${store.id}`)).status, 401);
  });

  it('lists with POST in the flat shape, pages by offset, names the store', async () => {
    const first = await post({ store_id: store.id, company_id: companyId, limit: 5, offset: 0 });
    assert.equal(first.status, 200);
    const b = first.body;
    assert.equal(b.status, undefined, 'no wrapper');
    assert.equal(b.photos.length, 5);
    assert.equal(b.has_more, true);
    assert.equal(b.next_offset, 5);
    assert.deepEqual(b.deleted_ids, []);
    assert.match(b.sync_timestamp, /^\d{4}-\d\d-\d\dT/);
    assert.deepEqual(b.store, { id: store.id, code: store.code, name: store.name });
    assert.deepEqual(b.filter, { company_id: companyId, store_id: store.id, updated_since: null });
    let offset: number | null = 5;
    const ids = b.photos.map((p: { id: string }) => p.id);
    while (offset !== null) {
      const page = await post({ store_id: store.id, limit: 5, offset });
      ids.push(...page.body.photos.map((p: { id: string }) => p.id));
      offset = page.body.next_offset;
      if (offset === null) assert.equal(page.body.has_more, false, 'next_offset null on the last');
    }
    assert.equal(ids.length, b.total);
    assert.equal(new Set(ids).size, b.total);
    const since = await post({ store_id: store.id, updated_since: b.sync_timestamp });
    assert.equal(since.status, 200);
    assert.equal(since.body.filter.updated_since, b.sync_timestamp);
  });

  it('rejects bad bodies, another company and stores out of scope', async () => {
    assert.equal((await post({ limit: 5 })).status, 400);
    assert.equal((await post({ store_id: store.id, limit: 'x' })).status, 400);
    assert.equal((await post({ store_id: store.id, updated_since: 'yesterday' })).status, 400);
    assert.equal((await post([store.id])).status, 400);
    const other = await post({ store_id: store.id, company_id: crypto.randomUUID() });
    assert.equal(other.status, 404);
    const demo = s.prep.demoLogins[1]!;
    const t = await callJson(s, '/api/v1/token/', {
      json: { username: demo.username, password: demo.password },
    });
    assert.equal((await post({ store_id: store.id }, t.body.access)).status, 403);
  });

  it('serves image_url on a second origin with ?v=, bytes matching the checksum, without a token', async () => {
    assert.ok(s.imageOrigin !== null && s.imageOrigin !== new URL(s.url).origin);
    const { photos } = (await post({ store_id: store.id, limit: 3 })).body;
    for (const p of photos) {
      const url = new URL(p.image_url);
      assert.equal(url.origin, s.imageOrigin);
      assert.equal(url.searchParams.get('v'), p.checksum.slice(0, 8));
      const res = await fetch(url, { headers: { origin: 'http://pos.test' } });
      assert.equal(res.status, 200);
      assert.equal(res.headers.get('access-control-allow-origin'), '*');
      assert.equal(md5(new Uint8Array(await res.arrayBuffer())), p.checksum);
    }
    const preflight = await fetch(photos[0].image_url, {
      method: 'OPTIONS',
      headers: { origin: 'http://pos.test', 'access-control-request-method': 'GET' },
    });
    assert.equal(preflight.status, 204);
    assert.equal((await fetch(`${s.imageOrigin}/product-images/nope`)).status, 404);
    const csp = (await call(s, '/sw.js')).headers.get('content-security-policy') ?? '';
    assert.ok(csp.includes(`connect-src 'self' ${s.imageOrigin}`), csp);
  });

  it('has tokens at /api/v1/token/ only, and no download, status or store routes', async () => {
    assert.equal((await call(s, '/api/token/', { json: ADMIN })).status, 404);
    const renewed = await callJson(s, '/api/v1/token/refresh/', { json: { refresh } });
    assert.equal(renewed.status, 200);
    assert.equal((await call(s, '/api/token/refresh/', { json: { refresh } })).status, 404);
    const { photos } = (await post({ store_id: store.id, limit: 1 })).body;
    const download = `${LIST}${photos[0].id}/download/?store_id=${store.id}`;
    assert.equal((await call(s, download, { token })).status, 404);
    const status = await call(s, `${LIST}status/`, { token, json: { store_id: store.id } });
    assert.equal(status.status, 404);
    assert.equal((await call(s, '/api/v1/stores/', { token })).status, 404);
  });
});

describe('upstream profile configuration', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'ho-upstream-config-'));
  after(() => rmSync(dataDir, { recursive: true, force: true }));
  const load = (argv: string[], env: NodeJS.ProcessEnv = {}) =>
    loadConfig(['--data-dir', dataDir, ...argv], env);

  it('reads --profile and HO_PROFILE, --image-port and IMAGE_PORT', () => {
    assert.equal(load([]).profile, 'reference');
    assert.equal(load(['--profile', 'upstream']).profile, 'upstream');
    const c = load([], { HO_PROFILE: 'upstream', IMAGE_PORT: '9100' });
    assert.equal(c.profile, 'upstream');
    assert.equal(c.imagePort, 9100);
  });

  it('rejects what cannot work with one clear line', () => {
    const bad: [string[], RegExp][] = [
      [['--profile', 'django'], /profile must be reference or upstream/],
      [['--profile', 'upstream', '--proxy', 'http://ho.test'], /cannot be combined/],
      [['--profile', 'upstream', '--reference-only'], /cannot be combined/],
      [['--image-port', '9100'], /needs --profile upstream/],
      [['--profile', 'upstream', '--image-port', '70000'], /image-port must be between/],
      [['--profile', 'upstream', '--port', '9100', '--image-port', '9100'], /must differ/],
    ];
    for (const [argv, message] of bad)
      assert.throws(
        () => load(argv),
        (e) => e instanceof ConfigError && message.test(e.message),
      );
  });
});
