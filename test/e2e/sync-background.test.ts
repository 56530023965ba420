/**
 * Background triggers and storage limits in Chromium: the one-off Background Sync event flushes waiting
 * status reports and runs a sync, the Periodic Background Sync event runs a sync (both fired through the
 * DevTools protocol), and with a tiny storage quota the sync stops cleanly, says so in the status region,
 * and every photo stored before still serves its verified bytes.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, BrowserContext, CDPSession, Page } from 'playwright-core';
import { PERIODIC_SYNC_TAG, SYNC_TAG } from '../../src/shared/messages';
import { launchChromium } from '../helpers/chromium';
import { type HoServer, startHoServer } from '../helpers/ho-server';
import { openApp } from '../helpers/pwa';
import {
  countDownloads,
  HoAdmin,
  type HoPhoto,
  md5,
  runsFinished,
  servedPhotos,
  signInAsDemo,
  waitNotSyncing,
  waitRunFinishedSince,
  waitUpToDate,
} from '../helpers/sync-e2e';

/** The id of the page's service worker registration, as the DevTools protocol names it. */
async function registrationId(cdp: CDPSession, scope: string): Promise<string> {
  const found = new Promise<string>((resolve) => {
    cdp.on('ServiceWorker.workerRegistrationUpdated', ({ registrations }) => {
      const match = registrations.find((r) => r.scopeURL === scope && !r.isDeleted);
      if (match !== undefined) resolve(match.registrationId);
    });
  });
  await cdp.send('ServiceWorker.enable');
  return found;
}

describe('background sync events and storage quota', () => {
  let ho: HoServer;
  let admin: HoAdmin;
  let browser: Browser;
  let photos: HoPhoto[];

  before(async () => {
    ho = await startHoServer();
    admin = new HoAdmin(ho.url);
    photos = await admin.photos();
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
    await ho?.dispose();
  });

  describe('Background Sync', () => {
    let context: BrowserContext;
    let page: Page;
    let cdp: CDPSession;
    let registration: string;
    let downloads: ReturnType<typeof countDownloads>;

    before(async () => {
      context = await browser.newContext();
      downloads = countDownloads(context);
      page = await context.newPage();
      await openApp(page, `${ho.url}/`);
      cdp = await context.newCDPSession(page);
      registration = await registrationId(cdp, `${ho.url}/`);
      await signInAsDemo(page);
      await waitUpToDate(page, photos.length);
    });

    after(async () => {
      await context?.close();
    });

    async function replaceOne(index: number): Promise<HoPhoto> {
      const target = photos[index] as HoPhoto;
      await admin.replacePhoto(target.id);
      const now = (await admin.photos()).find((p) => p.id === target.id) as HoPhoto;
      assert.notEqual(now.checksum, target.checksum);
      return now;
    }

    /** Resolves once the SW has fetched the photo's bytes from the HO (a condition on the network, not a timer). */
    function fetched(photo: HoPhoto): Promise<unknown> {
      return context.waitForEvent('requestfinished', {
        predicate: (r) =>
          r.serviceWorker() !== null && r.url().includes(`/product-photos/${photo.id}/download/`),
        timeout: 60_000,
      });
    }

    /** After the run that fetched it: the SW serves exactly the HO's new bytes. */
    async function assertServed(photo: HoPhoto): Promise<void> {
      await waitUpToDate(page, photos.length);
      assert.equal(
        md5((await servedPhotos(page, [photo.id])).get(photo.id)?.bytes ?? Buffer.alloc(0)),
        photo.checksum,
      );
    }

    it('the one-off `sync` event flushes the status reports that waited and runs a sync', async () => {
      await admin.setFaults({ error_rate: 1, error_status: 503, routes: ['status'] });
      const first = await replaceOne(0);
      await page.getByRole('button', { name: 'Sync now' }).click();
      await page.getByText('Status reports waiting to be sent').waitFor({ timeout: 60_000 });
      await waitNotSyncing(page);
      await admin.resetFaults();

      const second = await replaceOne(1);
      downloads.reset();
      const done = fetched(second);
      const runs = await runsFinished(page);
      await cdp.send('ServiceWorker.dispatchSyncEvent', {
        origin: ho.url,
        registrationId: registration,
        tag: SYNC_TAG,
        lastChance: false,
      });
      await done;
      await waitRunFinishedSince(page, runs);
      await page
        .getByText('Status reports waiting to be sent')
        .waitFor({ state: 'detached', timeout: 60_000 });
      await assertServed(second);
      assert.deepEqual(
        downloads.ids(),
        [second.id],
        'the event ran a sync that fetched the changed photo',
      );
      const reports = new Map((await admin.statuses()).map((r) => [r.photo_id, r]));
      assert.equal(
        reports.get(first.id)?.status,
        'synced',
        'the report that waited reached the HO',
      );
      assert.equal(reports.get(second.id)?.status, 'synced');
    });

    it('the `periodicsync` event runs a sync', async () => {
      const third = await replaceOne(2);
      downloads.reset();
      const done = fetched(third);
      const runs = await runsFinished(page);
      await cdp.send('ServiceWorker.dispatchPeriodicSyncEvent', {
        origin: ho.url,
        registrationId: registration,
        tag: PERIODIC_SYNC_TAG,
      });
      await done;
      await waitRunFinishedSince(page, runs);
      await assertServed(third);
      assert.deepEqual(downloads.ids(), [third.id]);
    });
  });

  it('with a tiny storage quota the sync stops cleanly, shows it, and serves every photo stored before', async () => {
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      const cdp = await context.newCDPSession(page);
      // Set before the origin opens IndexedDB in this fresh profile (Chromium ignores it for an origin in use).
      await cdp.send('Storage.overrideQuotaForOrigin', { origin: ho.url, quotaSize: 1_500_000 });
      await openApp(page, `${ho.url}/`);
      await signInAsDemo(page);
      await page
        .getByRole('status')
        .filter({ hasText: 'Storage full' })
        .waitFor({ timeout: 120_000 });
      const served = await servedPhotos(
        page,
        photos.map((p) => p.id),
      );
      const held = photos.filter((p) => served.get(p.id)?.placeholder === false);
      assert.ok(
        held.length > 0 && held.length < photos.length,
        `some but not all photos fit (${held.length} of ${photos.length})`,
      );
      for (const p of held)
        assert.equal(
          md5((served.get(p.id) as { bytes: Buffer }).bytes),
          p.checksum,
          `bytes of ${p.id}`,
        );
      const status = await page.getByRole('status').innerText();
      assert.match(status, new RegExp(`${held.length} / ${photos.length} photos`), status);
      await cdp.detach();
    } finally {
      await context.close();
    }
  });
});
