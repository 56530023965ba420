/**
 * The product gallery and sync bar in real Chromium against the reference HO: every product of the demo
 * store with its primary photo, search by name / SKU / without diacritics, the product dialog (primary
 * first, sort_order, Escape, focus return), a hostile product name rendered inert, Bahasa Indonesia,
 * photos after an offline reload, and a 10,000-photo catalog that keeps the DOM small.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import type { Browser, Page } from 'playwright-core';
import { MAX_PRODUCT_PAGE } from '../../src/shared/messages';
import { launchChromium } from '../helpers/chromium';
import { type HoServer, startHoServer } from '../helpers/ho-server';
import { openApp } from '../helpers/pwa';
import {
  HoAdmin,
  type HoPhoto,
  signInAsDemo,
  statusText,
  waitAllHeld,
  waitProductImagesShown,
  waitUpToDate,
} from '../helpers/sync-e2e';

/** The listing fields this test needs beyond HoPhoto. */
type ListedPhoto = HoPhoto & { product_sku: string; sort_order: number };

const HOSTILE_NAME = `<img src=x onerror="window.__xss=1"><script>window.__xss=2</script>Es "Teh" & <b>Manis</b>`;
const ACCENTED_NAME = 'Café Crème Spesial';

/** Products of a listing in the order the gallery shows them: by name, then SKU; photos primary first, then sort_order. */
function productsOf(
  photos: ListedPhoto[],
): { id: string; name: string; sku: string; photoIds: string[] }[] {
  const byId = new Map<string, ListedPhoto[]>();
  for (const p of photos) byId.set(p.product_id, [...(byId.get(p.product_id) ?? []), p]);
  return [...byId.values()]
    .map((ps) => {
      const sorted = [...ps].sort(
        (a, b) =>
          Number(b.is_primary) - Number(a.is_primary) ||
          a.sort_order - b.sort_order ||
          a.id.localeCompare(b.id),
      );
      const first = sorted[0] as ListedPhoto;
      return {
        id: first.product_id,
        name: first.product_name,
        sku: first.product_sku,
        photoIds: sorted.map((p) => p.id),
      };
    })
    .sort((a, b) => a.name.localeCompare(b.name) || a.sku.localeCompare(b.sku));
}

/** Renames a product directly in a stopped server's database (no admin operation renames products). */
function renameProduct(ho: HoServer, productId: string, name: string): void {
  const db = new Database(join(ho.dataDir, 'ho.sqlite'));
  try {
    assert.equal(
      db.prepare('UPDATE products SET name = ? WHERE id = ?').run(name, productId).changes,
      1,
    );
  } finally {
    db.close();
  }
}

/** Names on the tiles currently in the DOM. */
function tileNames(page: Page): Promise<string[]> {
  return page.$$eval('.product-grid .product-name', (els) => els.map((e) => e.textContent ?? ''));
}

async function search(page: Page, text: string, expected: number): Promise<string[]> {
  await page.getByLabel('Search products').fill(text);
  await page.waitForFunction(
    (n) => document.querySelectorAll('.product-grid > li').length === n,
    expected,
  );
  return tileNames(page);
}

