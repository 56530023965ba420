/**
 * Builds the session, the engine and their host from the service worker's real runtime: fetch, wall
 * clock, Web Locks, the IndexedDB storage and the CSP-aware probe; the app's own origin is the default
 * Server URL.
 */
import { openSyncStorage, type PhotoStorage } from '../storage';
import { systemClock } from '../sync/clock';
import { SyncEngine } from '../sync/engine';
import type { LockFn } from '../sync/ports';
import { SyncSession } from '../sync/session';
import { type FirstScreen, guardWrites } from './first-screen';
import { probeConnection } from './policy-block';
import { classified, shareReads } from './shared-reads';
import { type HostDeps, SyncHost } from './sync-host';
import { watchWrites } from './write-watch';

declare const self: ServiceWorkerGlobalScope;

/** A (periodic) Background Sync event: the parts this worker uses. */
export interface SyncTagEvent extends ExtendableEvent {
  readonly tag: string;
}

// request() resolves with the callback's promise result; its typing nests the promise.
const webLock: LockFn = <T>(name: string, fn: () => Promise<T>) =>
  self.navigator.locks.request(name, () => fn()) as unknown as Promise<T>;

/** Opens storage and builds the host; `broadcast` reaches every open page. */
export async function createHost({
  broadcast,
  heldChanged,
  firstScreen,
}: Pick<HostDeps, 'broadcast' | 'heldChanged'> & { firstScreen: FirstScreen }): Promise<SyncHost> {
  // Swept by the host before its first run, so the first screen's reads never wait for it; the engine,
  // the session and the host share its whole-table reads, and the host's product list hears of their writes.
  let host: SyncHost | null = null;
  // The writes that change held photos are what invalidates the embedding routes' views of them too.
  // Every write waits until the first screen's copy is gone (see first-screen.ts).
  // Every method of the storage is classified read or write for the proxies (see METHOD_KINDS).
  const opened = guardWrites(classified(await openSyncStorage({ sweep: false })), firstScreen);
  const storage: PhotoStorage = watchWrites(shareReads(opened), {
    stored: (record) => {
      heldChanged();
      host?.photoStored(record);
    },
    changed: () => {
      heldChanged();
      host?.photosChanged();
    },
  });
  const runtime = {
    // Called as a plain function: a browser's fetch invoked as a method of another object throws "Illegal invocation".
    fetch: (url: string, init: RequestInit) => fetch(url, init),
    storage,
    clock: systemClock,
    random: Math.random,
    lock: webLock,
  };
  const session = new SyncSession({
    ...runtime,
    probe: probeConnection,
    appOrigin: self.location.origin,
    defaults: { serverUrl: self.location.origin },
  });
  const engine = new SyncEngine({
    ...runtime,
    session,
    onProgress: (progress) => host?.onProgress(progress),
  });
  host = new SyncHost({
    session,
    engine,
    storage,
    firstScreen,
    broadcast,
    heldChanged,
    estimate: async () => {
      const [use, persisted] = await Promise.all([
        storage.estimate(),
        storage.requestPersistence(),
      ]);
      return use.quota > 0 ? { ...use, persisted } : null;
    },
  });
  // Its copy is saved again once the writes that dropped it went quiet, from what the host lists first.
  const saving = host;
  firstScreen.saveWhenQuiet(() => saving.firstScreenToSave());
  return host;
}
