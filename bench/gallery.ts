/**
 * Scenario 8: a terminal holding a catalog of `galleryProducts` products (small photos) starts with the HO
 * stopped; measured from navigation start to the first frame after the first product <img> loaded from
 * local storage. Each repetition relaunches Chromium on the same profile (a terminal switched on).
 */
import { deploySettings, POLITENESS_OFF } from './context';
import { listPhotos, startBenchHo } from './ho';
import type { BenchOptions } from './options';
import { BROADCAST_CHANNEL } from '../src/shared/messages';
import type { BenchBrowser } from './browser';
import { allHeld, countPattern } from './page-probes';
import { openApp, probe, signIn } from './pwa';
import type { StaticSite } from './static-site';
import { median } from './stats';
import { longTaskBreakdown, startTrace, type Trace } from './trace';

/** Figures of scenario 8. */
export interface GalleryResult {
  products: number;
  photos: number;
  avgPhotoBytes: number;
  /** The sync that filled the terminal (politeness off), for reference. */
  syncS: number;
  firstImageMs: number[];
  medianFirstImageMs: number;
  /** Longest main-thread task from navigation start to the first image, per relaunch (0: none >= 50 ms). */
  startLongestTaskMs: number[];
  /** Longest main-thread task while scrolling the whole gallery top to bottom, per relaunch. */
  scrollLongestTaskMs: number[];
  /** Long tasks (>= 50 ms) seen while scrolling, all relaunches. */
  scrollLongTasks: number;
  /** Per relaunch, the build's start-up marks (see startupSteps). */
  startupStepsMs: { step: string; ms: number }[][];
}

/** Photos per product of the generated catalog is about 1.25; a little more makes sure the product count is reached. */
const PHOTOS_PER_PRODUCT = 1.27;
/** No progress broadcast for this long means the service worker stopped. */
const STALL_MS = 60_000;

/**
 * Signs in and waits until the SW holds all `total` photos, with the app open as on a terminal: its heartbeat
 * keeps the worker alive (session 10: parked on a same-origin image instead, the worker was stopped once its
 * 4-minute event extension ran out, and the fill took ~350 s, 60 s of them waiting to notice). When the worker
 * stalls anyway (browsers stop long-running service workers), opening the app again resumes the sync.
 */
async function fillTerminal(
  b: BenchBrowser,
  url: string,
  storeId: string,
  total: number,
  timeoutMs: number,
): Promise<number> {
  const start = performance.now();
  await signIn(b, storeId);
  await b.page.getByRole('status').filter({ hasText: 'Syncing' }).waitFor({ timeout: timeoutMs });
  while (performance.now() - start < timeoutMs) {
    if (await b.page.evaluate(allHeld, { channel: BROADCAST_CHANNEL, total, stallMs: STALL_MS }))
      return (performance.now() - start) / 1000;
    await b.page.goto(`${url}/`);
    await b.page.getByRole('status').waitFor();
    // The run may have ended while no page listened (the worker stopped, this page woke it, and the resumed
    // run finished before the page above listened again): then no broadcast ever comes, but the status says so.
    if (await showsAllHeld(b, total)) return (performance.now() - start) / 1000;
  }
  throw new Error(`the terminal did not hold all ${total} photos within ${timeoutMs} ms`);
}

/**
 * True when the app's status shows all `total` photos held ("12,700 / 12,700 photos") and no run going, within
 * two minutes: the page opening may have started an incremental run, which must end before the HO stops (an
 * interrupted listing would leave its listed rows for every relaunch to read).
 */
async function showsAllHeld(b: BenchBrowser, total: number): Promise<boolean> {
  try {
    await b.page.waitForFunction(
      (pattern) => {
        const text = document.querySelector('[role="status"]')?.textContent ?? '';
        return new RegExp(pattern).test(text) && !text.includes('Syncing');
      },
      countPattern(total),
      { timeout: 120_000 },
    );
    return true;
  } catch {
    return false;
  }
}

/**
 * Polls (at most `timeoutMs`, every build alike) until the worker has kept the gallery's first screen in Cache Storage
 * (src/sw/first-screen.ts), as a terminal left on after its sync has: the bench closes the browser the moment
 * the sync ends, which a terminal does not. False when none was saved (a build without it).
 */
