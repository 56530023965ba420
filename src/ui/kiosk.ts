/**
 * Kiosk mode: the app fills the screen (Fullscreen API, which needs a user gesture) and settings hide
 * behind a long press on the title, guarded by an optional PIN. Kept on this terminal (localStorage);
 * only a SHA-256 of the PIN is stored.
 */
import { signal } from '@preact/signals';

const STORAGE_KEY = 'ui-kiosk';

/** Kiosk settings of this terminal. */
export interface KioskSettings {
  on: boolean;
  /** Hex SHA-256 of the PIN; null when a long press alone opens settings. */
  pinHash: string | null;
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
      return { on: raw.on, pinHash: typeof raw.pinHash === 'string' ? raw.pinHash : null };
  } catch {
    // Malformed or blocked storage: kiosk mode stays off, which never locks anyone out.
  }
  return { on: false, pinHash: null };
}

async function sha256(text: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

function save(next: KioskSettings): void {
  kiosk.value = next;
  try {
    localStorage.setItem(STORAGE_KEY, JSON.stringify(next));
  } catch {
    // Storage disabled by policy: kiosk mode lasts for this session only.
  }
}

/** Enters full screen when kiosk mode is on; call from a user gesture (browsers refuse otherwise). */
export function enterFullscreen(): void {
  if (kiosk.value.on && document.fullscreenElement === null && document.fullscreenEnabled) {
    document.documentElement.requestFullscreen({ navigationUI: 'hide' }).catch(() => undefined);
  }
}

/** Turns kiosk mode on (with an optional PIN) from a button press, and goes full screen. */
export async function startKiosk(pin: string): Promise<void> {
  // Requested before awaiting the hash: the user gesture would be spent by then.
  save({ ...kiosk.value, on: true });
  enterFullscreen();
  save({ on: true, pinHash: pin === '' ? null : await sha256(pin) });
}

/** Turns kiosk mode off and leaves full screen. */
export function stopKiosk(): void {
  save({ on: false, pinHash: null });
  if (document.fullscreenElement !== null) void document.exitFullscreen().catch(() => undefined);
}

/** True when `pin` is the kiosk PIN (or no PIN is set). */
export async function pinMatches(pin: string): Promise<boolean> {
  const { pinHash } = kiosk.value;
  return pinHash === null || (await sha256(pin)) === pinHash;
}

/** Re-enters full screen on the next touch or key after the kiosk left it (Esc, a reload). */
export function keepKioskFullscreen(): void {
  for (const type of ['pointerdown', 'keydown'] as const)
    window.addEventListener(type, enterFullscreen, { capture: true });
}
