/**
 * Screenshots of the HO fleet console for the README, taken along the same story as its e2e test: one
 * terminal behind with a failing photo (overview and that terminal's page), then both current.
 * Needs `npx vite build` first; writes docs/screenshots/fleet-console-*.png.
 *
 *   node --import tsx scripts/fleet-screenshots.ts
 */
import { join } from 'node:path';
import { launchChromium } from '../test/helpers/chromium';
import { runFleetScenario, waitCount } from '../test/helpers/fleet-scenario';
import { REPO_ROOT, startHoServer } from '../test/helpers/ho-server';

const OUT = join(REPO_ROOT, 'docs', 'screenshots');

const ho = await startHoServer();
const browser = await launchChromium();
try {
  await runFleetScenario(ho, browser, {
    async oneBehind(console) {
      await waitCount(console, 'behind', 1);
      await console.screenshot({ path: join(OUT, 'fleet-console-behind.png'), fullPage: true });
      await console.locator('tr', { hasText: 'Behind' }).getByRole('link').click();
      await console.getByRole('heading', { name: 'Report history' }).waitFor();
      await console.screenshot({ path: join(OUT, 'fleet-console-terminal.png'), fullPage: true });
      await console.getByRole('link', { name: 'Back to the store' }).click();
      await console.getByRole('link', { name: 'Back to the fleet overview' }).click();
    },
    async bothCurrent(console) {
      await waitCount(console, 'current', 2);
      await console.screenshot({ path: join(OUT, 'fleet-console-current.png'), fullPage: true });
    },
  });
  process.stdout.write(`Wrote ${OUT}/fleet-console-{behind,terminal,current}.png\n`);
} finally {
  await browser.close();
  await ho.dispose();
}
