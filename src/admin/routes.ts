/** The console's views as hash routes (#/, #/stores/<id>, #/stores/<id>/terminals/<terminal>). */
import { signal } from '@preact/signals';

/** One view of the console. */
export type Route =
  | { view: 'fleet' }
  | { view: 'store'; storeId: string }
  | { view: 'terminal'; storeId: string; terminalId: string };

/** Parses a location hash; anything unknown is the overview. */
export function parseRoute(hash: string): Route {
  const parts = hash.replace(/^#\/?/, '').split('/').filter(Boolean).map(safeDecode);
  if (parts[0] === 'stores' && parts[1]) {
    if (parts[2] === 'terminals' && parts[3])
      return { view: 'terminal', storeId: parts[1], terminalId: parts[3] };
    return { view: 'store', storeId: parts[1] };
  }
  return { view: 'fleet' };
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** The current view, following the hash. */
export const route = signal<Route>(parseRoute(location.hash));
window.addEventListener('hashchange', () => {
  route.value = parseRoute(location.hash);
});
