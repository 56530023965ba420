/**
 * The embedding contract: another page of the app's origin (my-pos-page.html next to index.html, served
 * by a static server) loads as itself and shows the terminal's photos with the HO stopped, through
 * `photos/index.json`, `products/<id>/photo`, `photos/<id>` and the HO's own `image_url` (upstream
 * profile: another origin), each answered by the service worker from local storage.
 */
import assert from 'node:assert/strict';
import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { BrowserContext, Page } from 'playwright-core';
import { type ChromiumProfile, createChromiumProfile } from '../helpers/chromium';
import { DIST_DIR, type HoServer, startHoServer } from '../helpers/ho-server';
import { openApp } from '../helpers/pwa';
import { type StaticServer, serveStatic } from '../helpers/static-server';
import { HoAdmin, type HoPhoto, md5, signInAsDemo, waitUpToDate } from '../helpers/sync-e2e';

/** The README's example page, plus one image straight from the HO's image_url. */
const MY_POS_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>My POS page</title></head>
<body><main id="menu"></main>
<script type="module">
  const { photos } = await (await fetch('photos/index.json')).json();
  for (const p of photos.filter((p) => p.is_primary)) {
    const img = new Image(); img.alt = p.product_name; img.src = 'products/' + p.product_id + '/photo';
    document.getElementById('menu').append(img);
  }
  const direct = new Image(); direct.id = 'direct'; direct.src = photos[0].image_url;
  document.body.append(direct);
</script></body></html>
`;

/** Bytes (base64), type and headers the page gets for each URL, fetched by the page itself. */
async function fetchedByPage(page: Page, urls: string[]) {
  return page.evaluate(async (list) => {
    const out = [];
    for (const url of list) {
      const res = await fetch(url);
      const bytes = new Uint8Array(await res.arrayBuffer());
      let bin = '';
      for (const b of bytes) bin += String.fromCharCode(b);
      out.push({
        url,
        b64: btoa(bin),
        type: res.headers.get('content-type'),
        nosniff: res.headers.get('x-content-type-options'),
        placeholder: res.headers.has('x-photo-placeholder'),
      });
    }
    return out;
  }, urls);
}

describe('embedding contract (other pages of the origin, HO stopped)', () => {
  let ho: HoServer;
  let site: StaticServer;
  let siteDir: string;
  let profile: ChromiumProfile;
  let context: BrowserContext;
  let page: Page;
  let photos: HoPhoto[];

  before(async () => {
    ho = await startHoServer({ profile: 'upstream' });
    siteDir = await mkdtemp(join(tmpdir(), 'pps-embed-'));
    await cp(DIST_DIR, siteDir, { recursive: true });
    await writeFile(join(siteDir, 'my-pos-page.html'), MY_POS_PAGE);
    site = await serveStatic(siteDir, '/');
    profile = await createChromiumProfile();
    context = await profile.open();
    page = context.pages()[0] ?? (await context.newPage());
    photos = await new HoAdmin(ho.url, 'upstream').photos();
    await openApp(page, `${site.origin}/`);
    await signInAsDemo(page, ho.url);
    await waitUpToDate(page, photos.length);
    await ho.stop();
  });

  after(async () => {
    await profile?.dispose();
    await site?.close();
    await ho?.dispose();
    if (siteDir) await rm(siteDir, { recursive: true, force: true });
  });

  it('loads my-pos-page.html as itself and its images from local storage', async () => {
    await page.goto(`${site.origin}/my-pos-page.html`);
    assert.equal(await page.title(), 'My POS page', 'not the app shell');
    const primaries = photos.filter((p) => p.is_primary);
    await page.waitForFunction(
      (n) => {
        const imgs = [...document.images];
        return imgs.length === n + 1 && imgs.every((i) => i.complete && i.naturalWidth > 0);
      },
      primaries.length,
      { timeout: 60_000 },
    );
    const direct = await page.$eval('#direct', (img) => (img as HTMLImageElement).src);
    assert.notEqual(new URL(direct).origin, site.origin, 'image_url is on the HO image origin');
  });

  it('serves the HO bytes (MD5 = HO checksum) at every contract URL, with the hardening headers', async () => {
    const first = photos[0] as HoPhoto;
    const productPhoto = photos.find((p) => p.product_id === first.product_id && p.is_primary);
    const got = await fetchedByPage(page, [
      `photos/${first.id}`,
      `products/${first.product_id}/photo`,
      first.image_url,
    ]);
    const expected = [first, productPhoto ?? first, first];
    got.forEach((g, i) => {
      const want = expected[i] as HoPhoto;
      assert.equal(g.placeholder, false, `${g.url} is held`);
      assert.equal(md5(Buffer.from(g.b64, 'base64')), want.checksum, `bytes of ${g.url}`);
      assert.equal(g.type, want.content_type);
      assert.equal(g.nosniff, 'nosniff');
    });
    const unknown = await fetchedByPage(page, ['products/not-a-product/photo']);
    assert.equal(unknown[0]?.placeholder, true, 'placeholder for a product without a held photo');
  });

  it('lists the held photos in photos/index.json', async () => {
    const index = await page.evaluate(async () => {
      const res = await fetch('photos/index.json');
      return { type: res.headers.get('content-type'), body: await res.json() };
    });
    assert.equal(index.type, 'application/json');
    const entries = index.body.photos as Record<string, unknown>[];
    assert.equal(entries.length, photos.length);
    const byId = new Map(entries.map((e) => [e.id, e]));
    for (const p of photos) {
      const e = byId.get(p.id);
      assert.ok(e !== undefined, `${p.id} listed`);
      assert.equal(e.checksum, p.checksum);
      assert.equal(e.product_id, p.product_id);
      assert.equal(e.product_name, p.product_name);
      assert.equal(e.is_primary, p.is_primary);
      assert.equal(e.url, `photos/${p.id}`);
      assert.equal(e.image_url, p.image_url);
      for (const key of ['product_sku', 'version', 'sort_order']) assert.ok(key in e, key);
    }
  });

  it('still answers the app itself with the shell', async () => {
    await page.goto(`${site.origin}/index.html?from=test`);
    assert.notEqual(await page.title(), 'My POS page');
    await page.waitForSelector('[role="status"]', { timeout: 30_000 });
  });
});
