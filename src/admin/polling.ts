/**
 * Keeps a view's data fresh without reloading the page: fetches an admin API path now and every
 * POLL_MS, and again at once when the path changes (filters, paging) or the tab becomes visible.
 */
import { useEffect, useState } from 'preact/hooks';
import { type ApiFailure, ApiError, getJson } from './api';

/** Time between refreshes of the shown data. */
export const POLL_MS = 4000;

/** What a polled view shows: the latest data (kept while a refresh fails), its time and any failure. */
export interface Polled<T> {
  data: T | null;
  failure: ApiFailure | null;
  /** Epoch ms of the last successful fetch. */
  at: number | null;
}

/** Polls `path` (admin API, signed in) while the component is mounted. */
export function usePolled<T>(path: string): Polled<T> {
  const [state, setState] = useState<Polled<T>>({ data: null, failure: null, at: null });
  useEffect(() => {
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const tick = async (): Promise<void> => {
      clearTimeout(timer);
      try {
        const data = await getJson<T>(path);
        if (!stopped) setState({ data, failure: null, at: Date.now() });
      } catch (e) {
        if (stopped) return;
        const failure: ApiFailure =
          e instanceof ApiError ? e.failure : { code: 'server', status: 0, message: String(e) };
        setState((s) => ({ ...s, failure }));
      }
      if (!stopped) timer = setTimeout(() => void tick(), POLL_MS);
    };
    const onVisible = (): void => {
      if (document.visibilityState === 'visible') void tick();
    };
    setState((s) => ({ ...s, failure: null }));
    void tick();
    document.addEventListener('visibilitychange', onVisible);
    return () => {
      stopped = true;
      clearTimeout(timer);
      document.removeEventListener('visibilitychange', onVisible);
    };
  }, [path]);
  return state;
}
