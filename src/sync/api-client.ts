/**
 * Client of the HO Product Photo Sync API as the reference defines it: list pages, download with
 * verification (image_url fallback, Range resume, If-None-Match), status reports, plus the optional
 * store list extension. Every request carries the bearer token and is renewed once on 401. The list
 * also speaks the deployed upstream's dialect: POST with a JSON body when GET answers 405.
 */
import {
  AuthError,
  ChecksumMismatchError,
  HttpError,
  InvalidResponseError,
  UnsupportedImageTypeError,
} from '../shared/errors';
import type { IsoTime, PhotoMeta } from '../shared/types';
import { apiUrl, type TokenManager } from './auth';
import type { EngineRecords } from './engine-record';
import { httpError, readJson, send, withRetry, type Exchange, type HttpContext } from './http';
import { parseListPage, type ListPage } from './parse';
import type { PartialDownload, SyncStorage } from './ports';
import { FRESH, readVerified, requireImageType, resumeFrom } from './verify';

const PHOTOS_PATH = '/api/v1/sync/product-photos/';

/** Position of one list request: a keyset cursor when the HO offered one, else an offset. */
export interface ListQuery {
  since: IsoTime | null;
  limit: number;
  offset: number;
  cursor: string | null;
}

/** Outcome of a download: verified bytes, or the HO confirming our copy is current (304). */
export type DownloadResult =
  | { kind: 'verified'; blob: Blob; etag: string | null }
  | { kind: 'not-modified' };

/** A store the signed-in user may sync (server extension `GET /api/v1/stores/`). */
export interface StoreInfo {
  id: string;
  code: string;
  name: string;
}

/** Status report body as the reference defines it, with the additive terminal fields. */
export interface StatusBody {
  store_id: string;
  terminal_id: string;
  terminal_name: string;
  sync_batch: {
    photo_id: string;
    status: 'synced' | 'failed';
    synced_at: IsoTime | null;
    error: string | null;
  }[];
}

function discard(ex: Exchange): void {
  ex.res.body?.cancel().catch(() => undefined);
  ex.done();
}

function isJson(res: Response): boolean {
  return (res.headers.get('content-type') ?? '').includes('json');
}

function contentRangeStart(res: Response): number | null {
  const m = /^bytes (\d+)-\d+\/(?:\d+|\*)$/.exec(res.headers.get('content-range') ?? '');
  return m ? Number(m[1]) : null;
}

/** Talks to one HO for one store. */
export class HoClient {
  /** Set once the download route proves unrouted (405, or a non-JSON 404): photos come from image_url directly. */
  private downloadRouteMissing = false;

  constructor(
    private readonly tokens: TokenManager,
    private readonly storage: SyncStorage,
    private readonly records: EngineRecords,
  ) {}

  /**
   * One page of the store's photos. With `listMethod` auto, a GET answered 405 is sent again as POST
   * and the HO is remembered as a POST one (the record's `list_method`) until the next sign-in.
   */
  async listPage(ctx: HttpContext, q: ListQuery): Promise<ListPage> {
    return withRetry(ctx, async () => {
      const { listMethod } = ctx.settings;
      const learned = listMethod === 'auto' ? (await this.records.get()).list_method : null;
      if (listMethod === 'POST' || learned === 'POST') return this.listByPost(ctx, q);
      const ex = await this.authed(ctx, this.listUrl(ctx, q), {
        headers: { Accept: 'application/json' },
      });
      if (ex.res.status === 405 && listMethod === 'auto') {
        discard(ex);
        const page = await this.listByPost(ctx, q);
        await this.records.update({ list_method: 'POST' });
        return page;
      }
      if (!ex.res.ok) throw await httpError(ctx, ex, 'photo list');
      return this.noteStore(ctx, parseListPage(await readJson(ctx, ex)));
    });
  }

  /** Remembers the store's display name when the page names the store asked for (upstream's `store`). */
  private async noteStore(ctx: HttpContext, page: ListPage): Promise<ListPage> {
    const { storeId } = ctx.settings;
    if (page.store === null || page.store.id.toLowerCase() !== storeId.toLowerCase()) return page;
    const known = (await this.records.get()).store_name;
    if (known?.store_id !== storeId || known.name !== page.store.name)
      await this.records.update({ store_name: { store_id: storeId, name: page.store.name } });
    return page;
  }

  private listUrl(ctx: HttpContext, q: ListQuery): string {
    const params = new URLSearchParams({ store_id: ctx.settings.storeId, limit: String(q.limit) });
    if (q.since !== null) params.set('since', q.since);
    if (q.cursor !== null) params.set('cursor', q.cursor);
    else params.set('offset', String(q.offset));
    return `${apiUrl(ctx.settings.serverUrl, PHOTOS_PATH)}?${params}`;
  }

