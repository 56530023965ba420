/** Token expiry mid-sync: the SW renews the access token with the refresh token and the run finishes unattended. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { BrowserContext, Page } from 'playwright-core';
import { type ChromiumProfile, createChromiumProfile } from '../helpers/chromium';
import { type HoServer, startHoServer } from '../helpers/ho-server';
import { waitForServiceWorkerControl } from '../helpers/pwa';
import { assertServedMatches, HoAdmin, signInAsDemo, statusText, waitUpToDate } from '../helpers/sync-e2e';

describe('access token expiring mid-sync', () => {
  let ho: HoServer;
  let profile: ChromiumProfile;
  let context: BrowserContext;
  let page: Page;

  before(async () => {
    ho = await startHoServer();
    profile = await createChromiumProfile();
    context = await profile.open();
    page = context.pages()[0] ?? (await context.newPage());
  });

  after(async () => {
    await profile?.dispose();
    await ho?.dispose();
  });

  it('is renewed silently and the sync completes', async () => {
    const admin = new HoAdmin(ho.url);
    const photos = await admin.photos();
    // Tokens issued now live 62 s: the engine renews them 60 s before expiry, i.e. about 2 s into the
    // run; slowed downloads keep the run going well past that, so renewals happen mid-sync.
    await admin.setFaults({ access_ttl_s: 62, latency_ms: 150, routes: ['download'] });
    const renewals: string[] = [];
    context.on('request', (request) => {
      if (request.url().endsWith('/token/refresh/') && request.serviceWorker() !== null) renewals.push(request.url());
    });
    let pausedSeen = false;
    await page.exposeFunction('reportStatus', (text: string) => {
      if (text.includes('sign in again')) pausedSeen = true;
    });
    await page.goto(`${ho.url}/`);
    await waitForServiceWorkerControl(page);
    await page.evaluate(() => {
      const report = (window as unknown as { reportStatus: (t: string) => void }).reportStatus;
      new MutationObserver(() => report(document.querySelector('[role="status"]')?.textContent ?? '')).observe(document.body, {
        subtree: true,
        childList: true,
        characterData: true,
      });
    });
    await signInAsDemo(page);
    await waitUpToDate(page, photos.length);
    assert.ok(renewals.length >= 1, 'the access token was renewed during the run');
    assert.equal(pausedSeen, false, `sync never paused for sign-in (now: ${await statusText(page)})`);
    await assertServedMatches(page, photos);
  });
});
