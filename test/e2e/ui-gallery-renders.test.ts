/**
 * The gallery re-renders only when the product view changes: while syncing, the shell re-renders the main
 * screen on every progress message, and a 10,000-product grid diffing each time cost the page long tasks.
 * Real Chromium, the app's own components (test/helpers/main-screen-harness.tsx), counting grid renders.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../helpers/chromium';
import { writeHarnessSite } from '../helpers/harness-site';
import { type StaticServer, serveStatic } from '../helpers/static-server';

/** What the harness page exposes (see main-screen-harness.tsx). */
interface Harness {
  gridRenders(): number;
  progress(done: number, total: number): void;
  rename(name: string): void;
}

describe('gallery renders while syncing', () => {
  let dir: string;
  let server: StaticServer;
  let browser: Browser;
  let page: Page;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'pps-gallery-renders-'));
    await writeHarnessSite(dir, 'test/helpers/main-screen-harness.tsx', {
      define: { 'import.meta.env.BASE_URL': '"/"' },
      loader: { '.css': 'empty' },
      jsx: 'automatic',
      jsxImportSource: 'preact',
    });
    server = await serveStatic(dir, '/');
    browser = await launchChromium();
    page = await browser.newPage();
    await page.goto(`${server.origin}/`);
    await page.locator('.product-grid .product-name').first().waitFor();
  });

  after(async () => {
    await browser?.close();
    await server?.close();
    await rm(dir, { recursive: true, force: true });
  });

  /** Grid renders so far in the page. */
  const gridRenders = (): Promise<number> =>
    page.evaluate(() => (globalThis as unknown as { harness: Harness }).harness.gridRenders());

  it('does not re-render the grid on progress messages', { timeout: 60_000 }, async () => {
    const before = await gridRenders();
    for (let done = 1; done <= 20; done++) {
      await page.evaluate((d) => {
        (globalThis as unknown as { harness: Harness }).harness.progress(d, 20);
      }, done);
      await page
        .getByRole('status')
        .filter({ hasText: `${done}` })
        .first()
        .waitFor();
    }
    assert.equal(await gridRenders(), before);
  });

  it('re-renders the grid when the products change', { timeout: 60_000 }, async () => {
    const before = await gridRenders();
    await page.evaluate(() =>
      (globalThis as unknown as { harness: Harness }).harness.rename('Renamed product'),
    );
    await page.locator('.product-name', { hasText: 'Renamed product' }).waitFor();
    assert.ok((await gridRenders()) > before);
  });
});
