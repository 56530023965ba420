/** Status reports made while the HO could not take them are kept and arrive once it is back, without a person acting. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { BrowserContext, Page } from 'playwright-core';
import type { HoServer } from '../helpers/ho-server';
import { openApp } from '../helpers/pwa';
import { HoAdmin, signInAsDemo, waitAllHeld, waitUpToDate } from '../helpers/sync-e2e';
import { openTerminal, type Terminal } from '../helpers/terminal';

describe('status reports while the HO is down', () => {
  let ho: HoServer;
  let terminal: Terminal;
  let context: BrowserContext;
  let page: Page;

  before(async () => {
    terminal = await openTerminal();
    ({ ho, context, page } = terminal);
  });

  after(async () => {
    await terminal?.dispose();
  });

  it('are delivered after the HO returns', async () => {
    const admin = new HoAdmin(ho.url);
    const photos = await admin.photos();
    // The status endpoint is down while the photos sync, then the whole HO goes away.
    await admin.setFaults({ error_rate: 1, error_status: 503, routes: ['status'] });
    await openApp(page, `${ho.url}/`);
    await signInAsDemo(page);
    await waitUpToDate(page, photos.length);
    await page.getByText('Status reports waiting to be sent').waitFor();
    assert.deepEqual(await admin.statuses(), [], 'no report reached the HO yet');

    await ho.stop();
    await context.setOffline(true);
    await page.reload();
    // A run tried at start-up ends as offline: every photo must still be held and the reports still waiting.
    await waitAllHeld(page, photos.length);
    await page.getByText('Status reports waiting to be sent').waitFor();

    // The HO returns (faults are not persisted) and the network comes back: the `online` trigger flushes the outbox.
    await ho.restart();
    await context.setOffline(false);
    await page
      .getByText('Status reports waiting to be sent')
      .waitFor({ state: 'detached', timeout: 60_000 });
    const reports = await admin.statuses();
    assert.deepEqual(
      reports
        .filter((r) => r.status === 'synced')
        .map((r) => r.photo_id)
        .sort(),
      photos.map((p) => p.id).sort(),
    );
  });
});
