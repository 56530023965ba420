/**
 * A Chromium trace of the page's main thread, for finding what a long task is made of: each task of 50 ms or
 * more, split into the trace events it ran (script, style, layout, paint, image decoding...) by self time.
 * Used by `bench:gallery` when PPS_BENCH_TRACE is set; the figures are a diagnosis, never a target.
 */
import type { CDPSession } from 'playwright-core';

/** One trace event as CDP's Tracing.dataCollected delivers it (the fields read here). */
interface TraceEvent {
  name: string;
  ph: string;
  pid: number;
  tid: number;
  ts: number;
  dur?: number;
  id?: string;
  args?: {
    name?: string;
    data?: {
      functionName?: string;
      url?: string;
      startTime?: number;
      cpuProfile?: {
        nodes?: {
          id: number;
          parent?: number;
          callFrame: { functionName: string; url?: string; lineNumber: number };
        }[];
        samples?: number[];
      };
      timeDeltas?: number[];
    };
  };
}

/** One JS sample of the V8 CPU profiler: when, on which thread, and the function on top of the stack. */
interface Sample {
  key: string;
  ts: number;
  frame: string;
}

/**
 * The V8 CPU profiler's samples in the trace ('Profile' and 'ProfileChunk' events, which DevTools reads the
 * same way): chunks carry new nodes, sample node ids and time deltas from the profile's start.
 */
function samplesOf(events: readonly TraceEvent[]): Sample[] {
  const out: Sample[] = [];
  const state = new Map<string, { key: string; ts: number; frames: Map<number, string> }>();
  for (const e of events) {
    const data = e.args?.data;
    if (e.name === 'Profile' && data?.startTime !== undefined)
      state.set(`${e.pid}:${e.id}`, {
        key: `${e.pid}:${e.tid}`,
        ts: data.startTime,
        frames: new Map(),
      });
    if (e.name !== 'ProfileChunk' || data === undefined) continue;
    const profile = state.get(`${e.pid}:${e.id}`);
    if (profile === undefined) continue;
    for (const n of data.cpuProfile?.nodes ?? []) {
      const f = n.callFrame;
      const name = `${f.functionName || '(anonymous)'}@${(f.url ?? '').split('/').at(-1)}:${f.lineNumber}`;
      const parent = n.parent === undefined ? undefined : profile.frames.get(n.parent);
      // Leaf and two callers: enough to tell which of the app's functions a builtin ran for.
      profile.frames.set(
        n.id,
        parent === undefined ? name : `${name} < ${parent.split(' < ').slice(0, 2).join(' < ')}`,
      );
    }
    const deltas = data.timeDeltas ?? [];
    (data.cpuProfile?.samples ?? []).forEach((id, i) => {
      profile.ts += deltas[i] ?? 0;
      out.push({ key: profile.key, ts: profile.ts, frame: profile.frames.get(id) ?? '?' });
    });
  }
  return out;
}

/** Timeline categories: top-level tasks and what DevTools' Performance panel shows inside them. */
const CATEGORIES = [
  '-*',
  'toplevel',
  'devtools.timeline',
  'disabled-by-default-devtools.timeline',
  'v8.execute',
  'blink.user_timing',
  'disabled-by-default-v8.cpu_profiler',
].join(',');

/** A running trace; `stop()` ends it and answers every event collected. */
export interface Trace {
  stop(): Promise<TraceEvent[]>;
}

/** Starts tracing through `cdp` (a page session: the trace covers every process of the browser). */
export async function startTrace(cdp: CDPSession): Promise<Trace> {
  const events: TraceEvent[] = [];
  cdp.on('Tracing.dataCollected', (e) => events.push(...(e.value as unknown as TraceEvent[])));
  await cdp.send('Tracing.start', { categories: CATEGORIES, transferMode: 'ReportEvents' });
  return {
    async stop() {
      const complete = new Promise<void>((resolve) =>
        cdp.once('Tracing.tracingComplete', () => resolve()),
      );
      await cdp.send('Tracing.end');
      await complete;
      return events;
    },
  };
}

