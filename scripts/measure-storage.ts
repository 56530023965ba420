/**
 * Measures the two candidate stores for photo bytes in real headless Chromium: IndexedDB Blob values vs Cache
 * Storage entries. For each, writes ~300 photos of ~100 KB (one photo per step, as the sync engine does), reads
 * them back in full, deletes them, and records time, `navigator.storage.estimate()` and bytes on disk.
 * Each run uses a fresh on-disk profile (incognito contexts keep storage in memory, which would not be true).
 *
 *   node --import tsx scripts/measure-storage.ts [--count 300] [--kb 100] [--reps 3]
 *
 * The browser side is test/helpers/storage-bench.ts (it needs DOM types). Results: docs/storage.md.
 */
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { build } from 'esbuild';
import { type Page, chromium } from 'playwright-core';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../test/helpers/chromium';
import type {
  BenchOptions,
  BenchResult,
  Strategy,
  Usage,
} from '../test/helpers/storage-bench-types';

/** A run plus the usage after closing and relaunching the browser on the same profile. */
interface RunResult extends BenchResult {
  afterRestart: Usage;
  diskAfterRestart: number;
}

/** Profile directories that hold an origin's IndexedDB and Cache Storage (names differ across Chromium versions). */
const STORAGE_DIRS = ['IndexedDB', 'Service Worker', 'Storage', 'WebStorage'];

const { values: args } = parseArgs({
  options: {
    count: { type: 'string', default: '300' },
    kb: { type: 'string', default: '100' },
    reps: { type: 'string', default: '3' },
  },
});
const count = Number(args.count);
const meanBytes = Number(args.kb) * 1024;
const reps = Number(args.reps);

async function treeBytes(path: string): Promise<number> {
  const info = await stat(path).catch(() => undefined);
  if (!info) return 0;
  if (!info.isDirectory()) return info.size;
  const entries = await readdir(path);
  const sizes = await Promise.all(entries.map((name) => treeBytes(join(path, name))));
  return sizes.reduce((a, b) => a + b, 0);
}

async function bundleBench(): Promise<string> {
  const out = await build({
    entryPoints: [resolve(import.meta.dirname, '../test/helpers/storage-bench.ts')],
    bundle: true,
    format: 'iife',
    write: false,
    target: 'es2022',
  });
  const file = out.outputFiles[0];
  if (!file) throw new Error('esbuild produced no output');
  return file.text;
}

/** Serves the bench page and script on 127.0.0.1 (a secure context, so Cache Storage is available). */
async function serve(script: string): Promise<{ origin: string; close: () => Promise<void> }> {
  const server = createServer((req, res) => {
    if (req.url === '/bench.js')
      res.writeHead(200, { 'Content-Type': 'text/javascript' }).end(script);
    else
      res
        .writeHead(200, { 'Content-Type': 'text/html' })
        .end('<!doctype html><script src="/bench.js"></script>');
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((ok) => server.close(() => ok())),
  };
}

interface BenchPage {
  runBench(o: BenchOptions): Promise<BenchResult>;
  usage(): Promise<Usage>;
}

/** Runs `fn` on the bench page in a browser launched on `profile`, then closes the browser. */
async function withBenchPage<T>(
  profile: string,
  origin: string,
  fn: (page: Page) => Promise<T>,
): Promise<T> {
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [...CHROMIUM_ARGS],
  });
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    await page.exposeFunction('benchDiskBytes', () => diskBytes(profile));
    await page.goto(`${origin}/`);
    return await fn(page);
  } finally {
    await context.close();
  }
}

async function diskBytes(profile: string): Promise<number> {
  const sizes = await Promise.all(
    STORAGE_DIRS.map((dir) => treeBytes(join(profile, 'Default', dir))),
  );
  return sizes.reduce((a, b) => a + b, 0);
}

async function runOnce(origin: string, options: BenchOptions): Promise<RunResult> {
  const profile = await mkdtemp(join(tmpdir(), 'pps-measure-'));
  try {
    const result = await withBenchPage(profile, origin, (page) =>
      page.evaluate((o) => (globalThis as unknown as BenchPage).runBench(o), options),
    );
    // Deleted IndexedDB blobs are freed lazily: look again after a browser restart.
    const afterRestart = await withBenchPage(profile, origin, (page) =>
      page.evaluate(() => (globalThis as unknown as BenchPage).usage()),
    );
    return { ...result, afterRestart, diskAfterRestart: await diskBytes(profile) };
  } finally {
    await rm(profile, { recursive: true, force: true });
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? NaN;
}

const MB = 1024 * 1024;
const fmt = (n: number, digits = 1): string => n.toFixed(digits);

async function main(): Promise<void> {
  const server = await serve(await bundleBench());
  const rows: string[] = [];
  try {
    for (const concurrency of [1, 5]) {
      for (const strategy of ['idb', 'cache'] as Strategy[]) {
        const runs: RunResult[] = [];
        for (let rep = 0; rep < reps; rep++)
          runs.push(await runOnce(server.origin, { strategy, count, meanBytes, concurrency }));
        const mbps = (ms: (r: RunResult) => number): string =>
          fmt(median(runs.map((r) => r.bytes / MB / (ms(r) / 1000))));
        const ratio = (f: (r: RunResult) => number): string =>
          fmt(median(runs.map((r) => f(r) / r.bytes)), 3);
        const row = [
          strategy,
          String(concurrency),
          fmt(median(runs.map((r) => r.bytes)) / MB),
          mbps((r) => r.writeMs),
          fmt(median(runs.map((r) => r.writeMs / count)), 2),
          mbps((r) => r.readMs),
          fmt(median(runs.map((r) => r.readMs / count)), 2),
          fmt(median(runs.map((r) => r.deleteMs / count)), 2),
          ratio((r) => r.afterWrite.usage - r.before.usage),
          ratio((r) => r.diskAfterWrite - r.diskBefore),
          ratio((r) => r.afterDelete.usage - r.before.usage),
          ratio((r) => r.diskAfterDelete - r.diskBefore),
          ratio((r) => r.afterRestart.usage - r.before.usage),
        ];
        rows.push(`| ${row.join(' | ')} |`);
        console.error(
          `${strategy} x${concurrency}:`,
          JSON.stringify(
            runs.map((r) => ({
              ...r,
              before: r.before.details,
              afterWrite: r.afterWrite.details,
              afterDelete: r.afterDelete.details,
              afterRestart: r.afterRestart.details,
            })),
          ),
        );
      }
    }
  } finally {
    await server.close();
  }
  console.log(
    `Chromium (headless, on-disk profile), ${count} photos of ~${args.kb} KB random bytes, median of ${reps} runs\n`,
  );
  console.log(
    '| store | concurrency | MB | write MB/s | write ms/photo | read MB/s | read ms/photo | delete ms/photo | estimate/byte after write | disk/byte after write | estimate/byte after delete | disk/byte after delete | estimate/byte after delete+restart |',
  );
  console.log('|---|---|---|---|---|---|---|---|---|---|---|---|---|');
  console.log(rows.join('\n'));
}

await main();
