/** The kiosk PIN: salted PBKDF2, legacy SHA-256 accepted once and upgraded, and the growing lockout. */
import assert from 'node:assert/strict';
import { createHash, pbkdf2Sync } from 'node:crypto';
import { test } from 'node:test';
import {
  beginAttempt,
  checkPin,
  hashPin,
  isPinAttempts,
  isStoredPin,
  LOCKOUT_BASE_MS,
  LOCKOUT_MAX_MS,
  lockedForMs,
  lockoutMs,
  NO_ATTEMPTS,
  PIN_ITERATIONS,
} from '../../src/shared/kiosk-pin';

test('a PIN is stored as PBKDF2-HMAC-SHA-256 with a random salt and today`s iteration count', async () => {
  const a = await hashPin('2468');
  const b = await hashPin('2468');
  assert.equal(a.kdf, 'pbkdf2-sha256');
  assert.equal(a.iterations, PIN_ITERATIONS);
  assert.ok(PIN_ITERATIONS >= 210_000);
  assert.equal(a.salt.length, 32, '16 bytes of salt');
  assert.notEqual(a.salt, b.salt, 'salted: equal PINs hash differently');
  assert.notEqual(a.hash, b.hash);
  const expected = pbkdf2Sync('2468', Buffer.from(a.salt, 'hex'), a.iterations, 32, 'sha256');
  assert.equal(a.hash, expected.toString('hex'));
  assert.notEqual(a.hash, createHash('sha256').update('2468').digest('hex'));
  assert.ok(isStoredPin(a));
});

test('checking: right and wrong PINs; current hashes are kept as they are', async () => {
  const stored = await hashPin('2468');
  assert.deepEqual(await checkPin('2468', stored), { ok: true, upgrade: null });
  assert.deepEqual(await checkPin('2469', stored), { ok: false, upgrade: null });
  assert.deepEqual(await checkPin('', stored), { ok: false, upgrade: null });
});

test('a bare SHA-256 from older versions, or fewer iterations, unlocks once and is upgraded', async () => {
  const legacy = createHash('sha256').update('2468').digest('hex');
  assert.ok(isStoredPin(legacy));
  assert.deepEqual(await checkPin('1111', legacy), { ok: false, upgrade: null });
  const fromLegacy = await checkPin('2468', legacy);
  assert.equal(fromLegacy.ok, true);
  assert.equal(fromLegacy.upgrade?.iterations, PIN_ITERATIONS);
  assert.deepEqual(await checkPin('2468', fromLegacy.upgrade!), { ok: true, upgrade: null });

  const weak = await hashPin('2468', 1000);
  const fromWeak = await checkPin('2468', weak);
  assert.equal(fromWeak.ok, true);
  assert.equal(fromWeak.upgrade?.iterations, PIN_ITERATIONS);
  assert.deepEqual(await checkPin('1111', weak), { ok: false, upgrade: null });
});

test('only well-formed stored PINs and attempt records are read back', async () => {
  const good = await hashPin('1234', 1000);
  for (const bad of [
    null,
    42,
    'abc',
    'A'.repeat(64),
    { ...good, kdf: 'sha1' },
    { ...good, iterations: 0 },
    { ...good, iterations: 1.5 },
    { ...good, salt: 'xyz' },
    { ...good, salt: '' },
    { ...good, hash: 'short' },
  ])
    assert.equal(isStoredPin(bad), false, JSON.stringify(bad));
  assert.ok(isPinAttempts({ failures: 3, lastAttemptAtMs: 5 }));
  for (const bad of [null, {}, { failures: -1, lastAttemptAtMs: 0 }, { failures: 1 }])
    assert.equal(isPinAttempts(bad), false, JSON.stringify(bad));
});

test('four wrong PINs are free; from the fifth the lockout doubles up to its cap', () => {
  assert.deepEqual([0, 1, 2, 3, 4].map(lockoutMs), [0, 0, 0, 0, 0]);
  assert.equal(lockoutMs(5), LOCKOUT_BASE_MS);
  assert.equal(lockoutMs(6), 2 * LOCKOUT_BASE_MS);
  assert.equal(lockoutMs(7), 4 * LOCKOUT_BASE_MS);
  assert.equal(lockoutMs(40), LOCKOUT_MAX_MS);
  assert.equal(lockoutMs(10_000), LOCKOUT_MAX_MS);
});

test('an attempt counts as wrong before the check; the lockout runs from the last attempt', () => {
  const t = 1_000_000;
  let attempts = NO_ATTEMPTS;
  for (let i = 0; i < 4; i++) attempts = beginAttempt(attempts, t);
  assert.equal(lockedForMs(attempts, t), 0, 'four wrong PINs: no wait');
  attempts = beginAttempt(attempts, t);
  assert.deepEqual(attempts, { failures: 5, lastAttemptAtMs: t });
  assert.equal(lockedForMs(attempts, t), LOCKOUT_BASE_MS);
  assert.equal(lockedForMs(attempts, t + LOCKOUT_BASE_MS - 1), 1);
  assert.equal(lockedForMs(attempts, t + LOCKOUT_BASE_MS), 0);
  assert.equal(lockedForMs(attempts, t - 10 * LOCKOUT_MAX_MS), LOCKOUT_BASE_MS, 'clock set back');
  const sixth = beginAttempt(attempts, t + LOCKOUT_BASE_MS);
  assert.equal(lockedForMs(sixth, t + LOCKOUT_BASE_MS), 2 * LOCKOUT_BASE_MS);
});
