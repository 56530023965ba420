/**
 * Lighthouse (pinned 12.2.3) on the built app served by the reference HO, in Debian's Chromium.
 * Prints Performance, Accessibility and Best Practices (0-100), the Performance metrics and every audit that
 * costs points (to see where a low score comes from); with --json, one JSON line of the scores for tests.
 * Usage: node --import tsx scripts/lighthouse.ts [--url URL] [--json]
 * Without --url it starts the HO on dist/ (run `vite build` first) and stops it afterwards.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import * as chromeLauncher from 'chrome-launcher';
import lighthouse from 'lighthouse';

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

/** Scores (0-100) of one Lighthouse navigation run on `url`. */
async function audit(url: string): Promise<{ scores: Scores; lhr: Lhr; shifts: string[] }> {
  const chrome = await chromeLauncher.launch({
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
  try {
    const result = await lighthouse(url, {
      port: chrome.port,
      output: 'json',
      logLevel: 'error',
      onlyCategories: [...CATEGORIES],
    });
    if (result === undefined) throw new Error('Lighthouse returned no result');
    const score = (id: string): number => Math.round((result.lhr.categories[id]?.score ?? 0) * 100);
    return {
      scores: {
        performance: score('performance'),
        accessibility: score('accessibility'),
        'best-practices': score('best-practices'),
      },
      lhr: result.lhr,
      shifts: layoutShifts(result.artifacts.Trace.traceEvents),
    };
  } finally {
    await chrome.kill();
  }
}

const { values } = parseArgs({
  options: { url: { type: 'string' }, json: { type: 'boolean', default: false } },
});
const dataDir = await mkdtemp(join(tmpdir(), 'pps-lighthouse-'));
const ho = values.url === undefined ? await startHo(dataDir) : null;
try {
  const { scores, lhr, shifts } = await audit(values.url ?? `${ho!.url}/`);
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
