/**
 * Functions that run inside the app's page (sent by Playwright, so each is self-contained): long tasks,
 * click times, the SW's progress broadcasts, the first gallery image painted, and waits on the status text.
 */
import type { SyncProgress } from '../src/shared/types';

/** What the probes record in the page (window.__bench). */
export interface PageProbe {
  longtasks: { start: number; duration: number }[];
  /** performance.now() of the latest click on each button, by its text. */
  clicks: Record<string, number>;
  /** Latest progress the service worker broadcast. */
  progress: SyncProgress | null;
  /** performance.now() of the first broadcast of a running sync (after sign-in: listing has begun). */
  syncingAt: number | null;
  /** performance.now() (from navigation start) of the first frame after the first photo <img> loaded. */
  firstImageAt: number | null;
}

declare global {
  interface Window {
    __bench?: PageProbe;
  }
}

/** Init script: installs the probes before the app's own code runs. `photoPath` is e.g. "/photos/". */
export function installProbes({
  channel,
  photoPath,
}: {
  channel: string;
  photoPath: string;
}): void {
  const probe: PageProbe = {
    longtasks: [],
    clicks: {},
    progress: null,
    syncingAt: null,
    firstImageAt: null,
  };
  window.__bench = probe;
  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries())
        probe.longtasks.push({ start: e.startTime, duration: e.duration });
    }).observe({ type: 'longtask', buffered: true });
  } catch {
    // No Long Tasks API: longtasks stays empty and the report says none were observed.
  }
  document.addEventListener(
    'click',
    (e) => {
      const button = (e.target as Element | null)?.closest?.('button');
      if (button) probe.clicks[button.textContent?.trim() ?? ''] = performance.now();
    },
    true,
  );
  new BroadcastChannel(channel).onmessage = (e: MessageEvent) => {
    const data = e.data as {
      type?: string;
      progress?: SyncProgress;
      state?: { progress: SyncProgress };
    } | null;
    if (data?.type === 'progress' && data.progress) probe.progress = data.progress;
    else if (data?.type === 'state' && data.state) probe.progress = data.state.progress;
    if (probe.progress?.status.kind === 'syncing') probe.syncingAt ??= performance.now();
  };
  // Image load events do not bubble but are seen in the capture phase.
  document.addEventListener(
    'load',
    (e) => {
      const img = e.target;
      if (probe.firstImageAt !== null || !(img instanceof HTMLImageElement)) return;
      if (
        !new URL(img.currentSrc || img.src, location.href).pathname.includes(photoPath) ||
        img.naturalWidth === 0
      )
        return;
      requestAnimationFrame(() => {
        probe.firstImageAt ??= performance.now();
      });
    },
    true,
  );
}

/** Resolves with performance.now() when the role=status text matches `pattern`; rejects with the text after `timeoutMs`. */
export function statusMatch({
  pattern,
  timeoutMs,
}: {
  pattern: string;
  timeoutMs: number;
}): Promise<number> {
  return new Promise((resolve, reject) => {
    const re = new RegExp(pattern);
    const text = (): string => document.querySelector('[role="status"]')?.textContent ?? '';
    const observer = new MutationObserver(() => {
      if (!re.test(text())) return;
      observer.disconnect();
      clearTimeout(timer);
      resolve(performance.now());
    });
    const timer = setTimeout(() => {
      observer.disconnect();
      reject(
        new Error(`status never matched /${pattern}/ within ${timeoutMs} ms; last: "${text()}"`),
      );
    }, timeoutMs);
    observer.observe(document.body, { subtree: true, childList: true, characterData: true });
  });
}

/** Resolves when the SW broadcasts an idle state whose last successful sync differs from `previous`. */
export function runFinished({
  channel,
  previous,
  timeoutMs,
}: {
  channel: string;
  previous: string | null;
  timeoutMs: number;
}): Promise<{ at: number; progress: SyncProgress }> {
  return new Promise((resolve, reject) => {
    const bc = new BroadcastChannel(channel);
    const timer = setTimeout(() => {
      bc.close();
      reject(new Error(`no finished run within ${timeoutMs} ms`));
    }, timeoutMs);
    bc.onmessage = (e: MessageEvent) => {
      const data = e.data as {
        type?: string;
        progress?: SyncProgress;
        state?: { progress: SyncProgress };
      } | null;
      const progress =
        data?.type === 'progress'
          ? data.progress
          : data?.type === 'state'
            ? data.state?.progress
            : undefined;
      if (progress?.status.kind !== 'idle' || progress.lastSuccessAt === previous) return;
      clearTimeout(timer);
      bc.close();
      resolve({ at: performance.now(), progress });
    };
  });
}

/** A regex source matching "<n> / <n> photos", digits grouped with or without thousands separators. */
export function countPattern(n: number): string {
  const digits = String(n);
  const groups: string[] = [];
  for (let end = digits.length; end > 0; end -= 3)
    groups.unshift(digits.slice(Math.max(0, end - 3), end));
  const num = groups.join('[,.\\s\\u202f\\u00a0]?');
  return `(^|\\D)${num} / ${num} photos`;
}

/**
 * Resolves true when the SW broadcasts every one of `total` photos held and idle, false when no broadcast
 * came for `stallMs` (the worker stopped or stalled). Works on any page of the app's origin.
 */
export function allHeld({
  channel,
  total,
  stallMs,
}: {
  channel: string;
  total: number;
  stallMs: number;
}): Promise<boolean> {
  return new Promise((resolve) => {
    const bc = new BroadcastChannel(channel);
    let timer = setTimeout(() => finish(false), stallMs);
    const finish = (done: boolean): void => {
      clearTimeout(timer);
      bc.close();
      resolve(done);
    };
    bc.onmessage = (e: MessageEvent) => {
      const data = e.data as {
        type?: string;
        progress?: SyncProgress;
        state?: { progress: SyncProgress };
      } | null;
      const progress =
        data?.type === 'progress'
          ? data.progress
          : data?.type === 'state'
            ? data.state?.progress
            : undefined;
      if (!progress) return;
      if (progress.status.kind === 'idle' && progress.held === total) return finish(true);
      clearTimeout(timer);
      timer = setTimeout(() => finish(false), stallMs);
    };
  });
}
