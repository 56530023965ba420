/**
 * Scenario 1 (full sync: PWA vs plain fetch() vs the reference's Python example, alternating, per latency)
 * and scenario 2 (full sync with the default politeness vs the bound the politeness sets).
 */
import { type BenchContext, DEFAULT_POLITENESS, deploySettings, POLITENESS_OFF } from './context';
import { accessToken, setLatency } from './ho';
import { openApp, signInAndSync } from './pwa';
import { rawFetchRun } from './raw-fetch';
import { type PythonRun, pythonStartupS, runReferencePython } from './seed-python';
import { median, pairedRatio } from './stats';

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
export async function pwaFullSync(ctx: BenchContext): Promise<number> {
  const { ho, photos } = ctx;
  const b = await openApp(ho.server.url);
  try {
    return (await signInAndSync(b, ho.storeId, photos.length, ctx.syncTimeoutMs)).seconds;
  } finally {
    await b.profile.dispose();
  }
}

type Contender = 'pwa' | 'raw' | 'python';

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
  const rawFetchS: number[] = [];
  const runs: PythonRun[] = [];
  const startupS = pythonMissing === null ? await pythonStartupS() : 0;
  const contenders: Contender[] =
    pythonMissing === null ? ['pwa', 'raw', 'python'] : ['pwa', 'raw'];
  for (let rep = 0; rep < opts.reps; rep++) {
    const order = contenders.map((_, i) => contenders[(i + rep) % contenders.length]!);
    for (const who of order) {
      let seconds: number;
      if (who === 'pwa') {
        seconds = await pwaFullSync(ctx);
        pwaS.push(seconds);
      } else if (who === 'raw') {
        seconds = (
          await rawFetchRun(
            ho.server.url,
            ho.storeId,
            await accessToken(ho.server.url),
            photos,
            POLITENESS_OFF.concurrency,
          )
        ).seconds;
        rawFetchS.push(seconds);
      } else {
        const run = await runReferencePython(
          ho.server.url,
          ho.storeId,
          await accessToken(ho.server.url),
        );
        runs.push(run);
        seconds = run.wallS;
      }
      ctx.log(`  latency ${latencyMs} ms, rep ${rep + 1}: ${who} ${seconds.toFixed(2)} s`);
    }
  }
  const seedPython = pythonMissing === null ? pythonFigures(runs, startupS, photos.length) : null;
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
      runsS.push(await pwaFullSync(ctx));
      ctx.log(`  default politeness, rep ${rep + 1}: ${runsS.at(-1)!.toFixed(1)} s`);
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
