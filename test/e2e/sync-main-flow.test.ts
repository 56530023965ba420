/**
 * The main flow against the reference HO, with its extensions on, in --reference-only mode and as the
 * upstream HO is deployed (--profile upstream: POST-only flat list, photos via image_url only): sign in
 * with the demo credentials, first full sync, offline reload showing every photo with verified bytes,
 * then HO changes (3 replaced, 1 deleted, 1 product deactivated) synced with exactly 3 downloads.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { BrowserContext, Page } from 'playwright-core';
import { type ChromiumProfile, createChromiumProfile } from '../helpers/chromium';
import { type HoServer, startHoServer } from '../helpers/ho-server';
import { openApp } from '../helpers/pwa';
import {
  assertServedMatches,
  countDownloads,
  HoAdmin,
  type HoPhoto,
  productNames,
  runFromButton,
  servedPhotos,
  signInAsDemo,
  waitAllHeld,
  waitProductImagesShown,
  waitUpToDate,
} from '../helpers/sync-e2e';

function mainFlow(mode: 'extensions' | 'reference-only' | 'upstream'): void {
  describe(`main sync flow (${mode})`, () => {
    let ho: HoServer;
    let admin: HoAdmin;
    let profile: ChromiumProfile;
    let context: BrowserContext;
    let page: Page;
    let downloads: ReturnType<typeof countDownloads>;
    let initial: HoPhoto[];

    before(async () => {
      ho = await startHoServer({
        args: mode === 'reference-only' ? ['--reference-only'] : [],
        profile: mode === 'upstream' ? 'upstream' : 'reference',
      });
      admin = new HoAdmin(ho.url, mode === 'upstream' ? 'upstream' : 'reference');
      profile = await createChromiumProfile();
      context = await profile.open();
      downloads = countDownloads(context);
      page = context.pages()[0] ?? (await context.newPage());
    });

    after(async () => {
      await profile?.dispose();
      await ho?.dispose();
    });

    it('signs in with the demo credentials and the first full sync reaches N / N photos', async () => {
      initial = await admin.photos();
      assert.ok(initial.length > 20, 'demo store has photos');
      await openApp(page, `${ho.url}/`);
      assert.equal(
        await page.getByLabel('Server URL').inputValue(),
        ho.url,
        'Server URL defaults to the app origin',
      );
      await signInAsDemo(page);
      await waitUpToDate(page, initial.length);
      assert.equal(new Set(downloads.ids()).size, initial.length, 'every photo downloaded once');
    });

    it('with the HO stopped, a reload shows every product photo and serves the HO bytes', async () => {
      await ho.stop();
      await page.reload();
      // Every photo held; the state may already say the HO is unreachable (the page's probe), not "Up to date".
      await waitAllHeld(page, initial.length);
      const names = productNames(initial);
      const alts = await waitProductImagesShown(page, names.length);
      assert.deepEqual([...alts].sort(), [...names].sort());
      await assertServedMatches(page, initial);
      const unknown = await servedPhotos(page, ['00000000-0000-4000-8000-000000000000']);
      assert.equal(
        unknown.get('00000000-0000-4000-8000-000000000000')?.placeholder,
        true,
        'placeholder for a photo not held',
      );
      assert.equal(unknown.get('00000000-0000-4000-8000-000000000000')?.type, 'image/svg+xml');
    });

    it('after 3 replacements, 1 deletion and 1 deactivated product, a sync downloads exactly the 3 changed photos', async () => {
      await ho.restart();
      // Let the terminal see the HO back first: a run the offline spell started may still be retrying, and
      // must not overlap the changes below (it would download some of them before the count starts).
      await runFromButton(page, 'Sync now');
      await waitUpToDate(page, initial.length);
      const byProduct = new Map<string, HoPhoto[]>();
      for (const p of initial)
        byProduct.set(p.product_id, [...(byProduct.get(p.product_id) ?? []), p]);
      const single = [...byProduct.values()]
        .filter((ps) => ps.length === 1)
        .map((ps) => ps[0] as HoPhoto);
      const multi = [...byProduct.values()].find((ps) => ps.length > 1) as HoPhoto[];
      const replaced = single.slice(0, 3);
      const deleted = multi.find((p) => !p.is_primary) as HoPhoto;
      const deactivated = single[3] as HoPhoto;
      for (const p of replaced) await admin.replacePhoto(p.id);
      await admin.deletePhoto(deleted.id);
      await admin.setProductActive(deactivated.product_id, false);
      const now = await admin.photos();
      assert.equal(now.length, initial.length - 2);

      downloads.reset();
      // The reference API cannot say "deleted" (upstream's deleted_ids stays empty): removals are found by a full listing.
      await runFromButton(page, mode === 'extensions' ? 'Sync now' : 'Full resync');
      await waitUpToDate(page, now.length);
      assert.deepEqual(
        downloads.ids().sort(),
        replaced.map((p) => p.id).sort(),
        'exactly the replaced photos were downloaded',
      );
      await assertServedMatches(page, now);
      const gone = await servedPhotos(page, [deleted.id, deactivated.id]);
      assert.equal(gone.get(deleted.id)?.placeholder, true, 'deleted photo removed');
      assert.equal(
        gone.get(deactivated.id)?.placeholder,
        true,
        "deactivated product's photo removed",
      );
      await waitProductImagesShown(page, productNames(now).length);
    });
  });
}

mainFlow('extensions');
mainFlow('reference-only');
mainFlow('upstream');
