/** Turns the measured figures into target checks and the Markdown table the bench prints. */
import type { BenchResults, TargetCheck } from './results';

const s = (seconds: number) => `${seconds.toFixed(2)} s`;
const x = (ratio: number) => `${ratio.toFixed(2)}×`;
const mb = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`;
const kb = (bytes: number) => `${(bytes / 1000).toFixed(1)} KB`;

/** Every figure of the run as a row, with the issue's target where it sets one. */
export function targetChecks(r: Omit<BenchResults, 'targets'>): TargetCheck[] {
  const rows: TargetCheck[] = [];
  const row = (
    scenario: string,
    figure: string,
    value: string,
    target = '(report)',
    met: boolean | null = null,
  ) => rows.push({ scenario, figure, value, target, met });
  for (const f of r.fullSync) {
    const at = `1. Full sync, ${r.catalog.photos} photos, ${f.latencyMs} ms latency`;
    row(at, 'pwa_s (median)', s(f.medianPwaS));
    row(at, 'raw_fetch_s (median)', s(f.medianRawFetchS));
    if (f.seedPython && f.medianSeedPythonS !== null) {
      row(
        at,
        `seed_python_s (median; ${f.seedPython.photosPerRun} photos measured, scaled to ${r.catalog.photos})`,
        s(f.medianSeedPythonS),
      );
    } else {
      row(at, 'seed_python_s', `missing: ${f.seedPythonMissing ?? 'not run'}`);
    }
    row(at, 'pwa_s / raw_fetch_s', x(f.pwaOverRaw), '≤ 1.3', f.pwaOverRaw <= 1.3);
    const pyTarget = f.latencyMs === 30;
    row(
      at,
      'seed_python_s / pwa_s',
      f.seedPythonOverPwa === null ? 'missing' : x(f.seedPythonOverPwa),
      pyTarget ? '≥ 4' : '(report)',
      pyTarget ? (f.seedPythonOverPwa === null ? false : f.seedPythonOverPwa >= 4) : null,
    );
  }
  const p = r.politeness;
  const p2 = `2. Full sync, default politeness (${p.concurrency} at once, ${p.delayMs} ms)`;
  row(p2, 'time (median)', s(p.medianS));
  row(p2, `bound (${p.formula})`, s(p.boundS));
  row(p2, 'time / bound', x(p.overBound), '≤ 1.10', p.overBound <= 1.1);
  const u = r.incrementalUnchanged;
  const otherApi = (c: typeof u.requests) => c.token + c.status + c.otherApi;
  row(
    '3. Incremental, nothing changed',
    'requests',
    `${u.requests.list} list, ${u.requests.download} downloads, ${otherApi(u.requests)} other API`,
    'list only, one page; 0 downloads',
    u.requests.list === 1 && u.requests.download === 0 && otherApi(u.requests) === 0,
  );
  row('3. Incremental, nothing changed', 'time', s(u.seconds));
  const c = r.incrementalChanged;
  row(
    `4. Incremental, ${c.changed} photos changed (1%)`,
    'downloads',
    `${c.requests.download} (changed: ${c.changed}; ${c.requests.list} list)`,
    '= changed',
    c.requests.download === c.changed && c.held === c.expected,
  );
  row(`4. Incremental, ${c.changed} photos changed (1%)`, 'time', s(c.seconds));
  const fp = r.footprint;
  const f5 = `5. Footprint, ${r.catalog.photos}-photo sync`;
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
  const m = r.md5;
  row(
    '6. MD5 throughput',
    'engine (hash-wasm) in Chromium',
    `${m.medianBrowserMBps.toFixed(0)} MB/s`,
  );
  row('6. MD5 throughput', 'Node crypto', `${m.medianNodeMBps.toFixed(0)} MB/s`);
  row('6. MD5 throughput', 'browser / Node', x(m.browserOverNode));
  const b = r.bundle;
  row(
    '7. Bundle',
    `initial app-shell JS, gzip -9 (${b.appShellJs.files.length} files)`,
    kb(b.appShellJs.gzipBytes),
    '≤ 40 KB (40,000 bytes)',
    b.appShellJs.gzipBytes <= 40_000,
  );
  row('7. Bundle', 'service worker, gzip -9', kb(b.serviceWorker.gzipBytes));
  const g = r.gallery;
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
  return rows;
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