async function firstScreenSaved(b: BenchBrowser, timeoutMs: number): Promise<boolean> {
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    const saved = await b.page.evaluate(async () => {
      for (const name of await caches.keys()) {
        if (!name.startsWith('pps-first-screen-')) continue;
        const head = await (await caches.open(name)).match(
          new URL('__first-screen/head.json', location.href).href,
        );
        if (head !== undefined) return true;
      }
      return false;
    });
    if (saved) return true;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  return false;
}

/** Screens scrolled per relaunch: one screen at a time, each after two frames, through the whole grid. */
const SCROLL_STEPS = 40;

/** In the page: scrolls the gallery screen by screen to its end; resolves with performance.now() of the start. */
function scrollGallery(steps: number): Promise<number> {
  const start = performance.now();
  const frame = () => new Promise<void>((resolve) => requestAnimationFrame(() => resolve()));
  return (async () => {
    const stride = Math.max(window.innerHeight, document.body.scrollHeight / steps);
    for (let i = 0; i < steps; i++) {
      window.scrollBy(0, stride);
      await frame();
      await frame();
    }
    return start;
  })();
}

/**
 * The start-up steps the build marks (`pps:*` User Timing marks, src/shared/timing.ts) in the page and in the
 * service worker, in ms from the page's navigation start, in time order; empty for a build without marks.
 */
async function startupSteps(b: BenchBrowser): Promise<{ step: string; ms: number }[]> {
  const read = () =>
    performance
      .getEntriesByType('mark')
      .filter((m) => m.name.startsWith('pps:'))
      .map((m) => ({ step: m.name.slice(4), at: performance.timeOrigin + m.startTime }));
  const origin = await b.page.evaluate(() => performance.timeOrigin);
  const marks = [...(await b.page.evaluate(read))];
  for (const worker of b.context.serviceWorkers()) marks.push(...(await worker.evaluate(read)));
  return marks
    .map(({ step, at }) => ({ step, ms: Math.round(at - origin) }))
    .sort((x, y) => x.ms - y.ms);
}

/** Set (to anything) to log what each main-thread task of 50 ms or more ran, from launch to the scroll's end. */
const TRACE = process.env.PPS_BENCH_TRACE !== undefined;

/** Set (to anything) to log where the page's main thread spent its time while scrolling (CDP CPU profile). */
const CPU_PROFILE = process.env.PPS_BENCH_CPU_PROFILE !== undefined;

/** A CPU profile's nodes, as CDP's Profiler.stop returns them (the parts summed here). */
interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number } }[];
  samples: number[];
  timeDeltas: number[];
}

