/**
 * PWA behaviour in Chromium against the reference HO: install button on `beforeinstallprompt`, a CSP that
 * blocks inline script yet lets sign-in + sync run without violations, the offline badge, and the update
 * flow (new build waits, "Update available" banner, "Reload" activates it).
 */
import assert from 'node:assert/strict';
import { cp, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../helpers/chromium';
import { DIST_DIR, type HoServer, startHoServer } from '../helpers/ho-server';
import { waitForAppShell, waitForServiceWorkerControl } from '../helpers/pwa';
import { HoAdmin, signInAsDemo, waitUpToDate } from '../helpers/sync-e2e';
import { buildPwa } from '../helpers/vite-build';

const VERSION_B = '9.9.9-update-test';

/** The entry script of a build's index.html (its hash differs between builds). */
async function entryScript(dir: string): Promise<string> {
  const match = /<script type="module"[^>]*src="([^"]+)"/.exec(await readFile(join(dir, 'index.html'), 'utf8'));
  assert.ok(match?.[1], `no entry script in ${dir}/index.html`);
  return match[1];
}

function pageEntryScript(page: Page): Promise<string | null> {
  return page.evaluate(() => document.querySelector('script[type="module"]')?.getAttribute('src') ?? null);
}

describe('PWA behaviour', () => {
  let ho: HoServer;
  let site: string;
  let buildB: string;
  let browser: Browser;
  let page: Page;

  before(async () => {
    site = await mkdtemp(join(tmpdir(), 'pps-site-'));
    buildB = await mkdtemp(join(tmpdir(), 'pps-build-b-'));
    await cp(DIST_DIR, site, { recursive: true });
    await buildPwa({ outDir: buildB, env: { APP_VERSION: VERSION_B } });
    ho = await startHoServer({ staticDir: site });
    browser = await launchChromium();
    const context = await browser.newContext();
    // Installed before any page script, so every violation of the page's policy is recorded.
    await context.addInitScript(() => {
      const seen: string[] = [];
      (window as unknown as { cspViolations: string[] }).cspViolations = seen;
      document.addEventListener('securitypolicyviolation', (e) => seen.push(`${e.effectiveDirective} ${e.blockedURI}`));
    });
    page = await context.newPage();
    await page.goto(`${ho.url}/`);
    await waitForServiceWorkerControl(page);
    await waitForAppShell(page);
  });

  after(async () => {
    await browser?.close();
    await ho?.dispose();
    await rm(site, { recursive: true, force: true });
    await rm(buildB, { recursive: true, force: true });
  });

  it('shows an install button when the browser offers installation, and uses the offer once', async () => {
    assert.equal(await page.getByRole('button', { name: 'Install app' }).count(), 0);
    // A string, so the test runner's transpiler adds no helpers the page lacks.
    await page.evaluate(`window.dispatchEvent(Object.assign(new Event('beforeinstallprompt', { cancelable: true }), {
      prompt: async () => { window.prompted = true; },
      userChoice: Promise.resolve({ outcome: 'accepted' }),
    }))`);
    await page.getByRole('button', { name: 'Install app' }).click();
    assert.equal(await page.evaluate(() => (window as unknown as { prompted?: boolean }).prompted), true);
    await page.getByRole('button', { name: 'Install app' }).waitFor({ state: 'detached' });
  });

  it('signs in and syncs without a CSP violation; an injected inline script is blocked', async () => {
    const photos = await new HoAdmin(ho.url).photos();
    await signInAsDemo(page, ho.url);
    await waitUpToDate(page, photos.length);
    assert.deepEqual(await page.evaluate(() => (window as unknown as { cspViolations: string[] }).cspViolations), []);

    // The worker's policy (from the sw.js headers) allows wasm for the MD5 check; the page's does not.
    const sw = await fetch(`${ho.url}/sw.js`);
    assert.equal(sw.headers.get('content-security-policy'), "default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; connect-src 'self'");
    const meta = await page.getAttribute('meta[http-equiv="Content-Security-Policy"]', 'content');
    assert.ok(meta?.includes("script-src 'self';") && meta.includes("connect-src 'self';") && !meta.includes('unsafe'), meta ?? 'no CSP meta');

    await page.evaluate(() => {
      const script = document.createElement('script');
      script.textContent = 'window.inlineRan = true';
      document.body.append(script);
    });
    await page.waitForFunction(() => (window as unknown as { cspViolations: string[] }).cspViolations.length > 0);
    assert.deepEqual(await page.evaluate(() => (window as unknown as { cspViolations: string[] }).cspViolations), ['script-src-elem inline']);
    assert.equal(await page.evaluate(() => (window as unknown as { inlineRan?: boolean }).inlineRan), undefined);
  });

  // Known bug, open: after the reload with the server stopped the badge does not come back, even after a
  // "Sync now" whose retries must end offline. Kept running as a todo so the fix has its test.
  it('shows the offline badge when the server is stopped, and the UI still reloads', { todo: 'offline badge missing after reload (known bug)' }, async () => {
    assert.equal(await page.getByText('Offline', { exact: true }).count(), 0);
    await ho.stop();
    try {
      await page.getByRole('button', { name: 'Sync now' }).click();
      await page.getByText('Offline', { exact: true }).waitFor({ timeout: 90_000 }).catch(async (err: unknown) => {
        throw new Error(`no offline badge; status: ${await page.getByRole('status').innerText()}`, { cause: err });
      });
      await page.reload();
      await waitForAppShell(page);
      // The browser may have stopped the idle service worker meanwhile, and a restarted worker does not
      // remember the last run's outcome: as a person would, ask for a run, which ends offline after its retries
      // (behind the run a restarted worker starts by itself, so allow for two runs' retries).
      await page.getByRole('button', { name: 'Sync now' }).click();
      await page.getByText('Offline', { exact: true }).waitFor({ timeout: 180_000 });
    } finally {
      await ho.restart();
    }
  });

  it('offers a new build with "Update available" and activates it only on "Reload"', async () => {
    const scriptA = await entryScript(site);
    const scriptB = await entryScript(buildB);
    assert.notEqual(scriptA, scriptB);
    assert.equal(await pageEntryScript(page), scriptA);
    assert.equal(await page.getByText('Update available').count(), 0);

    // Deploy build B to the same origin, then the check the page otherwise runs on a timer.
    await rm(site, { recursive: true, force: true });
    await cp(buildB, site, { recursive: true });
    await page.evaluate(async () => (await navigator.serviceWorker.getRegistration())?.update());
    await page.getByText('Update available').waitFor();

    // Installed and waiting: nothing skipped waiting, the page still runs build A even after a reload.
    const waiting = await page.evaluate(async () => (await navigator.serviceWorker.getRegistration())?.waiting?.state ?? null);
    assert.equal(waiting, 'installed');
    await page.reload();
    await waitForAppShell(page);
    assert.equal(await pageEntryScript(page), scriptA);
    await page.getByText('Update available').waitFor();

    await Promise.all([page.waitForEvent('load'), page.getByRole('button', { name: 'Reload' }).click()]);
    await waitForAppShell(page);
    assert.equal(await pageEntryScript(page), scriptB);
    assert.equal(await page.evaluate(async () => (await navigator.serviceWorker.getRegistration())?.waiting ?? null), null);
    await page.getByRole('button', { name: 'Settings' }).click();
    await page.getByText(`Version ${VERSION_B}`).waitFor();
  });
});
