/**
 * `npm run bench:gallery [-- --quick] [--no-build] [--dist DIR] [--reps N]`: scenario 8 alone (gallery cold
 * start with the HO stopped: first image, long tasks at start-up and while scrolling), so a gallery change
 * can be measured without the 12-minute full run. `--dist` measures another build (e.g. main's, for a
 * before/after pair on the same machine); the load average is printed next to the figures.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { DIST_DIR } from '../test/helpers/ho-server';
import { buildPwa } from '../test/helpers/vite-build';
import { galleryFirstImage } from './gallery';
import { parseBenchArgs } from './options';
import { createStaticSite } from './static-site';

const log = (message: string): void => void process.stderr.write(`${message}\n`);
const loads = (): string =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(' / ');

async function main(): Promise<void> {
  const { values } = parseArgs({
    args: process.argv.slice(2),
    options: { dist: { type: 'string' } },
    strict: false,
  });
  const rest = process.argv
    .slice(2)
    .filter((a, i, all) => a !== '--dist' && all[i - 1] !== '--dist');
  const opts = parseBenchArgs(rest);
  log(`bench:gallery: ${opts.galleryProducts} products, load average ${loads()}`);
  const buildDir = await mkdtemp(join(tmpdir(), 'pps-bench-build-'));
  try {
    const dist = typeof values.dist === 'string' ? values.dist : opts.build ? buildDir : DIST_DIR;
    if (dist === buildDir) await buildPwa({ outDir: buildDir });
    const site = await createStaticSite(dist);
    try {
      const g = await galleryFirstImage(opts, site, 15 * 60_000, log);
      process.stdout.write(`${JSON.stringify({ ...g, dist, loadEnd: loads() }, null, 2)}\n`);
    } finally {
      await site.dispose();
    }
  } finally {
    await rm(buildDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench:gallery failed: ${(error as Error).stack ?? String(error)}\n`);
  process.exitCode = 1;
});