/** The `top` call frames by self time (ms) in `profile`. */
function selfTimes(profile: CpuProfile, top: number): string {
  const frames = new Map(profile.nodes.map((n) => [n.id, n.callFrame]));
  const totals = new Map<string, number>();
  profile.samples.forEach((id, i) => {
    const f = frames.get(id);
    const name =
      f === undefined
        ? '?'
        : `${f.functionName || '(anonymous)'} ${f.url.split('/').at(-1)}:${f.lineNumber}`;
    totals.set(name, (totals.get(name) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
  });
  return [...totals]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([name, ms]) => `${ms.toFixed(0)} ms ${name}`)
    .join('; ');
}

const longest = (tasks: readonly { duration: number }[]): number =>
  tasks.reduce((max, t) => Math.max(max, t.duration), 0);

/** Runs scenario 8 with its own HO (stopped before the measured starts). */
export async function galleryFirstImage(
  opts: BenchOptions,
  site: StaticSite,
  syncTimeoutMs: number,
  log: (m: string) => void,
): Promise<GalleryResult> {
  const ho = await startBenchHo(site.dir, {
    photos: Math.ceil(opts.galleryProducts * PHOTOS_PER_PRODUCT),
    avgBytes: opts.galleryAvgBytes,
    seed: 2,
  });
  let b: Awaited<ReturnType<typeof openApp>> | undefined;
  try {
    const photos = await listPhotos(ho);
    const products = new Set(photos.map((p) => p.product_id)).size;
    log(
      `  gallery catalog: ${products} products, ${photos.length} photos (server start ${ho.startS.toFixed(1)} s)`,
    );
    await deploySettings(site, ho.storeId, POLITENESS_OFF);
    b = await openApp(ho.server.url);
    const syncS = await fillTerminal(b, ho.server.url, ho.storeId, photos.length, syncTimeoutMs);
    const saved = await firstScreenSaved(b, 30_000);
    log(`  gallery synced in ${syncS.toFixed(1)} s; first screen saved: ${saved}; HO stopped`);
    await ho.server.stop();
    const profile = b.profile;
    const firstImageMs: number[] = [];
    const startLongestTaskMs: number[] = [];
    const scrollLongestTaskMs: number[] = [];
    let scrollLongTasks = 0;
    const startupStepsMs: { step: string; ms: number }[][] = [];
    for (let rep = 0; rep < opts.reps; rep++) {
      await profile.close();
      let trace: Trace | null = null;
      b = await openApp(ho.server.url, profile, async (opening) => {
        if (TRACE) trace = await startTrace(await opening.context.newCDPSession(opening.page));
      });
      await b.page.waitForFunction(() => window.__bench?.firstImageAt != null, undefined, {
        timeout: 120_000,
      });
      const first = (await probe(b)).firstImageAt!;
      firstImageMs.push(first);
      const steps = await startupSteps(b);
      startupStepsMs.push(steps);
      if (steps.length > 0) log(`  steps: ${steps.map((s) => `${s.step} ${s.ms}`).join(', ')}`);
      // The first screen may come from the worker's gallery index before it read the whole catalog: the
      // count shows once it has, and only then does the grid span every product to scroll through.
      await b.page.waitForFunction(
        () => (document.querySelector('.gallery-count')?.textContent ?? '') !== '',
        undefined,
        { timeout: 120_000 },
      );
      const cdp = CPU_PROFILE ? await b.context.newCDPSession(b.page) : null;
      await cdp?.send('Profiler.enable');
      await cdp?.send('Profiler.start');
      const scrollStart = await b.page.evaluate(scrollGallery, SCROLL_STEPS);
      if (cdp !== null) {
        const { profile } = (await cdp.send('Profiler.stop')) as unknown as { profile: CpuProfile };
        log(`  scrolling, self time: ${selfTimes(profile, 15)}`);
        await cdp.detach();
      }
      if (trace !== null)
        for (const line of longTaskBreakdown(await (trace as Trace).stop(), 50))
          log(`  trace, long task ${line}`);
      const tasks = (await probe(b)).longtasks;
      startLongestTaskMs.push(longest(tasks.filter((t) => t.start < first)));
      const scrolling = tasks.filter((t) => t.start >= scrollStart);
      scrollLongestTaskMs.push(longest(scrolling));
      scrollLongTasks += scrolling.length;
      // A terminal stays on after it started: a build that keeps the first screen saves it again (its start-up
      // run dropped it) before the next relaunch, as it would on the terminal.
      await firstScreenSaved(b, 20_000);
      const startTasks = tasks.filter((t) => t.start < first);
      if (startTasks.length > 0)
        log(
          `  long tasks before the first image (start+duration ms): ${startTasks.map((t) => `${t.start.toFixed(0)}+${t.duration.toFixed(0)}`).join(', ')}`,
        );
      if (scrolling.length > 0)
        log(
          `  long tasks while scrolling (ms from its start+duration): ${scrolling.map((t) => `${(t.start - scrollStart).toFixed(0)}+${t.duration.toFixed(0)}`).join(', ')}`,
        );
      log(
        `  relaunch ${rep + 1}: first image ${first.toFixed(0)} ms, longest task before it ${startLongestTaskMs.at(-1)?.toFixed(0)} ms, while scrolling ${scrollLongestTaskMs.at(-1)?.toFixed(0)} ms`,
      );
    }
    return {
      products,
      photos: photos.length,
      avgPhotoBytes: photos.reduce((s, p) => s + p.size, 0) / photos.length,
      syncS,
      firstImageMs,
      medianFirstImageMs: median(firstImageMs),
      startLongestTaskMs,
      scrollLongestTaskMs,
      scrollLongTasks,
      startupStepsMs,
    };
  } finally {
    await b?.profile.dispose();
    await ho.server.dispose();
  }
}
