/** Service worker registration through workbox-window; the SW lives at the app base and controls it. */
import { Workbox } from 'workbox-window';

/**
 * Registers `<base>sw.js` with scope `<base>` in production builds (dev serves no SW) and returns the Workbox,
 * whose `waiting` events the update prompt will listen to; undefined when the browser has no service workers.
 */
export function registerServiceWorker(): Workbox | undefined {
  if (!import.meta.env.PROD || !('serviceWorker' in navigator)) return undefined;
  const base = import.meta.env.BASE_URL;
  const workbox = new Workbox(`${base}sw.js`, { scope: base });
  workbox.register().catch((error: unknown) => {
    console.error('Service worker registration failed; the app will not work offline.', error);
  });
  return workbox;
}
