/** Config parsing/validation, and main.ts as a process: listening line, credentials, exit codes, SIGTERM. */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { ConfigError, loadConfig } from '../../server/src/config';
import { DEMO } from '../../server/src/demo/seed';
import { allPhotos, callJson, login, spawnMain, startServer } from './harness';

const dirs: string[] = [];
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'ho-config-'));
  dirs.push(d);
  return d;
};
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('config', () => {
  it('has the documented defaults and a persisted generated JWT secret', () => {
    const dataDir = tempDir();
    const c = loadConfig(['--data-dir', dataDir], {});
    assert.equal(c.port, 8000);
    assert.equal(c.host, '127.0.0.1');
    assert.equal(c.staticDir, resolve('dist'));
    assert.deepEqual([c.adminUsername, c.adminPassword, c.demoMode], ['admin', 'admin', true]);
    assert.equal(c.corsOrigins, '*');
    assert.equal(c.accessTtlS, 3600);
    assert.equal(c.refreshTtlS, 86400);
    assert.equal(c.referenceOnly, false);
    assert.equal(c.demo, true);
    assert.equal(c.proxyUrl, undefined);
    assert.equal(c.jwtSecret, readFileSync(join(dataDir, 'jwt-secret'), 'utf8'));
    assert.equal(
      loadConfig(['--data-dir', dataDir], {}).jwtSecret,
      c.jwtSecret,
      'the secret survives restarts',
    );
  });

  it('reads env, lets flags win, and parses durations, origins and modes', () => {
    const c = loadConfig(
      [
        '--port',
        '9001',
        '--access-ttl',
        '15m',
        '--no-demo',
        '--catalog',
        '2000',
        '--avg-bytes',
        '100000',
      ],
      {
        PORT: '7000',
        HOST: '0.0.0.0',
        DATA_DIR: tempDir(),
        ADMIN_PASSWORD: 's3cret',
        REFRESH_TOKEN_LIFETIME: '2d',
        CORS_ORIGINS: 'https://a.example, http://b.example:8080',
        REFERENCE_ONLY: 'true',
        HO_PROXY_URL: 'https://ho.example.com/base',
        JWT_SECRET: 'x'.repeat(32),
        FAULT_429_RATE: '0.5',
        PUBLIC_URL: 'https://ho.example.com/',
      },
    );
    assert.equal(c.port, 9001);
    assert.equal(c.host, '0.0.0.0');
    assert.equal(c.accessTtlS, 900);
    assert.equal(c.refreshTtlS, 172800);
    assert.equal(c.demoMode, false);
    assert.deepEqual(c.corsOrigins, ['https://a.example', 'http://b.example:8080']);
    assert.equal(c.referenceOnly, true);
    assert.equal(c.proxyUrl?.href, 'https://ho.example.com/base');
    assert.equal(c.demo, false);
    assert.deepEqual(c.catalog, { photos: 2000, avgBytes: 100000 });
    assert.equal(c.faults.rate_limit_rate, 0.5);
    assert.equal(c.publicUrl, 'https://ho.example.com');
    assert.deepEqual(
      loadConfig(['--data-dir', tempDir()], { ADMIN_PASSWORD: 'x' }).corsOrigins,
      [],
      'no CORS outside demo mode unless configured',
    );
  });

  it('rejects bad values with one clear message', () => {
    const cases: [string[], NodeJS.ProcessEnv, RegExp][] = [
      [['--port', 'eighty'], {}, /port must be a whole number/],
      [['--port', '70000'], {}, /port must be between 0 and 65535/],
      [['--bogus'], {}, /Unknown option '--bogus'/],
      [[], { ACCESS_TOKEN_LIFETIME: '1 week' }, /access-ttl must be a positive duration/],
      [[], { HO_PROXY_URL: 'ftp://x' }, /proxy must be an http\(s\) URL/],
      [[], { CORS_ORIGINS: 'https://a.example/path' }, /bare origins/],
      [[], { REFERENCE_ONLY: 'maybe' }, /REFERENCE_ONLY must be/],
      [[], { FAULT_ERROR_RATE: '1.5' }, /error_rate must be a number from 0 to 1/],
      [[], { JWT_SECRET: 'short' }, /at least 16/],
      [['--avg-bytes', '5000'], {}, /needs --catalog/],
      [
        [],
        { DATABASE_URL: 'mysql://h/db', JWT_SECRET: 'x'.repeat(16) },
        /start with postgres:\/\//,
      ],
      [
        [],
        { DATABASE_URL: 'postgres://h', JWT_SECRET: 'x'.repeat(16) },
        /host and a database name/,
      ],
      [[], { DATABASE_URL: 'not a url', JWT_SECRET: 'x'.repeat(16) }, /must be a URL/],
      [[], { DATABASE_URL: 'postgres://h/db' }, /needs --jwt-secret/],
    ];
    for (const [argv, env, message] of cases) {
      assert.throws(
        () => loadConfig(['--data-dir', tempDir(), ...argv], env),
        (e: unknown) => e instanceof ConfigError && message.test(e.message),
        message.source,
      );
    }
  });
});

