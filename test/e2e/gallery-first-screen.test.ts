/**
 * The gallery's first screen kept in Cache Storage (src/sw/first-screen.ts), in real Chromium against the
 * reference HO: saved once the terminal is up to date with the HO's verified bytes; after a photo is replaced
 * and another deleted it holds the new bytes and never the deleted photo; a relaunched browser with the HO
 * stopped answers the first page and photos from it; signing out deletes it.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { BrowserContext, Page } from 'playwright-core';
import type { Product } from '../../src/shared/messages';
import { FIRST_SCREEN_CACHE } from '../../src/sw/first-screen';
import { type ChromiumProfile, createChromiumProfile } from '../helpers/chromium';
import { type HoServer, startHoServer } from '../helpers/ho-server';
import { openApp } from '../helpers/pwa';
import {
  HoAdmin,
  type HoPhoto,
  md5,
  runFromButton,
  signInAsDemo,
  waitUpToDate,
} from '../helpers/sync-e2e';

/** What the page finds in the first-screen cache: the saved head and the bytes of each saved photo. */
interface Copy {
  products: Product[];
  photos: Record<string, number[]>;
}

/**
 * Polls (bounded) until the cache holds a saved head (written last by a save) whose photos (JSON) are not
 * `previous`, and returns it with every saved photo's bytes.
 */
async function savedCopy(page: Page, previous: string | null = null): Promise<Copy> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const copy = await page.evaluate(
      async ({ name, previous }) => {
        if (!(await caches.has(name))) return null;
        const cache = await caches.open(name);
        const head = await cache.match(new URL('__first-screen/head.json', location.href).href);
        if (head === undefined) return null;
        const saved = (await head.json()) as { products: Product[]; photos: string[] };
        if (JSON.stringify(saved.photos) === previous) return null;
        const photos: Record<string, number[]> = {};
        for (const id of saved.photos) {
          const res = await cache.match(
            new URL(`__first-screen/photos/${encodeURIComponent(id)}`, location.href).href,
          );
          if (res !== undefined) photos[id] = [...new Uint8Array(await res.arrayBuffer())];
        }
        return { products: saved.products, photos };
      },
      { name: FIRST_SCREEN_CACHE, previous },
    );
    if (copy !== null) return copy;
    assert.ok(Date.now() < deadline, 'the first screen was not saved within a minute');
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** Asserts every saved photo's bytes hash to the HO's checksum of that photo. */
function assertVerified(copy: Copy, listed: HoPhoto[]): void {
  const byId = new Map(listed.map((p) => [p.id, p]));
  assert.ok(Object.keys(copy.photos).length > 0, 'some photos are saved');
  for (const [id, bytes] of Object.entries(copy.photos)) {
    const ho = byId.get(id);
    assert.ok(ho !== undefined, `saved photo ${id} is one the HO lists`);
    assert.equal(md5(Uint8Array.from(bytes)), ho.checksum, `bytes of saved photo ${id}`);
  }
}

