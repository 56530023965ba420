/** Static PWA serving with cache headers and SPA fallback, CORS (preflight, exposure, refusals), proxy mode. */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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

const dist = mkdtempSync(join(tmpdir(), 'ho-dist-'));
mkdirSync(join(dist, 'assets'));
writeFileSync(join(dist, 'index.html'), '<!doctype html><title>PWA shell</title>');
writeFileSync(join(dist, 'sw.js'), 'self.addEventListener("fetch", () => {});');
writeFileSync(join(dist, 'manifest.webmanifest'), '{"name":"x"}');
writeFileSync(join(dist, 'config.json'), '{}');
writeFileSync(join(dist, 'assets', 'index-abc123.js'), 'console.log(1)');
writeFileSync(join(dist, '.env'), 'SECRET=1');
after(() => rmSync(dist, { recursive: true, force: true }));

const HTML = { accept: 'text/html,application/xhtml+xml' };

describe('static PWA', () => {
  let s: TestServer;
  before(async () => {
    s = await startServer({ staticDir: dist });
  });
  after(() => s.close());

  it('serves hashed assets immutable and the shell files no-cache, with validators', async () => {
    const asset = await call(s, '/assets/index-abc123.js');
    assert.equal(asset.status, 200);
    assert.equal(asset.headers.get('cache-control'), 'public, max-age=31536000, immutable');
    assert.match(asset.headers.get('content-type')!, /javascript/);
    for (const [path, type] of [
      ['/', /text\/html/],
      ['/index.html', /text\/html/],
      ['/sw.js', /javascript/],
      ['/manifest.webmanifest', /manifest\+json/],
      ['/config.json', /json/],
    ] as const) {
      const r = await call(s, path);
      assert.equal(r.status, 200, path);
      assert.equal(r.headers.get('cache-control'), 'no-cache', path);
      assert.match(r.headers.get('content-type')!, type);
      const again = await call(s, path, { headers: { 'if-none-match': r.headers.get('etag')! } });
      assert.equal(again.status, 304, path);
    }
    const head = await call(s, '/sw.js', { method: 'HEAD' });
    assert.equal(head.status, 200);
    assert.ok(Number(head.headers.get('content-length')) > 0);
  });

  it('falls back to index.html for HTML navigations only, and never serves API paths, dotfiles or traversal', async () => {
    const nav = await call(s, '/photos/123', { headers: HTML });
    assert.equal(nav.status, 200);
    assert.match(await nav.text(), /PWA shell/);
    assert.equal(nav.headers.get('cache-control'), 'no-cache');
    const missingAsset = await callJson(s, '/assets/gone-999.js');
    assert.equal(missingAsset.status, 404);
    assert.equal(errorMessage(missingAsset.body), 'Not found');
    for (const path of ['/api/v1/nothing/', '/api/v1/sync/product-photos/x/y/z']) {
      const r = await callJson(s, path, { headers: HTML });
      assert.equal(r.status, 404, path);
      errorMessage(r.body);
    }
    for (const path of ['/.env', '/..%2f..%2fetc%2fpasswd', '/assets/..%2f..%2f.env']) {
      const r = await call(s, path);
      assert.equal(r.status, 404, path);
      assert.doesNotMatch(await r.text(), /SECRET/);
    }
    const post = await callJson(s, '/index.html', { method: 'POST', json: {} });
    assert.equal(post.status, 404);
  });

  it('explains how to build when the static dir is missing', async () => {
    const bare = await startServer();
    try {
      const r = await call(bare, '/', { headers: HTML });
      assert.equal(r.status, 404);
      assert.match(await r.text(), /npm run build/);
      assert.equal((await callJson(bare, '/app.js')).status, 404);
    } finally {
      await bare.close();
    }
  });
});

