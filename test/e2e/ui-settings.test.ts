/** Settings screen: language switch (persists), sync settings saved to the engine, kiosk mode, and the CORS sign-in error. */
import assert from 'node:assert/strict';
import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../helpers/chromium';
import { DIST_DIR, type HoServer, startHoServer } from '../helpers/ho-server';
import { openApp, waitForAppShell } from '../helpers/pwa';
import { DEMO_STORE, signInAsDemo, waitNotSyncing } from '../helpers/sync-e2e';
import { LOCKOUT_BASE_MS, PIN_ITERATIONS } from '../../src/shared/kiosk-pin';

describe('settings screen', () => {
  let ho: HoServer;
  let refusingHo: HoServer; // a second HO that allows no cross-origin requests
  let site: string;
  let browser: Browser;
  let page: Page;

  /** Holds the title until the PIN dialog opens (the kiosk's long press). */
  async function longPressTitle(on: Page): Promise<void> {
    await on.getByRole('heading', { level: 1 }).hover();
    await on.mouse.down();
    await on.getByRole('dialog', { name: 'Unlock settings' }).waitFor();
    await on.mouse.up();
  }

  async function openSettings(name = 'Settings'): Promise<void> {
    await page.getByRole('button', { name }).click();
    await page.getByRole('heading', { level: 2, name }).waitFor();
  }

  before(async () => {
    refusingHo = await startHoServer({ args: ['--cors-origins', 'none'] });
    site = await mkdtemp(join(tmpdir(), 'pps-site-'));
    await cp(DIST_DIR, site, { recursive: true });
    // The deployer configures the refusing HO: the service worker's CSP allows it, its CORS does not allow us.
    await writeFile(join(site, 'config.json'), JSON.stringify({ serverUrl: refusingHo.url }));
    ho = await startHoServer({ staticDir: site });
    browser = await launchChromium();
    page = await (await browser.newContext()).newPage();
    await openApp(page, `${ho.url}/`);
  });

  after(async () => {
    await browser?.close();
    await ho?.dispose();
    await refusingHo?.dispose();
    await rm(site, { recursive: true, force: true });
  });

  it('says a CORS refusal is one and what to configure', async () => {
    assert.equal(
      await page.getByLabel('Server URL').inputValue(),
      refusingHo.url,
      'prefilled from config.json',
    );
    await page.getByLabel('Store ID').fill(DEMO_STORE.id);
    await page.getByLabel('Username').fill(DEMO_STORE.username);
    await page.getByLabel('Password').fill(DEMO_STORE.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    const alert = page.getByRole('alert').filter({ hasText: 'CORS' });
    await alert.waitFor();
    const text = await alert.innerText();
    assert.match(text, /The server refused this app \(CORS\)/);
    assert.ok(text.includes(`add ${ho.url} to the allowed origins (CORS_ORIGINS)`), text);
  });

  it('switches the UI to Bahasa Indonesia and keeps it after a reload', async () => {
    await openSettings();
    await page.getByLabel('Language').selectOption({ label: 'Bahasa Indonesia' });
    await page.getByRole('heading', { level: 2, name: 'Pengaturan' }).waitFor();
    assert.equal(await page.evaluate(() => document.documentElement.lang), 'id');

    await page.reload();
    await page.getByRole('heading', { level: 2, name: 'Siapkan terminal ini' }).waitFor();
    assert.equal(await page.evaluate(() => document.documentElement.lang), 'id');
    assert.equal(await page.getByLabel('URL Server').count(), 1);
    assert.equal(await page.getByRole('button', { name: 'Masuk' }).count(), 1);

    await openSettings('Pengaturan');
    await page.getByLabel('Bahasa', { exact: true }).selectOption({ label: 'English' });
    await page.getByRole('heading', { level: 2, name: 'Settings' }).waitFor();
    await page.getByRole('button', { name: 'Back' }).click();
    assert.equal(await page.evaluate(() => document.documentElement.lang), 'en');
  });

  it('saves sync settings to the engine after validating them, and reads them back after a reload', async () => {
    await signInAsDemo(page, ho.url);
    await waitNotSyncing(page);
    await openSettings();
    const form = page.getByRole('form', { name: 'Sync' });
    await form.getByLabel('Parallel downloads').fill('0');
    await form.getByRole('button', { name: 'Save sync settings' }).click();
    await form.getByText('Parallel downloads: enter a whole number from 1 to 10.').waitFor();

    await form
      .getByLabel('Terminal name (shown to Head Office, e.g. "Kasir 1")')
      .fill('  Kasir 1 ');
    await form.getByLabel('Sync interval (minutes)').fill('20');
    await form.getByLabel('Parallel downloads').fill('3');
    await form.getByLabel('Pause between downloads (ms)').fill('250');
    await form.getByText('Advanced (Head Office)').click();
    await form.getByLabel('Company ID (sent with POST lists; optional)').fill('not valid!');
    await form.getByRole('button', { name: 'Save sync settings' }).click();
    await form.getByText('Company ID: use letters, digits, . _ ~ - only.').waitFor();
    await form.getByLabel('Company ID (sent with POST lists; optional)').fill('c-42');
    await form.getByLabel('Photo list request').selectOption('POST');
    await form.getByRole('button', { name: 'Save sync settings' }).click();
    await form.getByText('Sync settings saved.').waitFor();

    await page.reload();
    await waitForAppShell(page);
    await openSettings();
    await page.getByLabel('Parallel downloads').waitFor();
    assert.equal(await page.getByLabel('Sync interval (minutes)').inputValue(), '20');
    assert.equal(
      await page.getByLabel('Terminal name (shown to Head Office, e.g. "Kasir 1")').inputValue(),
      'Kasir 1',
    );
    assert.equal(await page.getByLabel('Parallel downloads').inputValue(), '3');
    assert.equal(await page.getByLabel('Pause between downloads (ms)').inputValue(), '250');
    // The engine's own view, through the same bridge command the screen uses.
    const engine = await page.evaluate(async () => {
      const reg = await navigator.serviceWorker.ready;
      const channel = new MessageChannel();
      const reply = new Promise<unknown>((done) => (channel.port1.onmessage = (e) => done(e.data)));
      reg.active?.postMessage({ id: 'test', command: { type: 'get-settings' } }, [channel.port2]);
      return reply;
    });
    assert.deepEqual(engine, {
      id: 'test',
      ok: true,
      result: {
        syncIntervalMs: 1_200_000,
        concurrency: 3,
        delayMs: 250,
        listMethod: 'POST',
        companyId: 'c-42',
        terminalName: 'Kasir 1',
      },
    });
  });

  it('kiosk mode hides settings until a long press on the title and the PIN', async () => {
    await page.getByLabel('Kiosk PIN (optional, 4 to 8 digits)').fill('12');
    await page.getByRole('button', { name: 'Start kiosk mode' }).click();
    await page.getByText('The PIN must be 4 to 8 digits, or empty.').waitFor();
    await page.getByLabel('Kiosk PIN (optional, 4 to 8 digits)').fill('2468');
    await page.getByRole('button', { name: 'Start kiosk mode' }).click();
    await page.getByRole('status').waitFor(); // back on the main screen
    assert.equal(
      await page.getByRole('button', { name: 'Settings' }).count(),
      0,
      'no settings button in kiosk mode',
    );

    // Still a kiosk after a reload; a short tap on the title does nothing, holding it asks for the PIN.
    await page.reload();
    await page.getByRole('status').waitFor();
    assert.equal(await page.getByRole('button', { name: 'Settings' }).count(), 0);
    await page.getByRole('heading', { level: 1 }).click();
    assert.equal(await page.getByRole('dialog').count(), 0);
    await longPressTitle(page);

    await page.getByLabel('Kiosk PIN', { exact: true }).fill('1111');
    await page.getByRole('button', { name: 'Open settings' }).click();
    await page.getByText('Wrong PIN.').waitFor();
    assert.equal(await page.getByRole('heading', { level: 2, name: 'Settings' }).count(), 0);
    await page.getByLabel('Kiosk PIN', { exact: true }).fill('2468');
    await page.getByRole('button', { name: 'Open settings' }).click();
    await page.getByRole('heading', { level: 2, name: 'Settings' }).waitFor();

    await page.getByRole('button', { name: 'Leave kiosk mode' }).click();
    await page.getByRole('button', { name: 'Back' }).click();
    await page.getByRole('button', { name: 'Settings' }).waitFor();
  });

  it('after five wrong PINs the kiosk locks PIN entry for a while, also across a reload; an old SHA-256 PIN is upgraded', async () => {
    const context = await browser.newContext();
    await context.clock.install();
    try {
      const kioskPage = await context.newPage();
      await openApp(kioskPage, `${ho.url}/`);
      // A kiosk set up by an earlier version: the bare SHA-256 of its PIN.
      const legacy = createHash('sha256').update('2468').digest('hex');
      await kioskPage.evaluate(
        (hash) => localStorage.setItem('ui-kiosk', JSON.stringify({ on: true, pinHash: hash })),
        legacy,
      );
      await kioskPage.reload();
      await waitForAppShell(kioskPage);
      await longPressTitle(kioskPage);
      const pin = kioskPage.getByLabel('Kiosk PIN', { exact: true });
      const open = kioskPage.getByRole('button', { name: 'Open settings' });
      for (let i = 1; i <= 5; i++) {
        await pin.fill('1111');
        await open.click();
        // The field empties once the PIN was checked.
        await kioskPage.waitForFunction(
          () => document.querySelector<HTMLInputElement>('.pin-dialog input')?.value === '',
        );
      }
      const locked = kioskPage.getByRole('alert').filter({ hasText: 'Too many wrong PINs' });
      await locked.waitFor();
      assert.ok(await open.isDisabled(), 'no PIN is taken while locked');

      await kioskPage.reload();
      await waitForAppShell(kioskPage);
      await longPressTitle(kioskPage);
      await locked.waitFor();
      assert.ok(await open.isDisabled(), 'a reload does not end the lockout');
      assert.ok(await pin.isDisabled());

      await context.clock.fastForward(LOCKOUT_BASE_MS + 1000);
      await locked.waitFor({ state: 'detached' });
      await pin.fill('2468');
      await open.click();
      await kioskPage.getByRole('heading', { level: 2, name: 'Settings' }).waitFor();
      const stored = await kioskPage.evaluate(() => ({
        kiosk: JSON.parse(localStorage.getItem('ui-kiosk') ?? 'null'),
        attempts: localStorage.getItem('ui-kiosk-pin-attempts'),
      }));
      assert.equal(stored.kiosk.pinHash.kdf, 'pbkdf2-sha256', 'upgraded at the first unlock');
      assert.equal(stored.kiosk.pinHash.iterations, PIN_ITERATIONS);
      assert.equal(stored.attempts, null, 'a right PIN forgets the wrong ones');
    } finally {
      await context.close();
    }
  });
});
