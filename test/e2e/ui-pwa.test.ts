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
import { openApp, waitForAppShell } from '../helpers/pwa';
import {
  HoAdmin,
  runsFinished,
  signInAsDemo,
  waitRunFinishedSince,
  waitUpToDate,
} from '../helpers/sync-e2e';
import { buildPwa } from '../helpers/vite-build';

const VERSION_B = '9.9.9-update-test';
/** IDLE_MS of src/ui/idle-update.ts (a page module, not importable here): any change to it fails the kiosk test loudly. */
const IDLE_MS = 2 * 60 * 1000;

/** The entry script of a build's index.html (its hash differs between builds). */
async function entryScript(dir: string): Promise<string> {
  const match = /<script type="module"[^>]*src="([^"]+)"/.exec(
    await readFile(join(dir, 'index.html'), 'utf8'),
  );
  assert.ok(match?.[1], `no entry script in ${dir}/index.html`);
  return match[1];
}

function pageEntryScript(page: Page): Promise<string | null> {
  return page.evaluate(
    () => document.querySelector('script[type="module"]')?.getAttribute('src') ?? null,
  );
}

/**
 * Clicks `button` with the HO down and waits until that run has finished offline, asserting the offline
 * badge never left the page meanwhile (an earlier version dropped it whenever a retry run started, and
 * a loop of such runs kept it away for good).
 */
