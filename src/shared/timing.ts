/**
 * Start-up steps as User Timing marks (`pps:<step>`), first occurrence only: DevTools shows them in the
 * performance panel and `npm run bench:gallery` prints them per relaunch, so a cold start can be profiled
 * on any build without temporary code. A context without User Timing skips them.
 */

/** Steps marked in this context: later calls (every photo request, tile render, command) return at once. */
const marked = new Set<string>();

/** Marks `step` the first time this context reaches it. */
export function startupMark(step: string): void {
  if (marked.has(step)) return;
  marked.add(step);
  if (typeof performance?.mark === 'function') performance.mark(`pps:${step}`);
}
