/**
 * Scenario 1 (full sync: PWA vs plain fetch() vs the floor service worker vs the reference's Python
 * example, alternating, per latency) and scenario 2 (full sync with the default politeness vs the bound the politeness sets).
 */
import { type BenchContext, DEFAULT_POLITENESS, deploySettings, POLITENESS_OFF } from './context';
import { floorRun } from './floor';
import type { FloorVariant } from './floor-protocol';
import { accessToken, setLatency } from './ho';
import { openApp, signInAndSync, type TimedSync } from './pwa';
import { rawFetchRun } from './raw-fetch';
import { type PythonRun, pythonStartupS, runReferencePython } from './seed-python';
import { median, pairedRatio } from './stats';
import { type HeapPeak, sampleServiceWorkerHeap } from './sw-heap';

/** The reference example's runs at one latency; it syncs only the first list page (it does not page). */
export interface SeedPythonResult {
  runs: PythonRun[];
  /** Interpreter start + imports, measured alone and subtracted. */
  startupS: number;
  /** Photos one run downloads and verifies. */
  photosPerRun: number;
  /** Per run: (wall - startup) / photosPerRun * catalog photos. */
  extrapolatedS: number[];
}

/** One floor variant of scenario 1: the floor worker's own times, next to plain fetch() of the same reps. */
export interface FloorFigures {
  variant: FloorVariant;
  runsS: number[];
  medianS: number;
  /** Median of per-repetition floor_s / raw_fetch_s. */
  overRaw: number;
}

/** Figures of scenario 1 at one injected latency. */
export interface FullSyncResult {
  latencyMs: number;
  pwaS: number[];
  rawFetchS: number[];
  seedPython: SeedPythonResult | null;
  /** Why the Python figure is missing, when it is. */
  seedPythonMissing: string | null;
  medianPwaS: number;
  medianRawFetchS: number;
  medianSeedPythonS: number | null;
  /** Median of per-repetition pwa_s / raw_fetch_s. */
  pwaOverRaw: number;
  /** Per repetition: click on "Sign in" to the worker's first "syncing" broadcast (the HO's sign-in), in pwa_s. */
  pwaSignInS: number[];
  /**
   * Median of per-repetition (pwa_s - sign-in) / raw_fetch_s: plain fetch() gets its token before its clock
   * starts, the PWA signs in inside pwa_s. A report next to the target ratio, not a replacement of it.
   */
  pwaAfterSignInOverRaw: number;
  /** The floor worker per variant measured (read only, + MD5, + Blob, + stored), in `--floor` order. */
  floor: FloorFigures[];
  /** Median of per-repetition pwa_s / floor_s of the variant that stores as the app does (a Blob per photo); null when not measured. */
  pwaOverFloor: number | null;
  /** Median of per-repetition seed_python_s / pwa_s. */
  seedPythonOverPwa: number | null;
}

/** Figures of scenario 2. */
export interface PolitenessResult {
  concurrency: number;
  delayMs: number;
  runsS: number[];
  medianS: number;
  /** downloads / concurrency × delay. */
  boundS: number;
  formula: string;
  /** median / bound. */
  overBound: number;
}

/** One PWA full sync in a fresh profile, with the politeness currently deployed. */
export async function pwaFullSync(
  ctx: BenchContext,
): Promise<{ seconds: number; signInS: number }> {
  const sync = await timedFullSync(ctx, false);
  if (sync.syncingAt === null) throw new Error('the worker never reported the run going');
  return { seconds: sync.seconds, signInS: (sync.syncingAt - sync.clickAt) / 1000 };
}

/** One PWA full sync in a fresh profile; with `sampleHeap`, the service worker's heap is sampled throughout. */
export async function timedFullSync(
  ctx: BenchContext,
  sampleHeap: boolean,
): Promise<TimedSync & { heap: HeapPeak | null }> {
  const { ho, photos } = ctx;
  const b = await openApp(ho.server.url);
  try {
    const sampler = sampleHeap ? await sampleServiceWorkerHeap(b.context, b.page) : null;
    const sync = await signInAndSync(b, ho.storeId, photos.length, ctx.syncTimeoutMs);
    return { ...sync, heap: sampler ? await sampler.stop() : null };
  } finally {
    await b.profile.dispose();
  }
}

