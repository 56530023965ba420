/** Sign-in errors are specific, and the deployer's config.json prefills the form (a malformed one is reported). */
import assert from 'node:assert/strict';
import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../helpers/chromium';
import { DIST_DIR, type HoServer, startHoServer } from '../helpers/ho-server';
import { waitForServiceWorkerControl } from '../helpers/pwa';
import { DEMO_STORE } from '../helpers/sync-e2e';

describe('sign-in screen', () => {
  let ho: HoServer;
  let site: string;
  let browser: Browser;

  async function openApp(): Promise<Page> {
    const page = await (await browser.newContext()).newPage();
    await page.goto(`${ho.url}/`);
    await waitForServiceWorkerControl(page);
    return page;
  }

  /** Submits the form and waits for the error alert matching `expected`. */
  async function signIn(page: Page, fields: { server?: string; store: string; user: string; password: string }, expected: RegExp): Promise<void> {
    if (fields.server !== undefined) await page.getByLabel('Server URL').fill(fields.server);
    await page.getByLabel('Store ID').fill(fields.store);
    await page.getByLabel('Username').fill(fields.user);
    await page.getByLabel('Password').fill(fields.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').filter({ hasText: expected }).waitFor();
  }

  before(async () => {
    site = await mkdtemp(join(tmpdir(), 'pps-site-'));
    await cp(DIST_DIR, site, { recursive: true });
    await writeFile(join(site, 'config.json'), JSON.stringify({ storeId: DEMO_STORE.id, syncIntervalMs: 600_000 }));
    ho = await startHoServer({ staticDir: site });
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
    await ho?.dispose();
    await rm(site, { recursive: true, force: true });
  });

  it('prefills the Store ID from config.json and the Server URL with the app origin', async () => {
    const page = await openApp();
    assert.equal(await page.getByLabel('Store ID').inputValue(), DEMO_STORE.id);
    assert.equal(await page.getByLabel('Server URL').inputValue(), ho.url);
  });

  it('names wrong credentials, an unknown store and an unreachable server', async () => {
    const page = await openApp();
    await signIn(page, { store: DEMO_STORE.id, user: DEMO_STORE.username, password: 'wrong' }, /Wrong credentials/);
    await signIn(page, { store: '00000000-0000-4000-8000-000000000000', user: DEMO_STORE.username, password: DEMO_STORE.password }, /Store not found/);
    await signIn(page, { server: 'http://127.0.0.1:9', store: DEMO_STORE.id, user: 'x', password: 'y' }, /Server unreachable/);
    assert.equal(await page.getByText('Not signed in yet').count(), 1, 'still on the sign-in screen');
  });

  it('reports a malformed config.json', async () => {
    await writeFile(join(site, 'config.json'), '{"storeId": 42, "colour": "red"}');
    const page = await openApp();
    const alert = await page.getByRole('alert').innerText();
    assert.match(alert, /config\.json is malformed: "storeId" must be a string; "colour" unknown field/);
    assert.equal(await page.getByLabel('Store ID').inputValue(), '');
  });
});
