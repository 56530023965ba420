/** Whether the terminal is offline: the browser says so, or the HO has not answered since the service worker last tried. */
import { computed, signal } from '@preact/signals';
import { appState } from './state';

const browserOnline = signal(navigator.onLine);
window.addEventListener('online', () => (browserOnline.value = true));
window.addEventListener('offline', () => (browserOnline.value = false));

/** True when the HO (or the app server) is unreachable; photos keep showing from local storage. */
export const offline = computed(
  () => !browserOnline.value || (appState.value?.progress.offlineSince ?? null) !== null,
);
