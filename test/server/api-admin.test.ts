/** Admin operations over HTTP (admin-only) and through the `npm run ho` CLI on the same data dir. */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { OBJECT_GRACE_MS, sweepObjects } from '../../server/src/persistence/object-sweeper';
import {
  type TestServer,
  allPhotos,
  call,
  callJson,
  errorMessage,
  login,
  md5,
  startServer,
  tinyJpeg,
} from './harness';

const run = promisify(execFile);

/** Runs the CLI; resolves with exit code and output instead of throwing on failure. */
async function cli(
  server: TestServer,
  ...args: string[]
): Promise<{ code: number; stdout: string; stderr: string }> {
  const { dataDir, databaseUrl } = server.config;
  try {
    const { stdout, stderr } = await run(
      process.execPath,
      ['--import', 'tsx', 'server/src/cli.ts', ...args, '--data-dir', dataDir],
      { env: { ...process.env, ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}) } },
    );
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

describe('admin operations', () => {
  let s: TestServer;
  let token: string;
  let storeA: string;
  const stored = async (key: string) => (await s.images.stat(key)) !== undefined;
  /** The sweep as it runs once the grace period after the latest change has passed. */
  const sweepLater = () => sweepObjects(s.meta, s.images, Date.now() + OBJECT_GRACE_MS + 1000);
  const upload = (url: string, bytes: Uint8Array, method = 'POST', type = 'image/jpeg') =>
    callJson(s, url, { method, token, body: bytes, headers: { 'content-type': type } });

  before(async () => {
    s = await startServer();
    token = (await login(s)).access;
    storeA = s.prep.demoLogins[0]!.store.id;
  });
  after(() => s.close());

  it('lists stores, brands and products', async () => {
    const stores = await callJson(s, '/api/v1/admin/stores/', { token });
    assert.equal(stores.body.data.stores.length, 2);
    const brands = await callJson(s, '/api/v1/admin/brands/', { token });
    assert.ok(brands.body.data.brands.length >= 2);
    const products = await callJson(s, '/api/v1/admin/products/', { token });
    assert.ok(products.body.data.products.length >= 60);
    assert.ok(
      products.body.data.products.every((p: { active: boolean }) => typeof p.active === 'boolean'),
    );
  });

  it('adds a photo with computed checksum and version 1, replaces it (version 2, old bytes gone), reorders and deletes it', async () => {
    const existing = (await allPhotos(s, token, storeA))[0];
    const product = existing.product_id;
    const first = tinyJpeg([10, 200, 30]);
    const added = await upload(
      `/api/v1/admin/products/${product}/photos/?filename=side.jpg&sort_order=9`,
      first,
    );
    assert.equal(added.status, 201);
    const p = added.body.data.photo;
    assert.equal(p.checksum, md5(first));
    assert.equal(p.size, first.length);
    assert.equal(p.version, 1);
    assert.equal(p.content_type, 'image/jpeg');
    assert.equal(p.filename, 'side.jpg');
    assert.equal(p.sort_order, 9);
    assert.ok(await stored(p.object_key));
    const listed = (await allPhotos(s, token, storeA)).find((x) => x.id === p.id);
    assert.equal(listed.checksum, md5(first));

    const second = tinyJpeg([250, 250, 0]);
    const replaced = await upload(`/api/v1/admin/photos/${p.id}/content/`, second, 'PUT');
    assert.equal(replaced.status, 200);
    const r = replaced.body.data.photo;
    assert.equal(r.version, 2);
    assert.equal(r.checksum, md5(second));
    assert.ok(r.updated_at > p.updated_at);
    assert.equal(r.filename, 'side.jpg');
    assert.ok(r.object_key !== p.object_key, 'new bytes get a key of their own');
    assert.ok(await stored(p.object_key), 'replaced bytes stay for downloads still reading them');
    const dl = await call(s, `/api/v1/sync/product-photos/${p.id}/download/?store_id=${storeA}`, {
      token,
    });
    assert.deepEqual(Buffer.from(await dl.arrayBuffer()), second);

    const primary = await callJson(s, `/api/v1/admin/photos/${p.id}/`, {
      method: 'PATCH',
      token,
      json: { is_primary: true, sort_order: 0 },
    });
    assert.equal(primary.status, 200);
    assert.equal(primary.body.data.photo.is_primary, true);
    assert.equal(primary.body.data.photo.sort_order, 0);
    const siblings = (await allPhotos(s, token, storeA)).filter((x) => x.product_id === product);
    assert.deepEqual(
      siblings.filter((x) => x.is_primary).map((x) => x.id),
      [p.id],
    );
    const order = await callJson(s, `/api/v1/admin/photos/${p.id}/`, {
      method: 'PATCH',
      token,
      json: { sort_order: 4 },
    });
    assert.equal(order.body.data.photo.sort_order, 4);

    const del = await callJson(s, `/api/v1/admin/photos/${p.id}/`, { method: 'DELETE', token });
    assert.equal(del.status, 200);
    assert.ok(await stored(r.object_key), 'deleted bytes stay through the grace period');
    await sweepLater();
    assert.ok(!(await stored(r.object_key)), 'deleted bytes are swept after it');
    assert.ok(!(await stored(p.object_key)), 'replaced bytes are swept after it');
    assert.equal(
      (await callJson(s, `/api/v1/admin/photos/${p.id}/`, { method: 'DELETE', token })).status,
      404,
    );
  });

  it('keeps shared bytes until the last photo referencing them is deleted', async () => {
    const all = [
      ...(await allPhotos(s, token, storeA)),
      ...(await allPhotos(s, token, s.prep.demoLogins[1]!.store.id)),
    ];
    const byKey = new Map<string, Set<string>>();
    for (const p of all) byKey.set(p.object_key, (byKey.get(p.object_key) ?? new Set()).add(p.id));
    const [key, idSet] = [...byKey].find(([, v]) => v.size > 1)!;
    const [a, b] = [...idSet] as [string, string];
    assert.equal(
      (await call(s, `/api/v1/admin/photos/${a}/`, { method: 'DELETE', token })).status,
      200,
    );
    await sweepLater();
    assert.ok(await stored(key), 'still referenced by the other product');
    assert.equal(
      (await call(s, `/api/v1/admin/photos/${b}/`, { method: 'DELETE', token })).status,
      200,
    );
    await sweepLater();
    assert.ok(!(await stored(key)));
  });

  it('rejects bad admin input clearly and refuses non-admins', async () => {
    const product = (await allPhotos(s, token, storeA))[0].product_id;
    const cases: [Promise<{ status: number; body: unknown }>, number, RegExp][] = [
      [
        upload(
          `/api/v1/admin/products/${product}/photos/`,
          Buffer.from('plain text, not an image'),
        ),
        400,
        /Not a JPEG/,
      ],
      [
        upload(
          `/api/v1/admin/products/00000000-0000-4000-8000-000000000000/photos/`,
          tinyJpeg([1, 1, 1]),
        ),
        404,
        /not found/,
      ],
      [
        upload(`/api/v1/admin/products/${product}/photos/?filename=a/b.jpg`, tinyJpeg([1, 1, 1])),
        400,
        /filename/,
      ],
      [
        upload(`/api/v1/admin/products/${product}/photos/?is_primary=maybe`, tinyJpeg([1, 1, 1])),
        400,
        /is_primary/,
      ],
      [
        callJson(s, `/api/v1/admin/products/${product}/photos/`, { token, json: { x: 1 } }),
        400,
        /image bytes/,
      ],
      [
        callJson(s, `/api/v1/admin/products/${product}/`, {
          method: 'PATCH',
          token,
          json: { active: 'no' },
        }),
        400,
        /active/,
      ],
      [
        callJson(s, '/api/v1/admin/photos/00000000-0000-4000-8000-000000000000/', {
          method: 'PATCH',
          token,
          json: { sort_order: 1 },
        }),
        404,
        /not found/i,
      ],
      [
        callJson(s, `/api/v1/admin/photos/${product}/`, {
          method: 'PATCH',
          token,
          json: { colour: 'red' },
        }),
        400,
        /is_primary/,
      ],
      [
        callJson(s, `/api/v1/admin/stores/${storeA}/brands/00000000-0000-4000-8000-000000000000/`, {
          method: 'PUT',
          token,
        }),
        404,
        /not found/i,
      ],
      [callJson(s, '/api/v1/admin/stores/not-a-uuid/sync-status/', { token }), 400, /store_id/],
    ];
    for (const [pending, status, message] of cases) {
      const r = await pending;
      assert.equal(r.status, status, JSON.stringify(r.body));
      assert.match(errorMessage(r.body), message);
    }
    const demo = s.prep.demoLogins[0]!;
    const userToken = (await login(s, demo.username, demo.password)).access;
    const forbidden = await callJson(s, `/api/v1/admin/products/${product}/photos/`, {
      token: userToken,
      body: tinyJpeg([1, 1, 1]),
      headers: { 'content-type': 'image/jpeg' },
    });
    assert.equal(forbidden.status, 403);
    assert.equal((await callJson(s, '/api/v1/admin/faults', { token: userToken })).status, 403);
    assert.equal((await callJson(s, '/api/v1/admin/stores/')).status, 401);
  });

  it('drives the same operations from the CLI against the data dir of the running server', async () => {
    const stores = await cli(s, 'list-stores');
    assert.equal(stores.code, 0, stores.stderr);
    assert.deepEqual(
      JSON.parse(stores.stdout)
        .map((x: { id: string }) => x.id)
        .sort(),
      s.prep.demoLogins.map((d) => d.store.id).sort(),
    );
    const products = JSON.parse((await cli(s, 'list-products')).stdout);
    const product = products.find((p: { active: boolean }) => p.active);
    const file = join(s.dataDir, 'cli-upload.jpg');
    const bytes = tinyJpeg([90, 0, 90]);
    writeFileSync(file, bytes);
    const added = await cli(
      s,
      'add-photo',
      '--product',
      product.id,
      '--file',
      file,
      '--primary',
      '--sort-order',
      '3',
    );
    assert.equal(added.code, 0, added.stderr);
    const photo = JSON.parse(added.stdout);
    assert.equal(photo.checksum, md5(bytes));
    assert.equal(photo.filename, 'cli-upload.jpg');
    assert.equal(photo.is_primary, true);
    // The running server sees the CLI's write at once.
    const stores2 = s.prep.demoLogins.map((d) => d.store.id);
    const seenBy = [];
    for (const st of stores2)
      if ((await allPhotos(s, token, st)).some((x) => x.id === photo.id)) seenBy.push(st);
    assert.ok(seenBy.length >= 1);
    const replacement = tinyJpeg([0, 90, 90]);
    writeFileSync(file, replacement);
    const replaced = JSON.parse(
      (await cli(s, 'replace-photo', '--photo', photo.id, '--file', file)).stdout,
    );
    assert.equal(replaced.version, 2);
    assert.equal(replaced.checksum, md5(replacement));
    assert.equal(
      JSON.parse((await cli(s, 'set-sort-order', '--photo', photo.id, '--sort-order', '7')).stdout)
        .sort_order,
      7,
    );
    assert.equal(
      JSON.parse((await cli(s, 'deactivate-product', '--product', product.id)).stdout).active,
      false,
    );
    assert.equal(
      JSON.parse((await cli(s, 'activate-product', '--product', product.id)).stdout).active,
      true,
    );
    assert.equal(
      (await cli(s, 'unlink-brand', '--store', seenBy[0]!, '--brand', product.brand_id)).code,
      0,
    );
    assert.equal(
      (await cli(s, 'link-brand', '--store', seenBy[0]!, '--brand', product.brand_id)).code,
      0,
    );
    assert.equal((await cli(s, 'delete-photo', '--photo', photo.id)).code, 0);
    await sweepLater();
    assert.ok(!(await stored(replaced.object_key)));
    const status = await cli(s, 'sync-status', '--store', storeA);
    assert.ok(Array.isArray(JSON.parse(status.stdout)));

    const missing = await cli(s, 'delete-photo', '--photo', photo.id);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /^error: .*not found/i);
    const usage = await cli(s, 'add-photo', '--file', file);
    assert.equal(usage.code, 2);
    assert.match(usage.stderr, /--product is required/);
    assert.equal((await cli(s, 'frobnicate')).code, 2);
    const textFile = join(s.dataDir, 'not-an-image.txt');
    writeFileSync(textFile, 'plain text, not a photo');
    const notImage = await cli(s, 'add-photo', '--product', product.id, '--file', textFile);
    assert.equal(notImage.code, 1);
    assert.match(notImage.stderr, /Not a JPEG/);
  });

  it('lists sync status per store over HTTP', async () => {
    const photo = (await allPhotos(s, token, storeA))[0];
    await callJson(s, '/api/v1/sync/product-photos/status/', {
      token,
      json: {
        store_id: storeA,
        terminal_id: 'pos-1',
        sync_batch: [{ photo_id: photo.id, status: 'synced', synced_at: null, error: null }],
      },
    });
    const r = await callJson(s, `/api/v1/admin/stores/${storeA}/sync-status/`, { token });
    assert.equal(r.status, 200);
    assert.ok(
      r.body.data.statuses.some(
        (x: { photo_id: string; terminal_id: string }) =>
          x.photo_id === photo.id && x.terminal_id === 'pos-1',
      ),
    );
  });
});
