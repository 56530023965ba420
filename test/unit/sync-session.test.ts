/**
 * The session: settings, sign-in flows (password, token, listed or typed store), store check and name,
 * how failures are told apart, sign-out.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AuthError } from '../../src/shared/errors';
import type { Credentials, SignInSettings } from '../../src/shared/messages';
import { type Problem, ProblemError } from '../../src/shared/problems';
import { HO, STORE } from './fakes/fake-ho';
import { World } from './fakes/world';

const PASSWORD: Credentials = { kind: 'password', username: 'store1', password: 'secret' };
const typed = { serverUrl: `  ${HO}/ `, storeId: ` ${STORE} ` };

test('sign-in with a typed store on a reference-only HO checks the store, then runs may start', async (t) => {
  const w = new World({ storeId: '' });
  t.after(() => w.close());
  const outcome = await w.session.signIn(typed, PASSWORD);
  assert.deepEqual(outcome, { ok: true, stores: null, storeChosen: true });
  assert.equal((await w.session.settings()).serverUrl, HO, 'typed URL cleaned');
  assert.equal((await w.session.settings()).storeId, STORE);
  assert.equal(w.ho.seen('list').at(-1)?.url.searchParams.get('limit'), '1', 'store checked');
  assert.equal(await w.session.signedIn(), true);
  w.ho.seed(2);
  assert.equal((await w.engine.sync()).held, 2);
});

test('sign-in with a pasted token works like a password', async (t) => {
  const w = new World({ storeId: '' });
  t.after(() => w.close());
  await w.signIn();
  const token = (await w.session.tokens.current())?.access ?? '';
  await w.session.signOut(false);
  const outcome = await w.session.signIn(typed, { kind: 'token', token });
  assert.equal(outcome.ok, true);
  assert.equal(await w.session.signedIn(), true);
});

test('a server that lists stores offers them when none was typed; choosing one names it', async (t) => {
  const w = new World({ storeId: '' });
  t.after(() => w.close());
  w.ho.stores = [{ id: STORE, code: 'JKT01', name: 'Jakarta 1' }];
  const outcome = await w.session.signIn({ serverUrl: HO, storeId: '' }, PASSWORD);
  assert.deepEqual(outcome, { ok: true, stores: w.ho.stores, storeChosen: false });
  assert.equal(await w.session.signedIn(), false, 'no store yet');
  const chosen = await w.session.chooseStore(w.ho.stores[0]!);
  assert.equal(chosen.ok, true);
  assert.equal(await w.session.storeName(), 'Jakarta 1');
  assert.equal(await w.session.signedIn(), true);
});

test('sign-in failures are codes: settings, credentials, unknown store, CORS, policy, down', async (t) => {
  const w = new World({ storeId: '' });
  t.after(() => w.close());
  const problem = async (settings: SignInSettings = typed, credentials: Credentials = PASSWORD) => {
    const outcome = await w.session.signIn(settings, credentials);
    return outcome.ok ? 'ok' : outcome.problem;
  };
  const dead = '00000000-0000-4000-8000-00000000dead';
  assert.deepEqual(await problem({ serverUrl: ' ', storeId: STORE }), {
    code: 'settings.server-url-missing',
  });
  assert.deepEqual(await problem({ serverUrl: HO, storeId: '' }), {
    code: 'settings.store-id-missing',
  });
  assert.deepEqual(await problem({ serverUrl: 'ftp://x', storeId: STORE }), {
    code: 'settings.server-url-scheme',
  });
  assert.deepEqual(
    await problem(typed, { kind: 'password', username: 'store1', password: 'wrong' }),
    { code: 'auth.wrong-credentials', credentials: 'password' },
  );
  assert.deepEqual(await problem(typed, { kind: 'token', token: 'nonsense' }), {
    code: 'auth.wrong-credentials',
    credentials: 'token',
  });
  assert.deepEqual(await problem({ serverUrl: HO, storeId: dead }), {
    code: 'store.not-found',
    storeId: dead,
  });
  w.ho.stores = [{ id: 'other', code: 'X', name: 'Other' }];
  assert.deepEqual(await problem(), { code: 'store.not-listed', storeId: STORE });
  w.ho.stores = null;
  w.ho.offline = true;
  assert.deepEqual(await problem(), { code: 'http.unreachable', server: HO });
  w.probeResult = { kind: 'answers' };
  assert.deepEqual(await problem(), { code: 'http.cors', server: HO, origin: 'http://app.test' });
  w.appOrigin = HO;
  w.boot();
  assert.deepEqual(
    await problem(),
    { code: 'http.unreachable', server: HO },
    'the app origin itself needs no CORS',
  );
  w.probeResult = { kind: 'blocked', allowed: ['http://app.test'] };
  assert.deepEqual(await problem(), {
    code: 'http.blocked-by-policy',
    server: HO,
    allowed: ['http://app.test'],
  });
});

test('a store that fails its check leaves the terminal signed out, its new tokens revoked', async (t) => {
  const w = new World({ storeId: '' });
  t.after(() => w.close());
  const dead = '00000000-0000-4000-8000-00000000dead';
  // Read while the HO answers the store check: before the fix the tokens counted as signed in here,
  // so a page asking for the state at that moment switched to the main screen and a run started.
  let duringCheck: Promise<boolean> | null = null;
  w.ho.onList = () => {
    duringCheck = w.session.signedIn();
  };
  const outcome = await w.session.signIn({ serverUrl: HO, storeId: dead }, PASSWORD);
  assert.deepEqual(outcome.ok ? 'ok' : outcome.problem, { code: 'store.not-found', storeId: dead });
  assert.equal(await duringCheck, false, 'not signed in while the store is being checked');
  assert.equal(await w.session.signedIn(), false, 'not signed in after the check failed');
  assert.equal(await w.session.tokens.current(), null, 'the tokens are forgotten');
  assert.equal(w.ho.blacklisted.size, 1, 'the refresh token obtained is revoked at the HO');
  w.ho.onList = null;
  assert.equal((await w.session.signIn(typed, PASSWORD)).ok, true, 'the right store signs in');
  assert.equal(await w.session.signedIn(), true);
});

test('a terminal renewing its session stays signed in while it signs in again', async (t) => {
  const w = new World();
  t.after(() => w.close());
  await w.signIn();
  let duringCheck: Promise<boolean> | null = null;
  w.ho.onList = () => {
    duringCheck = w.session.signedIn();
  };
  assert.equal((await w.session.signIn({ serverUrl: HO, storeId: STORE }, PASSWORD)).ok, true);
  assert.equal(await duringCheck, true);
  assert.equal(await w.session.signedIn(), true);
});

test('signing in to another store wipes the previous store, keeping the terminal identity', async (t) => {
  const w = new World();
  t.after(() => w.close());
  await w.signIn();
  w.ho.seed(2);
  await w.engine.sync();
  const id = (await w.session.records.get()).terminal_id;
  const other = '00000000-0000-4000-8000-00000000dead';
  const outcome = await w.session.signIn({ serverUrl: HO, storeId: other }, PASSWORD);
  assert.equal(outcome.ok, false, 'the fake HO knows one store only');
  assert.equal(w.storage.records.size, 0, 'previous store forgotten');
  assert.equal((await w.session.records.get()).terminal_id, id);
});

test('sign-out during a run stops it and signs out; a later sign-in starts from idle', async (t) => {
  const w = new World();
  t.after(() => w.close());
  await w.signIn();
  w.ho.offline = true;
  assert.equal((await w.engine.sync()).status.kind, 'offline');
  w.ho.offline = false;
  await w.session.signOut(false);
  assert.equal((await w.engine.progress()).status.kind, 'signed-out');
  await w.signIn();
  assert.equal((await w.engine.progress()).status.kind, 'idle', 'the old run state is forgotten');
});

test('the store list extension is offered when the HO has it, null on a reference-only HO', async () => {
  const w = new World();
  try {
    await w.signIn();
    assert.equal(await w.session.listStores(), null);
    w.ho.stores = [{ id: 's1', code: 'JKT01', name: 'Jakarta 1' }];
    assert.deepEqual(await w.session.listStores(), w.ho.stores);
    assert.equal(w.ho.seen('stores')[0]!.headers.get('authorization')?.startsWith('Bearer '), true);
  } finally {
    w.close();
  }
});

test('settings are validated before they are saved', async () => {
  const w = new World();
  try {
    const refused = (problem: Problem) => (err: unknown) =>
      err instanceof ProblemError && assert.deepEqual(err.problem, problem) === undefined;
    await assert.rejects(
      w.session.saveSettings({ concurrency: 0 }),
      refused({ code: 'settings.out-of-range', setting: 'concurrency' }),
    );
    await assert.rejects(
      w.session.saveSettings({ serverUrl: 'ftp://x' }),
      refused({ code: 'settings.server-url-scheme' }),
    );
    await assert.rejects(
      w.session.saveSettings({ maxDeleteShare: 2 }),
      refused({ code: 'settings.out-of-range', setting: 'maxDeleteShare' }),
    );
    for (const terminalName of ['x'.repeat(65), ' Kasir 1', 'Kasir\t1', 'Kasir\n1'])
      await assert.rejects(
        w.session.saveSettings({ terminalName }),
        refused({ code: 'settings.out-of-range', setting: 'terminalName' }),
        JSON.stringify(terminalName),
      );
    assert.equal(w.storage.state.get('settings'), undefined);
    assert.equal((await w.session.saveSettings({ concurrency: 2 })).concurrency, 2);
    assert.equal(
      (await w.session.saveSettings({ terminalName: 'Kasir 1' })).terminalName,
      'Kasir 1',
    );
    assert.equal(
      (await w.session.saveSettings({ terminalName: 'x'.repeat(64) })).terminalName.length,
      64,
    );
  } finally {
    w.close();
  }
});

test('checkStore: one limit=1 list request with token renewal; unknown stores are not-found', async () => {
  const w = new World();
  try {
    await w.signIn();
    w.ho.expireAccessTokens();
    assert.equal(await w.session.checkStore(), 'ok');
    const probe = w.ho.seen('list').at(-1)!;
    assert.equal(probe.url.searchParams.get('limit'), '1');
    assert.equal(w.ho.seen('refresh').length, 1, 'the 401 was answered by a renewal');
    await w.session.saveSettings({ storeId: '00000000-0000-4000-8000-00000000dead' });
    assert.equal(await w.session.checkStore(), 'not-found');
    w.ho.refreshWorks = false;
    w.ho.expireAccessTokens();
    await assert.rejects(w.session.checkStore(), AuthError);
  } finally {
    w.close();
  }
});

test('the store name survives an engine restart and is forgotten with the store', async () => {
  const w = new World();
  try {
    await w.signIn();
    await w.session.setStoreName('Jakarta 1');
    w.boot(); // a restarted service worker
    assert.equal(await w.session.storeName(), 'Jakarta 1');
    await w.session.saveSettings({ storeId: '00000000-0000-4000-8000-00000000beef' });
    assert.equal(await w.session.storeName(), null, 'a name belongs to its store only');
    await w.session.saveSettings({ storeId: STORE });
    await w.session.signOut(true);
    assert.equal(await w.session.storeName(), null);
  } finally {
    w.close();
  }
});
