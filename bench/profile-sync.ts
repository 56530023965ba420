/**
 * `npm run bench:profile [-- --photos N --avg-bytes B --dist DIR --threads-only --floor --heap]`: where a PWA full sync spends its CPU.
 * One full sync (0 ms latency, 5 in flight, no pause) in a fresh profile, with the DevTools CPU profiler on
 * the service worker and on the page, and per-thread CPU time of every Chromium process read from /proc.
 * Prints the busiest threads and the functions with the most self time: the table issue 14 asks to keep in
 * docs/benchmarks.md before changing anything. With `--heap`, also where the worker's heap goes: its used heap
 * over the run and the functions that allocated what survived a young-generation collection (the garbage
 * that raises the peak heap, issue 14). A diagnostic, not a benchmark: it reports no ratio.
 */
import { readdir, readFile } from 'node:fs/promises';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { CDPSession } from 'playwright-core';
import { buildPwa } from '../test/helpers/vite-build';
import { deploySettings, POLITENESS_OFF } from './context';
import { listPhotos, setLatency, startBenchHo } from './ho';
import { openApp, signInAndSync } from './pwa';
import { floorRun, installFloorWorker } from './floor';
import { accessToken } from './ho';
import { createStaticSite } from './static-site';
import { WorkerTarget } from './sw-heap';

/** How often thread CPU is read: a process that exits loses at most this much of its CPU time. */
const SAMPLE_MS = 500;

/** Clock ticks per second of /proc's utime and stime (USER_HZ; 100 on Linux). */
const TICKS_PER_S = 100;

/** One thread's CPU seconds so far, under "process type / thread name". */
interface ThreadCpu {
  label: string;
  seconds: number;
}

/** Process type of each pid seen ("browser", "renderer", ...), null for processes that are not ours. */
const processTypes = new Map<string, string | null>();

/** The Chromium process type of `pid` when it runs on a bench profile, else null (remembered per pid). */
async function processType(pid: string, profileDir: string): Promise<string | null> {
  const known = processTypes.get(pid);
  if (known !== undefined) return known;
  let type: string | null = null;
  try {
    const cmdline = (await readFile(`/proc/${pid}/cmdline`, 'utf8')).replaceAll('\0', ' ');
    if (cmdline.includes(profileDir) || (await parentUses(pid, profileDir)))
      type =
        /--utility-sub-type=(\S+)/.exec(cmdline)?.[1] ??
        /--type=(\S+)/.exec(cmdline)?.[1] ??
        'browser';
  } catch {
    // the process ended
  }
  processTypes.set(pid, type);
  return type;
}

/** CPU seconds of every thread (by pid/tid) of the Chromium processes using `profileDir`. */
async function chromiumThreadCpu(profileDir: string): Promise<Map<string, ThreadCpu>> {
  const cpu = new Map<string, ThreadCpu>();
  for (const pid of await readdir('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    const type = await processType(pid, profileDir);
    if (type === null) continue;
    for (const tid of await readdir(`/proc/${pid}/task`).catch(() => [] as string[])) {
      const stat = await readFile(`/proc/${pid}/task/${tid}/stat`, 'utf8').catch(() => null);
      if (stat === null) continue;
      const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const ticks = Number(fields[11]) + Number(fields[12]);
      cpu.set(`${pid}/${tid}`, {
        label: `${type} / ${name.replace(/\d+$/, '')}`,
        seconds: ticks / TICKS_PER_S,
      });
    }
  }
  return cpu;
}

/** Zygote-spawned renderers do not carry the profile dir: their parent chain does. */
async function parentUses(pid: string, profileDir: string): Promise<boolean> {
  let current = pid;
  for (let depth = 0; depth < 4; depth++) {
    const stat = await readFile(`/proc/${current}/stat`, 'utf8').catch(() => null);
    if (stat === null) return false;
    current = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]!;
    const cmdline = await readFile(`/proc/${current}/cmdline`, 'utf8').catch(() => '');
    if (cmdline.includes(profileDir)) return true;
  }
  return false;
}

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  hitCount?: number;
}
type CallFrame = ProfileNode['callFrame'];

