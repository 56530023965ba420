/**
 * Upgrading from a version that kept the refresh-token blacklist in `<dataDir>/revoked-tokens.json`:
 * a token revoked before the upgrade stays refused after it (imported into the database at start), the
 * old file is kept under a new name, and a damaged file stops the start with an error naming it.
 */
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { it } from 'node:test';
import { startHoServer } from '../helpers/ho-server';
import { DEMO_STORE } from '../helpers/sync-e2e';

const FILE = 'revoked-tokens.json';

async function post(url: string, body: unknown): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
}

/** The `jti` and `exp` of a JWT (read, not verified: the test made it). */
function claims(jwt: string): { jti: string; exp: number } {
  return JSON.parse(Buffer.from(jwt.split('.')[1] ?? '', 'base64url').toString('utf8'));
}

it('a refresh token revoked in the old file is refused after the upgrade; the file is kept aside', async () => {
  const dataDir = await mkdtemp(join(tmpdir(), 'pps-legacy-'));
  const ho = await startHoServer({ dataDir });
  try {
    const signIn = async () => {
      const res = await post(`${ho.url}/api/token/`, {
        username: DEMO_STORE.username,
        password: DEMO_STORE.password,
      });
      assert.equal(res.status, 200);
      return ((await res.json()) as { refresh: string }).refresh;
    };
    const revoked = await signIn();
    const kept = await signIn();
    await ho.stop();
    const { jti, exp } = claims(revoked);
    const old = { [jti]: exp, 'long-gone': 1, 'not-a-number': 'x' };
    await writeFile(join(dataDir, FILE), JSON.stringify(old));
    await ho.restart();
    assert.match(ho.output(), /Imported 1 revoked refresh token/);
    assert.equal((await post(`${ho.url}/api/token/refresh/`, { refresh: revoked })).status, 401);
    assert.equal((await post(`${ho.url}/api/token/refresh/`, { refresh: kept })).status, 200);
    assert.deepEqual(JSON.parse(await readFile(join(dataDir, `${FILE}.imported`), 'utf8')), old);
    await assert.rejects(readFile(join(dataDir, FILE)), { code: 'ENOENT' });
  } finally {
    await ho.dispose();
    await rm(dataDir, { recursive: true, force: true });
  }
});

it('a damaged old file stops the start with an error naming it, and is left in place', async () => {
  const dataDir = await mkdtemp(join(tmpdir(), 'pps-legacy-'));
  try {
    await writeFile(join(dataDir, FILE), '{"half":');
    await assert.rejects(startHoServer({ dataDir, startTimeoutMs: 30_000 }), (e: Error) => {
      assert.match(e.message, /revoked-tokens\.json is not JSON/);
      return true;
    });
    assert.equal(await readFile(join(dataDir, FILE), 'utf8'), '{"half":');
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
});
