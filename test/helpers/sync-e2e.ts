/** Shared steps of the sync end-to-end tests: the reference HO's admin API, the sign-in UI and photo checks. */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import type { BrowserContext, Page } from 'playwright-core';

/** Demo store JKT-01 and its store user (seeded by the reference HO). */
export const DEMO_STORE: {
  readonly id: string;
  readonly username: string;
  readonly password: string;
} = {
  id: '3d2b7c1e-9f4a-4e8b-a6c5-1f2e3d4c5b6a',
  username: 'jkt-01',
  password: 'jkt-01',
};

/** A photo as the HO lists it (the fields the tests use). */
export interface HoPhoto {
  id: string;
  product_id: string;
  product_name: string;
  checksum: string;
  is_primary: boolean;
  content_type: string;
  image_url: string;
}

/** A status report as the HO's admin listing returns it. */
export interface HoStatus {
  photo_id: string;
  status: 'synced' | 'failed';
  error: string | null;
  terminal_id: string;
}

/** MD5 hex of bytes. */
export function md5(bytes: Uint8Array): string {
  return createHash('md5').update(bytes).digest('hex');
}

/** Admin client of the reference HO (demo admin credentials), in either server profile. */
export class HoAdmin {
  private token: string | null = null;
  constructor(
    readonly url: string,
    readonly profile: 'reference' | 'upstream' = 'reference',
  ) {}

  private async auth(): Promise<string> {
    if (this.token !== null) return this.token;
    // The path both profiles route (the documented /api/token/ is missing upstream).
    const res = await fetch(`${this.url}/api/v1/token/`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password: 'admin' }),
    });
    assert.equal(res.status, 200, 'admin sign-in');
    this.token = ((await res.json()) as { access: string }).access;
    return this.token;
  }

  /** Sends an admin request and returns the parsed `data` (asserting success). */
  async call<T>(
    method: string,
    path: string,
    body?: unknown,
    contentType = 'application/json',
  ): Promise<T> {
    const headers: Record<string, string> = { Authorization: `Bearer ${await this.auth()}` };
    if (body !== undefined) headers['Content-Type'] = contentType;
    const payload: BodyInit | undefined =
      body === undefined
        ? undefined
        : body instanceof Uint8Array
          ? new Blob([body as Uint8Array<ArrayBuffer>])
          : JSON.stringify(body);
    const res = await fetch(`${this.url}${path}`, { method, headers, body: payload });
    const json = (await res.json()) as { status: string; data?: T; message?: string };
    assert.ok(res.ok, `${method} ${path} -> ${res.status} ${json.message ?? ''}`);
    return json.data as T;
  }

  /** One page of the store's list: GET with the reference wrapper, or upstream's POST with the flat answer. */
  private async listPage(storeId: string, offset: number) {
    type Page = { photos: HoPhoto[]; has_more: boolean };
    const path = '/api/v1/sync/product-photos/';
    if (this.profile === 'reference')
      return this.call<Page>('GET', `${path}?store_id=${storeId}&limit=100&offset=${offset}`);
    const res = await fetch(`${this.url}${path}`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${await this.auth()}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ store_id: storeId, limit: 100, offset }),
    });
    assert.equal(res.status, 200, 'upstream list');
    return (await res.json()) as Page;
  }

  /** Every photo the store sees now (all pages of the list). */
  async photos(storeId = DEMO_STORE.id): Promise<HoPhoto[]> {
    const all: HoPhoto[] = [];
    for (let offset = 0; ; ) {
      const page = await this.listPage(storeId, offset);
      all.push(...page.photos);
      if (!page.has_more) return all;
      offset += page.photos.length;
    }
  }

  /** The photo's current bytes from the HO, through its `image_url` (the one way both profiles serve). */
  async bytes(photoId: string, storeId = DEMO_STORE.id): Promise<Buffer> {
    const photo = (await this.photos(storeId)).find((p) => p.id === photoId);
    assert.ok(photo !== undefined, `photo ${photoId} is listed`);
    const res = await fetch(photo.image_url, {
      headers: { Authorization: `Bearer ${await this.auth()}` },
    });
    assert.equal(res.status, 200);
    return Buffer.from(await res.arrayBuffer());
  }

  /** Replaces a photo's bytes with a new, still valid JPEG (its bytes plus a unique trailer). */
  async replacePhoto(photoId: string): Promise<void> {
    const bytes = Buffer.concat([
      await this.bytes(photoId),
      Buffer.from(`replaced ${photoId} ${Date.now()}`),
    ]);
    await this.call(
      'PUT',
      `/api/v1/admin/photos/${photoId}/content/`,
      new Uint8Array(bytes),
      'image/jpeg',
    );
  }

  async deletePhoto(photoId: string): Promise<void> {
    await this.call('DELETE', `/api/v1/admin/photos/${photoId}/`);
  }

  async setProductActive(productId: string, active: boolean): Promise<void> {
    await this.call('PATCH', `/api/v1/admin/products/${productId}/`, { active });
  }

  /** Sets injected faults (see server/src/faults.ts); `{}` after reset() turns them off. */
  async setFaults(faults: Record<string, unknown>): Promise<void> {
    await this.call('PUT', '/api/v1/admin/faults/', faults);
  }

  async resetFaults(): Promise<void> {
    await this.call('DELETE', '/api/v1/admin/faults/');
  }

  /** Latest reports per photo and terminal of the store. */
  async statuses(storeId = DEMO_STORE.id): Promise<HoStatus[]> {
    return (
      await this.call<{ statuses: HoStatus[] }>(
        'GET',
        `/api/v1/admin/stores/${storeId}/sync-status/`,
      )
    ).statuses;
  }
}