  /** The list as the deployed upstream routes it: POST, JSON body, offset paging only (no cursor). */
  private async listByPost(ctx: HttpContext, q: ListQuery): Promise<ListPage> {
    const { storeId, companyId } = ctx.settings;
    const body: Record<string, string | number> = { store_id: storeId };
    if (companyId !== '') body.company_id = companyId;
    if (q.since !== null) body.updated_since = q.since;
    body.limit = q.limit;
    body.offset = q.offset;
    const ex = await this.authed(ctx, apiUrl(ctx.settings.serverUrl, PHOTOS_PATH), {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      body: JSON.stringify(body),
    });
    if (!ex.res.ok) throw await httpError(ctx, ex, 'photo list');
    // The body carries the offset: a cursor the HO might send could not be sent back.
    return this.noteStore(ctx, { ...parseListPage(await readJson(ctx, ex)), nextCursor: null });
  }

  /** Stores the user may sync, or null when the HO does not offer the list (not our server). */
  async listStores(ctx: HttpContext): Promise<StoreInfo[] | null> {
    return withRetry(ctx, async () => {
      const ex = await this.authed(ctx, apiUrl(ctx.settings.serverUrl, '/api/v1/stores/'), {
        headers: { Accept: 'application/json' },
      });
      if (ex.res.status === 404 || ex.res.status === 405) {
        discard(ex);
        return null;
      }
      if (!ex.res.ok) throw await httpError(ctx, ex, 'store list');
      const body = (await readJson(ctx, ex)) as { data?: { stores?: unknown } } | null;
      const stores = body?.data?.stores;
      const valid = (s: unknown): s is StoreInfo =>
        typeof s === 'object' &&
        s !== null &&
        ['id', 'code', 'name'].every((k) => typeof (s as Record<string, unknown>)[k] === 'string');
      if (!Array.isArray(stores) || !stores.every(valid))
        throw new InvalidResponseError('stores', 'expected [{id, code, name}]');
      return stores;
    });
  }

  /** Posts one status batch; 'missing' when the HO has no status endpoint (404/405). */
  async postStatus(ctx: HttpContext, body: StatusBody): Promise<'accepted' | 'missing'> {
    return withRetry(ctx, async () => {
      const ex = await this.authed(ctx, apiUrl(ctx.settings.serverUrl, `${PHOTOS_PATH}status/`), {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
        body: JSON.stringify(body),
      });
      if (ex.res.status === 404 || ex.res.status === 405) {
        discard(ex);
        return 'missing';
      }
      if (!ex.res.ok) throw await httpError(ctx, ex, 'status report');
      discard(ex);
      return 'accepted';
    });
  }

  /**
   * Downloads and verifies one photo (retrying transient failures), resuming a stored partial with
   * Range/If-Range. `ifNoneMatch` re-checks a copy already held with that ETag. `partialHeld` false
   * (the caller read `partialIds()` before) skips the partial lookup until this call stores one.
   * A photo not listed as an allowed raster type is refused before any request.
   */
  async download(
    ctx: HttpContext,
    meta: PhotoMeta,
    ifNoneMatch: string | null,
    partialHeld: boolean,
  ): Promise<DownloadResult> {
    requireImageType(meta);
    // Downloads skip the browser's HTTP cache (`cache: 'no-store'` below): the engine verifies and keeps
    // every byte itself, and the HO's ETag is the photo's checksum, so a cached corrupt body would be
    // revalidated with a 304 and handed back on every retry (test/e2e/sync-http-cache.test.ts).
    let mayHavePartial = partialHeld;
    return withRetry(ctx, async () => {
      const partial = mayHavePartial ? await this.partialFor(meta) : undefined;
      const headers: Record<string, string> = {};
      if (partial !== undefined) {
        headers.Range = `bytes=${partial.received}-`;
        if (partial.etag !== null) headers['If-Range'] = partial.etag;
      } else if (ifNoneMatch !== null) {
        headers['If-None-Match'] = ifNoneMatch;
      }
      let ex: Exchange | null = null;
      if (!this.downloadRouteMissing) {
        const params = new URLSearchParams({ store_id: ctx.settings.storeId });
        const url = `${apiUrl(ctx.settings.serverUrl, `${PHOTOS_PATH}${encodeURIComponent(meta.id)}/download/`)}?${params}`;
        ex = await this.authed(ctx, url, { headers, cache: 'no-store' });
        if (ex.res.status === 404 || ex.res.status === 405) {
          if (ex.res.status === 405 || !isJson(ex.res)) this.downloadRouteMissing = true;
          discard(ex);
          ex = null;
        }
      }
      ex ??= await this.fetchImageUrl(ctx, meta, headers);
      return this.receive(ctx, ex, meta, partial, () => (mayHavePartial = true));
    });
  }

