/**
 * The HO fleet console in Chromium: two terminals sync one store, one is switched off mid-way (some
 * photos held, downloads in flight) while one photo fails for it; back on, it reports; the console
 * shows one current and one behind with the reason, then both current after the second finishes,
 * all without reloading the console page.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { launchChromium } from '../helpers/chromium';
import { runFleetScenario, TERMINAL_B_NAME, waitCount } from '../helpers/fleet-scenario';
import { DIST_DIR, type HoServer, startHoServer } from '../helpers/ho-server';

describe('fleet console', () => {
  let ho: HoServer;
  let browser: Browser;

  before(async () => {
    ho = await startHoServer();
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await ho?.dispose();
  });

  it('is a separate page the terminal does not precache', async () => {
    const sw = await readFile(join(DIST_DIR, 'sw.js'), 'utf8');
    const precached = [...sw.matchAll(/"url":"([^"]+)"/g)].map((m) => m[1]);
    assert.ok(precached.includes('index.html'), 'the precache list was found');
    assert.deepEqual(
      precached.filter((u) => u?.includes('admin')),
      [],
    );
    const page = await fetch(`${ho.url}/admin/stores/x`, { headers: { accept: 'text/html' } });
    assert.match(await page.text(), /<title>Fleet console/);
  });

  it('follows two terminals of a store from behind with a reason to both current, without a reload', async () => {
    let marker = '';
    await runFleetScenario(ho, browser, {
      async oneBehind(console, reason) {
        // A reload would drop this marker: the last check proves the page refreshed itself.
        marker = String(Math.random());
        await console.evaluate((m) => {
          (window as unknown as { marker: string }).marker = m;
        }, marker);
        await waitCount(console, 'current', 1);
        await waitCount(console, 'behind', 1);
        const behindRow = console.locator('tr', { hasText: 'Behind' });
        assert.match(await behindRow.innerText(), /1 behind since/);
        assert.ok(
          (await behindRow.innerText()).includes(TERMINAL_B_NAME),
          'the name given in the terminal settings is the one shown',
        );
        assert.ok(reason, 'the terminal gave a reason');
        assert.ok((await behindRow.innerText()).includes(reason), 'the overview shows the reason');
        // The terminal page names the failing photo and its reason.
        await behindRow.getByRole('link').click();
        await console.getByRole('heading', { name: 'Failing photos' }).waitFor();
        const failures = console.locator('section', { hasText: 'Failing photos' });
        assert.ok((await failures.innerText()).includes(reason));
        const unsynced = console.locator('section', { hasText: 'Photos not reported synced' });
        assert.ok((await unsynced.innerText()).includes(`failed: ${reason}`));
        await console.getByRole('link', { name: 'Back to the store' }).click();
        await console.getByRole('link', { name: 'Back to the fleet overview' }).click();
        await console.getByRole('heading', { level: 1, name: 'Fleet overview' }).waitFor();
      },
      async bothCurrent(console) {
        await waitCount(console, 'current', 2);
        await waitCount(console, 'behind', 0);
        assert.equal(
          await console.evaluate(() => (window as unknown as { marker?: string }).marker),
          marker,
          'the console page was not reloaded',
        );
      },
    });
  });
});
