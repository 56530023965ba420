/**
 * Kiosk mode: the app fills the screen (Fullscreen API, which needs a user gesture) and settings hide
 * behind a long press on the title, guarded by an optional PIN. Kept on this terminal (localStorage):
 * only a salted PBKDF2 hash of the PIN, and the count of wrong PINs, so a reload does not end a lockout.
 */
import { signal } from '@preact/signals';
import {
  beginAttempt,
  checkPin,
  hashPin,
  isPinAttempts,
  isStoredPin,
  type LegacyPinHash,
  lockedForMs,
  NO_ATTEMPTS,
  type PinAttempts,
  type PinHash,
} from '../shared/kiosk-pin';

const STORAGE_KEY = 'ui-kiosk';
const ATTEMPTS_KEY = 'ui-kiosk-pin-attempts';

/** Kiosk settings of this terminal. */
export interface KioskSettings {
  on: boolean;
  /** The PIN's hash (a bare SHA-256 from older versions until its next unlock); null: no PIN. */
  pinHash: PinHash | LegacyPinHash | null;
}

/** How long the title must be held to reach settings in kiosk mode. */
export const LONG_PRESS_MS = 1500;

/** Current kiosk settings. */
export const kiosk = signal<KioskSettings>(load());

function load(): KioskSettings {
  try {
    const raw = JSON.parse(
      localStorage.getItem(STORAGE_KEY) ?? 'null',
    ) as Partial<KioskSettings> | null;
    if (raw !== null && typeof raw.on === 'boolean')
      return { on: raw.on, pinHash: isStoredPin(raw.pinHash) ? raw.pinHash : null };
  } catch {
    // Malformed or blocked storage: kiosk mode stays off, which never locks anyone out.
  }
  return { on: false, pinHash: null };
}

function save(next: KioskSettings): void {
  kiosk.value = next;
  try {
    localStorage.setItem(STORAGE_KEY, JSON.stringify(next));
  } catch {
    // Storage disabled by policy: kiosk mode lasts for this session only.
  }
}

/** The attempts of this page, for when storage is disabled by policy (the lockout then lasts until a reload). */
let attemptsHere: PinAttempts = NO_ATTEMPTS;

/** Wrong PINs in a row so far, as persisted. */
function loadAttempts(): PinAttempts {
  try {
    const raw = JSON.parse(localStorage.getItem(ATTEMPTS_KEY) ?? 'null') as unknown;
    return isPinAttempts(raw) ? raw : NO_ATTEMPTS;
  } catch {
    return attemptsHere;
  }
}

function saveAttempts(attempts: PinAttempts): void {
  attemptsHere = attempts;
  try {
    if (attempts.failures === 0) localStorage.removeItem(ATTEMPTS_KEY);
    else localStorage.setItem(ATTEMPTS_KEY, JSON.stringify(attempts));
  } catch {
    // Storage disabled by policy: counted in this page only (attemptsHere).
  }
  pinLockedUntil.value = Date.now() + lockedForMs(attempts, Date.now());
}

/** Until when (epoch ms) PIN entry is locked after too many wrong PINs; in the past when it is not. */
export const pinLockedUntil = signal<number>(Date.now() + lockedForMs(loadAttempts(), Date.now()));

function goFullscreen(): void {
  if (document.fullscreenElement === null && document.fullscreenEnabled) {
    document.documentElement.requestFullscreen({ navigationUI: 'hide' }).catch(() => undefined);
  }
}

/** Enters full screen when kiosk mode is on; call from a user gesture (browsers refuse otherwise). */
export function enterFullscreen(): void {
  if (kiosk.value.on) goFullscreen();
}

/**
 * Turns kiosk mode on (with an optional PIN) from a button press, and goes full screen. Resolves once
 * kiosk mode and the PIN's hash are saved together: never a kiosk without the PIN it was given.
 */
export async function startKiosk(pin: string): Promise<void> {
  // Requested before awaiting the hash: the user gesture would be spent by then.
  goFullscreen();
  const pinHash = pin === '' ? null : await hashPin(pin);
  saveAttempts(NO_ATTEMPTS);
  save({ on: true, pinHash });
}

/** Turns kiosk mode off and leaves full screen. */
export function stopKiosk(): void {
  save({ on: false, pinHash: null });
  saveAttempts(NO_ATTEMPTS);
  if (document.fullscreenElement !== null) void document.exitFullscreen().catch(() => undefined);
}

/**
 * Whether `pin` unlocks settings: 'ok' (also when no PIN is set), 'wrong', or 'locked' (too many wrong
 * PINs: not even checked until `pinLockedUntil`). The attempt is persisted as wrong before the check.
 */
export async function tryPin(pin: string): Promise<'ok' | 'wrong' | 'locked'> {
  const { pinHash } = kiosk.value;
  if (pinHash === null) return 'ok';
  const attempts = loadAttempts();
  if (lockedForMs(attempts, Date.now()) > 0) {
    pinLockedUntil.value = Date.now() + lockedForMs(attempts, Date.now());
    return 'locked';
  }
  saveAttempts(beginAttempt(attempts, Date.now()));
  const { ok, upgrade } = await checkPin(pin, pinHash);
  if (!ok) return 'wrong';
  saveAttempts(NO_ATTEMPTS);
  if (upgrade !== null) save({ ...kiosk.value, pinHash: upgrade });
  return 'ok';
}

/** Re-enters full screen on the next touch or key after the kiosk left it (Esc, a reload). */
export function keepKioskFullscreen(): void {
  for (const type of ['pointerdown', 'keydown'] as const)
    window.addEventListener(type, enterFullscreen, { capture: true });
}
