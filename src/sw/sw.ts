/**
 * Service worker entry: only wires events. Precaches the app shell (navigations work with the server
 * stopped; updates wait for the page's prompt, no skipWaiting at install), serves photos from local
 * storage, answers page commands, and runs the sync engine when it starts, on commands and on
 * (periodic) Background Sync.
 */
import { clientsClaim } from 'workbox-core';
import {
  cleanupOutdatedCaches,
  createHandlerBoundToURL,
  precacheAndRoute,
} from 'workbox-precaching';
import { NavigationRoute, registerRoute } from 'workbox-routing';
import { awaitsConnectivity } from '../shared/background-sync';
import { problemOf } from '../shared/errors';
import {
  BROADCAST_CHANNEL,
  isRequestEnvelope,
  PERIODIC_SYNC_TAG,
  SYNC_TAG,
  type ReplyEnvelope,
} from '../shared/messages';
import { handleCommand } from './commands';
import { photoIdOf, servePhoto } from './photo-route';
import { onPolicyViolation } from './policy-block';
import { createHost, type SyncTagEvent } from './runtime';

declare const self: ServiceWorkerGlobalScope;

const scope = new URL(self.registration.scope);
const channel = new BroadcastChannel(BROADCAST_CHANNEL);
const ready = createHost((message) => channel.postMessage(message));

/** Extends `event` while a sync run is active or queued, so the browser does not stop the worker mid-run. */
function keepAlive(event: ExtendableEvent): void {
  event.waitUntil(ready.then((host) => host.idle()));
}

precacheAndRoute(self.__WB_MANIFEST);
cleanupOutdatedCaches();
registerRoute(
  ({ url }) => photoIdOf(url, scope) !== null,
  ({ url, event }) => {
    keepAlive(event as ExtendableEvent);
    return ready.then((host) =>
      servePhoto((id) => host.readPhoto(id), photoIdOf(url, scope) as string),
    );
  },
);
// Resolved against the SW's own URL, so a /pos/ deployment serves /pos/index.html. API navigations stay network-only.
registerRoute(
  new NavigationRoute(createHandlerBoundToURL('index.html'), { denylist: [/^\/api\//] }),
);

self.addEventListener('message', (event) => {
  const port = event.ports[0];
  if (!isRequestEnvelope(event.data) || port === undefined) return;
  const { id, command } = event.data;
  const reply = ready
    .then((host) => handleCommand(host, command))
    .then(
      (result): ReplyEnvelope => ({ id, ok: true, result }),
      (err: unknown): ReplyEnvelope => ({ id, ok: false, problem: problemOf(err) }),
    );
  event.waitUntil(reply.then((r) => port.postMessage(r)));
  keepAlive(event);
});

// A rejected Background Sync promise makes the browser retry later: wanted while offline or reports wait.
function onSyncTag(event: SyncTagEvent, tag: string): void {
  if (event.tag !== tag) return;
  event.waitUntil(
    ready.then(async (host) => {
      await host.runIfSignedIn();
      await host.idle();
      const { progress } = await host.state();
      if (awaitsConnectivity(progress))
        throw new Error(
          `sync incomplete: ${progress.status.kind}, reporting ${progress.reporting}`,
        );
    }),
  );
}
self.addEventListener('sync' as keyof ServiceWorkerGlobalScopeEventMap, (event) =>
  onSyncTag(event as SyncTagEvent, SYNC_TAG),
);
self.addEventListener('periodicsync' as keyof ServiceWorkerGlobalScopeEventMap, (event) =>
  onSyncTag(event as SyncTagEvent, PERIODIC_SYNC_TAG),
);
// Lets sign-in tell a server this worker's own CSP refuses from one that is down (both fail fetch alike).
self.addEventListener(
  'securitypolicyviolation' as keyof ServiceWorkerGlobalScopeEventMap,
  (event) => onPolicyViolation(event as SecurityPolicyViolationEvent),
);

clientsClaim();
// The active worker, (re)started by the browser, resumes an interrupted run when signed in; a waiting one must not.
if (self.serviceWorker.state === 'activated') void ready.then((host) => host.runIfSignedIn());
self.addEventListener('activate', () => void ready.then((host) => host.runIfSignedIn()));
