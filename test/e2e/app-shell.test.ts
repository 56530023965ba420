/** The app shell served by the reference HO server: renders, is controlled by its service worker, is installable,
 * and reloads with the server stopped. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { BrowserContext, Page } from 'playwright-core';
import type { HoServer } from '../helpers/ho-server';
import { fetchFailsFromPage, waitForAppShell, waitForServiceWorkerControl } from '../helpers/pwa';
import { openTerminal, type Terminal } from '../helpers/terminal';

interface ManifestIcon {
  src: string;
  sizes: string;
  type: string;
  purpose?: string;
}
interface WebManifest {
  name: string;
  short_name: string;
  description: string;
  start_url: string;
  scope: string;
  display: string;
  theme_color: string;
  background_color: string;
  icons: ManifestIcon[];
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** Fetches a PNG and returns its pixel size from the IHDR chunk. */
async function pngSize(url: string): Promise<string> {
  const response = await fetch(url);
  assert.equal(response.status, 200, `${url} -> ${response.status}`);
  const bytes = Buffer.from(await response.arrayBuffer());
  assert.ok(bytes.subarray(0, 8).equals(PNG_SIGNATURE), `${url} is not a PNG`);
  assert.equal(bytes.toString('ascii', 12, 16), 'IHDR');
  return `${bytes.readUInt32BE(16)}x${bytes.readUInt32BE(20)}`;
}

describe('app shell served by the HO server', () => {
  let ho: HoServer | undefined;
  let terminal: Terminal;
  let context: BrowserContext;
  let page: Page;
  let apiProbe: string; // answered (401) while the server runs, a network error once it is stopped

  before(async () => {
    // A persistent profile: installability checks report "in-incognito" in throwaway contexts.
    terminal = await openTerminal();
    ({ ho, context, page } = terminal);
    apiProbe = `${ho.url}/api/v1/stores/`;
  });

  after(async () => {
    await terminal?.dispose();
  });

  it('renders the shell and its service worker activates and controls the page', async () => {
    assert.ok(ho);
    await page.goto(`${ho.url}/`);
    await waitForAppShell(page);
    await page.getByText('Not signed in yet').waitFor();
    const worker = await waitForServiceWorkerControl(page);
    assert.deepEqual(worker, {
      scope: `${ho.url}/`,
      scriptURL: `${ho.url}/sw.js`,
      state: 'activated',
    });
  });

  it('links a valid manifest with the app name, standalone display, theme colours and icons', async () => {
    assert.ok(ho);
    const href = await page.getAttribute('link[rel="manifest"]', 'href');
    assert.ok(href, 'index.html has no <link rel="manifest">');
    const manifestUrl = new URL(href, page.url()).href;
    const response = await fetch(manifestUrl);
    assert.equal(response.status, 200);
    const manifest = (await response.json()) as WebManifest;
    assert.equal(manifest.name, 'Product Photo Sync');
    assert.equal(manifest.short_name, 'Photo Sync');
    assert.ok(manifest.description.length > 0, 'manifest description is empty');
    assert.equal(manifest.display, 'standalone');
    assert.equal(manifest.start_url, '/');
    assert.equal(manifest.scope, '/');
    assert.match(manifest.background_color, /^#[0-9a-f]{6}$/i);
    assert.equal(
      manifest.theme_color,
      await page.getAttribute('meta[name="theme-color"]', 'content'),
    );

    const icons = await Promise.all(
      manifest.icons.map(async (icon) => {
        assert.equal(icon.type, 'image/png');
        assert.equal(
          await pngSize(new URL(icon.src, manifestUrl).href),
          icon.sizes,
          `${icon.src} has the wrong size`,
        );
        return `${icon.sizes} ${icon.purpose ?? 'any'}`;
      }),
    );
    assert.deepEqual(icons.sort(), ['192x192 any', '512x512 any', '512x512 maskable']);

    // Chromium's own verdict: the manifest parses cleanly and the app is installable.
    const cdp = await context.newCDPSession(page);
    try {
      const parsed = (await cdp.send('Page.getAppManifest')) as { errors: { message: string }[] };
      assert.deepEqual(parsed.errors, []);
      const { installabilityErrors } = await cdp.send('Page.getInstallabilityErrors');
      assert.deepEqual(installabilityErrors, []);
    } finally {
      await cdp.detach();
    }
  });

  it('shows the shell after a reload with the HO server stopped, and the server restarts on the same URL', async () => {
    assert.ok(ho);
    assert.equal(
      await fetchFailsFromPage(page, apiProbe),
      false,
      'HO server should answer while running',
    );
    await ho.stop();
    assert.equal(
      await fetchFailsFromPage(page, apiProbe),
      true,
      'HO server should be unreachable once stopped',
    );

    await page.reload();
    await waitForAppShell(page);
    await page.getByText('Not signed in yet').waitFor();

    await ho.restart();
    assert.equal(
      await fetchFailsFromPage(page, apiProbe),
      false,
      'HO server should answer after restart',
    );
  });
});
