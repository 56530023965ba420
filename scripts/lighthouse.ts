/**
 * Lighthouse (pinned 12.2.3) on the built app served by the reference HO, in Debian's Chromium.
 * Prints Performance, Accessibility and Best Practices (0-100), the Performance metrics and every audit that
 * costs points (to see where a low score comes from); with --json, one JSON line of the scores for tests.
 * Usage: node --import tsx scripts/lighthouse.ts [--url URL] [--console] [--json]
 * Without --url it starts the HO on dist/ (run `vite build` first) and stops it afterwards.
 * --console audits the HO fleet console instead: its sign-in page (navigation) and, signed in as the
 * demo admin with a few status reports in, its overview (snapshot); each score is the lower of the two.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import * as chromeLauncher from 'chrome-launcher';
import lighthouse, { snapshot } from 'lighthouse';
// puppeteer-core comes with the pinned lighthouse (its own driver): a snapshot needs a page we signed in on.
import puppeteer from 'puppeteer-core';

const CHROME_PATH = process.env.CHROME_PATH ?? '/usr/bin/chromium';
const CATEGORIES = ['performance', 'accessibility', 'best-practices'] as const;
const METRICS = [
  'first-contentful-paint',
  'largest-contentful-paint',
  'total-blocking-time',
  'cumulative-layout-shift',
  'speed-index',
  'interactive',
] as const;

type Scores = Record<(typeof CATEGORIES)[number], number>;
type Lhr = NonNullable<Awaited<ReturnType<typeof lighthouse>>>['lhr'];

/** The snippet of the first DOM node in an audit's details (they nest lists of tables of nodes). */
function firstNode(details: unknown): string | undefined {
  if (typeof details !== 'object' || details === null) return undefined;
  if ('type' in details && details.type === 'node' && 'snippet' in details)
    return String(details.snippet);
  for (const value of Object.values(details)) {
    const found = firstNode(value);
    if (found !== undefined) return found;
  }
  return undefined;
}

/** Human-readable lines: each Performance metric, then the audits of the three categories scoring below 0.9. */
function diagnostics(lhr: Lhr): string[] {
  const lines = METRICS.map((id) => {
    const a = lhr.audits[id];
    return `  ${a?.title ?? id}: ${a?.displayValue ?? 'n/a'} (score ${a?.score ?? 'n/a'})`;
  });
  const ids = new Set(
    CATEGORIES.flatMap((c) => lhr.categories[c]?.auditRefs.map((r) => r.id) ?? []),
  );
  for (const id of ids) {
    const a = lhr.audits[id];
    if (
      a === undefined ||
      a.score === null ||
      a.score >= 0.9 ||
      (METRICS as readonly string[]).includes(id)
    )
      continue;
    lines.push(`  [${a.score}] ${a.title}${a.displayValue ? `: ${a.displayValue}` : ''}`);
  }
  const lcpNode = firstNode(lhr.audits['largest-contentful-paint-element']?.details);
  if (lcpNode !== undefined) lines.push(`  LCP element: ${lcpNode}`);
  return lines;
}

/** One line per layout shift in the trace with the rects that moved ([x, y, w, h] before -> after): Debian
 * Chromium's traces make Lighthouse's own "layout-shifts" audit error out, so this is where CLS shows its cause. */
function layoutShifts(traceEvents: readonly { name: string; args?: unknown }[]): string[] {
  interface Shift {
    score: number;
    impacted_nodes?: { old_rect: number[]; new_rect: number[] }[];
  }
  return traceEvents
    .filter((e) => e.name === 'LayoutShift')
    .map((e) => (e.args as { data: Shift }).data)
    .map(
      (d) =>
        `  Layout shift ${d.score.toFixed(3)}: ${(d.impacted_nodes ?? []).map((n) => `[${n.old_rect.join(',')}] -> [${n.new_rect.join(',')}]`).join('; ')}`,
    );
}

/** Starts the reference HO on an ephemeral port serving dist/; resolves with its URL. */
async function startHo(dataDir: string): Promise<{ url: string; child: ChildProcess }> {
  const args = [
    '--import',
    'tsx',
    'server/src/main.ts',
    '--port',
    '0',
    '--host',
    '127.0.0.1',
    '--static-dir',
    'dist',
    '--data-dir',
    dataDir,
  ];
  const child = spawn(process.execPath, args, {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  for await (const line of createInterface({ input: child.stdout! })) {
    const match = /^HO server listening on (http:\/\/\S+?)\/?$/.exec(line);
    if (match?.[1]) return { url: match[1], child };
  }
  throw new Error('the HO server exited before listening');
}

type Audit = { scores: Scores; lhr: Lhr; shifts: string[] };

function scoresOf(lhr: Lhr): Scores {
  const score = (id: string): number => Math.round((lhr.categories[id]?.score ?? 0) * 100);
  return {
    performance: score('performance'),
    accessibility: score('accessibility'),
    'best-practices': score('best-practices'),
  };
}

/** Gives the console something to show: two terminals of the first demo store, one photo failing. */
async function seedReports(hoUrl: string): Promise<void> {
  const post = async (path: string, body: unknown, token?: string) => {
    const res = await fetch(`${hoUrl}${path}`, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        ...(token ? { Authorization: `Bearer ${token}` } : {}),
      },
      body: JSON.stringify(body),
    });
    if (!res.ok) throw new Error(`${path} -> ${res.status}`);
    return res.json() as Promise<{ access: string }>;
  };
  const { access } = await post('/api/token/', { username: 'admin', password: 'admin' });
  const auth = { headers: { Authorization: `Bearer ${access}` } };
  const stores = (await (await fetch(`${hoUrl}/api/v1/admin/stores/`, auth)).json()) as {
    data: { stores: { id: string }[] };
  };
  const storeId = stores.data.stores[0]!.id;
  const list = (await (
    await fetch(`${hoUrl}/api/v1/sync/product-photos/?store_id=${storeId}&limit=1000`, auth)
  ).json()) as { data: { photos: { id: string }[] } };
  const ids = list.data.photos.map((p) => p.id);
  for (const [terminal, failing] of [
    ['kasir-1', -1],
    ['kasir-2', 0],
  ] as const) {
    const sync_batch = ids.map((photo_id, i) => ({
      photo_id,
      status: i === failing ? 'failed' : 'synced',
      synced_at: i === failing ? null : new Date().toISOString(),
      error: i === failing ? 'checksum mismatch' : null,
    }));
    await post(
      '/api/v1/sync/product-photos/status/',
      { store_id: storeId, terminal_id: terminal, terminal_name: terminal, sync_batch },
      access,
    );
  }
}

