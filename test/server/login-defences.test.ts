/**
 * Issue 9, item 5: failed sign-ins throttled per username and per address (429 + Retry-After on
 * both token paths and refresh), password hashing bounded (excess refused at once), and hashes of
 * an older scrypt cost upgraded at the next successful sign-in.
 */
import assert from 'node:assert/strict';
import { randomBytes, scryptSync } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { HASH_BURST_MS, HashSlots } from '../../server/src/auth/hash-slots';
import { COST } from '../../server/src/auth/password';
import { ConfigError, loadConfig } from '../../server/src/config';
import { ADMIN, type TestServer, callJson, errorMessage, login, startServer } from './harness';

const FIFTEEN_MINUTES = 15 * 60 * 1000;

async function withServer(argv: string[], run: (s: TestServer) => Promise<void>): Promise<void> {
  const s = await startServer({ argv });
  try {
    await run(s);
  } finally {
    await s.close();
  }
}

function signIn(s: TestServer, username: string, password: string, path = '/api/token/') {
  return callJson(s, path, { json: { username, password } });
}

function assertThrottled(r: { status: number; body: unknown; res: Response }): number {
  assert.equal(r.status, 429, JSON.stringify(r.body));
  assert.match(errorMessage(r.body), /Too many failed sign-ins/);
  const retryAfter = Number(r.res.headers.get('retry-after'));
  assert.ok(retryAfter >= 1 && retryAfter <= 900, `Retry-After ${retryAfter}`);
  return retryAfter;
}

describe('failed sign-in throttling', () => {
  it('locks a username after too many failures, on both token paths, until the window ends', async () => {
    await withServer(
      ['--max-failed-logins', '3', '--max-failed-logins-per-address', '100'],
      async (s) => {
        for (let i = 0; i < 3; i++)
          assert.equal((await signIn(s, ADMIN.username, 'wrong')).status, 401);
        // Even the right password is refused while locked, and the other path shares the count.
        assertThrottled(await signIn(s, ADMIN.username, ADMIN.password));
        assertThrottled(await signIn(s, ADMIN.username.toUpperCase(), 'x', '/api/v1/token/'));
        const demo = s.prep.demoLogins[0]!;
        await login(s, demo.username, demo.password);
        s.clock.now += FIFTEEN_MINUTES;
        await login(s);
      },
    );
  });

  it('locks an address after too many failures across usernames, refresh included', async () => {
    await withServer(
      ['--max-failed-logins', '100', '--max-failed-logins-per-address', '3'],
      async (s) => {
        const { refresh } = await login(s);
        for (const name of ['a', 'b', 'c']) assert.equal((await signIn(s, name, 'x')).status, 401);
        assertThrottled(await signIn(s, 'd', 'x'));
        assertThrottled(await signIn(s, ADMIN.username, ADMIN.password, '/api/v1/token/'));
        assertThrottled(await callJson(s, '/api/token/refresh/', { json: { refresh } }));
      },
    );
  });

  it('counts bad refresh tokens against the address', async () => {
    await withServer(['--max-failed-logins-per-address', '2'], async (s) => {
      const { refresh } = await login(s);
      for (let i = 0; i < 2; i++) {
        const r = await callJson(s, '/api/token/refresh/', { json: { refresh: 'junk' } });
        assert.equal(r.status, 401);
      }
      assertThrottled(await callJson(s, '/api/v1/token/refresh/', { json: { refresh } }));
      s.clock.now += FIFTEEN_MINUTES;
      assert.equal((await callJson(s, '/api/token/refresh/', { json: { refresh } })).status, 200);
    });
  });
});

