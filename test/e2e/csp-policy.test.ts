/**
 * The service worker's Content Security Policy in real Chromium, app served without config.json: a Server URL outside the policy gets the
 * policy error with its fix (in English and Bahasa Indonesia), not "unreachable", and stores no token;
 * with config.json naming that HO the same sign-in works; a configured HO that is down is "unreachable".
 */
import assert from 'node:assert/strict';
import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../helpers/chromium';
import { DIST_DIR, type HoServer, startHoServer } from '../helpers/ho-server';
import { openAppInNewContext, waitForAlert } from '../helpers/pwa';
import { HoAdmin, signInAsDemo, waitUpToDate } from '../helpers/sync-e2e';

/** What the SW's database holds after a sign-in attempt: the token record and the number of photos. */
function stored(page: Page): Promise<{ auth: unknown; photos: number }> {
  return page.evaluate(
    () =>
      new Promise((resolve, reject) => {
        const open = indexedDB.open('product-photo-sync');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const tx = open.result.transaction(['state', 'photos']);
          const auth = tx.objectStore('state').get('auth');
          const photos = tx.objectStore('photos').count();
          tx.oncomplete = () => {
            open.result.close();
            resolve({ auth: auth.result, photos: photos.result });
          };
          tx.onerror = () => reject(tx.error);
        };
      }),
  );
}

describe('service worker connection policy', () => {
  let app: HoServer;
  let otherHo: HoServer;
  let configured: HoServer;
  let plainSite: string;
  let site: string;
  let browser: Browser;

  before(async () => {
    otherHo = await startHoServer();
    site = await mkdtemp(join(tmpdir(), 'pps-csp-site-'));
    await cp(DIST_DIR, site, { recursive: true });
    await writeFile(join(site, 'config.json'), JSON.stringify({ serverUrl: otherHo.url }));
    plainSite = await mkdtemp(join(tmpdir(), 'pps-csp-plain-'));
    await cp(DIST_DIR, plainSite, {
      recursive: true,
      filter: (from) => basename(from) !== 'config.json',
    });
    [app, configured] = await Promise.all([
      startHoServer({ staticDir: plainSite }),
      startHoServer({ staticDir: site }),
    ]);
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
    await Promise.all([app?.dispose(), otherHo?.dispose(), configured?.dispose()]);
    await Promise.all([
      rm(site, { recursive: true, force: true }),
      rm(plainSite, { recursive: true, force: true }),
    ]);
  });

  it('names the policy, what it allows and the fix when the Server URL is another origin; nothing is stored', async () => {
    const page = await openAppInNewContext(browser, app.url);
    await signInAsDemo(page, otherHo.url);
    const alert = page
      .getByRole('alert')
      .filter({ hasText: "Blocked by this app's security policy." });
    await alert.waitFor();
    const text = await alert.innerText();
    assert.match(
      text,
      new RegExp(
        `may only connect to ${app.url}\\. To use ${otherHo.url}, set "serverUrl" in config\\.json`,
      ),
    );
    assert.match(text, /proxy mode \(--proxy\)/);
    assert.doesNotMatch(text, /unreachable/i);
    assert.deepEqual(await stored(page), { auth: undefined, photos: 0 });
    assert.equal(
      await page.getByText('Not signed in yet').count(),
      1,
      'still on the sign-in screen',
    );
  });

  it('explains the policy block in Bahasa Indonesia', async () => {
    const page = await openAppInNewContext(browser, app.url, 'id');
    await page.getByLabel('URL Server').fill(otherHo.url);
    await page.getByLabel('Nama pengguna').fill('x');
    await page.getByLabel('Kata sandi').fill('y');
    await page.getByRole('button', { name: 'Masuk' }).click();
    const alert = page
      .getByRole('alert')
      .filter({ hasText: 'Diblokir oleh kebijakan keamanan aplikasi ini.' });
    await alert.waitFor();
    assert.match(
      await alert.innerText(),
      new RegExp(`hanya boleh terhubung ke ${app.url}\\. .*config\\.json.*--proxy`),
    );
  });

  it('signs in to that HO and syncs when config.json names it', async () => {
    const photos = await new HoAdmin(otherHo.url).photos();
    const page = await openAppInNewContext(browser, configured.url);
    assert.equal(
      await page.getByLabel('Server URL').inputValue(),
      otherHo.url,
      'prefilled from config.json',
    );
    await signInAsDemo(page);
    await waitUpToDate(page, photos.length);
  });

  it('calls a configured HO that is down unreachable, not blocked', async () => {
    const page = await openAppInNewContext(browser, configured.url);
    await otherHo.stop();
    await signInAsDemo(page);
    await waitForAlert(page, 'Server unreachable.');
    assert.deepEqual(await stored(page), { auth: undefined, photos: 0 });
  });
});
