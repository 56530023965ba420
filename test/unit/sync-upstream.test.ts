/**
 * The engine against the HO as its upstream is really deployed (contract notes): the list is POST-only
 * (GET answers 405) with a flat answer naming the store, the token lives at /api/v1/token/ only, and
 * photos come only through `image_url` on another origin.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ProblemError } from '../../src/shared/problems';
import { MINIO, STORE } from './fakes/fake-ho';
import { World, world } from './fakes/world';

/** A signed-in world whose HO is the upstream deployment. */
async function upstreamWorld(settings: ConstructorParameters<typeof World>[0] = {}) {
  const w = new World({ pageLimit: 3, ...settings });
  w.ho.upstream();
  await w.signIn();
  return w;
}

const listBodies = (w: World) =>
  w.ho
    .seen('list')
    .flatMap((r) => (r.method === 'POST' ? [r.body as Record<string, unknown>] : []));

test('a GET list answered 405 is sent again as POST with a JSON body, and POST is remembered', async () => {
  const w = await upstreamWorld({ companyId: 'c-42' });
  try {
    const ids = w.ho.seed(7);
    const p = await w.engine.sync();
    assert.deepEqual(p.status, { kind: 'idle' });
    assert.deepEqual(await w.verifiedIds(), [...ids].sort());
    const lists = w.ho.seen('list');
    assert.deepEqual(
      lists.map((r) => r.method),
      ['GET', 'POST', 'POST', 'POST'],
      'one GET probe, then three POST pages',
    );
    assert.deepEqual(listBodies(w), [
      { store_id: STORE, company_id: 'c-42', limit: 3, offset: 0 },
      { store_id: STORE, company_id: 'c-42', limit: 3, offset: 2 },
      { store_id: STORE, company_id: 'c-42', limit: 3, offset: 4 },
    ]);
    assert.ok(
      lists.every((r) => r.headers.get('authorization')?.startsWith('Bearer ')),
      'the list carries the token',
    );
    assert.equal(await w.session.storeName(), 'Jakarta Food Court', 'store.name of the answer');

    // A restarted engine (new worker) goes straight to POST.
    w.boot();
    const before = w.ho.requests.length;
    await w.engine.sync({ full: true });
    const later = w.ho.requests.slice(before).filter((r) => r.route === 'list');
    assert.ok(later.length > 0 && later.every((r) => r.method === 'POST'), 'no GET probe again');
  } finally {
    w.close();
  }
});

test('a new sign-in probes the list method again; listMethod fixes it either way', async () => {
  const w = await upstreamWorld();
  try {
    w.ho.seed(2);
    await w.engine.sync();
    // The HO is redeployed with the documented GET list.
    w.ho.listMethod = 'GET';
    await w.signIn();
    const before = w.ho.seen('list').length;
    assert.equal((await w.engine.sync({ full: true })).status.kind, 'idle');
    assert.deepEqual(
      w.ho
        .seen('list')
        .slice(before)
        .map((r) => r.method),
      ['GET'],
      'GET again after the sign-in',
    );
  } finally {
    w.close();
  }
  const fixed = await upstreamWorld({ listMethod: 'POST' });
  try {
    fixed.ho.seed(2);
    await fixed.engine.sync();
    assert.ok(
      fixed.ho.seen('list').every((r) => r.method === 'POST'),
      'never a GET',
    );
  } finally {
    fixed.close();
  }
  const get = await upstreamWorld({ listMethod: 'GET' });
  try {
    const p = await get.engine.sync();
    assert.equal(p.status.kind, 'error', 'a fixed GET does not switch');
    assert.ok(get.ho.seen('list').every((r) => r.method === 'GET'));
  } finally {
    get.close();
  }
});

test('a server change forgets the learned POST; settings validate listMethod and companyId', async () => {
  const w = await upstreamWorld();
  try {
    w.ho.seed(1);
    await w.engine.sync();
    assert.equal((await w.session.records.get()).list_method, 'POST');
    await w.session.saveSettings({ serverUrl: 'http://other-ho.test' });
    assert.equal((await w.session.records.get()).list_method, null);
    const refused = (setting: string) => (err: unknown) =>
      err instanceof ProblemError &&
      err.problem.code === 'settings.out-of-range' &&
      err.problem.setting === setting;
    await assert.rejects(
      w.session.saveSettings({ listMethod: 'PUT' as never }),
      refused('listMethod'),
    );
    await assert.rejects(w.session.saveSettings({ companyId: 'a b' }), refused('companyId'));
    assert.equal((await w.session.settings()).listMethod, 'auto', 'nothing saved when refused');
  } finally {
    w.close();
  }
});

