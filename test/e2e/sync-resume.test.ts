/** A browser closed mid-sync (persistent profile) resumes on reopening without downloading finished photos again. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type ChromiumProfile, createChromiumProfile } from '../helpers/chromium';
import { type HoServer, startHoServer } from '../helpers/ho-server';
import { openApp } from '../helpers/pwa';
import {
  assertServedMatches,
  countDownloads,
  HoAdmin,
  servedPhotos,
  signInAsDemo,
  waitUpToDate,
} from '../helpers/sync-e2e';

describe('browser closed mid-sync', () => {
  let ho: HoServer;
  let profile: ChromiumProfile;

  before(async () => {
    ho = await startHoServer();
    profile = await createChromiumProfile();
  });

  after(async () => {
    await profile?.dispose();
    await ho?.dispose();
  });

  it('resumes after reopening and downloads only what was not finished', async () => {
    const admin = new HoAdmin(ho.url);
    const photos = await admin.photos();
    await admin.setFaults({ latency_ms: 300, routes: ['download'] });

    let context = await profile.open();
    let page = context.pages()[0] ?? (await context.newPage());
    await openApp(page, `${ho.url}/`);
    await signInAsDemo(page);
    await page.waitForFunction(
      () => {
        const m = /(\d+) \/ \d+ photos/.exec(
          document.querySelector('[role="status"]')?.textContent ?? '',
        );
        return m !== null && Number(m[1]) >= 15;
      },
      undefined,
      { timeout: 120_000 },
    );
    const served = await servedPhotos(
      page,
      photos.map((p) => p.id),
    );
    const held = photos.filter((p) => served.get(p.id)?.placeholder === false).map((p) => p.id);
    assert.ok(
      held.length >= 15 && held.length < photos.length,
      `closed mid-sync with ${held.length} of ${photos.length} held`,
    );
    await profile.close();

    await admin.resetFaults();
    context = await profile.open();
    const downloads = countDownloads(context);
    page = context.pages()[0] ?? (await context.newPage());
    await page.goto(`${ho.url}/`);
    await waitUpToDate(page, photos.length);
    const again = downloads.ids().filter((id) => held.includes(id));
    assert.deepEqual(again, [], 'photos finished before the close were not downloaded again');
    assert.ok(
      downloads.ids().length <= photos.length - held.length + 5,
      'only the unfinished photos were downloaded',
    );
    await assertServedMatches(page, photos);
  });
});
