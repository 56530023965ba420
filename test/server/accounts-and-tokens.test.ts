/**
 * Issue 9, items 4 and 6: demo accounts do not survive leaving demo mode, users are managed with the
 * CLI, and tokens can be revoked (blacklist endpoint, per-user generation, absolute session lifetime).
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';
import { describe, it } from 'node:test';
import { AdminOps } from '../../server/src/admin-ops';
import {
  type StartOptions,
  type TestServer,
  call,
  callJson,
  errorMessage,
  login,
  spawnMain,
  startServer,
} from './harness';

const run = promisify(execFile);

async function signIn(s: TestServer, username: string, password: string): Promise<number> {
  return (await callJson(s, '/api/token/', { json: { username, password } })).status;
}

/** Status of a store list with `access`. */
async function useAccess(s: TestServer, access: string): Promise<{ status: number; body: any }> {
  return callJson(s, '/api/v1/stores/', { token: access });
}

async function refresh(s: TestServer, token: string) {
  return callJson(s, '/api/token/refresh/', { json: { refresh: token } });
}

/** A demo data dir (demo users and tokens in use), then restarted with `restart`. */
async function leaveDemoMode(
  restart: StartOptions,
  check: (s: TestServer, old: { admin: string; store: string }) => Promise<void>,
) {
  const demo = await startServer();
  const store = demo.prep.demoLogins[0]!;
  const old = {
    admin: (await login(demo)).access,
    store: (await login(demo, store.username, store.password)).access,
  };
  await demo.close(true);
  const hardened = await startServer({ ...restart, dataDir: demo.dataDir });
  try {
    await check(hardened, old);
  } finally {
    await hardened.close();
    await demo.close();
  }
}

describe('demo accounts outside demo mode', () => {
  it('with ADMIN_PASSWORD set: demo store users and admin/admin refused, their tokens too', async () => {
    await leaveDemoMode({ env: { ADMIN_PASSWORD: 'real-admin-password' } }, async (s, old) => {
      assert.equal(s.config.demoMode, false);
      assert.deepEqual(s.prep.demoLogins, []);
      assert.deepEqual(s.prep.disabledDemoUsers.sort(), ['bdg-01', 'jkt-01']);
      assert.equal(await signIn(s, 'admin', 'admin'), 401);
      assert.equal(await signIn(s, 'jkt-01', 'jkt-01'), 401);
      assert.equal((await useAccess(s, old.store)).status, 401);
      assert.match(errorMessage((await useAccess(s, old.admin)).body), /revoked/);
      await login(s, 'admin', 'real-admin-password');
    });
  });

  it('with --no-demo and no ADMIN_PASSWORD: no admin at all until one is added on purpose', async () => {
    await leaveDemoMode({ argv: ['--no-demo'] }, async (s, old) => {
      assert.equal(s.config.adminPassword, undefined);
      assert.deepEqual(s.prep.disabledDemoUsers.sort(), ['admin', 'bdg-01', 'jkt-01']);
      assert.equal(await signIn(s, 'admin', 'admin'), 401);
      assert.equal((await useAccess(s, old.admin)).status, 401);
      const ops = new AdminOps(s.meta, s.photos);
      await ops.addUser({
        username: 'boss',
        password: 'long-enough-pw',
        role: 'admin',
        store_ids: [],
      });
      await login(s, 'boss', 'long-enough-pw');
    });
  });

  it('says so in the start-up banner', async () => {
    const demo = await startServer();
    await demo.close(true);
    const child = spawnMain(demo.dataDir, ['--no-demo']);
    const exited = new Promise((r) => child.on('exit', r));
    const seen: string[] = [];
    try {
      for await (const line of createInterface({ input: child.stdout })) {
        seen.push(line);
        if (/Demo sign-ins disabled/.test(line)) break;
      }
      const text = seen.join('\n');
      assert.match(text, /Demo sign-ins disabled \(not in demo mode\): .*admin/);
      assert.match(text, /No configured admin/);
      assert.doesNotMatch(text, /jkt-01 \/ jkt-01|admin \/ admin/);
    } finally {
      child.kill('SIGTERM');
      await exited;
      await demo.close();
    }
  });
});

