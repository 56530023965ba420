/**
 * Sign-in errors in Bahasa Indonesia: wrong credentials, a store that does not exist, an HO that refuses
 * this app (CORS) and an HO that is down each get their Indonesian text, and no English is on the screen:
 * the service worker sends codes, the UI's message tables say them.
 */
import assert from 'node:assert/strict';
import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../helpers/chromium';
import { DIST_DIR, type HoServer, startHoServer } from '../helpers/ho-server';
import { openAppInNewContext, waitForAlert } from '../helpers/pwa';
import { DEMO_STORE } from '../helpers/sync-e2e';

/** English words of the sign-in screen and its errors that no Indonesian text uses. */
const ENGLISH =
  /\b(the|this|and|not|wrong|refused|found|cannot|reach|check|sign|store|username|password|allowed|answers|server url|network|address)\b/i;

describe('sign-in errors in Bahasa Indonesia', () => {
  let home: HoServer; // serves the app; its own origin needs no CORS
  let refusingHo: HoServer; // configured by the deployer, allows no cross-origin requests
  let site: string;
  let browser: Browser;
  let page: Page;

  /** Fills the Indonesian form, submits it and waits for the alert containing `expected`; returns the screen's text. */
  async function signIn(
    fields: { server: string; store: string; password: string },
    expected: string,
  ): Promise<string> {
    await page.getByLabel('URL Server').fill(fields.server);
    await page.getByLabel('ID Toko').fill(fields.store);
    await page.getByLabel('Nama pengguna').fill(DEMO_STORE.username);
    await page.getByLabel('Kata sandi').fill(fields.password);
    await page.getByRole('button', { name: 'Masuk' }).click();
    await waitForAlert(page, expected);
    return page.locator('body').innerText();
  }

  /** Fails naming the English words found on the screen. */
  function assertNoEnglish(screen: string): void {
    const words = screen.split(/\s+/).filter((w) => ENGLISH.test(w));
    assert.deepEqual(words, [], `English on the screen:\n${screen}`);
  }

  before(async () => {
    refusingHo = await startHoServer({ args: ['--cors-origins', 'none'] });
    site = await mkdtemp(join(tmpdir(), 'pps-site-id-'));
    await cp(DIST_DIR, site, { recursive: true });
    await writeFile(join(site, 'config.json'), JSON.stringify({ serverUrl: refusingHo.url }));
    home = await startHoServer({ staticDir: site });
    browser = await launchChromium();
    page = await openAppInNewContext(browser, home.url, 'id');
  });

  after(async () => {
    await browser?.close();
    await Promise.all([home?.dispose(), refusingHo?.dispose()]);
    await rm(site, { recursive: true, force: true });
  });

  it('says wrong credentials, an unknown store, CORS and a server that is down in Indonesian only', async () => {
    const demo = { server: home.url, store: DEMO_STORE.id, password: DEMO_STORE.password };
    assertNoEnglish(await signIn({ ...demo, password: 'salah' }, 'Kredensial salah.'));
    const unknown = '00000000-0000-4000-8000-000000000000';
    const notFound = await signIn({ ...demo, store: unknown }, 'Toko tidak ditemukan.');
    assert.ok(notFound.includes(unknown), 'names the store');
    assertNoEnglish(notFound);
    const cors = await signIn({ ...demo, server: refusingHo.url }, '(CORS)');
    assert.ok(cors.includes(`tambahkan ${home.url} ke daftar origin`), cors);
    assertNoEnglish(cors);
    await refusingHo.stop();
    assertNoEnglish(
      await signIn({ ...demo, server: refusingHo.url }, 'Server tidak dapat dihubungi.'),
    );
  });
});