/** Scenario 1 at `latencyMs`: each repetition runs every contender once, in an order rotated per repetition. */
export async function fullSyncComparison(
  ctx: BenchContext,
  latencyMs: number,
  pythonMissing: string | null,
): Promise<FullSyncResult> {
  const { ho, photos, opts } = ctx;
  await setLatency(ho, latencyMs);
  await deploySettings(ctx.site, ho.storeId, POLITENESS_OFF);
  const pwaS: number[] = [];
  const pwaSignInS: number[] = [];
  const rawFetchS: number[] = [];
  const floorS = new Map<FloorVariant, number[]>(opts.floor.map((v) => [v, []]));
  const runs: PythonRun[] = [];
  const startupS = pythonMissing === null ? await pythonStartupS() : 0;
  const contenders = (['pwa', 'raw', 'floor', 'python'] as const).filter(
    (who) =>
      (who !== 'python' || pythonMissing === null) && (who !== 'floor' || opts.floor.length > 0),
  );
  const rotate = <T>(list: readonly T[], by: number): T[] =>
    list.map((_, i) => list[(i + by) % list.length]!);
  const url = ho.server.url;
  // A fresh token per run (the PWA signs in itself).
  const token = () => accessToken(url);
  const { concurrency } = POLITENESS_OFF;
  for (let rep = 0; rep < opts.reps; rep++) {
    for (const who of rotate(contenders, rep)) {
      let took: [string, number][];
      if (who === 'floor') {
        const variants = rotate(opts.floor, rep);
        const times = await floorRun(url, ho.storeId, await token(), photos, concurrency, variants);
        for (const [variant, s] of times) floorS.get(variant)!.push(s);
        took = [...times].map(([variant, s]) => [`floor ${variant}`, s]);
      } else if (who === 'pwa') {
        const run = await pwaFullSync(ctx);
        pwaS.push(run.seconds);
        pwaSignInS.push(run.signInS);
        took = [
          [who, run.seconds],
          ['of it sign-in', run.signInS],
        ];
      } else if (who === 'raw') {
        rawFetchS.push(
          (await rawFetchRun(url, ho.storeId, await token(), photos, concurrency)).seconds,
        );
        took = [[who, rawFetchS.at(-1)!]];
      } else {
        const run = await runReferencePython(url, ho.storeId, await token());
        runs.push(run);
        took = [[who, run.wallS]];
      }
      const line = took.map(([what, s]) => `${what} ${s.toFixed(2)} s`).join(', ');
      ctx.log(`  latency ${latencyMs} ms, rep ${rep + 1}: ${line}`);
    }
  }
  const seedPython = pythonMissing === null ? pythonFigures(runs, startupS, photos.length) : null;
  const floor = opts.floor.map((variant) => {
    const runsS = floorS.get(variant)!;
    return { variant, runsS, medianS: median(runsS), overRaw: pairedRatio(runsS, rawFetchS) };
  });
  return {
    latencyMs,
    pwaS,
    rawFetchS,
    seedPython,
    seedPythonMissing: pythonMissing,
    medianPwaS: median(pwaS),
    medianRawFetchS: median(rawFetchS),
    medianSeedPythonS: seedPython ? median(seedPython.extrapolatedS) : null,
    pwaOverRaw: pairedRatio(pwaS, rawFetchS),
    pwaSignInS,
    pwaAfterSignInOverRaw: pairedRatio(
      pwaS.map((t, i) => t - pwaSignInS[i]!),
      rawFetchS,
    ),
    floor,
    pwaOverFloor: floorS.has('store') ? pairedRatio(pwaS, floorS.get('store')!) : null,
    seedPythonOverPwa: seedPython ? pairedRatio(seedPython.extrapolatedS, pwaS) : null,
  };
}

function pythonFigures(
  runs: PythonRun[],
  startupS: number,
  catalogPhotos: number,
): SeedPythonResult {
  const photosPerRun = runs[0]!.verified;
  for (const r of runs) {
    if (r.mismatched > 0 || r.verified !== photosPerRun || photosPerRun === 0) {
      throw new Error(
        `reference Python example verified ${r.verified} photos with ${r.mismatched} mismatches`,
      );
    }
  }
  return {
    runs,
    startupS,
    photosPerRun,
    extrapolatedS: runs.map((r) => ((r.wallS - startupS) / photosPerRun) * catalogPhotos),
  };
}

/** Scenario 2: full syncs with the default politeness at 0 ms injected latency. */
export async function politenessBound(ctx: BenchContext): Promise<PolitenessResult> {
  const { ho, photos, opts } = ctx;
  await setLatency(ho, 0);
  await deploySettings(ctx.site, ho.storeId, DEFAULT_POLITENESS);
  const runsS: number[] = [];
  try {
    for (let rep = 0; rep < opts.reps; rep++) {
      const { seconds, clickAt, syncingAt } = await timedFullSync(ctx, false);
      runsS.push(seconds);
      // What the pauses do not set: sign-in before the run, listing and the last photo's store after it.
      const signIn =
        syncingAt === null ? '' : `, sign-in ${((syncingAt - clickAt) / 1000).toFixed(2)} s`;
      ctx.log(`  default politeness, rep ${rep + 1}: ${seconds.toFixed(1)} s${signIn}`);
    }
  } finally {
    await deploySettings(ctx.site, ho.storeId, POLITENESS_OFF);
  }
  const { concurrency, delayMs } = DEFAULT_POLITENESS;
  const boundS = (photos.length / concurrency) * (delayMs / 1000);
  const medianS = median(runsS);
  return {
    concurrency,
    delayMs,
    runsS,
    medianS,
    boundS,
    overBound: medianS / boundS,
    formula: `downloads / concurrency × delay = ${photos.length} / ${concurrency} × ${delayMs} ms`,
  };
}