async function assertBadgeHeldThroughRun(page: Page, button: 'Sync now'): Promise<void> {
  await page.evaluate(() => {
    const w = window as unknown as { badgeDropped: boolean };
    w.badgeDropped = false;
    new MutationObserver(() => {
      if (document.querySelector('.offline-badge') === null) w.badgeDropped = true;
    }).observe(document.body, { subtree: true, childList: true });
  });
  const before = await runsFinished(page);
  await page.getByRole('button', { name: button }).click();
  await waitRunFinishedSince(page, before);
  await page.waitForFunction(
    () =>
      document
        .querySelector('[role="status"]')
        ?.textContent?.includes('Offline: photos stay available') === true,
  );
  assert.equal(
    await page.evaluate(() => (window as unknown as { badgeDropped: boolean }).badgeDropped),
    false,
    'the offline badge left the page during a run',
  );
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
      document.addEventListener('securitypolicyviolation', (e) =>
        seen.push(`${e.effectiveDirective} ${e.blockedURI}`),
      );
    });
    page = await context.newPage();
    await openApp(page, `${ho.url}/`);
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
    assert.equal(
      await page.evaluate(() => (window as unknown as { prompted?: boolean }).prompted),
      true,
    );
    await page.getByRole('button', { name: 'Install app' }).waitFor({ state: 'detached' });
  });

  it('signs in and syncs without a CSP violation; an injected inline script is blocked', async () => {
    const photos = await new HoAdmin(ho.url).photos();
    await signInAsDemo(page, ho.url);
    await waitUpToDate(page, photos.length);
    assert.deepEqual(
      await page.evaluate(() => (window as unknown as { cspViolations: string[] }).cspViolations),
      [],
    );

    // The worker's policy (from the sw.js headers) allows wasm for the MD5 check; the page's does not.
    const sw = await fetch(`${ho.url}/sw.js`);
    assert.equal(
      sw.headers.get('content-security-policy'),
      "default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; connect-src 'self'",
    );
    const meta = await page.getAttribute('meta[http-equiv="Content-Security-Policy"]', 'content');
    assert.ok(
      meta?.includes("script-src 'self';") &&
        meta.includes("connect-src 'self';") &&
        !meta.includes('unsafe'),
      meta ?? 'no CSP meta',
    );

    await page.evaluate(() => {
      const script = document.createElement('script');
      script.textContent = 'window.inlineRan = true';
      document.body.append(script);
    });
    await page.waitForFunction(
      () => (window as unknown as { cspViolations: string[] }).cspViolations.length > 0,
    );
    assert.deepEqual(
      await page.evaluate(() => (window as unknown as { cspViolations: string[] }).cspViolations),
      ['script-src-elem inline'],
    );
    assert.equal(
      await page.evaluate(() => (window as unknown as { inlineRan?: boolean }).inlineRan),
      undefined,
    );
  });

  it('shows the offline badge after a reload with the HO stopped, keeps it through retries, and drops it once the HO answers', async () => {
    const badge = page.getByText('Offline', { exact: true });
    assert.equal(await badge.count(), 0);
    await ho.stop();
    let stopped = true;
    try {
      // As a person would try it: the server stops between runs, the page is reloaded, nothing else is pressed.
      await page.reload();
      await waitForAppShell(page);
      await badge.waitFor({ timeout: 30_000 });
      await assertBadgeHeldThroughRun(page, 'Sync now');

      // The worker (running on, or restarted by the browser) still knows the HO is down: the badge is back at once.
      await page.reload();
      await waitForAppShell(page);
      await badge.waitFor({ timeout: 30_000 });
      await assertBadgeHeldThroughRun(page, 'Sync now');

      await ho.restart();
      stopped = false;
      await page.getByRole('button', { name: 'Sync now' }).click();
      await badge.waitFor({ state: 'detached', timeout: 120_000 });
      await waitUpToDate(page, (await new HoAdmin(ho.url).photos()).length);
    } finally {
      if (stopped) await ho.restart();
    }
  });

  it('offers a new build with "Update available" and activates it only on "Reload"; an idle kiosk applies it by itself', async () => {
    const scriptA = await entryScript(site);
    const scriptB = await entryScript(buildB);
    assert.notEqual(scriptA, scriptB);
    assert.equal(await pageEntryScript(page), scriptA);
    assert.equal(await page.getByText('Update available').count(), 0);
    // A kiosk on build A in its own profile, with a clock the test can move (idle time without waiting it out).
    const kioskContext = await browser.newContext();
    await kioskContext.clock.install();
    await kioskContext.addInitScript(() =>
      localStorage.setItem('ui-kiosk', JSON.stringify({ on: true, pinHash: null })),
    );
    const kioskPage = await kioskContext.newPage();
    try {
      await openApp(kioskPage, `${ho.url}/`);
      assert.equal(await pageEntryScript(kioskPage), scriptA);

      // Deploy build B to the same origin, then the check the page otherwise runs on a timer.
      await rm(site, { recursive: true, force: true });
      await cp(buildB, site, { recursive: true });
      await page.evaluate(async () => (await navigator.serviceWorker.getRegistration())?.update());
      await page.getByText('Update available').waitFor();

      // Installed and waiting: nothing skipped waiting, the page still runs build A even after a reload.
      const waiting = await page.evaluate(
        async () => (await navigator.serviceWorker.getRegistration())?.waiting?.state ?? null,
      );
      assert.equal(waiting, 'installed');
      await page.reload();
      await waitForAppShell(page);
      assert.equal(await pageEntryScript(page), scriptA);
      await page.getByText('Update available').waitFor();

      await Promise.all([
        page.waitForEvent('load'),
        page.getByRole('button', { name: 'Reload' }).click(),
      ]);
      await waitForAppShell(page);
      assert.equal(await pageEntryScript(page), scriptB);
      assert.equal(
        await page.evaluate(
          async () => (await navigator.serviceWorker.getRegistration())?.waiting ?? null,
        ),
        null,
      );
      await page.getByRole('button', { name: 'Settings' }).click();
      await page.getByText(`Version ${VERSION_B}`).waitFor();

      // The kiosk finds the update too. A touch shortly before it would count as idle starts the wait again.
      await kioskPage.evaluate(async () =>
        (await navigator.serviceWorker.getRegistration())?.update(),
      );
      await kioskPage.getByText('Update available').waitFor();
      await kioskContext.clock.fastForward(IDLE_MS - 10_000);
      await kioskPage.keyboard.press('Shift');
      await kioskContext.clock.fastForward(IDLE_MS - 10_000);
      // The idle timer runs inside fastForward and "Updating…" replaces the offer at once: its absence is a fact, not a race.
      assert.equal(
        await kioskPage.getByRole('button', { name: 'Reload' }).count(),
        1,
        'input during the idle wait postpones the update',
      );
      assert.equal(await pageEntryScript(kioskPage), scriptA);
      await Promise.all([kioskPage.waitForEvent('load'), kioskContext.clock.fastForward(20_000)]);
      await waitForAppShell(kioskPage);
      assert.equal(
        await pageEntryScript(kioskPage),
        scriptB,
        'the idle kiosk applied the update with no one pressing "Reload"',
      );
    } finally {
      await kioskContext.close();
    }
  });
});