/** The console's sign-in page (navigation) and signed-in overview (snapshot), per category the lower score. */
async function auditConsole(hoUrl: string): Promise<Audit> {
  await seedReports(hoUrl);
  const signIn = await audit(`${hoUrl}/admin/`);
  const chrome = await launchChrome();
  try {
    const browser = await puppeteer.connect({ browserURL: `http://127.0.0.1:${chrome.port}` });
    const page = await browser.newPage();
    await page.goto(`${hoUrl}/admin/`);
    await page.locator('input[name=username]').fill('admin');
    await page.locator('input[name=password]').fill('admin');
    await page.locator('button[type=submit]').click();
    await page.waitForSelector('table.fleet');
    const result = await snapshot(page, {
      config: {
        extends: 'lighthouse:default',
        settings: { onlyCategories: ['accessibility', 'best-practices'] },
      },
    });
    if (result === undefined) throw new Error('Lighthouse returned no snapshot');
    const overview = scoresOf(result.lhr);
    console.error(
      `Console overview (snapshot): Accessibility ${overview.accessibility}, Best Practices ${overview['best-practices']}; sign-in page: ${signIn.scores.accessibility}, ${signIn.scores['best-practices']}`,
    );
    await browser.disconnect();
    const lower = (k: keyof Scores) => Math.min(signIn.scores[k], overview[k]);
    return {
      ...signIn,
      scores: {
        performance: signIn.scores.performance,
        accessibility: lower('accessibility'),
        'best-practices': lower('best-practices'),
      },
      lhr: { ...signIn.lhr, audits: { ...signIn.lhr.audits, ...failingOnly(result.lhr) } },
    };
  } finally {
    await chrome.kill();
  }
}

/** The audits of a snapshot that cost points, so diagnostics() lists them too. */
function failingOnly(lhr: Lhr): Lhr['audits'] {
  return Object.fromEntries(
    Object.entries(lhr.audits).filter(([, a]) => a.score !== null && a.score < 0.9),
  );
}

function launchChrome() {
  return chromeLauncher.launch({
    chromePath: CHROME_PATH,
    chromeFlags: [
      '--headless=new',
      '--no-sandbox',
      '--disable-gpu',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** Scores (0-100) of one Lighthouse navigation run on `url`. */
async function audit(url: string): Promise<Audit> {
  const chrome = await launchChrome();
  try {
    const result = await lighthouse(url, {
      port: chrome.port,
      output: 'json',
      logLevel: 'error',
      onlyCategories: [...CATEGORIES],
    });
    if (result === undefined) throw new Error('Lighthouse returned no result');
    return {
      scores: scoresOf(result.lhr),
      lhr: result.lhr,
      shifts: layoutShifts(result.artifacts.Trace.traceEvents),
    };
  } finally {
    await chrome.kill();
  }
}

const { values } = parseArgs({
  options: {
    url: { type: 'string' },
    console: { type: 'boolean', default: false },
    json: { type: 'boolean', default: false },
  },
});
const dataDir = await mkdtemp(join(tmpdir(), 'pps-lighthouse-'));
const ho = values.url === undefined ? await startHo(dataDir) : null;
try {
  const base = values.url ?? `${ho!.url}/`;
  const { scores, lhr, shifts } = values.console
    ? await auditConsole(base.replace(/\/+$/, ''))
    : await audit(base);
  // With --json the diagnostics go to stderr so stdout stays one JSON line.
  const log = values.json ? console.error : console.log;
  log(
    `Lighthouse 12.2.3: Performance ${scores.performance}, Accessibility ${scores.accessibility}, Best Practices ${scores['best-practices']}`,
  );
  log([...diagnostics(lhr), ...shifts].join('\n'));
  if (values.json) console.log(JSON.stringify(scores));
} finally {
  if (ho !== null) {
    ho.child.kill('SIGTERM');
    await once(ho.child, 'exit');
  }
  await rm(dataDir, { recursive: true, force: true });
}
