/**
 * Checks a typed store ID against an HO that does not list stores (reference-only servers): one list
 * request with `limit=1`. Stand-in until the engine offers such a check itself (see the H6 report).
 */
import { HttpError, OfflineError, TimeoutError } from '../shared/errors';
import type { SyncSettings } from '../shared/types';
import { apiUrl } from '../sync/auth';
import type { FetchFn } from '../sync/ports';

/** What the HO said about the store: usable, unknown, not this user's, or the token was refused. */
export type StoreCheck = 'ok' | 'not-found' | 'forbidden' | 'unauthorized';

/** Asks the HO for one row of the store's photo list with the given access token. */
export async function checkStore(fetchFn: FetchFn, settings: SyncSettings, access: string): Promise<StoreCheck> {
  const params = new URLSearchParams({ store_id: settings.storeId, limit: '1' });
  const url = `${apiUrl(settings.serverUrl, '/api/v1/sync/product-photos/')}?${params}`;
  let res: Response;
  try {
    res = await fetchFn(url, {
      headers: { Authorization: `Bearer ${access}`, Accept: 'application/json' },
      signal: AbortSignal.timeout(settings.requestTimeoutMs),
    });
  } catch (err) {
    if (err instanceof DOMException && err.name === 'TimeoutError') throw new TimeoutError(`no answer within ${settings.requestTimeoutMs} ms`);
    throw new OfflineError(`network error: ${err instanceof Error ? err.message : String(err)}`);
  }
  await res.body?.cancel().catch(() => undefined);
  if (res.ok) return 'ok';
  if (res.status === 400 || res.status === 404) return 'not-found';
  if (res.status === 403) return 'forbidden';
  if (res.status === 401) return 'unauthorized';
  throw new HttpError(res.status, `photo list: HTTP ${res.status}`);
}
