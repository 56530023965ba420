/** Turns the measured figures into target checks and the Markdown table the bench prints. */
import type { BundleResult } from './bundle-size';
import type { FlatCostResult } from './flat-cost';
import type { FloorVariant } from './floor-protocol';
import type { FootprintResult, IncrementalResult } from './footprint';
import type { FullSyncResult, PolitenessResult } from './full-sync';
import type { GalleryResult } from './gallery';
import type { Md5Result } from './md5-throughput';
import type { BenchResults, TargetCheck } from './results';
import { median } from './stats';

const s = (seconds: number) => `${seconds.toFixed(2)} s`;
const ms = (millis: number) => `${millis.toFixed(2)} ms`;
const x = (ratio: number) => `${ratio.toFixed(2)}×`;
const mb = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`;
const kb = (bytes: number) => `${(bytes / 1000).toFixed(1)} KB`;

const FLOOR_LABELS: Record<FloorVariant, string> = {
  read: 'SW fetch + read',
  md5: 'SW fetch + read + MD5',
  blob: 'SW fetch + read + MD5 + Blob',
  store: 'SW fetch + read + MD5 + Blob + IndexedDB, a Blob per photo',
  packed: 'SW fetch + read + MD5 + Blob + IndexedDB, a Blob per group',
};

/** Adds one row: a figure, its value, and the target with whether it was met (null: report only). */
type Row = (
  scenario: string,
  figure: string,
  value: string,
  target?: string,
  met?: boolean | null,
) => void;

/** Every figure of the run as a row, with the issue's target where it sets one; scenarios not run have none. */
export function targetChecks(r: Omit<BenchResults, 'targets'>): TargetCheck[] {
  const rows: TargetCheck[] = [];
  const row: Row = (scenario, figure, value, target = '(report)', met = null) =>
    rows.push({ scenario, figure, value, target, met });
  const photos = r.catalog?.photos ?? 0;
  if (r.fullSync) fullSyncRows(row, r.fullSync, photos);
  if (r.politeness) politenessRows(row, r.politeness);
  if (r.incrementalUnchanged && r.incrementalChanged)
    incrementalRows(row, r.incrementalUnchanged, r.incrementalChanged);
  if (r.footprint) footprintRows(row, r.footprint, photos);
  if (r.md5) md5Rows(row, r.md5);
  if (r.bundle) bundleRows(row, r.bundle);
  if (r.gallery) galleryRows(row, r.gallery);
  if (r.flatCost) flatCostRows(row, r.flatCost);
  return rows;
}

function fullSyncRows(row: Row, fullSync: readonly FullSyncResult[], photos: number): void {
  for (const f of fullSync) {
    const at = `1. Full sync, ${photos} photos, ${f.latencyMs} ms latency`;
    row(at, 'pwa_s (median)', s(f.medianPwaS));
    row(at, 'raw_fetch_s (median)', s(f.medianRawFetchS));
    if (f.seedPython && f.medianSeedPythonS !== null) {
      row(
        at,
        `seed_python_s (median; ${f.seedPython.photosPerRun} photos measured, scaled to ${photos})`,
        s(f.medianSeedPythonS),
      );
    } else {
      row(at, 'seed_python_s', `missing: ${f.seedPythonMissing ?? 'not run'}`);
    }
    // Issue 14's targets: 1.5 with no latency, 1.15 at 30 ms (other latencies: report only).
    const limit = f.latencyMs === 0 ? 1.5 : f.latencyMs === 30 ? 1.15 : null;
    row(
      at,
      'pwa_s / raw_fetch_s',
      x(f.pwaOverRaw),
      limit === null ? '(report)' : `≤ ${limit}`,
      limit === null ? null : f.pwaOverRaw <= limit,
    );
    row(
      at,
      'of pwa_s: sign-in (median); (pwa_s - sign-in) / raw_fetch_s',
      `${s(median(f.pwaSignInS))}; ${x(f.pwaAfterSignInOverRaw)}`,
    );
    const pyTarget = f.latencyMs === 30;
    row(
      at,
      'seed_python_s / pwa_s',
      f.seedPythonOverPwa === null ? 'missing' : x(f.seedPythonOverPwa),
      pyTarget ? '≥ 4' : '(report)',
      pyTarget ? (f.seedPythonOverPwa === null ? false : f.seedPythonOverPwa >= 4) : null,
    );
    for (const fl of f.floor)
      row(
        at,
        `floor_s: ${FLOOR_LABELS[fl.variant]} (median); floor_s / raw_fetch_s`,
        `${s(fl.medianS)}; ${x(fl.overRaw)}`,
      );
    if (f.pwaOverFloor !== null)
      row(at, `pwa_s / floor_s (${FLOOR_LABELS.store})`, x(f.pwaOverFloor));
  }
}

function politenessRows(row: Row, p: PolitenessResult): void {
  const p2 = `2. Full sync, default politeness (${p.concurrency} at once, ${p.delayMs} ms)`;
  row(p2, 'time (median)', s(p.medianS));
  row(p2, `bound (${p.formula})`, s(p.boundS));
  row(p2, 'time / bound', x(p.overBound), '≤ 1.05', p.overBound <= 1.05);
}

function incrementalRows(row: Row, u: IncrementalResult, c: IncrementalResult): void {
  const otherApi = (c: typeof u.requests) => c.token + c.status + c.otherApi;
  row(
    '3. Incremental, nothing changed',
    'requests',
    `${u.requests.list} list, ${u.requests.download} downloads, ${otherApi(u.requests)} other API`,
    'list only, one page; 0 downloads',
    u.requests.list === 1 && u.requests.download === 0 && otherApi(u.requests) === 0,
  );
  row('3. Incremental, nothing changed', 'time', s(u.seconds));
  row(
    `4. Incremental, ${c.changed} photos changed (1%)`,
    'downloads',
    `${c.requests.download} (changed: ${c.changed}; ${c.requests.list} list)`,
    '= changed',
    c.requests.download === c.changed && c.held === c.expected,
  );
  row(`4. Incremental, ${c.changed} photos changed (1%)`, 'time', s(c.seconds));
}

function footprintRows(row: Row, fp: FootprintResult, photos: number): void {
  const f5 = `5. Footprint, ${photos}-photo sync`;
  row(
    f5,
    'service worker peak JS heap (used)',
    `${mb(fp.swHeap.peakUsedBytes)} (${fp.swHeap.samples} samples${fp.swHeap.error ? `, stopped: ${fp.swHeap.error}` : ''})`,
    '< 64 MB',
    fp.swHeap.peakUsedBytes < 64e6 && fp.swHeap.error === undefined,
  );
  row(
    f5,
    'photos checked after the sync (SW-served bytes vs HO MD5)',
    `${fp.verifiedSample} sampled, all match`,
  );
  row(
    f5,
    'storage used / image bytes',
    `${x(fp.storageOverImages)} (${mb(fp.storageUsageBytes)} / ${mb(fp.imageBytes)})`,
    '≤ 1.1',
    fp.storageOverImages <= 1.1,
  );
  row(
    f5,
    'longest main-thread task while syncing',
    fp.longestTaskMs === null
      ? 'none ≥ 50 ms'
      : `${fp.longestTaskMs.toFixed(0)} ms (${fp.longTasks} long tasks)`,
    '< 50 ms',
    fp.longestTaskMs === null,
  );
}

function md5Rows(row: Row, m: Md5Result): void {
  row(
    '6. MD5 throughput',
    'engine (hash-wasm) in Chromium',
    `${m.medianBrowserMBps.toFixed(0)} MB/s`,
  );
  row('6. MD5 throughput', 'Node crypto', `${m.medianNodeMBps.toFixed(0)} MB/s`);
  row('6. MD5 throughput', 'browser / Node', x(m.browserOverNode));
}

function bundleRows(row: Row, b: BundleResult): void {
  row(
    '7. Bundle',
    `initial app-shell JS, gzip -9 (${b.appShellJs.files.length} files)`,
    kb(b.appShellJs.gzipBytes),
    '≤ 40 KB (40,000 bytes)',
    b.appShellJs.gzipBytes <= 40_000,
  );
  row('7. Bundle', 'service worker, gzip -9', kb(b.serviceWorker.gzipBytes));
}

function galleryRows(row: Row, g: GalleryResult | { error: string }): void {
  if ('error' in g)
    row('8. Gallery, HO stopped', 'first product image painted', `failed: ${g.error}`);
  else {
    const at = `8. Gallery, ${g.products.toLocaleString('en-US')} products, HO stopped`;
    row(
      at,
      'first product image painted (median)',
      `${g.medianFirstImageMs.toFixed(0)} ms`,
      '≤ 500 ms',
      g.medianFirstImageMs <= 500,
    );
    const worst = Math.max(...g.startLongestTaskMs, ...g.scrollLongestTaskMs);
    row(
      at,
      'longest main-thread task, start-up and scrolling the whole gallery',
      `${worst.toFixed(0)} ms (${g.scrollLongTasks} long tasks while scrolling)`,
      '< 50 ms',
      worst < 50,
    );
    row(
      at,
      `filling the terminal first (${g.photos.toLocaleString('en-US')} photos of ~${(g.avgPhotoBytes / 1000).toFixed(1)} KB)`,
      s(g.syncS),
    );
  }
}

function flatCostRows(row: Row, f: FlatCostResult | { error: string }): void {
  if ('error' in f) {
    row('9. Flat cost per photo', 'ms per photo', `failed: ${f.error}`);
    return;
  }
  const count = (n: number) => n.toLocaleString('en-US');
  const at = `9. Flat cost per photo, ${count(f.small.photos)} vs ${count(f.large.photos)} photos of ~${kb(f.large.avgPhotoBytes)}`;
  for (const size of [f.small, f.large]) {
    row(
      at,
      `${count(size.photos)} photos: ms per photo from the run's start, listing included (median)`,
      `${ms(size.medianPerPhotoMs)} (sign-in before it: ${s(median(size.signInS))})`,
    );
    const stopped = size.swHeap.find((h) => h.error !== undefined)?.error;
    row(
      at,
      `${count(size.photos)} photos: service worker peak JS heap (used, worst run)`,
      `${mb(size.peakHeapBytes)}${stopped ? ` (sampling stopped: ${stopped})` : ''}`,
      '< 64 MB',
      size.peakHeapBytes < 64e6 && stopped === undefined,
    );
    const held = size.swHeap.map((h) => h.afterGcUsedBytes).filter((b) => b !== undefined);
    if (held.length > 0)
      row(
        at,
        `${count(size.photos)} photos: service worker JS heap after a forced GC at the end (largest)`,
        mb(Math.max(...held)),
      );
  }
  row(at, 'ms per photo, large / small', x(f.largeOverSmall), '≤ 1.1', f.largeOverSmall <= 1.1);
}

/** The Markdown table of all figures plus the machine line. */
export function markdownReport(r: BenchResults): string {
  const mark = (met: boolean | null) => (met === null ? '' : met ? 'met' : '**missed**');
  const lines = [
    `Machine: ${r.meta.cpus} cores (${r.meta.cpuModel}), ${r.meta.memoryGB} GB RAM; ${r.meta.note}`,
    `Load average at start ${r.meta.loadStart.join(' / ')}, at end ${r.meta.loadEnd.join(' / ')}; Node ${r.meta.node}, Chromium ${r.meta.chromium}, ${r.meta.python ?? 'no Python'}`,
    `Command: ${r.meta.command} (${r.meta.durationS.toFixed(0)} s)`,
    '',
    '| Scenario | Figure | Value | Target | Status |',
    '|---|---|---|---|---|',
    ...r.targets.map(
      (t) => `| ${t.scenario} | ${t.figure} | ${t.value} | ${t.target} | ${mark(t.met)} |`,
    ),
  ];
  return lines.join('\n');
}
