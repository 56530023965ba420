/**
 * In-memory Head Office behind a fake `fetch`: the API reference (list, download, status), simplejwt
 * token endpoints, the extensions our server adds (each switchable off), an image host on another
 * origin for `image_url`, and fault knobs. Its data clock is independent of the terminal's clock.
 */
import { createHash } from 'node:crypto';
import type { FakeClock } from './fake-clock';

/** Origin of the fake HO API. */
export const HO = 'http://ho.test';
/** Origin of the fake image host that `image_url` points to (another origin: no token may go there). */
export const MINIO = 'http://minio.test';
/** The one store the fake HO knows. */
export const STORE = '7d2f1c9e-0000-4000-8000-000000000001';

type Route =
  | 'token'
  | 'refresh'
  | 'blacklist'
  | 'list'
  | 'download'
  | 'image'
  | 'status'
  | 'stores'
  | 'unknown';

/** A request as the fake HO saw it. */
export interface SeenRequest {
  route: Route;
  url: URL;
  method: string;
  headers: Headers;
  id: string | null;
  body: unknown;
  at: number;
}

interface Photo {
  id: string;
  product_id: string;
  sku: string;
  name: string;
  bytes: Uint8Array;
  version: number;
  is_primary: boolean;
  sort_order: number;
  updated_at: number;
  content_type: string;
}

/** A fault for the next `times` requests of a route (optionally one photo). */
interface Fault {
  route: Route;
  id: string | null;
  times: number;
  apply:
    | 'hang'
    | { status: number; headers?: Record<string, string> }
    | 'corrupt'
    | 'truncate'
    | 'reset'
    | { stallAfter: number };
}

/** Deterministic pseudo-random bytes. */
export function bytesFor(seed: string, size: number): Uint8Array {
  const out = new Uint8Array(size);
  let block = createHash('sha256').update(seed).digest();
  for (let i = 0; i < size; i++) {
    if (i % 32 === 0 && i > 0) block = createHash('sha256').update(block).digest();
    out[i] = block[i % 32]!;
  }
  return out;
}

/** `bytesFor` behind a JPEG magic number: what a terminal accepts as an image/jpeg photo. */
export function jpegFor(seed: string, size: number): Uint8Array {
  const out = bytesFor(seed, size);
  out.set([0xff, 0xd8, 0xff, 0xe0].slice(0, size));
  return out;
}

/** MD5 hex of bytes. */
export function md5(bytes: Uint8Array | ArrayBuffer): string {
  return createHash('md5').update(new Uint8Array(bytes)).digest('hex');
}

function b64url(obj: object): string {
  return Buffer.from(JSON.stringify(obj)).toString('base64url');
}

function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'Content-Type': 'application/json', ...headers },
  });
}

function abortError(): DOMException {
  return new DOMException('The operation was aborted.', 'AbortError');
}

/** The fake HO. Tests flip the public knobs and read the public logs. */
export class FakeHo {
  // --- switches (defaults: our server with every extension on) ---
  shape: 'wrapper' | 'flat' = 'wrapper';
  cursors = true;
  syncTimestamp = true;
  deletedIds = true;
  xChecksum = true;
  etags = true;
  ranges = true;
  downloadRoute: 'ok' | 404 | 405 = 'ok';
  /** The one method the list is routed for; the other answers 405 as Django REST framework does. */
  listMethod: 'GET' | 'POST' = 'GET';
  statusRoute: 'ok' | 404 | 405 = 'ok';
  /** simplejwt's `<token path>blacklist/` (refresh token revocation); 404/405: this HO has none. */
  blacklistRoute: 'ok' | 404 | 405 = 'ok';
  /** How timestamps are written: canonical ms Z, no fraction with Z, microseconds with +00:00, or no fraction with +00:00. */
  timestampStyle: 'ms-z' | 'seconds-z' | 'micro-offset' | 'seconds-offset' = 'ms-z';
  accessTtlMs = 60 * 60 * 1000;
  refreshWorks = true;
  /** Virtual latency of every response. */
  latencyMs = 0;
  /** Bytes per body chunk. */
  chunkSize = 1000;
  /** Called before each list page is answered (n counts list requests from 0): mutate the catalog between pages. */
  onList: ((n: number) => void) | null = null;
  /** Paths where the token endpoint is routed. */
  readonly tokenPaths = new Set(['/api/token/', '/api/v1/token/']);
  /** Stores offered by the `GET /api/v1/stores/` extension; null when the route does not exist (reference-only HO). */
  stores: { id: string; code: string; name: string }[] | null = null;
  /** When true every request fails like an unreachable network. */
  offline = false;
  /** X-Checksum values to send instead of the real one, per photo. */
  readonly xChecksumOverride = new Map<string, string>();
  /** Rewrites listed rows (to send malformed ones). */
  rowHook: ((row: Record<string, unknown>) => Record<string, unknown>) | null = null;
  /** Photo ids whose status reports the HO refuses: a batch holding any of them answers 400. */
  readonly refuseReportsOf = new Set<string>();
  /** Called when a stalled body stops sending. */
  onStall: ((id: string) => void) | null = null;