/** How a call frame is named in both profiles' tables: function, file, line and column (1-based). */
function frameKey({ functionName, url, lineNumber, columnNumber }: CallFrame): string {
  return `${functionName || '(anonymous)'} ${url.split('/').pop() ?? ''}:${lineNumber + 1}:${columnNumber + 1}`;
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

/**
 * Reads every Chromium thread's CPU time every SAMPLE_MS until stopped: processes that exit before the end (a
 * profile closed by the contender itself) keep their last reading. Returns seconds per label used meanwhile.
 */
function sampleThreads(profileDir: () => string | undefined): {
  stop(): Promise<Map<string, number>>;
} {
  const first = new Map<string, ThreadCpu>();
  const last = new Map<string, ThreadCpu>();
  let running = true;
  const read = async (): Promise<void> => {
    const dir = profileDir();
    if (dir === undefined) return;
    for (const [key, t] of await chromiumThreadCpu(dir)) {
      if (!first.has(key)) first.set(key, t);
      last.set(key, t);
    }
  };
  const loop = (async () => {
    while (running) {
      await read();
      await new Promise((r) => setTimeout(r, SAMPLE_MS));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      await read();
      const used = new Map<string, number>();
      for (const [key, t] of last)
        used.set(t.label, (used.get(t.label) ?? 0) + t.seconds - (first.get(key)?.seconds ?? 0));
      return used;
    },
  };
}

/** Prints the CPU seconds per thread label, busiest first. */
function printThreads(used: Map<string, number>): void {
  const deltas = [...used].filter(([, v]) => v >= 0.05).sort((a, b) => b[1] - a[1]);
  const total = deltas.reduce((sum, [, v]) => sum + v, 0);
  console.log(`\n## CPU seconds per Chromium thread: ${total.toFixed(2)} s in all`);
  for (const [key, s] of deltas) console.log(`${s.toFixed(2).padStart(7)} s  ${key}`);
}

/** Self time per function (ms), busiest first. */
function selfTimes(profile: CpuProfile): [string, number][] {
  const byNode = new Map(profile.nodes.map((n) => [n.id, n]));
  const ms = new Map<string, number>();
  profile.samples.forEach((id, i) => {
    const key = frameKey(byNode.get(id)!.callFrame);
    ms.set(key, (ms.get(key) ?? 0) + (profile.timeDeltas[i + 1] ?? 0) / 1000);
  });
  return [...ms].sort((a, b) => b[1] - a[1]);
}

function printTop(title: string, profile: CpuProfile, top: number): void {
  const total = (profile.endTime - profile.startTime) / 1000;
  const times = selfTimes(profile);
  const busy = times.filter(([k]) => !k.startsWith('(idle)')).reduce((s, [, v]) => s + v, 0);
  console.log(`\n## ${title}: ${busy.toFixed(0)} ms busy of ${total.toFixed(0)} ms`);
  for (const [key, ms] of times.slice(0, top))
    console.log(
      `${ms.toFixed(0).padStart(7)} ms  ${((ms / busy) * 100).toFixed(1).padStart(5)} %  ${key}`,
    );
}

interface SamplingNode {
  callFrame: CallFrame;
  selfSize: number;
  children: SamplingNode[];
}

/** Bytes allocated per function in a sampling heap profile, largest first. */
function allocations(root: SamplingNode): [string, number][] {
  const bytes = new Map<string, number>();
  const visit = (node: SamplingNode): void => {
    const key = frameKey(node.callFrame);
    bytes.set(key, (bytes.get(key) ?? 0) + node.selfSize);
    for (const child of node.children) visit(child);
  };
  visit(root);
  return [...bytes].sort((a, b) => b[1] - a[1]);
}

/**
 * Samples the worker's allocations that outlive a young-generation collection (the old generation's garbage
 * and what is still held) and its used heap every 250 ms, until stopped; then prints both.
 */
async function traceHeap(worker: WorkerTarget, top: number): Promise<{ stop(): Promise<void> }> {
  await worker.send('HeapProfiler.enable');
  await worker.send('HeapProfiler.startSampling', {
    samplingInterval: 16_384,
    includeObjectsCollectedByMajorGC: true,
  });
  const started = performance.now();
  const used: [number, number][] = [];
  let running = true;
  const loop = (async () => {
    while (running) {
      const usage = await worker
        .send<{ usedSize: number }>('Runtime.getHeapUsage')
        .catch(() => null);
      if (usage === null) return;
      used.push([(performance.now() - started) / 1000, usage.usedSize]);
      await new Promise((r) => setTimeout(r, 250));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      const { profile } = await worker.send<{ profile: { head: SamplingNode } }>(
        'HeapProfiler.stopSampling',
      );
      const peak = used.reduce((a, b) => (b[1] > a[1] ? b : a), [0, 0]);
      console.log(
        `\n## Service worker used heap: peak ${(peak[1] / 1e6).toFixed(1)} MB at ${peak[0].toFixed(1)} s; every tenth of the run:`,
      );
      const step = Math.max(1, Math.floor(used.length / 10));
      console.log(
        used
          .filter((_, i) => i % step === 0)
          .map(([t, b]) => `${t.toFixed(0)} s ${(b / 1e6).toFixed(0)} MB`)
          .join(', '),
      );
      const sites = allocations(profile.head);
      const total = sites.reduce((sum, [, b]) => sum + b, 0);
      console.log(
        `\n## Service worker allocations that outlived a young-generation collection: ${(total / 1e6).toFixed(0)} MB`,
      );
      for (const [key, b] of sites.slice(0, top))
        console.log(`${(b / 1e6).toFixed(1).padStart(7)} MB  ${key}`);
    },
  };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      photos: { type: 'string', default: '2000' },
      'avg-bytes': { type: 'string', default: '100000' },
      dist: { type: 'string' },
      top: { type: 'string', default: '25' },
      // The profiler costs the worker ~15 % more CPU: thread figures comparable with the floor's need it off.
      'threads-only': { type: 'boolean', default: false },
      // Also the floor worker (+ store) on the same photos, for its thread figures next to the app's.
      floor: { type: 'boolean', default: false },
      // Also the worker's heap over the run and what allocated its surviving objects.
      heap: { type: 'boolean', default: false },
    },
  });
  const photos = Number(values.photos);
  let dist = values.dist;
  if (dist === undefined) {
    dist = await mkdtemp(join(tmpdir(), 'pps-profile-dist-'));
    await buildPwa({ outDir: dist });
  }
  const site = await createStaticSite(dist);
  const ho = await startBenchHo(site.dir, {
    photos,
    avgBytes: Number(values['avg-bytes']),
    seed: 1,
  });
  try {
    const listed = await listPhotos(ho);
    await setLatency(ho, 0);
    await deploySettings(site, ho.storeId, POLITENESS_OFF);
    const b = await openApp(ho.server.url);
    try {
      const pageCdp = await b.context.newCDPSession(b.page);
      const { targetInfos } = await pageCdp.send('Target.getTargets');
      const sw = targetInfos.find((t) => t.type === 'service_worker');
      if (!sw) throw new Error('no service worker target');
      const { sessionId } = await pageCdp.send('Target.attachToTarget', {
        targetId: sw.targetId,
        flatten: false,
      });
      const worker = new WorkerTarget(pageCdp as CDPSession, sessionId);
      const profiling = !values['threads-only'];
      if (profiling) {
        await worker.send('Profiler.enable');
        await worker.send('Profiler.start');
        await pageCdp.send('Profiler.enable');
        await pageCdp.send('Profiler.start');
      }
      const heap = values.heap ? await traceHeap(worker, Number(values.top)) : null;
      const threads = sampleThreads(() => b.profile.userDataDir);
      const sync = await signInAndSync(b, ho.storeId, listed.length, 30 * 60_000);
      const used = await threads.stop();
      console.log(`# Full sync of ${listed.length} photos: ${sync.seconds.toFixed(2)} s`);
      printThreads(used);
      await heap?.stop();
      if (profiling) {
        const swProfile = (await worker.send<{ profile: CpuProfile }>('Profiler.stop')).profile;
        const pageProfile = (await pageCdp.send('Profiler.stop')).profile as unknown as CpuProfile;
        const top = Number(values.top);
        printTop('Service worker, self time', swProfile, top);
        printTop('Page, self time', pageProfile, top);
      }
    } finally {
      await b.profile.dispose();
    }
    if (!values.floor) return;
    await installFloorWorker(site);
    const token = await accessToken(ho.server.url);
    let floorDir: string | undefined;
    const threads = sampleThreads(() => floorDir);
    const times = await floorRun(ho.server.url, ho.storeId, token, listed, 5, ['store'], (dir) => {
      floorDir = dir;
    });
    const used = await threads.stop();
    console.log(`\n# Floor (+ store) of the same photos: ${times.get('store')!.toFixed(2)} s`);
    printThreads(used);
  } finally {
    await ho.server.dispose();
    await site.dispose();
  }
}

await main();
