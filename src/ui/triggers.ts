/**
 * Page-side sync triggers, so the terminal stays current even where Background Sync is missing: a timer
 * while the page is open (interval + random jitter), the `online` event, and registration of one-off and
 * periodic Background Sync where the browser offers them; during a run, the heartbeat (./heartbeat.ts)
 * keeps the worker alive past Chromium's 5-minute limit per event.
 */
import { backgroundSyncRequests } from '../shared/background-sync';
import { PERIODIC_SYNC_TAG, SYNC_TAG } from '../shared/messages';
import { computed, effect } from '@preact/signals';
import { startHeartbeat } from './heartbeat';
import { appState, checkConnection, refreshState, syncNow } from './state';

/** Background Sync registration APIs (not in every browser, nor in TypeScript's DOM types). */
interface SyncRegistration extends ServiceWorkerRegistration {
  sync?: { register(tag: string): Promise<void> };
  periodicSync?: { register(tag: string, options: { minInterval: number }): Promise<void> };
}

async function registration(): Promise<SyncRegistration | null> {
  return 'serviceWorker' in navigator
    ? ((await navigator.serviceWorker.ready) as SyncRegistration)
    : null;
}

/** Asks for a one-off Background Sync: the browser wakes the SW when connectivity returns. */
async function requestBackgroundSync(): Promise<void> {
  await (await registration())?.sync?.register(SYNC_TAG).catch(() => undefined);
}

/** Registers Periodic Background Sync when the browser grants it (installed PWAs in Chromium). */
async function requestPeriodicSync(minInterval: number): Promise<void> {
  const reg = await registration();
  if (reg?.periodicSync === undefined) return;
  const status = await navigator.permissions
    .query({ name: 'periodic-background-sync' as PermissionName })
    .catch(() => null);
  if (status?.state === 'granted')
    await reg.periodicSync.register(PERIODIC_SYNC_TAG, { minInterval }).catch(() => undefined);
}

/** Starts the page triggers; they act only while a store is signed in. */
export function startTriggers(): void {
  let timer: ReturnType<typeof setTimeout> | null = null;
  let periodicFor = 0;
  const shouldRequest = backgroundSyncRequests();
  let checked = false;
  window.addEventListener('online', () => void syncNow('online'));
  startHeartbeat(
    computed(() => appState.value?.running === true),
    () => void refreshState(),
  );
  // The worker may have been idle since its last run: ask whether the HO answers when the page is opened or shown again.
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'visible' && appState.value?.session.signedIn === true)
      void checkConnection();
  });
  effect(() => {
    const state = appState.value;
    if (timer !== null) clearTimeout(timer);
    timer = null;
    if (state === null || !state.session.signedIn) return;
    if (!checked) {
      checked = true;
      void checkConnection();
    }
    const { syncIntervalMs, syncJitterMs } = state.session;
    // Re-armed on every state change; a run's own progress keeps pushing it back, so runs never overlap.
    timer = setTimeout(() => void syncNow('timer'), syncIntervalMs + Math.random() * syncJitterMs);
    if (shouldRequest(state.progress)) void requestBackgroundSync();
    if (periodicFor !== syncIntervalMs) {
      periodicFor = syncIntervalMs;
      void requestPeriodicSync(syncIntervalMs);
    }
  });
}