describe('product gallery with the demo catalog', () => {
  let ho: HoServer;
  let browser: Browser;
  let page: Page;
  let photos: ListedPhoto[];
  let products: ReturnType<typeof productsOf>;

  before(async () => {
    ho = await startHoServer();
    const listed = (await new HoAdmin(ho.url).photos()) as ListedPhoto[];
    const single = productsOf(listed).filter((p) => p.photoIds.length === 1);
    await ho.stop();
    renameProduct(ho, (single[0] as { id: string }).id, HOSTILE_NAME);
    renameProduct(ho, (single[1] as { id: string }).id, ACCENTED_NAME);
    await ho.restart();
    photos = (await new HoAdmin(ho.url).photos()) as ListedPhoto[];
    products = productsOf(photos);
    browser = await launchChromium();
    page = await (await browser.newContext({ viewport: { width: 1366, height: 768 } })).newPage();
    await page.addInitScript(() => localStorage.setItem('ui-language', 'en'));
  });

  after(async () => {
    await browser?.close();
    await ho?.dispose();
  });

  it('shows every product with its primary photo, the product name as alt, after the first sync', async () => {
    await openApp(page, `${ho.url}/`);
    await signInAsDemo(page);
    await waitUpToDate(page, photos.length);
    const alts = await waitProductImagesShown(page, products.length);
    assert.deepEqual(
      alts,
      products.map((p) => p.name),
      'tiles in display order, alt = product name',
    );
    await page.evaluate(() => window.scrollTo(0, 0));
    // The page reloads the product list shortly after the run's last photo (debounced): wait for it.
    await page.waitForFunction(() => {
      const images = [...document.querySelectorAll('.product-grid .product-tile img')];
      return images.length > 0 && images.every((img) => !img.hasAttribute('data-placeholder'));
    });
    const tiles = await page.$$eval('.product-grid .product-tile', (els) =>
      els.map((t) => ({
        id: t.getAttribute('data-product-id'),
        photo: t.querySelector('img')?.getAttribute('data-photo-id'),
        pending: t.querySelector('img')?.hasAttribute('data-placeholder'),
      })),
    );
    assert.ok(tiles.length > 0);
    for (const t of tiles) {
      const product = products.find((p) => p.id === t.id);
      assert.equal(t.photo, product?.photoIds[0], `primary photo on the tile of ${product?.name}`);
      assert.equal(t.pending, false, 'held photo, not the placeholder');
    }
  });

  it('renders a hostile product name as inert text', async () => {
    const names = await search(page, 'onerror', 1);
    assert.deepEqual(names, [HOSTILE_NAME], 'the name is shown literally');
    assert.equal(await page.locator('.product-grid img').first().getAttribute('alt'), HOSTILE_NAME);
    const injected = await page.evaluate(() => ({
      ran: (window as { __xss?: number }).__xss ?? null,
      elements: document.querySelectorAll('img[src="x"], b, .product-grid script').length,
    }));
    assert.deepEqual(
      injected,
      { ran: null, elements: 0 },
      'no markup of the name was parsed or run',
    );
  });

  it('searches instantly by name, by SKU and without case or diacritics', async () => {
    const expectedNasi = products
      .filter((p) => p.name.toLowerCase().includes('nasi goreng'))
      .map((p) => p.name);
    assert.ok(expectedNasi.length >= 2);
    assert.deepEqual(await search(page, 'nasi GORENG', expectedNasi.length), expectedNasi);
    const target = products.find((p) => p.photoIds.length > 1) as (typeof products)[number];
    assert.deepEqual(await search(page, target.sku, 1), [target.name], 'by SKU');
    assert.deepEqual(
      await search(page, 'creme spesial', 1),
      [ACCENTED_NAME],
      'diacritics and case ignored',
    );
    await page.getByLabel('Search products').fill('no such product zzz');
    await page.getByText('No product matches “no such product zzz”.').waitFor();
    await page.getByLabel('Search products').fill('');
    await page.getByText(`${products.length} products`, { exact: true }).waitFor();
  });

  it('opens a product with all its photos, primary first then by sort_order; Escape closes and focus returns', async () => {
    const target = products.find((p) => p.photoIds.length > 1) as (typeof products)[number];
    await search(page, target.sku, 1);
    const tile = page.locator(`.product-tile[data-product-id="${target.id}"]`);
    await tile.focus();
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog', { name: target.name });
    await dialog.waitFor();
    const shown = await dialog
      .locator('.detail-photos > li')
      .evaluateAll((els) => els.map((e) => e.getAttribute('data-photo-id')));
    assert.deepEqual(shown, target.photoIds);
    const alts = await dialog
      .locator('img')
      .evaluateAll((els) => els.map((e) => e.getAttribute('alt')));
    assert.deepEqual(
      alts,
      target.photoIds.map(() => target.name),
    );
    await page.waitForFunction(() =>
      [...document.querySelectorAll<HTMLImageElement>('dialog img')].every(
        (i) => i.complete && i.naturalWidth > 0,
      ),
    );
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    assert.equal(
      await page.evaluate(() => document.activeElement?.getAttribute('data-product-id')),
      target.id,
      'focus back on the tile',
    );
    await page.getByLabel('Search products').fill('');
  });

  it('switches the gallery and sync bar to Bahasa Indonesia', async () => {
    await page.evaluate(() => localStorage.setItem('ui-language', 'id'));
    const context = page.context();
    const idPage = await context.newPage();
    await idPage.goto(`${ho.url}/`);
    await idPage.getByLabel('Cari produk').waitFor();
    await idPage.waitForFunction(
      (n) =>
        (document.querySelector('[role="status"]')?.textContent ?? '').includes(`${n} / ${n} foto`),
      photos.length,
    );
    assert.match(await statusText(idPage), /Sudah terbaru/);
    await idPage.getByRole('button', { name: 'Sinkronkan sekarang' }).waitFor();
    await idPage.getByRole('button', { name: 'Sinkronisasi ulang penuh' }).waitFor();
    await idPage.getByText(`${products.length} produk`, { exact: true }).waitFor();
    assert.match(
      await idPage.locator('.sync-status .meta').innerText(),
      /Sinkronisasi terakhir berhasil/,
    );
    await idPage.close();
  });

  it('with the HO stopped, a reload still shows every product photo', async () => {
    await ho.stop();
    await page.reload();
    // Every photo held; the state may already say the HO is unreachable (the page's probe), not "Up to date".
    await waitAllHeld(page, photos.length);
    const alts = await waitProductImagesShown(page, products.length);
    assert.deepEqual(
      alts,
      products.map((p) => p.name),
    );
  });
});

