/**
 * Several stateless instances on one PostgreSQL database: two server processes start together on an
 * empty database (migrations and demo seeding under locks), every write through one is visible through
 * the other at once, and an instance killed with SIGKILL in the middle of uploads leaves the other
 * serving only consistent rows (every listed photo downloads with its MD5).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { ADMIN, TEST_JWT_SECRET, allPhotos, call, callJson, login, md5, tinyJpeg } from './harness';
import { freshDatabase } from './postgres';

/** One server process (server/src/main.ts) with a data dir of its own. */
interface Instance {
  url: string;
  child: ChildProcess;
  exited: Promise<unknown>;
  dataDir: string;
}

/** Starts main.ts with `env` and resolves once it prints its listening line. */
async function startInstance(env: Record<string, string>): Promise<Instance> {
  const dataDir = mkdtempSync(join(tmpdir(), 'ho-instance-'));
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'server/src/main.ts', '--port', '0', '--data-dir', dataDir],
    { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const exited = new Promise((done) => child.once('exit', done));
  for await (const line of createInterface({ input: child.stdout! })) {
    const m = /^HO server listening on (http:\/\/\S+)$/.exec(line);
    if (m) {
      child.stdout!.resume();
      return { url: m[1]!, child, exited, dataDir };
    }
  }
  throw new Error('server exited before it was listening');
}

async function stopInstance(instance: Instance | undefined): Promise<void> {
  if (!instance) return;
  if (instance.child.exitCode === null && instance.child.signalCode === null)
    instance.child.kill('SIGTERM');
  await instance.exited;
  rmSync(instance.dataDir, { recursive: true, force: true });
}

describe('two instances on one PostgreSQL database', () => {
  let a: Instance;
  let b: Instance;
  let token: string;
  let store: string;
  const start = (databaseUrl: string) =>
    startInstance({
      DATABASE_URL: databaseUrl,
      JWT_SECRET: TEST_JWT_SECRET,
      ADMIN_USERNAME: ADMIN.username,
      ADMIN_PASSWORD: ADMIN.password,
      LOG_LEVEL: 'silent',
      // A small generated catalog instead of the demo: quick to seed, and seeding still races.
      DEMO: '0',
      CATALOG_PHOTOS: '12',
      CATALOG_AVG_BYTES: '2000',
      CATALOG_SEED: '5',
    });
  const list = (server: Instance, query: string) =>
    callJson(server, `/api/v1/sync/product-photos/?store_id=${store}&${query}`, { token });
  const upload = (server: Instance, product: string, bytes: Uint8Array) =>
    callJson(server, `/api/v1/admin/products/${product}/photos/`, {
      token,
      body: bytes,
      headers: { 'content-type': 'image/jpeg' },
    });

  before(async () => {
    const databaseUrl = await freshDatabase();
    [a, b] = await Promise.all([start(databaseUrl), start(databaseUrl)]);
    token = (await login(a)).access;
    store = (await callJson(b, '/api/v1/stores/', { token })).body.data.stores[0].id;
  });
  after(async () => {
    await stopInstance(a);
    await stopInstance(b);
  });

  it('both started on the same empty database, seeded once, and report healthy', async () => {
    for (const server of [a, b]) assert.equal((await call(server, '/healthz')).status, 200);
    const fromA = await allPhotos(a, token, store);
    const fromB = await allPhotos(b, token, store);
    assert.ok(fromA.length > 0);
    assert.deepEqual(
      fromB.map((p) => p.id),
      fromA.map((p) => p.id),
      'one catalog, not two seeds',
    );
  });

  it('reads through one instance what was written through the other, at once', async () => {
    const first = await list(b, 'limit=1000');
    const since = first.body.data.sync_timestamp;
    const product = first.body.data.photos[0].product_id;
    const bytes = tinyJpeg([200, 30, 90]);
    const added = await upload(a, product, bytes);
    assert.equal(added.status, 201);
    const photo = added.body.data.photo;

    const changed = await list(b, `since=${encodeURIComponent(since)}`);
    assert.deepEqual(
      changed.body.data.photos.map((p: { id: string }) => p.id),
      [photo.id],
    );
    const download = await call(
      b,
      `/api/v1/sync/product-photos/${photo.id}/download/?store_id=${store}`,
      {
        token,
      },
    );
    assert.equal(download.status, 200);
    assert.equal(md5(new Uint8Array(await download.arrayBuffer())), md5(bytes));

    // Keyset paging continues on the other instance.
    const page = await list(a, 'limit=2');
    const next = await list(b, `limit=1000&cursor=${page.body.data.next_cursor}`);
    assert.equal(next.status, 200);
    assert.equal(
      page.body.data.photos.length + next.body.data.photos.length,
      first.body.data.total + 1,
    );

    // Admin op through B, its tombstone seen through A.
    const deleted = await callJson(b, `/api/v1/admin/photos/${photo.id}/`, {
      method: 'DELETE',
      token,
    });
    assert.equal(deleted.status, 200);
    const after = await list(a, `since=${encodeURIComponent(since)}`);
    assert.ok(after.body.data.deleted_ids.includes(photo.id));
    const gone = await call(
      a,
      `/api/v1/sync/product-photos/${photo.id}/download/?store_id=${store}`,
      {
        token,
      },
    );
    assert.equal(gone.status, 404);
  });

  it('shares status reports and the refresh-token blacklist', async () => {
    const photo = (await list(a, 'limit=1')).body.data.photos[0];
    const report = await callJson(a, '/api/v1/sync/product-photos/status/', {
      token,
      json: {
        store_id: store,
        terminal_id: 'till-7',
        sync_batch: [{ photo_id: photo.id, status: 'synced', synced_at: new Date().toISOString() }],
      },
    });
    assert.equal(report.status, 200);
    const statuses = await callJson(b, `/api/v1/admin/stores/${store}/sync-status/`, { token });
    assert.ok(
      statuses.body.data.statuses.some(
        (s: { photo_id: string; terminal_id: string }) =>
          s.photo_id === photo.id && s.terminal_id === 'till-7',
      ),
    );

    const { refresh } = await login(b);
    assert.equal((await callJson(a, '/api/token/refresh/', { json: { refresh } })).status, 200);
    const reuse = await callJson(b, '/api/token/refresh/', { json: { refresh } });
    assert.equal(reuse.status, 401, 'a refresh token used on A is blacklisted on B');
  });

  it('keeps serving consistent data when the other instance is killed mid-write', async () => {
    const product = (await list(a, 'limit=1')).body.data.photos[0].product_id;
    const big = (seed: number) => {
      // A valid JPEG header followed by enough bytes that the upload is still in flight when A dies.
      const head = tinyJpeg([seed % 256, 10, 10]);
      const out = new Uint8Array(4 * 1024 * 1024);
      out.set(head);
      return out;
    };
    const first = await upload(a, product, big(1));
    assert.equal(first.status, 201);
    const inFlight = [2, 3, 4, 5].map((n) => upload(a, product, big(n)).catch(() => undefined));
    a.child.kill('SIGKILL');
    await Promise.all(inFlight);

    assert.equal((await call(b, '/healthz')).status, 200);
    const photos = await allPhotos(b, token, store);
    assert.ok(photos.some((p) => p.id === first.body.data.photo.id));
    for (const p of photos) {
      const r = await call(b, `/api/v1/sync/product-photos/${p.id}/download/?store_id=${store}`, {
        token,
      });
      assert.equal(r.status, 200, p.id);
      assert.equal(md5(new Uint8Array(await r.arrayBuffer())), p.checksum, p.id);
    }
  });
});
