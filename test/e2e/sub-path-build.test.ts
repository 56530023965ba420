/** The PWA built with APP_BASE=/pos/ works when an HO web server serves it at /pos/. */
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { launchChromium } from '../helpers/chromium';
import { fetchFailsFromPage, waitForAppShell, waitForServiceWorkerControl } from '../helpers/pwa';
import { type StaticServer, serveStatic } from '../helpers/static-server';
import { buildPwa } from '../helpers/vite-build';

const BASE = '/pos/';

/** Every src/href attribute value in an HTML document. */
function linkedUrls(html: string): string[] {
  return [...html.matchAll(/\b(?:src|href)="([^"]+)"/g)].map((match) => match[1]!);
}

describe('sub-path build (APP_BASE=/pos/)', () => {
  let outDir: string;
  let server: StaticServer | undefined;
  let browser: Browser | undefined;

  before(async () => {
    outDir = await mkdtemp(join(tmpdir(), 'pps-pos-build-'));
    await buildPwa({ outDir, base: BASE });
    server = await serveStatic(outDir, BASE);
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
    await server?.close();
    await rm(outDir, { recursive: true, force: true });
  });

  it('links every asset, icon and the manifest under /pos/', async () => {
    const html = await readFile(join(outDir, 'index.html'), 'utf8');
    const urls = linkedUrls(html);
    assert.ok(
      urls.length >= 5,
      `expected script, stylesheet, icons and manifest links, got ${urls.join(', ')}`,
    );
    for (const url of urls) assert.ok(url.startsWith(BASE), `${url} is not under ${BASE}`);
    assert.match(html, /<script type="module"[^>]* src="\/pos\/assets\/[^"]+\.js"/);
    assert.match(html, /<link rel="manifest" href="\/pos\/manifest\.webmanifest"/);
  });

  it('gives the manifest start_url and scope /pos/ and icons that resolve under /pos/', async () => {
    const manifest = JSON.parse(await readFile(join(outDir, 'manifest.webmanifest'), 'utf8')) as {
      start_url: string;
      scope: string;
      icons: { src: string }[];
    };
    assert.equal(manifest.start_url, BASE);
    assert.equal(manifest.scope, BASE);
    const manifestUrl = `http://host${BASE}manifest.webmanifest`;
    for (const icon of manifest.icons) {
      assert.ok(
        new URL(icon.src, manifestUrl).pathname.startsWith(BASE),
        `icon ${icon.src} resolves outside ${BASE}`,
      );
    }
  });

  it('registers /pos/sw.js for scope /pos/, which controls the page and serves it with the server stopped', async () => {
    assert.ok(browser && server);
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      const { origin } = server;
      const appUrl = `${origin}${BASE}`;
      const probe = `${origin}/not-precached`; // 404 while the server is up, a network error once it is down
      await page.goto(appUrl);
      await waitForAppShell(page);
      const worker = await waitForServiceWorkerControl(page);
      assert.equal(await fetchFailsFromPage(page, probe), false, 'static server should be up');
      assert.deepEqual(worker, { scope: appUrl, scriptURL: `${appUrl}sw.js`, state: 'activated' });

      await server.close();
      server = undefined;
      assert.equal(await fetchFailsFromPage(page, probe), true, 'static server should be down');
      await page.reload();
      await waitForAppShell(page);
      // The app's own pages (index.html, with a query) get the precached shell under /pos/ too; any other
      // page of the scope is not the app's and loads as itself, so with the server down it fails to load.
      await page.goto(`${appUrl}index.html?from=deep-link`);
      await waitForAppShell(page);
      await assert.rejects(page.goto(`${appUrl}my-pos-page.html`), /ERR_/);
    } finally {
      await context.close();
    }
  });
});