describe('the first screen kept in Cache Storage', () => {
  let ho: HoServer;
  let admin: HoAdmin;
  let profile: ChromiumProfile;
  let context: BrowserContext;
  let page: Page;
  let photos: HoPhoto[];

  const open = async (): Promise<void> => {
    context = await profile.open();
    await context.addInitScript(() => localStorage.setItem('ui-language', 'en'));
    page = context.pages()[0] ?? (await context.newPage());
  };

  before(async () => {
    ho = await startHoServer();
    admin = new HoAdmin(ho.url);
    photos = await admin.photos();
    profile = await createChromiumProfile();
    await open();
  });

  after(async () => {
    await profile?.dispose();
    await ho?.dispose();
  });

  it('is saved once the terminal is up to date: the first products and the HO-verified bytes of their photos', async () => {
    await openApp(page, `${ho.url}/`);
    await signInAsDemo(page);
    await waitUpToDate(page, photos.length);
    const copy = await savedCopy(page);
    assertVerified(copy, photos);
    const shown = new Set(photos.map((p) => p.product_id));
    for (const p of copy.products) assert.ok(shown.has(p.id), `saved product ${p.id} is listed`);
  });

  it('after a saved photo is replaced and another deleted, the new copy holds the new bytes and not the deleted photo', async () => {
    const before = await savedCopy(page);
    const [replaced, deleted] = Object.keys(before.photos);
    assert.ok(replaced !== undefined && deleted !== undefined, 'two photos are saved');
    await admin.replacePhoto(replaced);
    await admin.deletePhoto(deleted);
    photos = await admin.photos();
    await runFromButton(page, 'Sync now');
    const after = await savedCopy(page, JSON.stringify(Object.keys(before.photos)));
    assertVerified(after, photos);
    assert.ok(replaced in after.photos, 'the replaced photo is saved again');
    assert.equal(deleted in after.photos, false, 'the deleted photo is not saved');
    assert.equal(
      after.products.some((p) => p.photos.some((ph) => ph.id === deleted)),
      false,
      'no saved product shows the deleted photo',
    );
  });

  it('with the HO stopped, a relaunched browser answers the first page and its photos from it', async () => {
    await savedCopy(page);
    await ho.stop();
    await profile.close();
    await open();
    await page.goto(`${ho.url}/`);
    await page.waitForFunction(() =>
      [...document.querySelectorAll<HTMLImageElement>('.product-grid img')].some(
        (img) => img.complete && img.naturalWidth > 0,
      ),
    );
    const worker = context.serviceWorkers()[0];
    assert.ok(worker !== undefined, 'the service worker runs');
    const marks = await worker.evaluate(() =>
      performance.getEntriesByType('mark').map((m) => m.name),
    );
    assert.ok(marks.includes('pps:sw-head-first-screen'), 'the first page came from the copy');
    assert.ok(marks.includes('pps:sw-photo-answered-first-screen'), 'a photo came from the copy');
    // The shell came with the first tiles' photos preloaded, at the very URLs the tiles show (else unused).
    const { preloads, tiles } = await page.evaluate(() => ({
      preloads: [
        ...document.querySelectorAll<HTMLLinkElement>('head link[rel="preload"][as="image"]'),
      ].map((l) => l.href),
      tiles: [...document.querySelectorAll<HTMLImageElement>('.product-grid img')].map(
        (i) => i.src,
      ),
    }));
    assert.ok(preloads.length > 0, 'the shell preloads photos');
    assert.deepEqual(preloads, tiles.slice(0, preloads.length));
    // What the page shows from the copy is what the HO lists, with its bytes.
    const first = await page
      .locator('.product-grid img[data-photo-id]')
      .first()
      .getAttribute('data-photo-id');
    const listed = photos.find((p) => p.id === first);
    assert.ok(listed !== undefined, `the first tile's photo ${first} is listed`);
    const bytes = await page.evaluate(
      async (id) => [...new Uint8Array(await (await fetch(`/photos/${id}`)).arrayBuffer())],
      listed.id,
    );
    assert.equal(md5(Uint8Array.from(bytes)), listed.checksum);
  });

  it('a relaunched page shows the first tiles and their photos before the worker answers any command (the shell carries them)', async () => {
    // On this page only, commands never reach the worker: the products can only come from the shell.
    await context.addInitScript(() => {
      if (location.search === '?no-commands') ServiceWorker.prototype.postMessage = () => undefined;
    });
    await page.goto(`${ho.url}/?no-commands`);
    await page.waitForFunction(() =>
      [...document.querySelectorAll<HTMLImageElement>('.product-grid img')].some(
        (img) => img.complete && img.naturalWidth > 0,
      ),
    );
    const { products } = await savedCopy(page);
    const shown = await page.$$eval('.product-grid .product-name', (els) =>
      els.map((e) => e.textContent),
    );
    assert.ok(shown.length > 0);
    assert.deepEqual(
      shown,
      products.slice(0, shown.length).map((p) => p.name),
    );
    // Back to a page whose commands arrive, for the tests below (they reload it).
    await page.goto(`${ho.url}/`);
  });

  it('a page the worker controls sends it commands without waiting for serviceWorker.ready', async () => {
    // `ready` never settling: the state and the gallery can only come from commands sent to the controller.
    await context.addInitScript(() => {
      Object.defineProperty(ServiceWorkerContainer.prototype, 'ready', {
        get: () => new Promise(() => undefined),
      });
    });
    await page.reload();
    await page
      .getByRole('status')
      .filter({ hasText: `${photos.length} / ${photos.length} photos` })
      .waitFor();
    await page.waitForFunction(() =>
      [...document.querySelectorAll<HTMLImageElement>('.product-grid img')].some(
        (img) => img.complete && img.naturalWidth > 0,
      ),
    );
  });

  it('the gallery shows before the worker answers the state, the sync bar saying it is reading it until then', async () => {
    // Until released, the page's commands but the product pages are held back and the worker's state broadcasts
    // dropped, as a database still opening would hold them. (No named function inside: tsx would wrap it in a
    // helper the page does not have.)
    await context.addInitScript(() => {
      const w = window as unknown as { __releaseState: () => void };
      const held: [ServiceWorker, unknown[]][] = [];
      let holding = true;
      const post = ServiceWorker.prototype.postMessage;
      w.__releaseState = () => {
        holding = false;
        for (const [worker, args] of held.splice(0)) Reflect.apply(post, worker, args);
      };
      ServiceWorker.prototype.postMessage = function (this: ServiceWorker, ...args: unknown[]) {
        const type = (args[0] as { command?: { type?: string } } | null)?.command?.type;
        if (holding && type !== 'get-products') held.push([this, args]);
        else Reflect.apply(post, this, args);
      };
      const onmessage = Object.getOwnPropertyDescriptor(BroadcastChannel.prototype, 'onmessage');
      Object.defineProperty(BroadcastChannel.prototype, 'onmessage', {
        ...onmessage,
        set(this: BroadcastChannel, fn: ((e: MessageEvent) => void) | null) {
          onmessage?.set?.call(this, (e: MessageEvent) => {
            if (!(holding && (e.data as { type?: string } | null)?.type === 'state')) fn?.(e);
          });
        },
      });
    });
    await page.reload();
    await page.waitForFunction(() =>
      [...document.querySelectorAll<HTMLImageElement>('.product-grid img')].some(
        (img) => img.complete && img.naturalWidth > 0,
      ),
    );
    assert.equal(
      await page.locator('.sync-status[aria-busy="true"]').innerText(),
      'Reading the sync state…',
    );
    assert.equal(await page.getByRole('status').count(), 0, 'no live status before the state');
    await page.evaluate(() =>
      (window as unknown as { __releaseState: () => void }).__releaseState(),
    );
    await page.getByRole('status').filter({ hasText: ' photos' }).waitFor();
    assert.equal(await page.locator('.sync-status[aria-busy="true"]').count(), 0);
  });

  it('signing out deletes it', async () => {
    await ho.restart();
    await page.getByRole('button', { name: 'Settings' }).click();
    await page.getByRole('button', { name: 'Sign out / change store' }).click();
    await page
      .getByRole('alertdialog')
      .getByRole('button', { name: 'Sign out and delete photos' })
      .click();
    await page.getByRole('heading', { level: 2, name: 'Set up this terminal' }).waitFor();
    assert.equal(await page.evaluate((name) => caches.has(name), FIRST_SCREEN_CACHE), false);
  });
});
