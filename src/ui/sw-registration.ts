/**
 * Service worker registration through workbox-window, and the update flow: a new version installs and
 * then waits (no skipWaiting at install) until the person presses "Reload" or an idle kiosk applies it;
 * the waiting worker is told to skip waiting through the bridge and the page reloads once it controls.
 */
import { signal } from '@preact/signals';
import { Workbox } from 'workbox-window';
import { send } from './bridge';

/** How often a page that stays open (kiosks never reload) asks the server for a new version. */
export const UPDATE_CHECK_INTERVAL_MS = 30 * 60 * 1000;

/** True while a new version is installed and waiting for the page to apply it. */
export const updateWaiting = signal(false);
/** The waiting version is being activated (the page reloads once it controls). */
export const updateApplying = signal(false);
/** Why the last attempt to apply the update failed; null when none did. */
export const updateError = signal<string | null>(null);

/**
 * Registers `<base>sw.js` with scope `<base>` in production builds (dev serves no SW), watches for waiting
 * versions and checks for updates periodically; undefined when the browser has no service workers.
 */
export function registerServiceWorker(): Workbox | undefined {
  if (!import.meta.env.PROD || !('serviceWorker' in navigator)) return undefined;
  const base = import.meta.env.BASE_URL;
  const workbox = new Workbox(`${base}sw.js`, { scope: base });
  // Fires for a version that finished installing, also one already waiting when the page opened.
  workbox.addEventListener('waiting', () => (updateWaiting.value = true));
  navigator.serviceWorker.addEventListener('controllerchange', () => {
    if (updateApplying.value) window.location.reload();
  });
  workbox.register().catch((error: unknown) => {
    console.error('Service worker registration failed; the app will not work offline.', error);
  });
  setInterval(() => void checkForUpdate(), UPDATE_CHECK_INTERVAL_MS);
  return workbox;
}

/** Asks the server for a new service worker now (offline: nothing happens until the next check). */
export async function checkForUpdate(): Promise<void> {
  const registration = await navigator.serviceWorker.getRegistration(import.meta.env.BASE_URL);
  await registration?.update().catch(() => undefined);
}

/** Activates the waiting version; the page reloads when it takes control. A failure shows on the banner, which stays. */
export async function applyUpdate(): Promise<void> {
  updateApplying.value = true;
  updateError.value = null;
  try {
    await send({ type: 'skip-waiting' });
  } catch (error) {
    updateApplying.value = false;
    updateError.value = error instanceof Error ? error.message : String(error);
  }
}
