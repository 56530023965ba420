/**
 * `npm run bench [-- --quick] [--out FILE] [--only LIST]`: builds the PWA, starts the reference HO with a
 * generated catalog, runs scenarios 1-8 of issue 5 and 9 of issue 14 (or those --only names) in headless Chromium (alternating contenders, medians of the
 * repetitions), prints a Markdown table and writes the JSON results and an SVG chart of the full-sync comparison.
 */
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { launchChromium } from '../test/helpers/chromium';
import { DIST_DIR } from '../test/helpers/ho-server';
import { buildPwa } from '../test/helpers/vite-build';
import { measureBundle } from './bundle-size';
import { fullSyncChart } from './chart';
import { type BenchContext, imageBytes } from './context';
import { flatCost } from './flat-cost';
import { installFloorWorker } from './floor';
import { footprintAndIncremental } from './footprint';
import { fullSyncComparison, politenessBound } from './full-sync';
import { galleryFirstImage } from './gallery';
import { listPhotos, startBenchHo } from './ho';
import { md5Throughput } from './md5-throughput';
import { type BenchOptions, parseBenchArgs, type ScenarioName } from './options';
import { markdownReport, targetChecks } from './report';
import type { BenchMeta, BenchResults } from './results';
import { pythonUnavailable } from './seed-python';
import { createStaticSite, type StaticSite } from './static-site';
import { round } from './stats';

const SYNC_TIMEOUT_MS = 15 * 60_000;

const log = (message: string): void => void process.stderr.write(`${message}\n`);
const loads = (): number[] => loadavg().map((l) => Math.round(l * 100) / 100);

function pythonVersion(): string | null {
  try {
    return execFileSync(
      'python3',
      [
        '-c',
        'import sys, requests; print(f"Python {sys.version.split()[0]}, requests {requests.__version__}")',
      ],
      { encoding: 'utf8' },
    ).trim();
  } catch {
    return null;
  }
}

/** The scenarios that use the main catalog (scenarios 1-5 and the MD5 piece size), on one HO. */
async function mainCatalogScenarios(
  opts: BenchOptions,
  site: StaticSite,
): Promise<Omit<BenchResults, 'meta' | 'bundle' | 'gallery' | 'flatCost' | 'targets'>> {
  const want = (name: ScenarioName) => opts.only.has(name);
  if (!want('full-sync') && !want('politeness') && !want('footprint')) {
    if (!want('md5')) return {};
    log('6. MD5 throughput');
    return { md5: await md5Throughput(opts.md5Bytes, opts.avgBytes, opts.reps) };
  }
  const pythonMissing = want('full-sync') ? await pythonUnavailable() : null;
  if (pythonMissing) log(`seed_python_s will be missing: ${pythonMissing}`);
  log(`starting the HO with a ${opts.photos}-photo catalog`);
  const ho = await startBenchHo(site.dir, {
    photos: opts.photos,
    avgBytes: opts.avgBytes,
    seed: 1,
  });
  try {
    const photos = await listPhotos(ho);
    const ctx: BenchContext = { opts, ho, site, photos, syncTimeoutMs: SYNC_TIMEOUT_MS, log };
    const bytes = imageBytes(photos);
    const catalog = {
      photos: photos.length,
      imageBytes: bytes,
      avgPhotoBytes: bytes / photos.length,
      serverStartS: ho.startS,
    };
    const out: Awaited<ReturnType<typeof mainCatalogScenarios>> = { catalog };
    if (want('md5')) {
      log('6. MD5 throughput');
      const photoBytes = Math.round(catalog.avgPhotoBytes);
      out.md5 = await md5Throughput(opts.md5Bytes, photoBytes, opts.reps);
    }
    if (want('full-sync')) {
      out.fullSync = [];
      for (const latency of opts.latenciesMs) {
        log(`1. full sync at ${latency} ms latency`);
        out.fullSync.push(await fullSyncComparison(ctx, latency, pythonMissing));
      }
    }
    if (want('politeness')) {
      log('2. default politeness');
      out.politeness = await politenessBound(ctx);
    }
    if (want('footprint')) {
      log('5/3/4. footprint and incremental syncs');
      const { footprint, unchanged, changed } = await footprintAndIncremental(ctx);
      Object.assign(out, {
        footprint,
        incrementalUnchanged: unchanged,
        incrementalChanged: changed,
      });
    }
    return out;
  } finally {
    await ho.server.dispose();
  }
}

