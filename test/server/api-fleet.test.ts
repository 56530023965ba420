/**
 * The fleet console's admin API over real HTTP: admin only (401/403), states current / behind /
 * silent from real status reports, the latest reported name, failures with reasons, paging and
 * filters, terminal and store detail, and bad query values answered 400.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { FleetOverview, StoreDetail, TerminalDetail } from '../../src/shared/fleet-api';
import {
  allPhotos,
  callJson,
  errorMessage,
  login,
  startServer,
  type TestServer,
  tinyJpeg,
} from './harness';

const FLEET = '/api/v1/admin/fleet/';
const STATUS = '/api/v1/sync/product-photos/status/';
const DAY_MS = 86_400_000;

describe('fleet API', () => {
  let s: TestServer;
  let admin: string;
  let storeUser: string;
  let storeA: string;
  let storeB: string;
  let photos: { id: string; product_id: string }[];

  const get = async <T>(path: string, token = admin) => {
    const r = await callJson<{ data: T }>(s, path, { token });
    assert.equal(r.status, 200, `${path}: ${JSON.stringify(r.body)}`);
    return r.body.data;
  };
  const report = async (
    terminal_id: string,
    items: { photo_id: string; status: 'synced' | 'failed'; error?: string }[],
    terminal_name?: string,
  ) => {
    const r = await callJson(s, STATUS, {
      token: admin,
      json: {
        store_id: storeA,
        terminal_id,
        ...(terminal_name === undefined ? {} : { terminal_name }),
        sync_batch: items.map((i) => ({
          photo_id: i.photo_id,
          status: i.status,
          synced_at: i.status === 'synced' ? new Date(s.clock.now).toISOString() : null,
          error: i.error ?? null,
        })),
      },
    });
    assert.equal(r.status, 200, JSON.stringify(r.body));
  };
  const terminalsOf = (o: FleetOverview, store: string) =>
    o.stores.find((x) => x.store_id === store)?.terminals ?? [];

  before(async () => {
    s = await startServer();
    admin = (await login(s)).access;
    const demo = s.prep.demoLogins[0]!;
    storeUser = (await login(s, demo.username, demo.password)).access;
    [storeA, storeB] = s.prep.demoLogins.map((d) => d.store.id) as [string, string];
    photos = await allPhotos(s, admin, storeA);
    assert.ok(photos.length >= 3, 'the demo store has photos');
  });
  after(() => s.close());

  it('answers 401 without a token and 403 to a store account, on every fleet route', async () => {
    for (const path of [
      FLEET,
      `/api/v1/admin/stores/${storeA}/fleet/`,
      `/api/v1/admin/stores/${storeA}/terminals/till-1/`,
    ]) {
      const anonymous = await callJson(s, path);
      assert.equal(anonymous.status, 401, path);
      errorMessage(anonymous.body);
      const store = await callJson(s, path, { token: storeUser });
      assert.equal(store.status, 403, path);
      assert.equal(errorMessage(store.body), 'Admin access required');
    }
  });

  it('lists every store, with no terminal before any report', async () => {
    const o = await get<FleetOverview>(FLEET);
    assert.equal(o.total, (await s.meta.listStores()).length);
    assert.deepEqual(o.counts, { current: 0, behind: 0, silent: 0 });
    const a = o.stores.find((x) => x.store_id === storeA)!;
    assert.equal(a.photos, photos.length);
    assert.deepEqual(a.terminals, []);
    assert.equal(o.silent_after_s, 86_400);
  });

  it('tells a current terminal from one behind, with the failure reason and the latest name', async () => {
    await report(
      'till-1',
      photos.map((p) => ({ photo_id: p.id, status: 'synced' })),
      'Kasir 1',
    );
    const [first, failing] = [photos[0]!, photos[1]!];
    await report(
      'till-2',
      [
        { photo_id: first.id, status: 'synced' },
        { photo_id: failing.id, status: 'failed', error: 'checksum mismatch' },
      ],
      'Kasir 2',
    );
    // A later report renames till-1; one without the field keeps the name.
    await report('till-1', [{ photo_id: first.id, status: 'synced' }], 'Kasir Satu');
    await report('till-2', [{ photo_id: first.id, status: 'synced' }]);

    const o = await get<FleetOverview>(FLEET);
    assert.deepEqual(o.counts, { current: 1, behind: 1, silent: 0 });
    const [t1, t2] = terminalsOf(o, storeA);
    assert.equal(t1?.terminal_id, 'till-1');
    assert.equal(t1.name, 'Kasir Satu');
    assert.equal(t1.state, 'current');
    assert.equal(t1.synced, photos.length);
    assert.equal(t1.behind_by, 0);
    assert.equal(t1.behind_since, null);
    assert.equal(t2?.name, 'Kasir 2');
    assert.equal(t2.state, 'behind');
    assert.equal(t2.synced, 1);
    assert.equal(t2.behind_by, photos.length - 1);
    assert.ok(t2.behind_since, 'behind since the oldest change it lacks');
    assert.equal(t2.failing, 1);
    assert.equal(t2.failures[0]?.photo_id, failing.id);
    assert.equal(t2.failures[0]?.error, 'checksum mismatch');
  });

  it('puts a terminal behind when a photo it holds is replaced, and current again once it reports it', async () => {
    const photo = photos[0]!;
    const r = await callJson(s, `/api/v1/admin/photos/${photo.id}/content/`, {
      method: 'PUT',
      token: admin,
      body: tinyJpeg([10, 200, 30]),
      headers: { 'content-type': 'image/jpeg' },
    });
    assert.equal(r.status, 200);
    let t1 = terminalsOf(await get<FleetOverview>(FLEET), storeA)[0]!;
    assert.equal(t1.state, 'behind');
    assert.equal(t1.behind_by, 1);
    const detail = await get<TerminalDetail>(`/api/v1/admin/stores/${storeA}/terminals/till-1/`);
    assert.deepEqual(
      detail.unsynced.map((u) => [u.photo_id, u.last_status, u.version]),
      [[photo.id, 'synced', 2]],
      'the old version is synced, the new one is not',
    );
    await report('till-1', [{ photo_id: photo.id, status: 'synced' }]);
    t1 = terminalsOf(await get<FleetOverview>(FLEET), storeA)[0]!;
    assert.equal(t1.state, 'current');
  });

  it('shows a terminal detail: photos it lacks (paged), failures with time, report history', async () => {
    const base = `/api/v1/admin/stores/${storeA}/terminals/till-2/`;
    const d = await get<TerminalDetail>(`${base}?limit=2&reports=2`);
    assert.equal(d.terminal.name, 'Kasir 2');
    // It held one photo, at the version replaced since.
    assert.equal(d.total, photos.length);
    assert.equal(d.unsynced.length, Math.min(2, d.total));
    assert.equal(d.has_more, d.total > 2);
    const failing = d.terminal.failures[0]!;
    assert.equal(failing.error, 'checksum mismatch');
    assert.ok(Date.parse(failing.reported_at) > 0);
    assert.deepEqual(
      d.reports.map((r) => [r.items, r.synced, r.failed]),
      [
        [1, 1, 0],
        [2, 1, 1],
      ],
      'newest report first, two asked for',
    );
    const rest = await get<TerminalDetail>(`${base}?limit=2&offset=2`);
    assert.equal(rest.offset, 2);
    assert.ok(!rest.unsynced.some((u) => d.unsynced.some((v) => v.photo_id === u.photo_id)));
    const missing = await callJson(s, `/api/v1/admin/stores/${storeA}/terminals/nope/`, {
      token: admin,
    });
    assert.equal(missing.status, 404);
    assert.equal(errorMessage(missing.body), 'Terminal not found');
  });

  it('shows a store detail: products with no primary photo and photos no terminal holds', async () => {
    const brand = (await s.meta.getProduct(photos[0]!.product_id))!.brand_id;
    const product = randomUUID();
    await s.meta.createProduct({
      id: product,
      brand_id: brand,
      sku: 'NP-1',
      name: 'No primary',
      active: true,
    });
    const added = await s.meta.addPhoto({
      product_id: product,
      object_key: `fleet-test/${product}`,
      filename: 'np.jpg',
      size: 10,
      content_type: 'image/jpeg',
      checksum: '0'.repeat(32),
      is_primary: false,
      sort_order: 0,
    });
    const d = await get<StoreDetail>(`/api/v1/admin/stores/${storeA}/fleet/`);
    assert.deepEqual(
      d.products_without_primary.map((p) => [p.product_id, p.photos]),
      [[product, 1]],
    );
    assert.deepEqual(
      d.unsynced.map((p) => p.photo_id),
      [added.id],
      'every other photo is on till-1',
    );
    assert.equal(d.terminals.length, 2);
    assert.equal(d.store.photos, photos.length + 1);
    const o = await get<FleetOverview>(FLEET);
    assert.deepEqual(o.counts, { current: 0, behind: 2, silent: 0 }, 'the new photo is on neither');
    await s.meta.deletePhoto(added.id);
  });

  it('filters by store, state and text, sorts, and pages stores', async () => {
    const onlyB = await get<FleetOverview>(`${FLEET}?store_id=${storeB}`);
    assert.deepEqual(
      onlyB.stores.map((x) => x.store_id),
      [storeB],
    );
    const behind = await get<FleetOverview>(`${FLEET}?state=behind`);
    assert.deepEqual(
      behind.stores.flatMap((x) => x.terminals.map((t) => t.terminal_id)),
      ['till-2'],
    );
    assert.deepEqual(
      behind.counts,
      { current: 1, behind: 1, silent: 0 },
      'counts ignore the state filter',
    );
    const byName = await get<FleetOverview>(`${FLEET}?q=kasir%20satu`);
    assert.deepEqual(
      byName.stores.flatMap((x) => x.terminals.map((t) => t.terminal_id)),
      ['till-1'],
    );
    assert.deepEqual(byName.counts, { current: 1, behind: 0, silent: 0 });
    const worstFirst = await get<FleetOverview>(`${FLEET}?sort=state`);
    assert.equal(worstFirst.stores[0]?.store_id, storeA);
    const page1 = await get<FleetOverview>(`${FLEET}?limit=1`);
    const page2 = await get<FleetOverview>(`${FLEET}?limit=1&offset=1`);
    assert.equal(page1.stores.length, 1);
    assert.equal(page1.has_more, true);
    assert.equal(page1.total, (await s.meta.listStores()).length);
    assert.notEqual(page1.stores[0]?.store_id, page2.stores[0]?.store_id);
    for (const bad of [
      'limit=0',
      'limit=x',
      'offset=-1',
      'state=lost',
      'sort=size',
      'store_id=nope',
      `q=${'x'.repeat(201)}`,
    ]) {
      const r = await callJson(s, `${FLEET}?${bad}`, { token: admin });
      assert.equal(r.status, 400, bad);
      errorMessage(r.body);
    }
    const capped = await get<FleetOverview>(`${FLEET}?limit=100000`);
    assert.equal(capped.limit, 200);
  });

  it('calls a terminal silent after a day without a report', async () => {
    s.clock.now += DAY_MS + 60_000;
    admin = (await login(s)).access;
    const o = await get<FleetOverview>(FLEET);
    assert.deepEqual(o.counts, { current: 0, behind: 0, silent: 2 });
    assert.equal(terminalsOf(o, storeA)[1]?.behind_by, photos.length, 'silent keeps its progress');
    s.clock.now -= 2 * 60_000;
    const justInTime = await get<FleetOverview>(FLEET);
    assert.deepEqual(justInTime.counts, { current: 1, behind: 1, silent: 0 });
  });
});