/** Label of an event: script events carry their function and file. */
function label(e: TraceEvent): string {
  const data = e.args?.data;
  if (data?.url === undefined && data?.functionName === undefined) return e.name;
  const file = (data.url ?? '').split('/').at(-1);
  return `${e.name} ${data.functionName ?? ''}@${file}`;
}

/**
 * The tasks of at least `minMs` on every renderer main thread, each as "start+duration ms: the `top` event
 * labels by self time". Start is ms after `originTs` (a trace timestamp in µs, e.g. the first task's).
 */
export function longTaskBreakdown(events: readonly TraceEvent[], minMs: number, top = 6): string[] {
  const mains = new Set(
    events
      .filter((e) => e.ph === 'M' && e.name === 'thread_name' && e.args?.name === 'CrRendererMain')
      .map((e) => `${e.pid}:${e.tid}`),
  );
  const onMain = events
    .filter((e) => e.ph === 'X' && e.dur !== undefined && mains.has(`${e.pid}:${e.tid}`))
    .sort((a, b) => a.ts - b.ts || (b.dur ?? 0) - (a.dur ?? 0));
  const origin = onMain[0]?.ts ?? 0;
  const samples = samplesOf(events);
  const out: string[] = [];
  for (const task of onMain) {
    if (task.name !== 'RunTask' || (task.dur ?? 0) < minMs * 1000) continue;
    const end = task.ts + (task.dur ?? 0);
    const inside = onMain.filter(
      (e) =>
        e !== task && e.pid === task.pid && e.tid === task.tid && e.ts >= task.ts && e.ts < end,
    );
    const self = new Map<string, number>();
    // Self time: an event's duration minus its direct children's (events nest strictly on one thread).
    const stack: { e: TraceEvent; children: number }[] = [];
    const close = (until: number): void => {
      while (stack.length > 0) {
        const top = stack.at(-1)!;
        if (top.e.ts + (top.e.dur ?? 0) > until) break;
        stack.pop();
        const key = label(top.e);
        self.set(key, (self.get(key) ?? 0) + (top.e.dur ?? 0) - top.children);
        const parent = stack.at(-1);
        if (parent !== undefined) parent.children += top.e.dur ?? 0;
      }
    };
    for (const e of inside) {
      close(e.ts);
      stack.push({ e, children: 0 });
    }
    close(Number.POSITIVE_INFINITY);
    const direct =
      (task.dur ?? 0) -
      inside.filter((e) => isDirectChild(e, inside)).reduce((sum, e) => sum + (e.dur ?? 0), 0);
    const parts = [...self]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, us]) => `${(us / 1000).toFixed(1)} ${name}`);
    const js = new Map<string, number>();
    const inTask = samples.filter(
      (x) => x.key === `${task.pid}:${task.tid}` && x.ts >= task.ts && x.ts < end,
    );
    inTask.forEach((x, i) => {
      const next = inTask[i + 1]?.ts ?? end;
      js.set(x.frame, (js.get(x.frame) ?? 0) + Math.min(next - x.ts, 2000));
    });
    const jsTop = [...js]
      .filter(([frame]) => !frame.startsWith('(idle)') && !frame.startsWith('(program)'))
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([frame, us]) => `${(us / 1000).toFixed(1)} ${frame}`);
    out.push(
      `${((task.ts - origin) / 1000).toFixed(0)}+${((task.dur ?? 0) / 1000).toFixed(0)} ms (untraced ${(direct / 1000).toFixed(1)}): ${parts.join('; ')}\n      js: ${jsTop.join('; ')}`,
    );
  }
  return out;
}

/** True when no other event of `inside` encloses `e` (a direct child of the task). */
function isDirectChild(e: TraceEvent, inside: readonly TraceEvent[]): boolean {
  return !inside.some(
    (o) =>
      o !== e &&
      o.ts <= e.ts &&
      o.ts + (o.dur ?? 0) >= e.ts + (e.dur ?? 0) &&
      (o.dur ?? 0) > (e.dur ?? 0),
  );
}