describe('CORS', () => {
  let any: TestServer;
  let listed: TestServer;
  before(async () => {
    any = await startServer();
    listed = await startServer({ env: { CORS_ORIGINS: 'https://pos.example.com' } });
  });
  after(async () => {
    await any.close();
    await listed.close();
  });

  const preflight = (server: TestServer, origin: string) =>
    call(server, '/api/v1/sync/product-photos/', {
      method: 'OPTIONS',
      headers: {
        origin,
        'access-control-request-method': 'GET',
        'access-control-request-headers': 'authorization',
      },
    });

  it('answers preflights for allowed origins and refuses others', async () => {
    for (const [server, origin, allow] of [
      [any, 'https://anything.test', '*'],
      [listed, 'https://pos.example.com', 'https://pos.example.com'],
    ] as const) {
      const r = await preflight(server, origin);
      assert.equal(r.status, 204);
      assert.equal(r.headers.get('access-control-allow-origin'), allow);
      assert.match(r.headers.get('access-control-allow-methods')!, /GET/);
      assert.match(r.headers.get('access-control-allow-headers')!, /authorization/i);
    }
    const refused = await preflight(listed, 'https://evil.example');
    assert.equal(refused.status, 403);
    assert.equal(refused.headers.get('access-control-allow-origin'), null);
    errorMessage(await refused.json());
  });

  it('exposes the sync headers on downloads and keeps CORS headers on errors', async () => {
    const token = (await login(listed)).access;
    const storeA = listed.prep.demoLogins[0]!.store.id;
    const photo = (await allPhotos(listed, token, storeA))[0];
    const r = await call(
      listed,
      `/api/v1/sync/product-photos/${photo.id}/download/?store_id=${storeA}`,
      { token, headers: { origin: 'https://pos.example.com' } },
    );
    assert.equal(r.status, 200);
    assert.equal(r.headers.get('access-control-allow-origin'), 'https://pos.example.com');
    const exposed = r.headers.get('access-control-expose-headers')!;
    for (const h of ['X-Checksum', 'X-Version', 'ETag', 'Content-Disposition', 'Content-Length'])
      assert.match(exposed, new RegExp(h));
    const denied = await call(listed, `/api/v1/sync/product-photos/?store_id=${storeA}`, {
      headers: { origin: 'https://pos.example.com' },
    });
    assert.equal(denied.status, 401);
    assert.equal(denied.headers.get('access-control-allow-origin'), 'https://pos.example.com');
    const foreign = await call(listed, `/api/v1/sync/product-photos/?store_id=${storeA}`, {
      token,
      headers: { origin: 'https://evil.example' },
    });
    assert.equal(foreign.headers.get('access-control-allow-origin'), null);
  });
});

describe('proxy mode', () => {
  let upstream: TestServer;
  let proxy: TestServer;
  before(async () => {
    upstream = await startServer();
    proxy = await startServer({ argv: ['--proxy', upstream.url], staticDir: dist });
  });
  after(async () => {
    await proxy.close();
    await upstream.close();
  });

  it('forwards /api/ (auth, list, download, status) to the real HO and serves the PWA itself', async () => {
    const token = (await login(proxy)).access;
    const storeA = upstream.prep.demoLogins[0]!.store.id;
    const list = await callJson(proxy, `/api/v1/sync/product-photos/?store_id=${storeA}&limit=2`, {
      token,
    });
    assert.equal(list.status, 200);
    const photo = list.body.data.photos[0];
    const dl = await call(
      proxy,
      `/api/v1/sync/product-photos/${photo.id}/download/?store_id=${storeA}`,
      { token, headers: { range: 'bytes=0-99' } },
    );
    assert.equal(dl.status, 206);
    assert.equal(dl.headers.get('x-checksum'), photo.checksum);
    const full = await call(
      proxy,
      `/api/v1/sync/product-photos/${photo.id}/download/?store_id=${storeA}`,
      { token },
    );
    assert.equal(md5(new Uint8Array(await full.arrayBuffer())), photo.checksum);
    const status = await callJson(proxy, '/api/v1/sync/product-photos/status/', {
      token,
      json: {
        store_id: storeA,
        sync_batch: [{ photo_id: photo.id, status: 'synced', synced_at: null, error: null }],
      },
    });
    assert.deepEqual(status.body, {
      status: 'success',
      message: 'Sync status updated for 1 photos',
    });
    const unauth = await callJson(proxy, `/api/v1/sync/product-photos/?store_id=${storeA}`);
    assert.equal(unauth.status, 401);
    assert.match(unauth.res.headers.get('www-authenticate')!, /Bearer/);
    assert.match(await (await call(proxy, '/', { headers: HTML })).text(), /PWA shell/);
  });

  it('answers 502 in the error shape when the HO is unreachable', async () => {
    const closed = await new Promise<number>((resolve) => {
      const srv = createServer().listen(0, '127.0.0.1', () => {
        const port = (srv.address() as { port: number }).port;
        srv.close(() => resolve(port));
      });
    });
    const orphan = await startServer({ argv: ['--proxy', `http://127.0.0.1:${closed}`] });
    try {
      const r = await callJson(orphan, '/api/token/', { json: { username: 'a', password: 'b' } });
      assert.equal(r.status, 502);
      assert.match(errorMessage(r.body), /unreachable/);
    } finally {
      await orphan.close();
    }
  });
});
