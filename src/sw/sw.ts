/**
 * Service worker entry: only wires events. Precaches the app shell (the app's own pages work with the
 * server stopped; other pages of the origin load as themselves; updates wait for the page's prompt, no
 * skipWaiting at install), serves photos from local storage (the embedding contract, ./embedding.ts),
 * answers page commands, and runs the sync engine when it starts, on commands and on (periodic)
 * Background Sync.
 */
import { clientsClaim } from 'workbox-core';
import {
  cleanupOutdatedCaches,
  addRoute,
  createHandlerBoundToURL,
  precache,
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
import {
  embeddingRequestOf,
  HeldPhotosCache,
  ImageUrlIndex,
  productPhotoOf,
  servePhotoIndex,
} from './embedding';
import { dropOtherFirstScreens, FirstScreen } from './first-screen';
import { servePhoto } from './photo-route';
import { PRELOADED_PHOTOS, withFirstScreen } from './shell-preload';
import { onPolicyViolation } from './policy-block';
import { createHost, type SyncTagEvent } from './runtime';
import { atMost, EVENT_EXTENSION_MS } from './event-extension';
import { startupMark } from '../shared/timing';

declare const self: ServiceWorkerGlobalScope;

startupMark('sw-evaluated');

const scope = new URL(self.registration.scope);
const channel = new BroadcastChannel(BROADCAST_CHANNEL);
// Read at once: a relaunched browser's first page and photos come from here while the database opens.
const firstScreen = new FirstScreen(self.caches, scope);
const heldPhotos = new HeldPhotosCache(() => ready.then((host) => host.heldPhotos()));
const imageUrls = new ImageUrlIndex(() => heldPhotos.get());
const ready = createHost({
  firstScreen,
  broadcast: (message) => channel.postMessage(message),
  heldChanged: () => {
    heldPhotos.invalidate();
    imageUrls.invalidate();
  },
});

/**
 * Extends `event` while a sync run is active or queued, so the browser does not stop the worker mid-run, but
 * by at most EVENT_EXTENSION_MS: Chromium stops a worker one of whose events lasts over 5 minutes, which cut
 * every run longer than that (a first sync of 20,000 photos). A longer run lives on through the events that
 * follow: a page's heartbeat while it shows a run (src/ui/heartbeat.ts), or the next trigger resumes it.
 */
function keepAlive(event: ExtendableEvent): void {
  event.waitUntil(ready.then((host) => atMost(host.idle(), EVENT_EXTENSION_MS)));
}

precache(self.__WB_MANIFEST);
// The app shell answers the app's own pages only (scope root, index.html, with any query): any other
// page of the origin loads as itself. Resolved against the SW's URL, so a /pos/ build serves /pos/index.html.
// Registered before the precache's own route, which would answer the scope root and index.html as they are
// (without the first screen: see shell-preload.ts).
const shellPages = new RegExp(
  `^${scope.pathname.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?:index\\.html)?(?:\\?.*)?$`,
);
const shell = createHandlerBoundToURL('index.html');
registerRoute(
  new NavigationRoute(
    async (options) => {
      const [page, first] = await Promise.all([
        shell(options),
        firstScreen.shell(PRELOADED_PHOTOS).catch(() => null),
      ]);
      return withFirstScreen(page, scope.pathname, first);
    },
    { allowlist: [shellPages] },
  ),
);
addRoute();
cleanupOutdatedCaches();
registerRoute(
  ({ url }) => embeddingRequestOf(url, scope) !== null,
  async ({ url, event }) => {
    keepAlive(event as ExtendableEvent);
    const asked = embeddingRequestOf(url, scope);
    if (asked?.kind === 'photo') startupMark('sw-photo-asked');
    const saved = asked?.kind === 'photo' ? await firstScreen.photo(asked.id) : null;
    if (saved !== null) {
      startupMark('sw-photo-answered-first-screen');
      return saved;
    }
    const host = await ready;
    const read = (id: string) => host.readPhoto(id);
    if (asked?.kind === 'photo') {
      const res = await servePhoto(read, asked.id);
      startupMark('sw-photo-answered');
      return res;
    }
    const { held } = await heldPhotos.get();
    if (asked?.kind === 'index') return servePhotoIndex(held);
    // A product without a held photo gets the placeholder, like a photo not held.
    return servePhoto(read, productPhotoOf(held, asked?.productId ?? '')?.id ?? '');
  },
);
// A page that renders the HO's image_url directly gets the held bytes too (exactly the listed URLs).
registerRoute(
  ({ url, request }) => request.method === 'GET' && imageUrls.claims(url.href, request.destination),
  async ({ url, request }) => {
    const id = await imageUrls.photoIdFor(url.href);
    if (id === undefined) return fetch(request);
    const host = await ready;
    const res = await servePhoto((photoId) => host.readPhoto(photoId), id);
    // The answer stands for another origin's URL: same-origin CORP would make the browser drop it. Only
    // pages this worker controls (the app's own origin) ever get it.
    res.headers.set('Cross-Origin-Resource-Policy', 'cross-origin');
    return res;
  },
);

self.addEventListener('message', (event) => {
  const port = event.ports[0];
  if (!isRequestEnvelope(event.data) || port === undefined) return;
  const { id, command } = event.data;
  startupMark(`sw-${command.type}-received`);
  const reply = ready
    .then((host) => handleCommand(host, command))
    .then(
      (result): ReplyEnvelope => ({ id, ok: true, result }),
      (err: unknown): ReplyEnvelope => ({ id, ok: false, problem: problemOf(err) }),
    );
  event.waitUntil(
    reply.then((r) => {
      port.postMessage(r);
      startupMark(`sw-${command.type}-replied`);
    }),
  );
  keepAlive(event);
});

// A rejected Background Sync promise makes the browser retry later: wanted while offline or reports wait.
function onSyncTag(event: SyncTagEvent, tag: string): void {
  if (event.tag !== tag) return;
  event.waitUntil(
    ready.then(async (host) => {
      await host.runAfterStartUp();
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
if (self.serviceWorker.state === 'activated') void ready.then((host) => host.runAfterStartUp());
self.addEventListener('activate', (event) => {
  event.waitUntil(dropOtherFirstScreens(self.caches).catch(() => undefined));
  void ready.then((host) => host.runAfterStartUp());
});