describe('benchmark catalog', () => {
  it('generates a catalog store next to the demo data and reuses it on restart', async () => {
    const s = await startServer({ argv: ['--catalog', '30', '--avg-bytes', '3000'] });
    try {
      const bench = s.prep.benchmarkStore;
      assert.ok(bench);
      const token = (await login(s)).access;
      const photos = await allPhotos(s, token, bench.id);
      assert.equal(photos.length, 30);
      const avg = photos.reduce((n, p) => n + p.size, 0) / photos.length;
      assert.ok(avg > 1500 && avg < 6000, `average ${avg}`);
      assert.equal(s.prep.demoLogins.length, 2, 'the demo stores are still there');
      const again = await startServer({
        dataDir: s.dataDir,
        argv: ['--catalog', '30', '--avg-bytes', '3000'],
      });
      try {
        assert.equal(again.prep.benchmarkStore?.id, bench.id);
        const r = await callJson(
          again,
          `/api/v1/sync/product-photos/?store_id=${bench.id}&limit=1`,
          { token: (await login(again)).access },
        );
        assert.equal(r.body.data.total, 30);
      } finally {
        await again.close();
      }
    } finally {
      await s.close();
    }
  });
});

describe('main.ts', () => {
  it('prints the listening line first, then the PWA URL, credentials and store ids; stops on SIGTERM', async () => {
    const dataDir = tempDir();
    const child = spawnMain(dataDir, ['--static-dir', join(dataDir, 'dist')]);
    let stderr = '';
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    const lines = createInterface({ input: child.stdout });
    const seen: string[] = [];
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    try {
      for await (const line of lines) {
        seen.push(line);
        if (line.includes(DEMO.stores[1].id)) break;
      }
      const m = /^HO server listening on http:\/\/127\.0\.0\.1:(\d+)$/.exec(seen[0] ?? '');
      assert.ok(m, `first line: ${seen[0]}`);
      assert.notEqual(m[1], '0');
      const text = seen.join('\n');
      assert.match(text, /npm run build/);
      assert.match(text, /admin \/ admin/);
      assert.match(text, /jkt-01 \/ jkt-01/);
      assert.match(stderr, /WARNING: demo admin credentials/);
      const res = await fetch(`http://127.0.0.1:${m[1]}/api/token/`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"username":"jkt-01","password":"jkt-01"}',
      });
      assert.equal(res.status, 200);
      child.kill('SIGTERM');
      assert.equal(await exited, 0);
      assert.ok(existsSync(join(dataDir, 'ho.sqlite')));
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });

  it('exits 2 with one error line on bad config', () => {
    const r = spawnSync(
      process.execPath,
      ['--import', 'tsx', 'server/src/main.ts', '--port', 'nope', '--data-dir', tempDir()],
      { encoding: 'utf8' },
    );
    assert.equal(r.status, 2);
    assert.equal(r.stderr.trim().split('\n').length, 1);
    assert.match(r.stderr, /^error: port must be a whole number/);
    assert.equal(r.stdout, '');
  });
});

describe('health check', () => {
  it('answers GET /healthz with 503 in the error shape once the database is gone', async () => {
    const s = await startServer();
    try {
      assert.equal((await callJson(s, '/healthz')).status, 200);
      await s.meta.close();
      const down = await callJson(s, '/healthz');
      assert.equal(down.status, 503);
      assert.deepEqual(down.body, { status: 'error', message: 'Database unavailable' });
    } finally {
      // The database is already closed: only the listener and the data dir are left to clean up.
      await s.close().catch(() => undefined);
    }
  });
});
