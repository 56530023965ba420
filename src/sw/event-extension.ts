/**
 * How long one service worker event may keep the worker alive. Chromium stops a worker when a single
 * event (its `waitUntil` promises) lasts longer than 5 minutes; an event that waited for a whole long run
 * therefore got the worker, and the run, stopped. Each event extends it for less than that instead.
 */

/** The longest an event waits for a run: well under Chromium's 5-minute limit per event. */
export const EVENT_EXTENSION_MS = 4 * 60_000;

/** Settles when `work` settles or after `ms`, whichever comes first (never rejects: only the wait matters). */
export function atMost(work: Promise<unknown>, ms: number): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const elapsed = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, ms);
  });
  const settled = work.then(
    () => undefined,
    () => undefined,
  );
  return Promise.race([settled, elapsed]).finally(() => clearTimeout(timer));
}
