/**
 * Password hashing with scrypt (node:crypto), stored as `scrypt$N$r$p$salt$hash` (base64) so the
 * cost can be raised without invalidating existing hashes: a hash of an older cost still verifies
 * and `needsRehash` tells the sign-in to replace it. Passwords are never logged.
 */
import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

/** OWASP Password Storage Cheat Sheet (2025): N=2^16, r=8, p=2 (64 MiB, same work as N=2^17 p=1). */
export const COST = { N: 65536, r: 8, p: 2 };
const KEY_LENGTH = 32;
/** Room for hashes up to N=2^17 r=8; a stored hash asking for more fails to verify. */
const MAX_MEMORY = 256 * 1024 * 1024;

function derive(
  password: string,
  salt: Buffer,
  options: ScryptOptions,
  length: number,
): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(
      password.normalize('NFKC'),
      salt,
      length,
      { ...options, maxmem: MAX_MEMORY },
      (err, key) => (err ? reject(err) : resolve(key)),
    );
  });
}

/** Hashes a password with a fresh random salt. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(password, salt, COST, KEY_LENGTH);
  return ['scrypt', COST.N, COST.r, COST.p, salt.toString('base64'), key.toString('base64')].join(
    '$',
  );
}

/** True when `stored` was made with another cost than today's (re-hash it at the next sign-in). */
export function needsRehash(stored: string): boolean {
  const [scheme, n, r, p] = stored.split('$');
  return (
    scheme !== 'scrypt' || Number(n) !== COST.N || Number(r) !== COST.r || Number(p) !== COST.p
  );
}

/** True when `password` matches `stored`; a missing or malformed hash never matches. */
export async function verifyPassword(
  password: string,
  stored: string | undefined,
): Promise<boolean> {
  const parts = stored?.split('$') ?? [];
  const [scheme, n, r, p, salt = '', hash = ''] = parts;
  const options = { N: Number(n), r: Number(r), p: Number(p) };
  const expected = Buffer.from(hash, 'base64');
  const wellFormed =
    parts.length === 6 &&
    scheme === 'scrypt' &&
    expected.length > 0 &&
    Object.values(options).every(Number.isSafeInteger);
  // Unknown users and broken hashes cost one scrypt as well, so timing does not reveal which usernames exist.
  const actual = await derive(
    password,
    Buffer.from(salt, 'base64'),
    wellFormed ? options : COST,
    wellFormed ? expected.length : KEY_LENGTH,
  );
  return wellFormed && timingSafeEqual(actual, expected);
}
