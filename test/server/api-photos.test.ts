/** The photo list over real HTTP: reference shape, validation, since, scope, extensions, paging under change. */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
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

const REFERENCE_FIELDS = [
  'checksum',
  'content_type',
  'filename',
  'id',
  'image_url',
  'is_primary',
  'object_key',
  'product_id',
  'product_name',
  'product_sku',
  'size',
  'sort_order',
  'updated_at',
  'version',
];

describe('photo list', () => {
  let s: TestServer;
  let token: string;
  let storeA: string;
  let storeB: string;
  const list = (q: string) => callJson(s, `/api/v1/sync/product-photos/?${q}`, { token });
  const ids = (photos: { id: string }[]) => photos.map((p) => p.id);

  before(async () => {
    s = await startServer();
    token = (await login(s)).access;
    [storeA, storeB] = s.prep.demoLogins.map((d) => d.store.id) as [string, string];
  });
  after(() => s.close());

  it('answers the reference wrapper with every photo field, image_url serving the bytes', async () => {
    const r = await list(`store_id=${storeA}&limit=5&offset=0`);
    assert.equal(r.status, 200);
    assert.equal(r.body.status, 'success');
    const d = r.body.data;
    assert.equal(d.photos.length, 5);
    assert.equal(d.has_more, true);
    assert.equal(d.next_offset, 5);
    assert.ok(d.total > 5);
    for (const p of d.photos) {
      assert.deepEqual(Object.keys(p).sort(), REFERENCE_FIELDS);
      assert.match(p.checksum, /^[0-9a-f]{32}$/);
      assert.equal(typeof p.size, 'number');
      assert.equal(typeof p.is_primary, 'boolean');
      assert.ok(p.version >= 1);
      assert.match(p.updated_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);
    }
    const first = d.photos[0];
    const img = await fetch(first.image_url, { headers: { authorization: `Bearer ${token}` } });
    assert.equal(img.status, 200);
    const bytes = new Uint8Array(await img.arrayBuffer());
    assert.equal(bytes.length, first.size);
    assert.equal(md5(bytes), first.checksum);
  });

  it('orders by (updated_at, id), defaults to 100, and ends with next_offset null', async () => {
    const all = await allPhotos(s, token, storeA);
    const sorted = [...all].sort((a, b) =>
      a.updated_at === b.updated_at ? (a.id < b.id ? -1 : 1) : a.updated_at < b.updated_at ? -1 : 1,
    );
    assert.deepEqual(ids(all), ids(sorted));
    const def = await list(`store_id=${storeA}`);
    assert.equal(def.body.data.photos.length, Math.min(100, all.length));
    assert.equal(def.body.data.total, all.length);
    const last = await list(`store_id=${storeA}&limit=7&offset=${all.length - 3}`);
    assert.equal(last.body.data.photos.length, 3);
    assert.equal(last.body.data.has_more, false);
    assert.equal(last.body.data.next_offset, null);
    assert.equal(last.body.data.next_cursor, null);
    const beyond = await list(`store_id=${storeA}&offset=${all.length + 50}`);
    assert.deepEqual(beyond.body.data.photos, []);
    assert.equal(beyond.body.data.next_offset, null);
    const big = await list(`store_id=${storeA}&limit=5000`);
    assert.equal(big.status, 200);
    assert.equal(big.body.data.photos.length, Math.min(1000, all.length));
  });

  it('rejects bad parameters with the reference messages', async () => {
    const cases: [string, number, RegExp][] = [
      ['', 400, /^store_id is required$/],
      ['store_id=', 400, /^store_id is required$/],
      ['store_id=abc', 400, /store_id must be a valid UUID/],
      [`store_id=${storeA}&store_id=${storeB}`, 400, /store_id must be given once/],
      ['store_id=00000000-0000-4000-8000-000000000000', 404, /^Store not found$/],
      [`store_id=${storeA}&since=yesterday`, 400, /since must be an ISO 8601/],
      [`store_id=${storeA}&since=2026-02-30T00:00:00Z`, 400, /since/],
      [`store_id=${storeA}&limit=0`, 400, /limit must be a positive integer/],
      [`store_id=${storeA}&limit=-1`, 400, /limit/],
      [`store_id=${storeA}&limit=1.5`, 400, /limit/],
      [`store_id=${storeA}&limit=ten`, 400, /limit/],
      [`store_id=${storeA}&offset=-3`, 400, /offset must be a non-negative integer/],
      [`store_id=${storeA}&offset=99999999999999999999`, 400, /offset/],
      [`store_id=${storeA}&cursor=garbage`, 400, /cursor is invalid/],
    ];
    for (const [q, status, message] of cases) {
      const r = await list(q);
      assert.equal(r.status, status, q);
      assert.match(errorMessage(r.body), message, q);
    }
  });

  it('treats since as inclusive and accepts ISO 8601 with or without fractions, Z or +00:00', async () => {
    const all = await allPhotos(s, token, storeA);
    const k = Math.floor(all.length / 2);
    const pivot = all[k];
    const expected = all.filter((p) => p.updated_at >= pivot.updated_at).map((p) => p.id);
    const iso: string = pivot.updated_at;
    const variants = [
      iso,
      iso.replace('Z', '+00:00'),
      iso.replace(/\.\d+Z$/, 'Z'),
      iso.replace('Z', '000Z'),
      iso.replace(/\.\d+Z$/, ''),
    ];
    for (const v of variants) {
      const r = await list(`store_id=${storeA}&limit=1000&since=${encodeURIComponent(v)}`);
      assert.equal(r.status, 200, v);
      const got: string[] = ids(r.body.data.photos);
      assert.ok(got.includes(pivot.id), `inclusive for ${v}`);
      for (const id of expected) assert.ok(got.includes(id), v);
    }
    // An unencoded "+" arrives as a space; it is read back as the offset sign.
    const raw = await list(`store_id=${storeA}&limit=1000&since=${iso.replace('Z', '+00:00')}`);
    assert.equal(raw.status, 200);
    assert.deepEqual(ids(raw.body.data.photos), expected);
    const future = await list(`store_id=${storeA}&since=2999-01-01T00:00:00Z`);
    assert.deepEqual(future.body.data.photos, []);
    assert.equal(future.body.data.total, 0);
    assert.equal(future.body.data.next_offset, null);
  });

  it('scopes photos to the store: other stores see other sets, downloads of foreign photos are 404', async () => {
    const a = new Set(ids(await allPhotos(s, token, storeA)));
    const b = new Set(ids(await allPhotos(s, token, storeB)));
    const onlyA = [...a].find((id) => !b.has(id));
    assert.ok(onlyA, 'the demo stores carry different brand sets');
    assert.notDeepEqual(a, b);
    const foreign = await callJson(
      s,
      `/api/v1/sync/product-photos/${onlyA}/download/?store_id=${storeB}`,
      { token },
    );
    assert.equal(foreign.status, 404);
    assert.equal(errorMessage(foreign.body), 'Photo not found');
  });

  it('sync_timestamp is a safe next since, and deleted_ids reports photos that left scope', async () => {
    const start = await list(`store_id=${storeA}&limit=1`);
    const since: string = start.body.data.sync_timestamp;
    assert.match(since, /Z$/);
    const none = await list(`store_id=${storeA}&since=${since}`);
    assert.deepEqual(none.body.data.photos, []);
    assert.deepEqual(none.body.data.deleted_ids, []);

    const all = await allPhotos(s, token, storeA);
    const [victim, other] = [all[0], all.find((p) => p.product_id !== all[0].product_id)];
    const replaced = await callJson(s, `/api/v1/admin/photos/${other.id}/content/`, {
      method: 'PUT',
      token,
      body: tinyJpeg([200, 10, 10]),
      headers: { 'content-type': 'image/jpeg' },
    });
    assert.equal(replaced.status, 200);
    assert.equal(
      (await call(s, `/api/v1/admin/photos/${victim.id}/`, { method: 'DELETE', token })).status,
      200,
    );

    const delta = await list(`store_id=${storeA}&since=${since}`);
    assert.deepEqual(ids(delta.body.data.photos), [other.id]);
    assert.equal(delta.body.data.photos[0].version, other.version + 1);
    assert.deepEqual(delta.body.data.deleted_ids, [victim.id]);

    // Deactivating a product tombstones its photos; reactivating brings them back as changes.
    const since2: string = delta.body.data.sync_timestamp;
    const product = other.product_id;
    const productPhotos = all
      .filter((p) => p.product_id === product)
      .map((p) => p.id)
      .sort();
    assert.equal(
      (
        await callJson(s, `/api/v1/admin/products/${product}/`, {
          method: 'PATCH',
          token,
          json: { active: false },
        })
      ).status,
      200,
    );
    const off = await list(`store_id=${storeA}&since=${since2}&limit=1000`);
    assert.deepEqual([...off.body.data.deleted_ids].sort(), productPhotos);
    assert.ok(!ids(await allPhotos(s, token, storeA)).some((id) => productPhotos.includes(id)));
    const since3: string = off.body.data.sync_timestamp;
    assert.equal(
      (
        await callJson(s, `/api/v1/admin/products/${product}/`, {
          method: 'PATCH',
          token,
          json: { active: true },
        })
      ).status,
      200,
    );
    const on = await list(`store_id=${storeA}&since=${since3}&limit=1000`);
    assert.deepEqual(ids(on.body.data.photos).sort(), productPhotos);
    assert.ok(!on.body.data.deleted_ids.some((id: string) => productPhotos.includes(id)));

    // Unlinking a brand tombstones every photo of that brand for this store only.
    const brand = (await s.meta.getProduct(product))!.brand_id;
    const since4: string = on.body.data.sync_timestamp;
    assert.equal(
      (
        await call(s, `/api/v1/admin/stores/${storeA}/brands/${brand}/`, {
          method: 'DELETE',
          token,
        })
      ).status,
      200,
    );
    const unlinked = await list(`store_id=${storeA}&since=${since4}&limit=1000`);
    assert.ok(productPhotos.every((id) => unlinked.body.data.deleted_ids.includes(id)));
    assert.equal(
      (await call(s, `/api/v1/admin/stores/${storeA}/brands/${brand}/`, { method: 'PUT', token }))
        .status,
      200,
    );
    const relinked = await list(
      `store_id=${storeA}&since=${unlinked.body.data.sync_timestamp}&limit=1000`,
    );
    assert.ok(productPhotos.every((id) => ids(relinked.body.data.photos).includes(id)));
  });

  /** Changes two photos of the pass: one already read, one not yet read. */
  async function mutate(seen: string, unseen: string, rgb: [number, number, number]) {
    for (const id of [seen, unseen]) {
      const r = await call(s, `/api/v1/admin/photos/${id}/content/`, {
        method: 'PUT',
        token,
        body: tinyJpeg(rgb),
        headers: { 'content-type': 'image/jpeg' },
      });
      assert.equal(r.status, 200);
    }
  }

  it('cursor paging skips nothing while photos change between pages', async () => {
    const before = ids(await allPhotos(s, token, storeA));
    const seen = new Map<string, number>();
    let cursor: string | null = null;
    let page = 0;
    const q = `store_id=${storeA}&limit=10`;
    do {
      const r = await list(cursor ? `${q}&cursor=${cursor}` : q);
      assert.equal(r.status, 200);
      assert.equal(r.body.data.next_offset, cursor ? null : r.body.data.has_more ? 10 : null);
      for (const p of r.body.data.photos) seen.set(p.id, p.version);
      cursor = r.body.data.next_cursor;
      if (page === 1) {
        const list1 = [...seen.keys()];
        await mutate(list1[0]!, before.find((id) => !seen.has(id))!, [page * 40, 90, 30]);
      }
      page += 1;
    } while (cursor);
    const finalPhotos = await allPhotos(s, token, storeA);
    for (const p of finalPhotos) {
      assert.ok(seen.has(p.id), `photo ${p.id} was skipped`);
      assert.equal(seen.get(p.id), p.version, `photo ${p.id} was seen in its final version`);
    }
  });

  it('offset paging never skips silently: a shifted page shows up as a repeated id or a changed total', async () => {
    const seenOrder: string[] = [];
    const totals = new Set<number>();
    let offset: number | null = 0;
    let page = 0;
    const before = ids(await allPhotos(s, token, storeA));
    while (offset !== null) {
      const r = await list(`store_id=${storeA}&limit=10&offset=${offset}`);
      seenOrder.push(...ids(r.body.data.photos));
      totals.add(r.body.data.total);
      offset = r.body.data.next_offset;
      if (page === 1)
        await mutate(seenOrder[0]!, before.find((id) => !seenOrder.includes(id))!, [10, 10, 250]);
      page += 1;
    }
    const finalIds = ids(await allPhotos(s, token, storeA));
    const skipped = finalIds.filter((id) => !seenOrder.includes(id));
    const repeated = seenOrder.length !== new Set(seenOrder).size;
    assert.ok(
      skipped.length === 0 || repeated || totals.size > 1,
      'a skip must be detectable by the client',
    );
    assert.ok(repeated, 'the photo changed after it was read reappears at the end');
  });
});

describe('photo list limit cap', () => {
  it('caps limit at 1000 and pages the rest', async () => {
    const s = await startServer({
      argv: ['--no-demo', '--catalog', '1001', '--avg-bytes', '2000'],
    });
    try {
      const token = (await login(s)).access;
      const store = s.prep.benchmarkStore!.id;
      const r = await callJson(s, `/api/v1/sync/product-photos/?store_id=${store}&limit=5000`, {
        token,
      });
      assert.equal(r.body.data.photos.length, 1000);
      assert.equal(r.body.data.total, 1001);
      assert.equal(r.body.data.has_more, true);
      assert.equal(r.body.data.next_offset, 1000);
      const rest = await callJson(
        s,
        `/api/v1/sync/product-photos/?store_id=${store}&limit=5000&cursor=${r.body.data.next_cursor}`,
        { token },
      );
      assert.equal(rest.body.data.photos.length, 1);
      assert.equal(rest.body.data.next_cursor, null);
    } finally {
      await s.close();
    }
  });
});