  // --- logs ---
  readonly requests: SeenRequest[] = [];
  readonly statusBatches: { body: Record<string, unknown>; accepted: boolean }[] = [];
  /** Download starts (terminal time) in order. */
  readonly downloadStarts: number[] = [];
  inFlight = 0;
  maxInFlight = 0;
  /** Body bytes sent per photo id. */
  readonly bytesSent = new Map<string, number>();

  readonly photos = new Map<string, Photo>();
  private readonly tombstones = new Map<string, number>();
  private readonly faults: Fault[] = [];
  private readonly access = new Set<string>();
  private readonly refresh = new Set<string>();
  /** Refresh tokens revoked through the blacklist endpoint. */
  readonly blacklisted = new Set<string>();
  private dataTime = Date.parse('2026-01-01T08:00:00Z');
  private tokenSeq = 0;
  private listCount = 0;

  constructor(private readonly clock: FakeClock) {}

  /**
   * Behaves as the upstream HO is really deployed (contract notes): POST-only flat list without cursors
   * naming the store, `/api/v1/token/` only, no download or status route (photos via `image_url`).
   */
  upstream(): this {
    this.listMethod = 'POST';
    this.shape = 'flat';
    this.cursors = false;
    this.tokenPaths.clear();
    this.tokenPaths.add('/api/v1/token/');
    this.downloadRoute = 404;
    this.statusRoute = 404;
    return this;
  }

  /** Display name of the store in flat list answers. */
  storeName = 'Jakarta Food Court';

  /** The fake `fetch`. */
  readonly fetch = async (input: string, init: RequestInit = {}): Promise<Response> => {
    const url = new URL(input);
    const signal = init.signal ?? undefined;
    if (signal?.aborted) throw abortError();
    if (this.offline) throw new TypeError('fetch failed');
    const req = this.classify(url, init);
    this.requests.push(req);
    const release = this.track(req);
    if (this.latencyMs > 0) await this.clock.sleep(this.latencyMs);
    const fault = this.takeFault(req.route, req.id);
    if (fault?.apply === 'hang') {
      return new Promise<Response>((_, reject) =>
        signal?.addEventListener(
          'abort',
          () => {
            release();
            reject(abortError());
          },
          { once: true },
        ),
      );
    }
    if (fault !== undefined && typeof fault.apply === 'object' && 'status' in fault.apply) {
      release();
      return json(
        fault.apply.status,
        { status: 'error', message: 'Injected fault' },
        fault.apply.headers,
      );
    }
    const res = this.route(req, signal, fault, release);
    if (res.body === null || !(res.status === 200 || res.status === 206) || req.route === 'list')
      release();
    return res;
  };

  /** Counts a photo request as in flight from arrival until its body ends; returns the idempotent release. */
  private track(req: SeenRequest): () => void {
    if (req.route !== 'download' && req.route !== 'image') return () => undefined;
    this.inFlight += 1;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    let open = true;
    return () => {
      if (open) this.inFlight -= 1;
      open = false;
    };
  }

  // --- catalog ---