test('incremental POST lists send updated_since from sync_timestamp and apply deleted_ids', async () => {
  const w = await upstreamWorld();
  try {
    const ids = w.ho.seed(5);
    await w.engine.sync();
    const watermark = (await w.session.records.get()).watermark;
    assert.ok(watermark !== null);
    w.ho.replacePhoto(ids[1]!);
    w.ho.deletePhoto(ids[3]!);
    const before = w.ho.requests.length;
    await w.engine.sync();
    const bodies = w.ho.requests
      .slice(before)
      .filter((r) => r.route === 'list')
      .map((r) => r.body as Record<string, unknown>);
    assert.equal(bodies[0]!.updated_since, watermark, 'the server watermark, as updated_since');
    assert.equal(w.storage.records.has(ids[3]!), false, 'deleted_ids applied');
    assert.deepEqual(
      w.ho.requests
        .slice(before)
        .filter((r) => r.route === 'image')
        .map((r) => r.id),
      [ids[1]],
      'only the changed photo is fetched',
    );
    assert.deepEqual(await w.verifiedIds(), [ids[0], ids[1], ids[2], ids[4]].sort());
  } finally {
    w.close();
  }
});

test('tokens only at /api/v1/token/, photos only via image_url on another origin without the token', async () => {
  const w = await upstreamWorld();
  try {
    assert.deepEqual(
      w.ho.requests.map((r) => `${r.url.pathname} ${r.route}`),
      ['/api/token/ unknown', '/api/v1/token/ token'],
      'the documented path answers 404, the upstream one signs in',
    );
    const ids = w.ho.seed(6);
    await w.engine.sync();
    const images = w.ho.seen('image');
    assert.equal(images.length, 6);
    assert.ok(images.every((r) => r.url.origin === MINIO && r.url.searchParams.has('v')));
    assert.ok(
      images.every((r) => !r.headers.has('authorization')),
      'no token to the image host',
    );
    assert.ok(
      w.ho.seen('download').length <= 5,
      'the missing route is learned by the first answers',
    );
    assert.deepEqual(await w.verifiedIds(), [...ids].sort());
    assert.equal((await w.engine.progress()).reporting, 'disabled', 'no status route');
  } finally {
    w.close();
  }
});

test('a 401 on a POST list renews the token once and the run completes', async () => {
  const w = await upstreamWorld();
  try {
    const ids = w.ho.seed(4);
    await w.engine.sync();
    w.ho.replacePhoto(ids[0]!);
    w.ho.expireAccessTokens();
    const before = w.ho.requests.length;
    const p = await w.engine.sync();
    assert.equal(p.status.kind, 'idle');
    const after = w.ho.requests.slice(before);
    assert.equal(after.filter((r) => r.route === 'refresh').length, 1, 'renewed once');
    const lists = after.filter((r) => r.route === 'list');
    assert.ok(
      lists.every((r) => r.method === 'POST'),
      'the retried list is a POST too',
    );
    assert.deepEqual(await w.verifiedIds(), [...ids].sort());
  } finally {
    w.close();
  }
});

test('faults on POST lists: 503 is retried, a malformed flat page names the field, corrupt bytes are not stored', async () => {
  const w = await upstreamWorld();
  try {
    const ids = w.ho.seed(4);
    w.ho.failWith('list', 503, 1);
    w.ho.corrupt(ids[2]!, 5, 'image');
    const p = await w.engine.sync();
    assert.equal(p.status.kind, 'idle');
    assert.equal(p.failures.length, 1, 'the corrupt photo is a failure, kept for retry');
    assert.equal(w.storage.records.has(ids[2]!), false, 'never stored unverified');
    w.ho.rowHook = (row) => ({ ...row, checksum: 'nope' });
    w.ho.replacePhoto(ids[0]!);
    const held = w.storage.records.get(ids[0]!);
    await w.engine.sync({ retryFailedNow: true });
    assert.deepEqual(w.storage.records.get(ids[0]!), held, 'an invalid row changes nothing stored');
  } finally {
    w.close();
  }
});

test('the documented GET HO is unaffected: no POST is ever sent', async () => {
  const w = await world();
  try {
    w.ho.seed(3);
    await w.engine.sync();
    assert.ok(w.ho.seen('list').every((r) => r.method === 'GET'));
    assert.equal((await w.session.records.get()).list_method ?? null, null);
  } finally {
    w.close();
  }
});

test('signing in to a typed store on the upstream HO shows the store name its list answer gives', async () => {
  const w = new World();
  try {
    w.ho.upstream();
    const outcome = await w.session.signIn(
      { serverUrl: 'http://ho.test', storeId: STORE },
      { kind: 'password', username: 'store1', password: 'secret' },
    );
    assert.ok(outcome.ok && outcome.storeChosen);
    assert.equal(await w.session.storeName(), 'Jakarta Food Court');
    w.ho.storeName = 'Jakarta Food Court 2';
    await w.engine.sync();
    assert.equal(await w.session.storeName(), 'Jakarta Food Court 2', 'renamed at the HO');
  } finally {
    w.close();
  }
});
