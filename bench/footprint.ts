/**
 * Scenario 5 (footprint during a full sync: service worker heap, storage / image bytes, longest main-thread
 * task), then on the same terminal scenario 3 (incremental, nothing changed) and 4 (1% of photos changed).
 */
import { md5, servedPhotos } from '../test/helpers/sync-e2e';
import type { BenchBrowser } from './browser';
import { type BenchContext, deploySettings, imageBytes, POLITENESS_OFF } from './context';
import { type ListedPhoto, replacePhoto, setLatency } from './ho';
import { openApp, probe, signInAndSync, syncNow, waitIdle } from './pwa';
import { countRequests, requestMark, requestsSince, type RequestCounts } from './request-log';
import { sampleServiceWorkerHeap, type HeapPeak } from './sw-heap';

const SAMPLE = 20;

/** Figures of scenario 5. */
export interface FootprintResult {
  syncS: number;
  swHeap: HeapPeak;
  storageUsageBytes: number;
  storageDetails: Record<string, number>;
  imageBytes: number;
  /** storage used / image bytes. */
  storageOverImages: number;
  /** Long tasks (>= 50 ms, the Long Tasks API threshold) on the page's main thread while syncing. */
  longTasks: number;
  /** Longest of them in ms; null when there was none (every task under 50 ms). */
  longestTaskMs: number | null;
  /** Each long task: ms after the click on "Sign in", and its duration. */
  longTaskList: { afterClickMs: number; durationMs: number }[];
  /** Photos whose bytes, as the service worker serves them, were checked against the HO checksum. */
  verifiedSample: number;
}

/** Figures of an incremental run (scenarios 3 and 4). */
export interface IncrementalResult {
  seconds: number;
  requests: RequestCounts;
  /** Photos the admin changed before the run (0 for scenario 3). */
  changed: number;
  held: number;
  expected: number;
}

/** Scenarios 5, 3 and 4 on one terminal (politeness off, no injected latency). */
export async function footprintAndIncremental(ctx: BenchContext): Promise<{
  footprint: FootprintResult;
  unchanged: IncrementalResult;
  changed: IncrementalResult;
}> {
  const { ho, photos, opts } = ctx;
  await setLatency(ho, 0);
  await deploySettings(ctx.site, ho.storeId, POLITENESS_OFF);
  const b = await openApp(ho.server.url);
  try {
    const sampler = await sampleServiceWorkerHeap(b.context, b.page);
    const sync = await signInAndSync(b, ho.storeId, photos.length, ctx.syncTimeoutMs);
    const swHeap = await sampler.stop();
    const tasks = (await probe(b)).longtasks.filter(
      (t) => t.start >= sync.clickAt && t.start <= sync.doneAt,
    );
    const estimate = await b.page.evaluate(async () => {
      const e = (await navigator.storage.estimate()) as StorageEstimate & {
        usageDetails?: Record<string, number>;
      };
      return { usage: e.usage ?? 0, details: e.usageDetails ?? {} };
    });
    const bytes = imageBytes(photos);
    const footprint: FootprintResult = {
      syncS: sync.seconds,
      swHeap,
      storageUsageBytes: estimate.usage,
      storageDetails: estimate.details,
      imageBytes: bytes,
      storageOverImages: estimate.usage / bytes,
      longTasks: tasks.length,
      longestTaskMs: tasks.length === 0 ? null : Math.max(...tasks.map((t) => t.duration)),
      longTaskList: tasks.map((t) => ({
        afterClickMs: t.start - sync.clickAt,
        durationMs: t.duration,
      })),
      verifiedSample: await checkServedSample(b, photos),
    };
    ctx.log(`  footprint sync ${sync.seconds.toFixed(1)} s`);

    await waitIdle(b, ctx.syncTimeoutMs);
    const unchanged = await timedIncremental(ctx, b, 0);
    ctx.log(`  incremental, nothing changed: ${unchanged.seconds.toFixed(2)} s`);

    const count = Math.max(1, Math.round(photos.length * opts.changedShare));
    const step = photos.length / count;
    for (let i = 0; i < count; i++) await replacePhoto(ho, photos[Math.floor(i * step)]!.id);
    const changed = await timedIncremental(ctx, b, count);
    ctx.log(
      `  incremental, ${count} changed: ${changed.seconds.toFixed(2)} s, ${changed.requests.download} downloads`,
    );
    return { footprint, unchanged, changed };
  } finally {
    await b.profile.dispose();
  }
}

/** Checks that a spread sample of photos is served from local storage with the HO's bytes; returns the sample size. */
async function checkServedSample(b: BenchBrowser, photos: readonly ListedPhoto[]): Promise<number> {
  const sample = Array.from(
    { length: Math.min(SAMPLE, photos.length) },
    (_, i) => photos[Math.floor((i * photos.length) / Math.min(SAMPLE, photos.length))]!,
  );
  const served = await servedPhotos(
    b.page,
    sample.map((p) => p.id),
  );
  for (const p of sample) {
    const got = served.get(p.id);
    if (!got || got.placeholder || md5(got.bytes) !== p.checksum)
      throw new Error(`photo ${p.id} is not served with the HO's bytes after the full sync`);
  }
  return sample.length;
}

async function timedIncremental(
  ctx: BenchContext,
  b: BenchBrowser,
  changed: number,
): Promise<IncrementalResult> {
  const mark = await requestMark(ctx.ho.server);
  const run = await syncNow(b, ctx.syncTimeoutMs);
  const requests = countRequests(await requestsSince(ctx.ho.server, mark));
  return {
    seconds: run.seconds,
    requests,
    changed,
    held: run.progress.held,
    expected: run.progress.expected,
  };
}