/** Fills the sign-in form with a store and its user (Server URL as prefilled unless given) and submits it. */
export async function signInAs(
  page: Page,
  account: { id: string; username: string; password: string },
  serverUrl?: string,
): Promise<void> {
  if (serverUrl !== undefined) await page.getByLabel('Server URL').fill(serverUrl);
  await page.getByLabel('Store ID').fill(account.id);
  await page.getByLabel('Username').fill(account.username);
  await page.getByLabel('Password').fill(account.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

/** Fills the sign-in form with the demo store user and submits it. */
export function signInAsDemo(page: Page, serverUrl?: string): Promise<void> {
  return signInAs(page, DEMO_STORE, serverUrl);
}

/** The live status region's text. */
export function statusText(page: Page): Promise<string> {
  return page.getByRole('status').innerText();
}

/** Waits until the status region says `<n> / <n> photos` and "Up to date". */
export async function waitUpToDate(page: Page, n: number, timeout = 120_000): Promise<void> {
  await waitStatus(page, n, true, timeout);
}

/** Waits until the status region says `<n> / <n> photos`, whatever the state (e.g. offline after a failed run). */
export async function waitAllHeld(page: Page, n: number, timeout = 120_000): Promise<void> {
  await waitStatus(page, n, false, timeout);
}

async function waitStatus(
  page: Page,
  n: number,
  upToDate: boolean,
  timeout: number,
): Promise<void> {
  await page.waitForFunction(
    ([count, needUpToDate]) => {
      const text = document.querySelector('[role="status"]')?.textContent ?? '';
      return (
        text.includes(`${count} / ${count} photos`) &&
        (!needUpToDate || text.includes('Up to date'))
      );
    },
    [n, upToDate] as const,
    { timeout },
  );
}

/**
 * Clicks "Sync now" or "Full resync" and waits until a run has finished since the click (the status
 * region's run counter moved), so a status text left over from the previous run is never mistaken for
 * the outcome. Call it with no run in progress (a run already going would finish first).
 */
export async function runFromButton(
  page: Page,
  name: 'Sync now' | 'Full resync',
  timeout = 180_000,
): Promise<void> {
  const before = await runsFinished(page);
  await page.getByRole('button', { name }).click();
  await waitRunFinishedSince(page, before, timeout);
}

/** How many runs the service worker has finished since it started, as the page shows it. */
export async function runsFinished(page: Page): Promise<number> {
  return Number(await page.locator('[data-runs-finished]').getAttribute('data-runs-finished'));
}

/** Waits until the page shows more finished runs than `before` (from `runsFinished`). */
export async function waitRunFinishedSince(
  page: Page,
  before: number,
  timeout = 180_000,
): Promise<void> {
  await page.waitForFunction(
    (n) =>
      Number(document.querySelector('[data-runs-finished]')?.getAttribute('data-runs-finished')) >
      n,
    before,
    { timeout },
  );
}

/** Waits until no run is in progress (status text neither "Syncing" nor "trying to reach the server"). */
export async function waitNotSyncing(page: Page, timeout = 120_000): Promise<string> {
  await page.waitForFunction(
    () => {
      const text = document.querySelector('[role="status"]')?.textContent ?? '';
      return (
        text.includes(' photos') &&
        !text.includes('Syncing') &&
        !text.includes('trying to reach the server')
      );
    },
    undefined,
    { timeout },
  );
  return statusText(page);
}

/** Bytes and Content-Type the service worker serves at the photo URL of each id (fetched from the page). */
export async function servedPhotos(
  page: Page,
  ids: string[],
): Promise<Map<string, { type: string; placeholder: boolean; bytes: Buffer }>> {
  const served = await page.evaluate(async (list) => {
    const out: [string, { type: string; placeholder: boolean; b64: string }][] = [];
    for (const id of list) {
      const res = await fetch(`/photos/${id}`);
      const bytes = new Uint8Array(await res.arrayBuffer());
      let bin = '';
      for (const b of bytes) bin += String.fromCharCode(b);
      out.push([
        id,
        {
          type: res.headers.get('content-type') ?? '',
          placeholder: res.headers.has('x-photo-placeholder'),
          b64: btoa(bin),
        },
      ]);
    }
    return out;
  }, ids);
  return new Map(
    served.map(([id, s]) => [
      id,
      { type: s.type, placeholder: s.placeholder, bytes: Buffer.from(s.b64, 'base64') },
    ]),
  );
}

/** Asserts that every HO photo is served by the SW with the HO's Content-Type and bytes hashing to its checksum. */
export async function assertServedMatches(page: Page, photos: HoPhoto[]): Promise<void> {
  const served = await servedPhotos(
    page,
    photos.map((p) => p.id),
  );
  for (const p of photos) {
    const s = served.get(p.id);
    assert.ok(s !== undefined && !s.placeholder, `photo ${p.id} (${p.product_name}) is not held`);
    assert.equal(s.type, p.content_type, `Content-Type of ${p.id}`);
    assert.equal(md5(s.bytes), p.checksum, `bytes of ${p.id} (${p.product_name})`);
  }
}

/** Products that have photos in `photos`, by name. */
export function productNames(photos: HoPhoto[]): string[] {
  return [...new Set(photos.map((p) => `${p.product_id}\u0000${p.product_name}`))].map(
    (k) => k.split('\u0000')[1] as string,
  );
}

/**
 * Scrolls through the windowed product grid from the top; at each step waits until the rendered tiles cover
 * the viewport and every image in view has loaded and decoded (naturalWidth > 0). Returns the alt of each
 * product's image, once per product; waits first until the grid lists `count` products.
 */
export async function waitProductImagesShown(page: Page, count: number): Promise<string[]> {
  await page.waitForFunction(
    (n) => document.querySelector('.product-grid > li')?.getAttribute('aria-setsize') === String(n),
    count,
    { timeout: 60_000 },
  );
  await page.evaluate(() => window.scrollTo(0, 0));
  const alts = new Map<string, string>();
  for (;;) {
    await page.waitForFunction(
      () => {
        const grid = document.querySelector('.product-grid');
        const tiles = [...document.querySelectorAll<HTMLElement>('.product-grid > li')];
        const first = tiles[0]?.getBoundingClientRect();
        const last = tiles.at(-1)?.getBoundingClientRect();
        if (grid === null || first === undefined || last === undefined) return false;
        const box = grid.getBoundingClientRect();
        const covered =
          first.top <= Math.max(box.top, 0) + 1 &&
          last.bottom >= Math.min(box.bottom, window.innerHeight) - 1;
        const inView = [...grid.querySelectorAll<HTMLImageElement>('img')].filter((img) => {
          const r = img.getBoundingClientRect();
          return r.bottom > 0 && r.top < window.innerHeight;
        });
        return covered && inView.every((img) => img.complete && img.naturalWidth > 0);
      },
      undefined,
      { timeout: 60_000 },
    );
    const seen = await page.$$eval('.product-grid .product-tile', (tiles) =>
      tiles
        .filter((t) => {
          const r = t.getBoundingClientRect();
          return r.bottom > 0 && r.top < window.innerHeight;
        })
        .map(
          (t) =>
            [
              t.getAttribute('data-product-id') ?? '',
              t.querySelector('img')?.getAttribute('alt') ?? '',
            ] as const,
        ),
    );
    for (const [id, alt] of seen) alts.set(id, alt);
    // Half a viewport per step: the grid renders that much beyond the viewport, so no row is skipped.
    const moved = await page.evaluate(() => {
      const before = window.scrollY;
      window.scrollBy(0, window.innerHeight / 2);
      return window.scrollY !== before;
    });
    if (!moved) break;
  }
  assert.equal(alts.size, count, 'every product of the grid was shown');
  return [...alts.values()];
}

/**
 * Counts photo downloads the service worker makes (Playwright reports service worker requests in
 * Chromium): answers with bytes, not probes of a download route the HO does not have.
 */
export function countDownloads(context: BrowserContext): {
  ids: () => string[];
  reset: () => void;
} {
  let ids: string[] = [];
  context.on('response', (response) => {
    if (response.status() !== 200 && response.status() !== 206) return;
    const request = response.request();
    // The download route, or the upstream profile's image origin.
    const m =
      /\/api\/v1\/sync\/product-photos\/([0-9a-f-]{36})\/download\/|\/product-images\/([0-9a-f-]{36})\?/.exec(
        request.url(),
      );
    if (m !== null && request.serviceWorker() !== null) ids.push((m[1] ?? m[2]) as string);
  });
  return { ids: () => [...ids], reset: () => (ids = []) };
}

/** Records every text the status region shows from now on (a MutationObserver reporting to Node), to assert what never appeared. */
export async function recordStatusTexts(page: Page): Promise<string[]> {
  const seen: string[] = [];
  await page.exposeFunction('reportStatusText', (text: string) => void seen.push(text));
  await page.addInitScript(() => {
    const report = (window as unknown as { reportStatusText: (t: string) => void })
      .reportStatusText;
    new MutationObserver(() =>
      report(document.querySelector('[role="status"]')?.textContent ?? ''),
    ).observe(document, {
      subtree: true,
      childList: true,
      characterData: true,
    });
  });
  return seen;
}

/** Demo store user's access token, obtained like a person would before pasting it. */
export async function demoAccessToken(serverUrl: string): Promise<string> {
  const res = await fetch(`${serverUrl}/api/token/`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ username: DEMO_STORE.username, password: DEMO_STORE.password }),
  });
  assert.equal(res.status, 200, 'demo sign-in');
  return ((await res.json()) as { access: string }).access;
}
