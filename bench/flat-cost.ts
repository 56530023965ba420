/**
 * Scenario 9 (flat cost per photo at catalog size): PWA full syncs of a small and a large catalog of small
 * photos, each on its own HO, alternating per repetition, each in a fresh profile with the service
 * worker's heap sampled. Per-photo time should not grow with the catalog (large / small ≈ 1). It counts
 * from the worker's first "syncing" broadcast (listing included): sign-in is a fixed cost that would
 * otherwise make the large catalog look cheaper per photo than it is.
 */
import { type BenchContext, deploySettings, imageBytes, POLITENESS_OFF } from './context';
import { type BenchHo, listPhotos, setLatency, startBenchHo } from './ho';
import type { BenchOptions } from './options';
import { timedFullSync } from './full-sync';
import type { StaticSite } from './static-site';
import { median, pairedRatio } from './stats';
import type { HeapPeak } from './sw-heap';

/** Figures of one catalog size. */
export interface FlatCostSize {
  photos: number;
  avgPhotoBytes: number;
  /** Seconds its HO took to start, catalog generation included. */
  serverStartS: number;
  /** Click on "Sign in" to every photo held, per repetition. */
  runsS: number[];
  /** Click on "Sign in" to the worker's first "syncing" broadcast, per repetition. */
  signInS: number[];
  /** (runsS - signInS) / photos, in ms: the run from its start (listing included) per photo. */
  perPhotoMs: number[];
  medianPerPhotoMs: number;
  /** Service worker heap of each run. */
  swHeap: HeapPeak[];
  /** Largest peak used heap over the runs, bytes. */
  peakHeapBytes: number;
}

/** Figures of scenario 9. */
export interface FlatCostResult {
  small: FlatCostSize;
  large: FlatCostSize;
  /** Median of per-repetition per-photo time large / small. */
  largeOverSmall: number;
}

/** Runs scenario 9 with two HOs of its own (`opts.flatCostPhotos` sizes, `opts.flatCostAvgBytes` each photo). */
export async function flatCost(
  opts: BenchOptions,
  site: StaticSite,
  syncTimeoutMs: number,
  log: (m: string) => void,
): Promise<FlatCostResult> {
  const hos: BenchHo[] = [];
  try {
    const ctxs: BenchContext[] = [];
    for (const [i, photos] of opts.flatCostPhotos.entries()) {
      log(`  starting an HO with ${photos} photos of ~${opts.flatCostAvgBytes} bytes`);
      const ho = await startBenchHo(site.dir, {
        photos,
        avgBytes: opts.flatCostAvgBytes,
        seed: 3 + i,
      });
      hos.push(ho);
      await setLatency(ho, 0);
      ctxs.push({ opts, ho, site, photos: await listPhotos(ho), syncTimeoutMs, log });
    }
    const runs = ctxs.map(() => ({
      seconds: [] as number[],
      signIn: [] as number[],
      heap: [] as HeapPeak[],
    }));
    for (let rep = 0; rep < opts.reps; rep++) {
      // Alternating sizes, in an order swapped every repetition.
      for (const i of rep % 2 === 0 ? [0, 1] : [1, 0]) {
        const ctx = ctxs[i]!;
        await deploySettings(site, ctx.ho.storeId, POLITENESS_OFF);
        const { seconds, clickAt, syncingAt, heap } = await timedFullSync(ctx, true);
        if (syncingAt === null)
          throw new Error('the service worker never broadcast a running sync');
        const signIn = (syncingAt - clickAt) / 1000;
        runs[i]!.seconds.push(seconds);
        runs[i]!.signIn.push(signIn);
        runs[i]!.heap.push(heap!);
        log(
          `  ${ctx.photos.length} photos, rep ${rep + 1}: ${seconds.toFixed(1)} s (sign-in ${signIn.toFixed(1)} s), ${(((seconds - signIn) / ctx.photos.length) * 1000).toFixed(2)} ms/photo after sign-in, SW heap peak ${(heap!.peakUsedBytes / 1e6).toFixed(1)} MB, ${((heap!.afterGcUsedBytes ?? 0) / 1e6).toFixed(1)} MB after a GC at the end`,
        );
      }
    }
    const [small, large] = ctxs.map((ctx, i): FlatCostSize => {
      const { seconds, signIn, heap } = runs[i]!;
      const perPhotoMs = seconds.map((s, r) => ((s - signIn[r]!) / ctx.photos.length) * 1000);
      return {
        photos: ctx.photos.length,
        avgPhotoBytes: imageBytes(ctx.photos) / ctx.photos.length,
        serverStartS: ctx.ho.startS,
        runsS: seconds,
        signInS: signIn,
        perPhotoMs,
        medianPerPhotoMs: median(perPhotoMs),
        swHeap: heap,
        peakHeapBytes: Math.max(...heap.map((h) => h.peakUsedBytes)),
      };
    }) as [FlatCostSize, FlatCostSize];
    return { small, large, largeOverSmall: pairedRatio(large.perPhotoMs, small.perPhotoMs) };
  } finally {
    for (const ho of hos) await ho.server.dispose();
  }
}