  /** Adds a photo (fresh updated_at from the HO's own clock); returns its id. */
  addPhoto(n: number, size = 2500): string {
    const id = `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
    this.photos.set(id, {
      id,
      product_id: `10000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
      sku: `SKU${n}`,
      name: `Product ${n}`,
      bytes: jpegFor(`${id}:1`, size),
      version: 1,
      is_primary: true,
      sort_order: 0,
      updated_at: this.tick(),
      content_type: 'image/jpeg',
    });
    this.tombstones.delete(id);
    return id;
  }

  /** Adds photos 1..count. */
  seed(count: number, size = 2500): string[] {
    return Array.from({ length: count }, (_, i) => this.addPhoto(i + 1, size));
  }

  /** New bytes for a photo: version + 1, updated_at bumped. */
  replacePhoto(id: string, size?: number): void {
    const p = this.photo(id);
    p.version += 1;
    p.bytes = jpegFor(`${id}:${p.version}`, size ?? p.bytes.length);
    p.updated_at = this.tick();
  }

  /** New bytes listed with `contentType` (version + 1, updated_at bumped): e.g. a hostile HTML "photo". */
  setContent(id: string, bytes: Uint8Array, contentType: string): void {
    const p = this.photo(id);
    p.version += 1;
    p.bytes = bytes;
    p.content_type = contentType;
    p.updated_at = this.tick();
  }

  /** Lists a photo with another `content_type`, bytes unchanged (updated_at bumped). */
  relabel(id: string, contentType: string): void {
    const p = this.photo(id);
    p.content_type = contentType;
    p.updated_at = this.tick();
  }

  /** Metadata-only change (sort order), updated_at bumped. */
  touch(id: string, sortOrder: number): void {
    const p = this.photo(id);
    p.sort_order = sortOrder;
    p.updated_at = this.tick();
  }

  /** Removes a photo and writes a tombstone. */
  deletePhoto(id: string): void {
    this.photos.delete(id);
    this.tombstones.set(id, this.tick());
  }

  /** Listed checksum of a photo. */
  checksum(id: string): string {
    return md5(this.photo(id).bytes);
  }

  bytes(id: string): Uint8Array {
    return this.photo(id).bytes;
  }

  // --- faults ---

  /** The next `times` requests of `route` (for photo `id` when given) answer `status`. */
  failWith(
    route: Route,
    status: number,
    times = 1,
    id: string | null = null,
    headers?: Record<string, string>,
  ): void {
    this.faults.push({ route, id, times, apply: { status, headers } });
  }

  /** The next `times` requests never answer (until the caller aborts). */
  hang(route: Route, times = 1, id: string | null = null): void {
    this.faults.push({ route, id, times, apply: 'hang' });
  }

  /** The next `times` downloads of `id` carry one flipped byte / lose their last 100 bytes / stall after N bytes. */
  corrupt(id: string, times = 1, route: 'download' | 'image' = 'download'): void {
    this.faults.push({ route, id, times, apply: 'corrupt' });
  }
  truncate(id: string, times = 1): void {
    this.faults.push({ route: 'download', id, times, apply: 'truncate' });
  }
  /** The next `times` downloads of `id` break off half way (the connection resets after Content-Length was sent). */
  reset(id: string, times = 1): void {
    this.faults.push({ route: 'download', id, times, apply: 'reset' });
  }
  stall(id: string, afterBytes: number, times = 1): void {
    this.faults.push({ route: 'download', id, times, apply: { stallAfter: afterBytes } });
  }

  /** Revokes every issued access token (the next request answers 401). */
  expireAccessTokens(): void {
    this.access.clear();
  }

  /** Requests of a route. */
  seen(route: Route): SeenRequest[] {
    return this.requests.filter((r) => r.route === route);
  }

  /** Download requests (either route) per photo id. */
  downloadsOf(id: string): number {
    return this.requests.filter(
      (r) => (r.route === 'download' || r.route === 'image') && r.id === id,
    ).length;
  }

  // --- internals ---

  private tick(): number {
    this.dataTime += 1000;
    return this.dataTime;
  }

  private photo(id: string): Photo {
    const p = this.photos.get(id);
    if (p === undefined) throw new Error(`no photo ${id}`);
    return p;
  }

  private classify(url: URL, init: RequestInit): SeenRequest {
    const headers = new Headers(init.headers);
    const body = typeof init.body === 'string' ? (JSON.parse(init.body) as unknown) : null;
    const base = { url, method: init.method ?? 'GET', headers, body, at: this.clock.now() };
    if (url.origin === MINIO)
      return { ...base, route: 'image', id: url.pathname.split('/').at(-1) ?? null };
    const path = url.pathname;
    const download = /^\/api\/v1\/sync\/product-photos\/([^/]+)\/download\/$/.exec(path);
    if (download) return { ...base, route: 'download', id: download[1]! };
    if (path === '/api/v1/sync/product-photos/status/')
      return { ...base, route: 'status', id: null };
    if (path === '/api/token/refresh/') return { ...base, route: 'refresh', id: null };
    if ([...this.tokenPaths].some((p) => path === `${p}blacklist/`))
      return { ...base, route: 'blacklist', id: null };
    if (this.tokenPaths.has(path)) return { ...base, route: 'token', id: null };
    if (path === '/api/v1/sync/product-photos/') return { ...base, route: 'list', id: null };
    if (path === '/api/v1/stores/' && this.stores !== null)
      return { ...base, route: 'stores', id: null };
    return { ...base, route: 'unknown', id: null };
  }

  private takeFault(route: Route, id: string | null): Fault | undefined {
    const fault = this.faults.find((f) => f.route === route && (f.id === null || f.id === id));
    if (fault === undefined) return undefined;
    if (--fault.times <= 0) this.faults.splice(this.faults.indexOf(fault), 1);
    return fault;
  }

  private route(
    req: SeenRequest,
    signal: AbortSignal | undefined,
    fault: Fault | undefined,
    release: () => void,
  ): Response {
    switch (req.route) {
      case 'token':
        return this.token(req);
      case 'refresh':
        return this.refreshToken(req);
      case 'blacklist':
        return this.blacklist(req);
      case 'image':
        return this.serveBytes(req, signal, fault, false, release);
      case 'unknown':
        return new Response('<h1>Not Found</h1>', {
          status: 404,
          headers: { 'Content-Type': 'text/html' },
        });
      default: {
        if (!this.authorized(req)) {
          return json(
            401,
            { status: 'error', message: 'Token is invalid or expired' },
            { 'WWW-Authenticate': 'Bearer' },
          );
        }
        if (req.route === 'list') return this.list(req);
        if (req.route === 'status') return this.status(req);
        if (req.route === 'stores')
          return json(200, { status: 'success', data: { stores: this.stores } });
        return this.serveBytes(req, signal, fault, true, release);
      }
    }
  }

  private issue(): { access: string; refresh: string } {
    const n = ++this.tokenSeq;
    const exp = Math.floor((this.clock.now() + this.accessTtlMs) / 1000);
    const access = `${b64url({ alg: 'HS256', typ: 'JWT' })}.${b64url({ exp, jti: `a${n}` })}.sig${n}`;
    const refresh = `${b64url({ alg: 'HS256' })}.${b64url({ exp: exp + 86400, jti: `r${n}` })}.sig${n}`;
    this.access.add(access);
    this.refresh.add(refresh);
    return { access, refresh };
  }

  private authorized(req: SeenRequest): boolean {
    const token = (req.headers.get('authorization') ?? '').replace(/^Bearer /, '');
    if (!this.access.has(token)) return false;
    const exp = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as {
      exp: number;
    };
    return exp.exp * 1000 > this.clock.now();
  }

  private token(req: SeenRequest): Response {
    const body = req.body as { username?: string; password?: string };
    if (body.username !== 'store1' || body.password !== 'secret')
      return json(401, { detail: 'No active account found' });
    return json(200, this.issue());
  }

  private refreshToken(req: SeenRequest): Response {
    const { refresh } = req.body as { refresh?: string };
    if (!this.refreshWorks || refresh === undefined || !this.refresh.has(refresh))
      return json(401, { detail: 'Token is blacklisted' });
    this.refresh.delete(refresh); // rotation with blacklisting, as upstream
    return json(200, this.issue());
  }

  private blacklist(req: SeenRequest): Response {
    if (this.blacklistRoute !== 'ok')
      return new Response('<h1>Not Found</h1>', {
        status: this.blacklistRoute,
        headers: { 'Content-Type': 'text/html' },
      });
    const { refresh } = req.body as { refresh?: string };
    if (refresh === undefined || !this.refresh.has(refresh))
      return json(401, { detail: 'Token is blacklisted', code: 'token_not_valid' });
    this.refresh.delete(refresh);
    this.blacklisted.add(refresh);
    return json(200, {});
  }

  private stamp(ms: number): string {
    const iso = new Date(ms).toISOString();
    switch (this.timestampStyle) {
      case 'ms-z':
        return iso;
      case 'seconds-z':
        return iso.replace(/\.\d{3}Z$/, 'Z');
      case 'micro-offset':
        return iso.replace(/Z$/, '417+00:00');
      case 'seconds-offset':
        return iso.replace(/\.\d{3}Z$/, '+00:00');
    }
  }

  /** The list's parameters: query string for GET, JSON body (upstream's names) for POST. */
  private listParams(req: SeenRequest): URLSearchParams {
    if (req.method !== 'POST') return req.url.searchParams;
    const body = req.body as Record<string, unknown>;
    const q = new URLSearchParams();
    for (const [from, to] of [
      ['store_id', 'store_id'],
      ['updated_since', 'since'],
      ['limit', 'limit'],
      ['offset', 'offset'],
    ] as const)
      if (body[from] !== undefined) q.set(to, String(body[from]));
    return q;
  }

  private list(req: SeenRequest): Response {
    if (req.method !== this.listMethod)
      return json(405, { detail: `Method "${req.method}" not allowed.` });
    this.onList?.(this.listCount++);
    const q = this.listParams(req);
    if (q.get('store_id') !== STORE)
      return json(404, { status: 'error', message: 'Store not found' });
    const since = q.has('since') ? Date.parse(q.get('since')!) : null;
    const limit = Number(q.get('limit') ?? 100);
    const rows = [...this.photos.values()]
      .filter((p) => since === null || p.updated_at >= since)
      .sort((a, b) => a.updated_at - b.updated_at || a.id.localeCompare(b.id));
    let start = Number(q.get('offset') ?? 0);
    const cursor = this.cursors ? q.get('cursor') : null;
    if (cursor !== null) {
      const [t, id] = Buffer.from(cursor, 'base64url').toString().split('|') as [string, string];
      start = rows.findIndex(
        (p) => p.updated_at > Number(t) || (p.updated_at === Number(t) && p.id > id),
      );
      if (start < 0) start = rows.length;
    }
    const page = rows.slice(start, start + limit);
    const hasMore = start + page.length < rows.length;
    const last = page.at(-1);
    const data: Record<string, unknown> = {
      photos: page.map((p) => (this.rowHook ?? ((r) => r))(this.row(p))),
      total: rows.length,
      has_more: hasMore,
      next_offset: hasMore ? start + limit : null,
    };
    if (this.cursors)
      data.next_cursor =
        hasMore && last ? Buffer.from(`${last.updated_at}|${last.id}`).toString('base64url') : null;
    if (this.syncTimestamp) data.sync_timestamp = this.stamp(this.dataTime);
    if (this.deletedIds)
      data.deleted_ids = [...this.tombstones]
        .filter(([, t]) => since === null || t >= since)
        .map(([id]) => id);
    return json(
      200,
      this.shape === 'wrapper'
        ? { status: 'success', data }
        : { ...data, filter: {}, store: { id: STORE, code: 'JKT-FC', name: this.storeName } },
    );
  }

  private row(p: Photo): Record<string, unknown> {
    const checksum = md5(p.bytes);
    return {
      id: p.id,
      product_id: p.product_id,
      product_sku: p.sku,
      product_name: p.name,
      object_key: `products/${p.product_id}/${p.id}.jpg`,
      filename: `${p.sku}.jpg`,
      size: p.bytes.length,
      content_type: p.content_type,
      checksum,
      version: p.version,
      is_primary: p.is_primary,
      sort_order: p.sort_order,
      created_at: this.stamp(p.updated_at),
      updated_at: this.stamp(p.updated_at),
      image_url: `${MINIO}/product-images/${p.id}?v=${checksum.slice(0, 8)}`,
    };
  }

  private status(req: SeenRequest): Response {
    const body = req.body as Record<string, unknown>;
    if (this.statusRoute !== 'ok') {
      this.statusBatches.push({ body, accepted: false });
      return new Response('<h1>Not Found</h1>', {
        status: this.statusRoute,
        headers: { 'Content-Type': 'text/html' },
      });
    }
    const items = body.sync_batch as { photo_id: string }[];
    const refused = items.findIndex((i) => this.refuseReportsOf.has(i.photo_id));
    this.statusBatches.push({ body, accepted: refused < 0 });
    if (refused >= 0)
      return json(400, {
        status: 'error',
        message: `sync_batch[${refused}].photo_id must be a valid UUID`,
      });
    const n = items.length;
    return json(200, { status: 'success', message: `Sync status updated for ${n} photos` });
  }

  private serveBytes(
    req: SeenRequest,
    signal: AbortSignal | undefined,
    fault: Fault | undefined,
    viaRoute: boolean,
    release: () => void,
  ): Response {
    if (viaRoute && this.downloadRoute !== 'ok') {
      return new Response('<h1>Not Found</h1>', {
        status: this.downloadRoute,
        headers: { 'Content-Type': 'text/html' },
      });
    }
    const photo = req.id === null ? undefined : this.photos.get(req.id);
    if (photo === undefined) return json(404, { status: 'error', message: 'Photo not found' });
    const checksum = md5(photo.bytes);
    const etag = `"${checksum}"`;
    const headers: Record<string, string> = {
      'Content-Type': photo.content_type,
      'X-Version': String(photo.version),
    };
    if (this.xChecksum && viaRoute)
      headers['X-Checksum'] = this.xChecksumOverride.get(photo.id) ?? checksum;
    if (this.etags) headers.ETag = etag;
    if (this.etags && req.headers.get('if-none-match') === etag)
      return new Response(null, { status: 304, headers });
    let bytes = photo.bytes;
    let status = 200;
    const range = /^bytes=(\d+)-$/.exec(req.headers.get('range') ?? '');
    const ifRange = req.headers.get('if-range');
    if (this.ranges && range && (ifRange === null || ifRange === etag)) {
      const start = Number(range[1]);
      if (start >= bytes.length)
        return new Response(null, {
          status: 416,
          headers: { 'Content-Range': `bytes */${bytes.length}` },
        });
      headers['Content-Range'] = `bytes ${start}-${bytes.length - 1}/${bytes.length}`;
      bytes = bytes.subarray(start);
      status = 206;
    }
    if (fault?.apply === 'corrupt') {
      bytes = bytes.slice();
      bytes[Math.floor(bytes.length / 2)]! ^= 0xff;
    }
    if (fault?.apply === 'truncate') bytes = bytes.subarray(0, Math.max(0, bytes.length - 100));
    const stallAfter =
      fault !== undefined && typeof fault.apply === 'object' && 'stallAfter' in fault.apply
        ? fault.apply.stallAfter
        : null;
    headers['Content-Length'] = String(bytes.length);
    this.downloadStarts.push(this.clock.now());
    const resetAt = fault?.apply === 'reset' ? Math.floor(bytes.length / 2) : null;
    return new Response(this.stream(photo.id, bytes, signal, stallAfter, release, resetAt), {
      status,
      headers,
    });
  }

  /** A body stream that counts in-flight downloads and bytes, errors on abort, and can stall. */
  private stream(
    id: string,
    bytes: Uint8Array,
    signal: AbortSignal | undefined,
    stallAfter: number | null,
    close: () => void,
    resetAt: number | null = null,
  ): ReadableStream<Uint8Array> {
    let pos = 0;
    return new ReadableStream<Uint8Array>({
      start: (controller) => {
        signal?.addEventListener('abort', () => {
          close();
          try {
            controller.error(abortError());
          } catch {
            // already closed
          }
        });
      },
      pull: (controller) => {
        if (stallAfter !== null && pos >= stallAfter) {
          this.onStall?.(id);
          return new Promise<void>(() => {});
        }
        if (resetAt !== null && pos >= resetAt) {
          close();
          // What fetch bodies throw when the connection drops mid-body (undici: "terminated", Chromium: "network error").
          controller.error(new TypeError('terminated'));
          return;
        }
        const end = Math.min(
          bytes.length,
          pos + this.chunkSize,
          stallAfter ?? Number.POSITIVE_INFINITY,
          resetAt ?? Number.POSITIVE_INFINITY,
        );
        if (pos >= bytes.length) {
          close();
          controller.close();
          return;
        }
        controller.enqueue(bytes.slice(pos, end));
        this.bytesSent.set(id, (this.bytesSent.get(id) ?? 0) + (end - pos));
        pos = end;
      },
      cancel: () => close(),
    });
  }
}
