/**
 * The kiosk PIN: stored only as a salted PBKDF2-SHA-256 hash (WebCrypto), and guessing slowed down by a
 * lockout that grows after repeated wrong PINs. Runtime-neutral (WebCrypto exists in pages, workers and
 * Node), so the rules are tested in Node; the page keeps both records in localStorage.
 */

/** PBKDF2-HMAC-SHA-256 iterations of new hashes (OWASP's current figure for this PRF). */
export const PIN_ITERATIONS = 600_000;

/** Wrong PINs in a row that are free; each one after that locks the PIN entry for a while. */
export const FREE_ATTEMPTS = 4;

/** Lockout after the first wrong PIN beyond the free ones; it doubles with each further one. */
export const LOCKOUT_BASE_MS = 30_000;

/** Longest lockout. */
export const LOCKOUT_MAX_MS = 60 * 60 * 1000;

/** A PIN as stored: PBKDF2 parameters and the derived key, hex. */
export interface PinHash {
  kdf: 'pbkdf2-sha256';
  iterations: number;
  salt: string;
  hash: string;
}

/** What earlier versions stored: the bare hex SHA-256 of the PIN. Accepted once, then replaced. */
export type LegacyPinHash = string;

/** Wrong PINs in a row and when the last attempt started (epoch ms of the terminal's clock). */
export interface PinAttempts {
  failures: number;
  lastAttemptAtMs: number;
}

/** No wrong PIN since the last right one. */
export const NO_ATTEMPTS: PinAttempts = { failures: 0, lastAttemptAtMs: 0 };

const hex = (bytes: Uint8Array): string =>
  [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('');

function unhex(text: string): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(text.length / 2);
  for (let i = 0; i < bytes.length; i++)
    bytes[i] = Number.parseInt(text.slice(2 * i, 2 * i + 2), 16);
  return bytes;
}

async function pbkdf2(
  pin: string,
  salt: Uint8Array<ArrayBuffer>,
  iterations: number,
): Promise<string> {
  const key = await crypto.subtle.importKey('raw', new TextEncoder().encode(pin), 'PBKDF2', false, [
    'deriveBits',
  ]);
  const bits = await crypto.subtle.deriveBits(
    { name: 'PBKDF2', hash: 'SHA-256', salt, iterations },
    key,
    256,
  );
  return hex(new Uint8Array(bits));
}

async function sha256(text: string): Promise<string> {
  return hex(new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text))));
}

/** Hashes a new PIN with a fresh random 16-byte salt. */
export async function hashPin(pin: string, iterations = PIN_ITERATIONS): Promise<PinHash> {
  const salt = crypto.getRandomValues(new Uint8Array(16));
  return {
    kdf: 'pbkdf2-sha256',
    iterations,
    salt: hex(salt),
    hash: await pbkdf2(pin, salt, iterations),
  };
}

/** True when `value` is a stored PIN this version can check (a PinHash or a legacy hex SHA-256). */
export function isStoredPin(value: unknown): value is PinHash | LegacyPinHash {
  if (typeof value === 'string') return /^[0-9a-f]{64}$/.test(value);
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Partial<PinHash>;
  return (
    v.kdf === 'pbkdf2-sha256' &&
    Number.isSafeInteger(v.iterations) &&
    (v.iterations ?? 0) > 0 &&
    typeof v.salt === 'string' &&
    /^([0-9a-f]{2})+$/.test(v.salt) &&
    typeof v.hash === 'string' &&
    /^[0-9a-f]{64}$/.test(v.hash)
  );
}

/**
 * Checks `pin` against what is stored. A match on a legacy SHA-256 or on fewer iterations than today's
 * returns the hash to store instead (`upgrade`), so old terminals move to PBKDF2 at their next unlock.
 */
export async function checkPin(
  pin: string,
  stored: PinHash | LegacyPinHash,
): Promise<{ ok: boolean; upgrade: PinHash | null }> {
  const ok =
    typeof stored === 'string'
      ? (await sha256(pin)) === stored
      : (await pbkdf2(pin, unhex(stored.salt), stored.iterations)) === stored.hash;
  const outdated = typeof stored === 'string' || stored.iterations < PIN_ITERATIONS;
  return { ok, upgrade: ok && outdated ? await hashPin(pin) : null };
}

/** The lockout that `failures` wrong PINs in a row earn: none for the free ones, then doubling to the cap. */
export function lockoutMs(failures: number): number {
  if (failures <= FREE_ATTEMPTS) return 0;
  return Math.min(
    LOCKOUT_MAX_MS,
    LOCKOUT_BASE_MS * 2 ** Math.min(failures - FREE_ATTEMPTS - 1, 30),
  );
}

/**
 * How long PIN entry stays locked at `now`. Never longer than the lockout itself, so a clock set back
 * cannot lock the kiosk for good; a clock set forward only ends it early.
 */
export function lockedForMs(attempts: PinAttempts, now: number): number {
  const lockout = lockoutMs(attempts.failures);
  return Math.max(0, Math.min(lockout, attempts.lastAttemptAtMs + lockout - now));
}

/**
 * The attempts record to persist *before* checking a PIN: counted as wrong until proven right, so
 * reloading the page during the (slow) check cannot dodge the count. A right PIN resets to NO_ATTEMPTS.
 */
export function beginAttempt(attempts: PinAttempts, now: number): PinAttempts {
  return { failures: attempts.failures + 1, lastAttemptAtMs: now };
}

/** True when `value` is a persisted PinAttempts. */
export function isPinAttempts(value: unknown): value is PinAttempts {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Partial<PinAttempts>;
  return (
    Number.isSafeInteger(v.failures) &&
    (v.failures ?? -1) >= 0 &&
    typeof v.lastAttemptAtMs === 'number' &&
    Number.isFinite(v.lastAttemptAtMs)
  );
}