  private async fetchImageUrl(
    ctx: HttpContext,
    meta: PhotoMeta,
    headers: Record<string, string>,
  ): Promise<Exchange> {
    if (meta.image_url === null)
      throw new HttpError(404, `photo ${meta.id}: download route missing and no image_url`);
    let url: URL;
    try {
      url = new URL(meta.image_url, apiUrl(ctx.settings.serverUrl, '/'));
    } catch {
      throw new InvalidResponseError('image_url', 'not a URL');
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:')
      throw new InvalidResponseError('image_url', 'not an http(s) URL');
    // The bearer token goes to the HO only, never to a storage host such as MinIO.
    const sameOrigin = url.origin === new URL(ctx.settings.serverUrl).origin;
    const init: RequestInit = { headers, cache: 'no-store' };
    return sameOrigin ? this.authed(ctx, url.href, init) : send(ctx, url.href, init);
  }

  private async receive(
    ctx: HttpContext,
    ex: Exchange,
    meta: PhotoMeta,
    partial: PartialDownload | undefined,
    onPartial: () => void,
  ): Promise<DownloadResult> {
    const { res } = ex;
    if (res.status === 304) {
      discard(ex);
      return { kind: 'not-modified' };
    }
    if (!res.ok) {
      if (res.status === 416) await this.storage.clearPartial(meta.id);
      throw await httpError(ctx, ex, `download of ${meta.id}`);
    }
    const announced = res.headers.get('x-checksum');
    const resumed = res.status === 206;
    const badRange =
      resumed && (partial === undefined || contentRangeStart(res) !== partial.received);
    if (badRange || (announced !== null && announced.trim().toLowerCase() !== meta.checksum)) {
      discard(ex);
      await this.storage.clearPartial(meta.id);
      if (badRange)
        throw new InvalidResponseError('Content-Range', 'does not continue the partial download');
      throw new ChecksumMismatchError(
        'checksum mismatch',
        `photo ${meta.id}: X-Checksum ${announced}, listed ${meta.checksum}`,
      );
    }
    if (!resumed && partial !== undefined) await this.storage.clearPartial(meta.id);
    const etag = res.headers.get('etag');
    const strongEtag = etag !== null && !etag.startsWith('W/') ? etag : null;
    try {
      const blob = await readVerified(
        ctx,
        ex,
        meta,
        resumed && partial ? resumeFrom(partial) : FRESH,
        (received, md5State, chunk) => {
          onPartial();
          return this.storage.appendPartial(
            {
              photo_id: meta.id,
              checksum: meta.checksum,
              etag: strongEtag,
              received,
              md5_state: md5State,
            },
            chunk,
          );
        },
      );
      return { kind: 'verified', blob, etag };
    } catch (err) {
      if (err instanceof ChecksumMismatchError || err instanceof UnsupportedImageTypeError)
        await this.storage.clearPartial(meta.id);
      throw err;
    } finally {
      ex.done();
    }
  }

  /** The stored partial download of this photo version; one for another version is dropped. */
  private async partialFor(meta: PhotoMeta): Promise<PartialDownload | undefined> {
    const partial = await this.storage.loadPartial(meta.id);
    if (
      partial === undefined ||
      (partial.checksum === meta.checksum && partial.received < meta.size)
    )
      return partial;
    await this.storage.clearPartial(meta.id);
    return undefined;
  }

  /** Sends with the bearer token; on 401 renews the token once and retries, a second 401 is an AuthError. */
  private async authed(ctx: HttpContext, url: string, init: RequestInit): Promise<Exchange> {
    const withToken = (token: string): RequestInit => ({
      ...init,
      headers: { ...(init.headers as Record<string, string>), Authorization: `Bearer ${token}` },
    });
    const token = await this.tokens.accessToken(ctx);
    const ex = await send(ctx, url, withToken(token));
    if (ex.res.status !== 401) return ex;
    discard(ex);
    const renewed = await this.tokens.renewAfter401(ctx, token);
    const again = await send(ctx, url, withToken(renewed));
    if (again.res.status !== 401) return again;
    discard(again);
    throw new AuthError('the HO rejected the renewed token');
  }
}
