/**
 * While a page shows a sync run, it asks the service worker for the state every minute. Each ask is an
 * event that keeps the worker alive for a while (src/sw/event-extension.ts), so a run longer than
 * Chromium's 5-minute limit per event goes on as long as a page is open; it also wakes a worker that
 * stopped anyway, which then resumes the run from its checkpoint and tells the page.
 */
import { effect, type ReadonlySignal } from '@preact/signals';

/** Time between two asks during a run: several per event extension (4 minutes), so one lost ask does not matter. */
export const HEARTBEAT_MS = 60_000;

/** Calls `beat` every `everyMs` while `running` is true; returns the function that stops watching. */
export function startHeartbeat(
  running: ReadonlySignal<boolean>,
  beat: () => void,
  everyMs = HEARTBEAT_MS,
): () => void {
  let timer: ReturnType<typeof setInterval> | null = null;
  const stopBeating = (): void => {
    if (timer !== null) clearInterval(timer);
    timer = null;
  };
  const unwatch = effect(() => {
    if (!running.value) stopBeating();
    else timer ??= setInterval(beat, everyMs);
  });
  return () => {
    unwatch();
    stopBeating();
  };
}