describe('gallery with a 10,000-photo catalog', () => {
  let ho: HoServer;
  let browser: Browser;
  let page: Page;
  let products: ReturnType<typeof productsOf>;

  before(async () => {
    ho = await startHoServer({
      args: ['--catalog', '10000', '--avg-bytes', '2000'],
      startTimeoutMs: 180_000,
    });
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
    await ho?.dispose();
  });

  it('lists every product while keeping the rendered tiles bounded, down to the last one', async () => {
    const admin = new HoAdmin(ho.url);
    const stores = await admin.call<{ stores: { id: string; code: string }[] }>(
      'GET',
      '/api/v1/admin/stores/',
    );
    const bench = stores.stores.find((s) => s.code.startsWith('BENCH-')) as {
      id: string;
      code: string;
    };
    products = productsOf((await admin.photos(bench.id)) as ListedPhoto[]);
    assert.ok(products.length > 7000, `${products.length} products`);
    page = await (await browser.newContext({ viewport: { width: 1366, height: 768 } })).newPage();
    await openApp(page, `${ho.url}/`);
    await page.getByLabel('Store ID').fill(bench.id);
    // The benchmark store has no store user; the admin may sync every store.
    await page.getByLabel('Username').fill('admin');
    await page.getByLabel('Password').fill('admin');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForFunction(
      (n) =>
        document.querySelector('.product-grid > li')?.getAttribute('aria-setsize') === String(n),
      products.length,
      { timeout: 180_000 },
    );
    const rendered = (): Promise<number> =>
      page.evaluate(() => document.querySelectorAll('.product-grid > li').length);
    assert.ok((await rendered()) < 200, `${await rendered()} tiles in the DOM at the top`);
    await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight / 2));
    await page.waitForFunction(
      () =>
        Number(document.querySelector('.product-grid > li')?.getAttribute('aria-posinset')) > 1000,
    );
    assert.ok((await rendered()) < 200, 'bounded in the middle');
    await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight));
    const last = products.at(-1) as (typeof products)[number];
    const lastTile = page.locator(`.product-tile[data-product-id="${last.id}"]`);
    await lastTile.waitFor();
    assert.equal(await lastTile.locator('.product-name').innerText(), last.name);
    assert.ok(await lastTile.isVisible());
    assert.ok(
      await lastTile.evaluate((t) => t.getBoundingClientRect().bottom <= window.innerHeight),
      'last tile within the viewport',
    );
    assert.ok((await rendered()) < 200, 'bounded at the end');
  });

  it('moves between tiles with the arrow keys, Home/End and Ctrl+Home/End, also to tiles not rendered yet', async () => {
    const focused = (): Promise<number> =>
      page.evaluate(() =>
        Number(document.activeElement?.closest('li')?.getAttribute('aria-posinset')),
      );
    const columns = Number(
      await page
        .locator('.product-grid')
        .evaluate((g) => (g as HTMLElement).style.getPropertyValue('--grid-columns')),
    );
    assert.ok(columns > 1, `${columns} columns`);
    // Scrolled to the end by the test before: the first tile is far away and not rendered.
    await page.locator('.product-tile').last().focus();
    assert.equal(await page.locator('.product-grid > li[aria-posinset="1"]').count(), 0);
    await page.keyboard.press('Control+Home');
    await page.waitForFunction(
      () => document.activeElement?.closest('li')?.getAttribute('aria-posinset') === '1',
      undefined,
      { timeout: 30_000 },
    );
    await page.keyboard.press('ArrowRight');
    assert.equal(await focused(), 2);
    await page.keyboard.press('ArrowDown');
    assert.equal(await focused(), 2 + columns);
    await page.keyboard.press('End');
    assert.equal(await focused(), 2 * columns);
    await page.keyboard.press('ArrowRight');
    assert.equal(
      await focused(),
      2 * columns + 1,
      'right from the end of a row goes on to the next row',
    );
    await page.keyboard.press('Home');
    await page.keyboard.press('ArrowLeft');
    assert.equal(
      await focused(),
      2 * columns,
      'left from the start of a row goes back to the previous row',
    );

    // The last tile is rows away and not in the DOM: the grid scrolls there and focuses it.
    const last = products.at(-1) as (typeof products)[number];
    await page.keyboard.press('Control+End');
    await page.waitForFunction(
      (id) => document.activeElement?.getAttribute('data-product-id') === id,
      last.id,
      { timeout: 30_000 },
    );
    assert.equal(await focused(), products.length);
    await page.keyboard.press('ArrowDown');
    assert.equal(await focused(), products.length, 'past the last row the focus stays');
    await page.keyboard.press('Control+Home');
    await page.waitForFunction(
      () => document.activeElement?.closest('li')?.getAttribute('aria-posinset') === '1',
      undefined,
      { timeout: 30_000 },
    );
    assert.ok(
      (await page.evaluate(() => document.querySelectorAll('.product-grid > li').length)) < 200,
      'still windowed',
    );
  });

  it('with the HO stopped, a relaunch shows the first products and pages the rest in on scroll, no answer carrying the catalog', async () => {
    await ho.stop();
    // Records the size of every product page the page receives from the worker (the bridge's MessagePort replies).
    await page.context().addInitScript(() => {
      const sizes: number[] = [];
      (window as unknown as { __pageSizes: number[] }).__pageSizes = sizes;
      const onmessage = Object.getOwnPropertyDescriptor(MessagePort.prototype, 'onmessage');
      Object.defineProperty(MessagePort.prototype, 'onmessage', {
        ...onmessage,
        set(this: MessagePort, fn: ((e: MessageEvent) => void) | null) {
          onmessage?.set?.call(this, (e: MessageEvent) => {
            const products = (e.data as { result?: { products?: unknown } } | null)?.result
              ?.products;
            if (Array.isArray(products)) sizes.push(products.length);
            fn?.(e);
          });
        },
      });
    });
    await page.reload();
    await page.evaluate(() => window.scrollTo(0, 0));
    /** Waits until the tiles in view are loaded; returns [position, name] of every rendered tile. */
    const loadedTiles = async (): Promise<[number, string][]> => {
      await page.waitForFunction(
        (n) =>
          document.querySelector('.product-grid > li')?.getAttribute('aria-setsize') ===
            String(n) && document.querySelector('.product-grid [aria-busy]') === null,
        products.length,
        { timeout: 60_000 },
      );
      return page.$$eval('.product-grid > li', (items) =>
        items.map((li) => [
          Number(li.getAttribute('aria-posinset')),
          li.querySelector('.product-name')?.textContent ?? '',
        ]),
      );
    };
    const expectAt = (tiles: [number, string][]): void => {
      assert.ok(tiles.length > 0);
      for (const [pos, name] of tiles)
        assert.equal(name, products[pos - 1]?.name, `tile ${pos} in display order`);
    };
    const top = await loadedTiles();
    assert.equal(top[0]?.[0], 1, 'the grid starts at the first product');
    expectAt(top);
    await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight * 0.6));
    await page
      .waitForFunction(
        (n) =>
          Number(document.querySelector('.product-grid > li')?.getAttribute('aria-posinset')) >
          n / 3,
        products.length,
      )
      .catch(async (err: unknown) => {
        const seen = await page.evaluate(() => ({
          scrollY: window.scrollY,
          height: document.documentElement.scrollHeight,
          first: document.querySelector('.product-grid > li')?.getAttribute('aria-posinset'),
          text: document.querySelector('main')?.textContent?.slice(0, 300),
        }));
        throw new Error(`${(err as Error).message}: ${JSON.stringify(seen)}`);
      });
    expectAt(await loadedTiles());
    const sizes = await page.evaluate(
      () => (window as unknown as { __pageSizes: number[] }).__pageSizes,
    );
    assert.ok(sizes.length >= 2, `pages asked for as the grid moved: ${sizes.join(', ')}`);
    assert.ok(
      Math.max(...sizes) <= MAX_PRODUCT_PAGE,
      `no answer carries more than a page: ${Math.max(...sizes)}`,
    );
  });
});
