/** Sign-in, token renewal (before expiry and on 401, with rotation) and pausing when renewal fails. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AuthError } from '../../src/shared/errors';
import type { TokenSet } from '../../src/shared/types';
import { jwtExpiryMs } from '../../src/sync/auth';
import { STORE } from './fakes/fake-ho';
import { World } from './fakes/world';

const tokens = (w: World): TokenSet => w.storage.state.get('auth') as TokenSet;

function assertNoTokenInUrls(w: World): void {
  for (const r of w.ho.requests) assert.ok(!/eyJ/.test(r.url.href), `token in URL ${r.url.href}`);
}

test('wrong credentials are an AuthError; nothing is stored', async () => {
  const w = new World();
  try {
    await assert.rejects(
      w.session.authenticate({ kind: 'password', username: 'store1', password: 'wrong' }),
      AuthError,
    );
    assert.equal(w.storage.state.get('auth'), undefined);
    const p = await w.engine.sync();
    assert.equal(p.status.kind, 'signed-out');
  } finally {
    w.close();
  }
});

test('sign-in falls back to /api/v1/token/ when the token path answers 404; refresh follows it', async () => {
  const w = new World({ tokenPath: '/api/token/' });
  try {
    w.ho.tokenPaths.delete('/api/token/');
    await w.signIn();
    assert.deepEqual(
      w.ho.requests.map((r) => r.url.pathname),
      ['/api/token/', '/api/v1/token/'],
    );
    assert.equal(tokens(w).token_path, '/api/v1/token/');
    w.ho.seed(2);
    w.ho.expireAccessTokens();
    const p = await w.engine.sync();
    assert.equal(p.status.kind, 'idle');
    assert.ok(
      w.ho.requests.some((r) => r.url.pathname === '/api/v1/token/refresh/'),
      'derived refresh path tried first',
    );
    assert.equal(w.ho.seen('refresh').length, 1, 'then the simplejwt default');
  } finally {
    w.close();
  }
});

test('the access token is renewed before its exp, and the rotated refresh token is stored', async () => {
  const w = new World();
  try {
    w.ho.accessTtlMs = 10 * 60 * 1000;
    await w.signIn();
    const first = tokens(w);
    assert.equal(first.access_exp_ms, jwtExpiryMs(first.access));
    w.ho.seed(3);
    await w.engine.sync();
    assert.equal(w.ho.seen('refresh').length, 0);
    w.clock.advance(9 * 60 * 1000 + 30_000); // inside renewBeforeExpiryMs (60 s)
    w.ho.addPhoto(4);
    const p = await w.engine.sync();
    assert.equal(p.status.kind, 'idle');
    assert.equal(w.ho.seen('refresh').length, 1, 'renewed while the old token was still valid');
    const second = tokens(w);
    assert.notEqual(second.access, first.access);
    assert.notEqual(second.refresh, first.refresh, 'rotated refresh token stored');
    assertNoTokenInUrls(w);
  } finally {
    w.close();
  }
});

test('a short-lived token is renewed once per lifetime, a quarter of it before exp, not per request', async () => {
  const w = new World({ concurrency: 1 });
  try {
    w.ho.accessTtlMs = 60_000; // as long as the 60 s renewal margin
    await w.signIn();
    w.ho.seed(50);
    w.ho.latencyMs = 2000; // the run lasts ~100 s of terminal time: just under two lifetimes
    const p = await w.engine.sync();
    assert.equal(p.status.kind, 'idle');
    assert.equal(p.held, 50);
    // Due 45 s into each lifetime (60 s less a quarter of it): at ~45 s and ~90 s of the run.
    assert.equal(w.ho.seen('refresh').length, 2, 'one renewal per lifetime');
    assert.equal(w.storage.writes.filter((x) => x === 'putState:auth').length, 3);
  } finally {
    w.close();
  }
});

test('a 401 mid-sync renews once (shared by concurrent downloads) and the run completes', async () => {
  const w = new World();
  try {
    await w.signIn();
    w.ho.latencyMs = 10;
    const ids = w.ho.seed(12);
    w.ho.onList = () => w.ho.expireAccessTokens(); // revoked right after the list page is served
    const p = await w.engine.sync();
    assert.equal(p.status.kind, 'idle');
    assert.equal(w.ho.seen('refresh').length, 1);
    assert.deepEqual(await w.verifiedIds(), [...ids].sort());
    assertNoTokenInUrls(w);
  } finally {
    w.close();
  }
});

test('when renewal fails the engine pauses for sign-in and touches nothing stored', async () => {
  const w = new World();
  try {
    await w.signIn();
    const ids = w.ho.seed(4);
    await w.engine.sync();
    const records = structuredClone([...w.storage.records]);
    const blobs = [...w.storage.blobs];
    w.ho.refreshWorks = false;
    w.ho.expireAccessTokens();
    w.ho.replacePhoto(ids[0]!);
    w.ho.deletePhoto(ids[1]!);
    const writes = w.storage.writes.length;
    const p = await w.engine.sync({ full: true });
    assert.equal(p.status.kind, 'paused-auth');
    assert.deepEqual([...w.storage.records], records);
    assert.deepEqual([...w.storage.blobs], blobs);
    assert.deepEqual(p.failures, []);
    const photoWrites = w.storage.writes.slice(writes).filter((x) => !x.startsWith('putState:'));
    assert.deepEqual(photoWrites, [], 'no photo, failure or partial written');
    assert.equal(w.ho.seen('status').length, 1, 'no status flush while paused');

    await w.signIn();
    w.ho.refreshWorks = true;
    const q = await w.engine.sync();
    assert.equal(q.status.kind, 'idle');
  } finally {
    w.close();
  }
});

test('a pasted access token works until it expires, then the engine pauses', async () => {
  const w = new World();
  try {
    await w.signIn();
    const pasted = tokens(w).access;
    await w.session.signOut(false);
    assert.equal((await w.engine.sync()).status.kind, 'signed-out');
    await w.session.authenticate({ kind: 'token', token: `  ${pasted}\n` });
    w.ho.seed(2);
    assert.equal((await w.engine.sync()).status.kind, 'idle');
    w.clock.advance(2 * 60 * 60 * 1000);
    const p = await w.engine.sync();
    assert.equal(p.status.kind, 'paused-auth');
    assert.equal(p.held, 2);
  } finally {
    w.close();
  }
});

test('signing out with wipe stops a running sync and forgets the store, keeping settings', async () => {
  const w = new World();
  try {
    await w.signIn();
    await w.session.saveSettings({ terminalName: 'till-9' });
    w.ho.seed(6);
    await w.engine.sync();
    w.ho.addPhoto(7);
    const signOut: { done?: Promise<unknown> } = {};
    w.ho.onList = () => {
      signOut.done ??= w.session.signOut(true);
    };
    const terminalId = (w.storage.state.get('engine') as { terminal_id: string }).terminal_id;
    const run = await w.engine.sync();
    assert.notEqual(run.status.kind, 'error');
    assert.ok(signOut.done !== undefined);
    await signOut.done;
    const p = await w.engine.progress();
    assert.deepEqual(p.status, { kind: 'signed-out' });
    assert.equal(p.held, 0);
    assert.equal(
      w.storage.records.size +
        w.storage.blobs.size +
        w.storage.failures.size +
        w.storage.outbox.length,
      0,
    );
    assert.deepEqual([...w.storage.state.keys()].sort(), ['engine', 'settings']);
    assert.deepEqual(w.storage.state.get('engine'), {
      watermark: null,
      last_success_at: null,
      last_reconcile_at: null,
      pending_deletion: null,
      status_disabled_until_ms: null,
      terminal_id: terminalId,
    });
    assert.equal((await w.session.settings()).terminalName, 'till-9');
  } finally {
    w.close();
  }
});

test('progress says signed-out without tokens or without a store, idle once both are there', async () => {
  const w = new World({ storeId: '' });
  try {
    assert.equal((await w.engine.progress()).status.kind, 'signed-out');
    await w.signIn();
    assert.equal((await w.engine.progress()).status.kind, 'signed-out', 'no store chosen yet');
    assert.equal(await w.session.signedIn(), false);
    await w.session.saveSettings({ storeId: STORE });
    assert.equal((await w.engine.progress()).status.kind, 'idle');
    await w.session.signOut(false);
    assert.equal((await w.engine.progress()).status.kind, 'signed-out');
  } finally {
    w.close();
  }
});

test('terminal_id stays the same across sign-out with wipe, a store change and a restart', async () => {
  const w = new World();
  try {
    await w.signIn();
    w.ho.seed(2);
    await w.engine.sync();
    const first = (w.ho.statusBatches.at(-1)!.body as { terminal_id: string }).terminal_id;
    await w.session.signOut(true);
    w.boot();
    await w.signIn();
    await w.engine.sync();
    const second = (w.ho.statusBatches.at(-1)!.body as { terminal_id: string }).terminal_id;
    assert.equal(second, first);
    assert.match(first, /^[0-9a-f-]{36}$/);
  } finally {
    w.close();
  }
});