async function main(): Promise<void> {
  const opts = parseBenchArgs(process.argv.slice(2));
  const started = performance.now();
  const loadStart = loads();
  log(
    `bench: ${opts.quick ? 'quick' : 'full'} run (${[...opts.only].join(', ')}), load average ${loadStart.join(' ')}`,
  );

  const buildDir = await mkdtemp(join(tmpdir(), 'pps-bench-build-'));
  try {
    if (opts.build) {
      log('building the PWA');
      await buildPwa({ outDir: buildDir });
    }
    const site = await createStaticSite(opts.build ? buildDir : DIST_DIR);
    try {
      if (opts.only.has('full-sync')) await installFloorWorker(site);
      const bundle = opts.only.has('bundle') ? await measureBundle(site.dir) : undefined;
      const measured = await mainCatalogScenarios(opts, site);
      // The heaviest scenarios; when one fails the other figures are still reported.
      const orError = <T>(scenario: string, run: Promise<T>) =>
        run.catch((e: unknown) => {
          log(`  ${scenario} failed: ${(e as Error).message}`);
          return { error: (e as Error).message };
        });
      let gallery: BenchResults['gallery'];
      if (opts.only.has('gallery')) {
        log('8. gallery with the HO stopped');
        gallery = await orError('gallery', galleryFirstImage(opts, site, SYNC_TIMEOUT_MS, log));
      }
      let flat: BenchResults['flatCost'];
      if (opts.only.has('flat-cost')) {
        log(`9. flat cost per photo, ${opts.flatCostPhotos.join(' vs ')} photos`);
        flat = await orError('flat cost', flatCost(opts, site, SYNC_TIMEOUT_MS, log));
      }

      const browser = await launchChromium();
      const chromium = browser.version();
      await browser.close();
      const meta: BenchMeta = {
        date: new Date().toISOString(),
        command: `npm run bench --${opts.quick ? ' --quick' : ''}${process.argv
          .slice(2)
          .filter((a) => a !== '--quick')
          .map((a) => ` ${a}`)
          .join('')}`,
        quick: opts.quick,
        cpus: cpus().length,
        cpuModel: cpus()[0]?.model ?? 'unknown',
        memoryGB: Math.round(totalmem() / 2 ** 30),
        loadStart,
        loadEnd: loads(),
        node: process.version,
        chromium,
        python: pythonVersion(),
        note: 'load generator (Chromium, Python, the bench) and HO server share these cores',
        durationS: (performance.now() - started) / 1000,
      };
      const partial = { meta, ...measured, bundle, gallery, flatCost: flat };
      const results: BenchResults = { ...partial, targets: targetChecks(partial) };
      await writeFile(
        opts.out,
        `${JSON.stringify(results, (_key, value: unknown) => (typeof value === 'number' ? round(value) : value), 2)}\n`,
      );
      let written = `JSON: ${opts.out}`;
      if (measured.fullSync && measured.catalog) {
        const subtitle = `${meta.cpus} cores shared by Chromium, Python and the HO server; concurrency 5, no delay; median of ${opts.reps}`;
        await writeFile(
          opts.chart,
          fullSyncChart(measured.fullSync, measured.catalog.photos, subtitle),
        );
        written += `  chart: ${opts.chart}`;
      }
      process.stdout.write(`${markdownReport(results)}\n\n${written}\n`);
    } finally {
      await site.dispose();
    }
  } finally {
    await rm(buildDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(
    `bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exitCode = 1;
});
