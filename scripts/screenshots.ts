/**
 * Screenshots of the main screen for the README: POS landscape (1366x768) and kiosk portrait (1080x1920).
 * Starts the reference HO on the built app (run `npx vite build` first) with the demo catalog, signs in as
 * the demo store in headless Chromium, waits for the first sync and the photos, and writes
 * docs/screenshots/main-pos-landscape.png and docs/screenshots/main-kiosk-portrait.png.
 *
 *   node --import tsx scripts/screenshots.ts
 */
import { access, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { launchChromium } from '../test/helpers/chromium';
import { DIST_DIR, REPO_ROOT, startHoServer } from '../test/helpers/ho-server';
import { waitForServiceWorkerControl } from '../test/helpers/pwa';
import { HoAdmin, signInAsDemo, waitUpToDate } from '../test/helpers/sync-e2e';

const OUT_DIR = join(REPO_ROOT, 'docs', 'screenshots');
const SHOTS = [
  { file: 'main-pos-landscape.png', width: 1366, height: 768 },
  { file: 'main-kiosk-portrait.png', width: 1080, height: 1920 },
] as const;

/** Waits until every image in the viewport has loaded and decoded, and fonts are ready. */
async function settled(page: Page): Promise<void> {
  await page.evaluate(() => document.fonts.ready);
  await page.waitForFunction(() =>
    [...document.querySelectorAll<HTMLImageElement>('.product-grid img')]
      .filter((img) => img.getBoundingClientRect().top < window.innerHeight)
      .every((img) => img.complete && img.naturalWidth > 0),
  );
}

async function main(): Promise<void> {
  await access(join(DIST_DIR, 'index.html')).catch(() => {
    throw new Error(`${DIST_DIR} has no build: run "npx vite build" first`);
  });
  await mkdir(OUT_DIR, { recursive: true });
  const ho = await startHoServer();
  const browser = await launchChromium();
  try {
    const expected = (await new HoAdmin(ho.url).photos()).length;
    const page = await browser.newPage({
      viewport: { width: SHOTS[0].width, height: SHOTS[0].height },
    });
    await page.addInitScript(() => localStorage.setItem('ui-language', 'en'));
    await page.goto(`${ho.url}/`);
    await waitForServiceWorkerControl(page);
    await signInAsDemo(page);
    await waitUpToDate(page, expected);
    for (const shot of SHOTS) {
      await page.setViewportSize({ width: shot.width, height: shot.height });
      await page.reload();
      await waitUpToDate(page, expected);
      await settled(page);
      await page.screenshot({ path: join(OUT_DIR, shot.file) });
      console.log(`wrote docs/screenshots/${shot.file}`);
    }
  } finally {
    await browser.close();
    await ho.dispose();
  }
}

await main();
