/** Sign-out revokes the refresh token at the HO when it can, and forgets every token whatever happens. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { HO } from './fakes/fake-ho';
import { type World, world } from './fakes/world';

/** Every value the terminal keeps, as text: no token may survive a sign-out anywhere in it. */
function everythingStored(w: World): string {
  const { state, outbox, failures, records, partials } = w.storage;
  return JSON.stringify([[...state], outbox, [...failures], [...records], [...partials]]);
}

async function heldTokens(w: World): Promise<{ access: string; refresh: string }> {
  const tokens = await w.session.tokens.current();
  assert.ok(tokens?.refresh, 'signed in with a refresh token');
  return { access: tokens.access, refresh: tokens.refresh };
}

/** Asserts the refresh token no longer renews at the HO. */
async function refreshRefused(refresh: string, w: World): Promise<void> {
  const res = await w.ho.fetch(`${HO}/api/token/refresh/`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ refresh }),
  });
  assert.equal(res.status, 401, 'the revoked refresh token is refused');
}

test('signing out posts the refresh token to the blacklist endpoint of the token path; it is dead', async (t) => {
  const w = await world();
  t.after(() => w.close());
  w.ho.seed(3);
  await w.engine.sync();
  const { access, refresh } = await heldTokens(w);
  assert.equal(await w.session.signOut(true), 'revoked');
  const [request, ...more] = w.ho.seen('blacklist');
  assert.equal(more.length, 0);
  assert.equal(request?.method, 'POST');
  assert.equal(request?.url.href, `${HO}/api/token/blacklist/`);
  assert.deepEqual(request?.body, { refresh });
  assert.equal(request?.headers.get('authorization'), null, 'no access token sent along');
  assert.ok(w.ho.blacklisted.has(refresh));
  await refreshRefused(refresh, w);
  assert.equal(await w.session.signedIn(), false);
  assert.ok(!everythingStored(w).includes(refresh) && !everythingStored(w).includes(access));
});

test('the blacklist path follows the token path sign-in used (fallback /api/v1/token/)', async (t) => {
  const w = await world();
  t.after(() => w.close());
  await w.session.signOut(false);
  w.ho.tokenPaths.delete('/api/token/'); // the configured path answers 404: sign-in falls back
  await w.signIn();
  const { refresh } = await heldTokens(w);
  assert.equal(await w.session.signOut(false), 'revoked');
  assert.equal(w.ho.seen('blacklist').at(-1)?.url.pathname, '/api/v1/token/blacklist/');
  assert.ok(w.ho.blacklisted.has(refresh));
});

for (const status of [404, 405] as const) {
  test(`an HO without a blacklist (${status}) is tolerated: the tokens are just forgotten`, async (t) => {
    const w = await world();
    t.after(() => w.close());
    w.ho.blacklistRoute = status;
    const { refresh } = await heldTokens(w);
    assert.equal(await w.session.signOut(true), 'unsupported');
    assert.equal(w.ho.seen('blacklist').length, 1, 'asked once, not retried');
    assert.equal(await w.session.signedIn(), false);
    assert.ok(!everythingStored(w).includes(refresh));
  });
}

test('offline sign-out wipes locally at once and keeps nothing to send later', async (t) => {
  const w = await world();
  t.after(() => w.close());
  w.ho.seed(3);
  await w.engine.sync();
  const { access, refresh } = await heldTokens(w);
  w.ho.offline = true;
  assert.equal(await w.session.signOut(true), 'unreachable');
  assert.equal(await w.session.signedIn(), false);
  assert.equal(w.storage.records.size, 0, 'photos wiped');
  const stored = everythingStored(w);
  assert.ok(!stored.includes(refresh) && !stored.includes(access), 'no token kept anywhere');
  assert.equal(w.storage.outbox.length, 0, 'nothing queued');

  // The HO comes back: nothing about the old session is ever sent.
  w.ho.offline = false;
  await w.engine.sync();
  await w.engine.flushStatus();
  assert.equal(w.ho.seen('blacklist').length, 0);
  assert.ok(
    w.ho.requests.every((r) => !JSON.stringify(r.body ?? '').includes(refresh)),
    'the refresh token never left after the offline sign-out',
  );
});

test('an HO that does not answer delays sign-out only by one short deadline, without retries', async (t) => {
  const w = await world({ requestTimeoutMs: 60_000 });
  t.after(() => w.close());
  w.ho.hang('blacklist');
  const started = w.clock.now();
  assert.equal(await w.session.signOut(false), 'unreachable');
  assert.ok(w.clock.now() - started <= 10_000, 'at most the one-shot deadline (virtual time)');
  assert.equal(w.ho.seen('blacklist').length, 1);
  assert.equal(await w.session.signedIn(), false);
});

test('a refresh token the HO already refuses, or none at all, still signs out', async (t) => {
  const w = await world();
  t.after(() => w.close());
  const { refresh } = await heldTokens(w);
  await w.ho.fetch(`${HO}/api/token/blacklist/`, {
    method: 'POST',
    body: JSON.stringify({ refresh }),
  });
  assert.equal(await w.session.signOut(false), 'refused');
  assert.equal(await w.session.signedIn(), false);

  await w.session.authenticate({ kind: 'token', token: 'pasted.access.token' });
  const before = w.ho.requests.length;
  assert.equal(await w.session.signOut(false), 'no-token');
  assert.equal(w.ho.requests.length, before, 'a pasted access token has nothing to revoke');
});