describe('user management CLI', () => {
  it('adds, lists, re-passwords and disables users, printing JSON', async () => {
    const s = await startServer();
    const store = s.prep.demoLogins[0]!.store.id;
    await s.close(true);
    const cli = async (...args: string[]) =>
      JSON.parse(
        (
          await run(process.execPath, [
            '--import',
            'tsx',
            'server/src/cli.ts',
            ...args,
            '--data-dir',
            s.dataDir,
          ])
        ).stdout,
      );
    try {
      const added = await cli(
        'add-user',
        '--username',
        'kasir-7',
        '--password',
        'first-password',
        '--stores',
        store,
      );
      assert.deepEqual(added, {
        username: 'kasir-7',
        role: 'store',
        store_ids: [store],
        disabled: false,
        token_generation: 0,
      });
      const changed = await cli(
        'set-password',
        '--username',
        'kasir-7',
        '--password',
        'second-password',
      );
      assert.equal(changed.token_generation, 1);
      const disabled = await cli('disable-user', '--username', 'kasir-7');
      assert.equal(disabled.disabled, true);
      const users = await cli('list-users');
      assert.ok(users.some((u: any) => u.username === 'kasir-7' && u.disabled));
      assert.ok(users.every((u: any) => !('password_hash' in u)));
      await assert.rejects(
        run(process.execPath, [
          '--import',
          'tsx',
          'server/src/cli.ts',
          'add-user',
          '--username',
          'x',
          '--password',
          'short',
          '--stores',
          store,
          '--data-dir',
          s.dataDir,
        ]),
        /at least 10 characters/,
      );
    } finally {
      await s.close();
    }
  });
});

describe('token revocation', () => {
  it('blacklists a refresh token at /api/token/blacklist/ (sign-out)', async () => {
    const s = await startServer();
    try {
      const pair = await login(s);
      for (const path of ['/api/token/blacklist/', '/api/v1/token/blacklist/']) {
        const { refresh: token } = await login(s);
        const r = await callJson(s, path, { json: { refresh: token } });
        assert.equal(r.status, 200);
        assert.deepEqual(r.body, {});
        const reuse = await refresh(s, token);
        assert.equal(reuse.status, 401);
        assert.match(errorMessage(reuse.body), /blacklisted/);
        assert.equal((await callJson(s, path, { json: { refresh: token } })).status, 401);
      }
      const wrongType = await callJson(s, '/api/token/blacklist/', {
        json: { refresh: pair.access },
      });
      assert.equal(wrongType.status, 401);
      assert.equal((await refresh(s, pair.refresh)).status, 200, 'other sessions live on');
    } finally {
      await s.close();
    }
  });

  it('refuses every older token of a user whose password changed or who was disabled', async () => {
    const s = await startServer();
    try {
      const demo = s.prep.demoLogins[0]!;
      const ops = new AdminOps(s.meta, s.photos);
      const before = await login(s, demo.username, demo.password);
      assert.equal((await useAccess(s, before.access)).status, 200);
      await ops.setPassword(demo.username, 'a-new-password');
      assert.match(errorMessage((await useAccess(s, before.access)).body), /revoked/);
      assert.equal((await refresh(s, before.refresh)).status, 401);
      const after = await login(s, demo.username, 'a-new-password');
      assert.equal((await useAccess(s, after.access)).status, 200);
      await ops.disableUser(demo.username);
      assert.equal((await useAccess(s, after.access)).status, 401);
      assert.equal((await refresh(s, after.refresh)).status, 401);
      assert.equal(await signIn(s, demo.username, 'a-new-password'), 401);
    } finally {
      await s.close();
    }
  });

  it('ends a session at its absolute lifetime however often it is refreshed', async () => {
    const s = await startServer({ argv: ['--session-lifetime', '2h', '--refresh-ttl', '1d'] });
    try {
      const start = s.clock.now;
      let pair = await login(s);
      for (let hour = 1; hour <= 2; hour++) {
        s.clock.now = start + hour * 3_600_000 - 60_000;
        const r = await refresh(s, pair.refresh);
        assert.equal(r.status, 200, `refresh at ${hour}h`);
        pair = r.body;
        const claims = JSON.parse(Buffer.from(pair.refresh.split('.')[1]!, 'base64url').toString());
        assert.ok(
          claims.exp <= Math.floor(start / 1000) + 7200,
          'rotation never extends the session',
        );
      }
      s.clock.now = start + 7_201_000;
      assert.equal((await refresh(s, pair.refresh)).status, 401);
      assert.equal((await call(s, '/api/v1/stores/', { token: pair.access })).status, 401);
      await login(s);
    } finally {
      await s.close();
    }
  });
});