describe('password hashing', () => {
  it('runs few hashes at once and refuses the excess at once with 429 Retry-After 1', async () => {
    await withServer([], async (s) => {
      const flood = await Promise.all(
        Array.from({ length: 12 }, (_, i) => signIn(s, `nobody-${i}`, 'wrong')),
      );
      const busy = flood.filter((r) => r.status === 429);
      assert.ok(busy.length >= 8, `statuses ${flood.map((r) => r.status)}`);
      for (const r of busy) {
        assert.match(errorMessage(r.body), /at once/);
        assert.equal(r.res.headers.get('retry-after'), '1');
      }
      assert.ok(flood.filter((r) => r.status === 401).length >= 1);
      await login(s);
    });
  });

  it('upgrades a hash of an older scrypt cost at the next successful sign-in', async () => {
    await withServer([], async (s) => {
      const salt = randomBytes(16);
      const key = scryptSync(ADMIN.password, salt, 32, { N: 16384, r: 8, p: 1 });
      const old = ['scrypt', 16384, 8, 1, salt.toString('base64'), key.toString('base64')].join(
        '$',
      );
      await s.meta.setPasswordHash(ADMIN.username, old);
      await login(s);
      const upgraded = (await s.meta.getUser(ADMIN.username))!.password_hash;
      assert.ok(upgraded.startsWith(`scrypt$${COST.N}$${COST.r}$${COST.p}$`), upgraded);
      assert.ok(COST.N * COST.p >= 2 ** 17, 'OWASP: N*p of at least 2^17 with r=8');
      await login(s);
      assert.equal((await signIn(s, ADMIN.username, 'wrong')).status, 401);
    });
  });
});

describe('password hashing budget', () => {
  /** A hash of `ms` on a fake clock; resolves when the clock has moved on. */
  function hashFor(slots: HashSlots, clock: { t: number }, ms: number) {
    return slots.tryRun(async () => {
      clock.t += ms;
      return 'hashed';
    });
  }

  it('keeps a flood to its share of the slot time once the burst is spent, and says how long to wait', async () => {
    const clock = { t: 0 };
    const slots = new HashSlots(1, 0.25, () => clock.t);
    // Back to back, without pause: the burst allows about HASH_BURST_MS of hashing (a few sign-ins at once).
    let hashed = 0;
    while ((await hashFor(slots, clock, 250)) !== undefined) hashed++;
    const burst = HASH_BURST_MS / (250 * (1 - 0.25));
    assert.ok(hashed >= Math.floor(burst) && hashed <= Math.ceil(burst) + 1, `${hashed} hashes`);
    const wait = slots.retryAfterS;
    assert.ok(wait >= 1, `Retry-After ${wait}`);
    // A long flood: one attempt every 10 ms for 60 s gets only a quarter of the time hashed.
    const start = clock.t;
    let busyMs = 0;
    while (clock.t - start < 60_000) {
      const before = clock.t;
      if ((await hashFor(slots, clock, 250)) !== undefined) busyMs += clock.t - before;
      else clock.t += 10;
    }
    const share = busyMs / (clock.t - start);
    assert.ok(share > 0.2 && share <= 0.25 + HASH_BURST_MS / 60_000, `hashing share ${share}`);
    // After a quiet spell the burst is back.
    clock.t += 60_000;
    assert.equal(slots.retryAfterS, 0);
    assert.notEqual(await hashFor(slots, clock, 250), undefined);
  });

  it('is configured in percent (--hash-cpu-share, HASH_CPU_SHARE); nonsense stops the server', async (t) => {
    const dir = await mkdtemp(join(tmpdir(), 'pps-hash-share-'));
    t.after(() => rm(dir, { recursive: true, force: true }));
    const dataDir = ['--data-dir', dir];
    assert.equal(loadConfig([...dataDir], {}).hashCpuShare, 0.25);
    assert.equal(loadConfig([...dataDir, '--hash-cpu-share', '50'], {}).hashCpuShare, 0.5);
    assert.equal(loadConfig([...dataDir], { HASH_CPU_SHARE: '100' }).hashCpuShare, 1);
    for (const bad of ['0', '101', 'lots'])
      assert.throws(() => loadConfig([...dataDir, '--hash-cpu-share', bad], {}), ConfigError);
  });
});
