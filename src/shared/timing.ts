/**
 * Start-up steps as User Timing marks (`pps:<step>`), first occurrence only: DevTools shows them in the
 * performance panel and `npm run bench:gallery` prints them per relaunch, so a cold start can be profiled
 * on any build without temporary code. A mark costs microseconds; a context without User Timing skips them.
 */
export function startupMark(step: string): void {
  const name = `pps:${step}`;
  if (typeof performance?.mark !== 'function' || performance.getEntriesByName(name).length > 0)
    return;
  performance.mark(name);
}
