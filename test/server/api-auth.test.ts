/** Auth over real HTTP: token obtain/refresh with rotation, every 401 case, store scoping (403). */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { signJwt } from '../../server/src/auth/jwt';
import {
  ADMIN,
  type TestServer,
  call,
  callJson,
  errorMessage,
  login,
  startServer,
} from './harness';

const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
const claimsOf = (jwt: string) =>
  JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString()) as Record<string, unknown>;

describe('auth', () => {
  let s: TestServer;
  let storeA: string;
  let storeB: string;
  before(async () => {
    s = await startServer();
    [storeA, storeB] = s.prep.demoLogins.map((d) => d.store.id) as [string, string];
  });
  after(() => s.close());

  const listPath = (store: string) => `/api/v1/sync/product-photos/?store_id=${store}&limit=1`;

  async function expect401(
    token: string | undefined,
    headers: Record<string, string> = {},
    pattern?: RegExp,
  ) {
    const r = await callJson(s, listPath(storeA), { ...(token ? { token } : {}), headers });
    assert.equal(r.status, 401);
    assert.match(r.res.headers.get('www-authenticate') ?? '', /^Bearer/);
    const msg = errorMessage(r.body);
    if (pattern) assert.match(msg, pattern);
  }

  it('answers GET /healthz with 200 while the database answers', async () => {
    const r = await callJson(s, '/healthz');
    assert.equal(r.status, 200);
    assert.deepEqual(r.body, { status: 'ok' });
  });

  it('issues simplejwt-style pairs at /api/token/ and /api/v1/token/, JSON or form-encoded', async () => {
    const pair = await login(s);
    const c = claimsOf(pair.access);
    assert.equal(c.token_type, 'access');
    assert.equal(c.user_id, ADMIN.username);
    assert.equal((c.exp as number) - (c.iat as number), 3600);
    assert.equal(claimsOf(pair.refresh).token_type, 'refresh');
    assert.equal(
      (claimsOf(pair.refresh).exp as number) - (claimsOf(pair.refresh).iat as number),
      86400,
    );
    const form = await callJson(s, '/api/v1/token/', {
      body: new URLSearchParams(ADMIN),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    assert.equal(form.status, 200);
    assert.equal(typeof form.body.access, 'string');
    const ok = await call(s, listPath(storeA), { token: form.body.access });
    assert.equal(ok.status, 200);
  });

  it('rejects bad credentials and bad bodies in the error shape', async () => {
    for (const json of [
      { username: ADMIN.username, password: 'wrong' },
      { username: 'nobody', password: 'x' },
    ]) {
      const r = await callJson(s, '/api/token/', { json });
      assert.equal(r.status, 401);
      assert.equal(errorMessage(r.body), 'No active account found with the given credentials');
      assert.match(r.res.headers.get('www-authenticate') ?? '', /^Bearer/);
    }
    const missing = await callJson(s, '/api/token/', { json: { username: 'admin' } });
    assert.equal(missing.status, 400);
    assert.equal(errorMessage(missing.body), 'password is required');
    const notObject = await callJson(s, '/api/token/', { json: ['admin', 'x'] });
    assert.equal(notObject.status, 400);
    const broken = await callJson(s, '/api/token/', {
      body: '{"username":',
      headers: { 'content-type': 'application/json' },
    });
    assert.equal(broken.status, 400);
    assert.equal(errorMessage(broken.body), 'Malformed JSON body');
  });

  it('answers 401 with WWW-Authenticate for missing, malformed, forged, alg-none, wrong-alg, expired and refresh tokens', async () => {
    const { access, refresh } = await login(s);
    await expect401(undefined, {}, /not provided/);
    await expect401(
      undefined,
      { authorization: `Basic ${Buffer.from('admin:x').toString('base64')}` },
      /Bearer/,
    );
    await expect401('not-a-jwt', {}, /malformed/);
    await expect401('a.b', {}, /malformed/);
    const [h, p] = access.split('.') as [string, string];
    await expect401(
      `${h}.${p}.${createHmac('sha256', 'some-other-secret-value').update(`${h}.${p}`).digest('base64url')}`,
      {},
      /signature/,
    );
    const payload = b64({ ...claimsOf(access), user_id: 'admin' });
    await expect401(`${b64({ alg: 'none', typ: 'JWT' })}.${payload}.`, {}, /malformed|algorithm/);
    await expect401(`${b64({ alg: 'none', typ: 'JWT' })}.${payload}.AAAA`, {}, /algorithm/);
    const hs512 = `${b64({ alg: 'HS512', typ: 'JWT' })}.${payload}`;
    await expect401(
      `${hs512}.${createHmac('sha512', s.config.jwtSecret).update(hs512).digest('base64url')}`,
      {},
      /algorithm/,
    );
    await expect401(refresh, {}, /wrong type/);
    const noExp = signJwt({ token_type: 'access', user_id: 'admin', jti: 'x' }, s.config.jwtSecret);
    await expect401(noExp, {}, /expiry/);
    const ghost = signJwt(
      {
        token_type: 'access',
        user_id: 'ghost',
        jti: 'x',
        exp: Math.floor(s.clock.now / 1000) + 60,
      },
      s.config.jwtSecret,
    );
    await expect401(ghost, {}, /User not found/);

    assert.equal((await call(s, listPath(storeA), { token: access })).status, 200);
    s.clock.now += 3601_000;
    try {
      await expect401(access, {}, /expired/);
    } finally {
      s.clock.now -= 3601_000;
    }
  });

  it('rotates refresh tokens and blacklists the used one, also across a restart', async () => {
    const first = await login(s);
    const r1 = await callJson(s, '/api/token/refresh/', { json: { refresh: first.refresh } });
    assert.equal(r1.status, 200);
    assert.notEqual(r1.body.refresh, first.refresh);
    assert.equal((await call(s, listPath(storeA), { token: r1.body.access })).status, 200);
    const reuse = await callJson(s, '/api/token/refresh/', { json: { refresh: first.refresh } });
    assert.equal(reuse.status, 401);
    assert.equal(errorMessage(reuse.body), 'Token is blacklisted');
    const withAccess = await callJson(s, '/api/v1/token/refresh/', {
      json: { refresh: first.access },
    });
    assert.equal(withAccess.status, 401);
    const missing = await callJson(s, '/api/token/refresh/', { json: {} });
    assert.equal(missing.status, 400);
    assert.equal(errorMessage(missing.body), 'refresh is required');

    // A second server over the same data dir (a restart) still refuses the used refresh token.
    const again = await startServer({ dataDir: s.dataDir });
    try {
      const afterRestart = await callJson(again, '/api/token/refresh/', {
        json: { refresh: first.refresh },
      });
      assert.equal(afterRestart.status, 401);
      const fresh = await callJson(again, '/api/v1/token/refresh/', {
        json: { refresh: r1.body.refresh },
      });
      assert.equal(fresh.status, 200);
    } finally {
      await again.close();
    }
  });

  it('limits store users to their stores (403) while the admin reads every store', async () => {
    const [demoA] = s.prep.demoLogins;
    assert.ok(demoA, 'demo store users exist');
    const user = await login(s, demoA.username, demoA.password);
    assert.equal((await call(s, listPath(storeA), { token: user.access })).status, 200);
    const other = await callJson(s, listPath(storeB), { token: user.access });
    assert.equal(other.status, 403);
    errorMessage(other.body);
    const stores = await callJson(s, '/api/v1/stores/', { token: user.access });
    assert.deepEqual(
      stores.body.data.stores.map((x: { id: string }) => x.id),
      [storeA],
    );
    const admin = await login(s);
    const all = await callJson(s, '/api/v1/stores/', { token: admin.access });
    assert.deepEqual(
      new Set(all.body.data.stores.map((x: { id: string }) => x.id)),
      new Set([storeA, storeB]),
    );
    assert.deepEqual(Object.keys(all.body.data.stores[0]).sort(), ['code', 'id', 'name']);
    assert.equal((await call(s, listPath(storeB), { token: admin.access })).status, 200);
    const adminOnly = await callJson(s, '/api/v1/admin/stores/', { token: user.access });
    assert.equal(adminOnly.status, 403);
    assert.equal(errorMessage(adminOnly.body), 'Admin access required');
    const bogusStore = await callJson(s, listPath('00000000-0000-4000-8000-000000000000'), {
      token: user.access,
    });
    assert.equal(bogusStore.status, 404);
    assert.equal(errorMessage(bogusStore.body), 'Store not found');
  });

  it('takes the admin password from the config on every start', async () => {
    const restarted = await startServer({
      dataDir: s.dataDir,
      env: { ADMIN_PASSWORD: 'changed-password' },
    });
    try {
      assert.equal((await callJson(restarted, '/api/token/', { json: ADMIN })).status, 401);
      await login(restarted, ADMIN.username, 'changed-password');
    } finally {
      await restarted.close();
    }
    const restored = await startServer({ dataDir: s.dataDir });
    try {
      await login(restored);
    } finally {
      await restored.close();
    }
  });
});
