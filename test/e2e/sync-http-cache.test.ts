/**
 * A photo whose download arrived corrupt is fetched again from the HO, not replayed from the browser's
 * HTTP cache: the HO's ETag is the photo's checksum, so a revalidation of the cached bad body answers 304
 * and the browser would hand the same bad bytes to the service worker on every retry.
 */
import { after, before, describe, it } from 'node:test';
import { openApp } from '../helpers/pwa';
import {
  assertServedMatches,
  HoAdmin,
  runFromButton,
  signInAsDemo,
  waitNotSyncing,
  waitUpToDate,
} from '../helpers/sync-e2e';
import { openTerminal, type Terminal } from '../helpers/terminal';

describe('downloads bypass the HTTP cache', () => {
  let terminal: Terminal;
  let admin: HoAdmin;

  before(async () => {
    terminal = await openTerminal();
    admin = new HoAdmin(terminal.ho.url);
  });

  after(async () => {
    await terminal?.dispose();
  });

  it('a photo served corrupt once is stored from a fresh download once the HO serves it right', async () => {
    const { page, ho } = terminal;
    const photos = await admin.photos();
    const victim = photos[0]!;
    await admin.setFaults({ corrupt_rate: 1, routes: ['download'], photo_ids: [victim.id] });
    await openApp(page, `${ho.url}/`);
    await signInAsDemo(page);
    await page.waitForSelector(`.failures li[data-photo-id="${victim.id}"]`, {
      state: 'attached',
      timeout: 180_000,
    });
    await waitNotSyncing(page, 180_000);

    await admin.resetFaults();
    await runFromButton(page, 'Sync now');
    await waitUpToDate(page, photos.length);
    await assertServedMatches(page, photos);
  });
});
