/**
 * Sign-in: errors are specific (also for a Server URL that is a plain static server), the deployer's
 * config.json prefills the form (a malformed one is reported), a pasted access token works, and on our
 * server an empty Store ID offers the account's stores; the chosen store's name survives a SW restart.
 */
import assert from 'node:assert/strict';
import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../helpers/chromium';
import { DIST_DIR, type HoServer, startHoServer } from '../helpers/ho-server';
import { openApp, openAppInNewContext, waitForAlert } from '../helpers/pwa';
import { serveStatic } from '../helpers/static-server';
import { DEMO_STORE, demoAccessToken, HoAdmin, waitUpToDate } from '../helpers/sync-e2e';

describe('sign-in screen', () => {
  let ho: HoServer;
  let site: string;
  let browser: Browser;

  /** Submits the form and waits for the error alert matching `expected`. */
  async function signIn(
    page: Page,
    fields: { server?: string; store: string; user: string; password: string },
    expected: RegExp,
  ): Promise<void> {
    if (fields.server !== undefined) await page.getByLabel('Server URL').fill(fields.server);
    await page.getByLabel('Store ID').fill(fields.store);
    await page.getByLabel('Username').fill(fields.user);
    await page.getByLabel('Password').fill(fields.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await waitForAlert(page, expected);
  }

  before(async () => {
    site = await mkdtemp(join(tmpdir(), 'pps-site-'));
    await cp(DIST_DIR, site, { recursive: true });
    await writeFile(
      join(site, 'config.json'),
      JSON.stringify({ storeId: DEMO_STORE.id, syncIntervalMs: 600_000 }),
    );
    ho = await startHoServer({ staticDir: site });
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
    await ho?.dispose();
    await rm(site, { recursive: true, force: true });
  });

  it('prefills the Store ID from config.json and the Server URL with the app origin', async () => {
    const page = await openAppInNewContext(browser, ho.url);
    assert.equal(await page.getByLabel('Store ID').inputValue(), DEMO_STORE.id);
    assert.equal(await page.getByLabel('Server URL').inputValue(), ho.url);
  });

  it('names wrong credentials, an unknown store and a server outside the connection policy', async () => {
    const page = await openAppInNewContext(browser, ho.url);
    await signIn(
      page,
      { store: DEMO_STORE.id, user: DEMO_STORE.username, password: 'wrong' },
      /Wrong credentials/,
    );
    await signIn(
      page,
      {
        store: '00000000-0000-4000-8000-000000000000',
        user: DEMO_STORE.username,
        password: DEMO_STORE.password,
      },
      /Store not found/,
    );
    await signIn(
      page,
      { server: 'http://127.0.0.1:9', store: DEMO_STORE.id, user: 'x', password: 'y' },
      /Blocked by this app's security policy/,
    );
    assert.equal(
      await page.getByText('Not signed in yet').count(),
      1,
      'still on the sign-in screen',
    );
  });

  it('names a Server URL that is not a Product Photo Sync server (a plain static server)', async () => {
    const plain = await serveStatic(DIST_DIR, '/');
    try {
      const page = await (await browser.newContext()).newPage();
      await openApp(page, `${plain.origin}/`);
      assert.equal(
        await page.getByLabel('Server URL').inputValue(),
        plain.origin,
        'the default is this origin, which has no HO',
      );
      await signIn(
        page,
        { store: DEMO_STORE.id, user: 'x', password: 'y' },
        /Not a Product Photo Sync server/,
      );
    } finally {
      await plain.close();
    }
  });

  it('signs in with a pasted access token and syncs', async () => {
    const photos = await new HoAdmin(ho.url).photos();
    const page = await openAppInNewContext(browser, ho.url);
    await page.getByLabel('Use an access token').check();
    await page.getByLabel('Access token', { exact: true }).fill(await demoAccessToken(ho.url));
    await page.getByLabel('Store ID').fill(DEMO_STORE.id);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await waitUpToDate(page, photos.length);
  });

  it('with an empty Store ID offers the stores of the account; the chosen one syncs and keeps its name after a SW restart', async () => {
    const admin = new HoAdmin(ho.url);
    const photos = await admin.photos();
    const { stores } = await admin.call<{ stores: { id: string; code: string; name: string }[] }>(
      'GET',
      '/api/v1/admin/stores/',
    );
    const demo = stores.find((st) => st.id === DEMO_STORE.id);
    assert.ok(demo !== undefined && stores.length > 1, 'the admin may sync several stores');
    const page = await openAppInNewContext(browser, ho.url);
    await page.getByLabel('Store ID').fill('');
    await page.getByLabel('Username').fill('admin');
    await page.getByLabel('Password').fill('admin');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('radio', { name: `${demo.code} · ${demo.name}` }).check();
    assert.equal(
      await page.getByRole('radio').count(),
      stores.length,
      'every store of the account is offered',
    );
    await page.getByRole('button', { name: 'Use this store' }).click();
    await waitUpToDate(page, photos.length);
    await page.getByText(demo.name).first().waitFor();

    // A restarted service worker still knows the store's name (it is persisted, not kept in memory).
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('ServiceWorker.enable');
    await cdp.send('ServiceWorker.stopAllWorkers');
    await page.reload();
    await waitUpToDate(page, photos.length);
    await page.getByText(demo.name).first().waitFor();
    await cdp.detach();
  });

  it('reports a malformed config.json', async () => {
    await writeFile(join(site, 'config.json'), '{"storeId": 42, "colour": "red"}');
    const page = await openAppInNewContext(browser, ho.url);
    const alert = await page.getByRole('alert').innerText();
    assert.match(
      alert,
      /config\.json is malformed: "storeId" must be a string; "colour" is not a known field/,
    );
    assert.equal(await page.getByLabel('Store ID').inputValue(), '');
  });
});
