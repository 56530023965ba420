/** When to ask the browser for Background Sync: the HO is unreachable or status reports wait to be sent. */
import type { SyncProgress } from './types';

/** True while the terminal waits for the HO: a run should follow as soon as it answers again. */
export function awaitsConnectivity(progress: SyncProgress): boolean {
  return progress.offlineSince !== null || progress.reporting === 'backlog';
}

/**
 * Returns a detector that says "request now" once per spell of waiting, not on every state: Chromium
 * fires a tag registered again while its sync event runs once more right after it, and when only
 * the HO is down the browser counts as online, so each run's end would start the next run at once.
 */
export function backgroundSyncRequests(): (progress: SyncProgress) => boolean {
  let waiting = false;
  return (progress) => {
    const was = waiting;
    waiting = awaitsConnectivity(progress);
    return waiting && !was;
  };
}
