/**
 * Seeded fuzzing of every route: random query strings, bodies, content types, headers and tokens.
 * The server must never answer 5xx, always use the error shape for JSON errors, and stay up.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { type TestServer, allPhotos, callJson, login, startServer, tinyJpeg } from './harness';

const SEED = 20260203;
const ITERATIONS = 700;

/** mulberry32: small, seedable, good enough to pick test inputs. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('fuzz', () => {
  let s: TestServer;
  let tokens: string[];
  let storeIds: string[];
  let photoIds: string[];
  let productIds: string[];
  before(async () => {
    s = await startServer();
    const admin = await login(s);
    const demo = s.prep.demoLogins[0]!;
    const user = await login(s, demo.username, demo.password);
    storeIds = s.prep.demoLogins.map((d) => d.store.id);
    const photos = await allPhotos(s, admin.access, storeIds[0]!);
    photoIds = photos.map((p) => p.id);
    productIds = photos.map((p) => p.product_id);
    tokens = [admin.access, user.access, admin.refresh, 'garbage', `${admin.access}x`, ''];
  });
  after(() => s.close());

  it(`survives ${ITERATIONS} random requests without a 5xx`, async () => {
    const rnd = prng(SEED);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
    const junk = () =>
      pick([
        '',
        '0',
        '-1',
        '1e3',
        '1.5',
        'null',
        '[]',
        '{}',
        '%',
        '%zz',
        '%00',
        '\u00e9\u{1F600}',
        'a'.repeat(3000),
        '2026-02-03T10:00:00Z',
        '2026-02-03T10:00:00.123456+00:00',
        '2026-13-45',
        '9'.repeat(30),
        'true',
        '00000000-0000-4000-8000-000000000000',
      ]);
    // Header values must be ByteStrings, so junk meant for headers is folded to printable ASCII.
    const headerJunk = () => junk().replace(/[^\x20-\x7e]/g, '?');
    const id = (pool: string[]) => (rnd() < 0.7 ? pick(pool) : junk() || 'x');
    const routes: [string, () => string][] = [
      ['POST', () => '/api/token/'],
      ['POST', () => '/api/v1/token/'],
      ['POST', () => '/api/token/refresh/'],
      ['GET', () => '/api/v1/stores/'],
      ['GET', () => '/api/v1/sync/product-photos/'],
      ['GET', () => `/api/v1/sync/product-photos/${encodeURIComponent(id(photoIds))}/download/`],
      ['HEAD', () => `/api/v1/sync/product-photos/${encodeURIComponent(id(photoIds))}/download/`],
      ['POST', () => '/api/v1/sync/product-photos/status/'],
      ['GET', () => '/api/v1/admin/faults'],
      ['GET', () => '/api/v1/admin/products/'],
      ['POST', () => `/api/v1/admin/products/${encodeURIComponent(id(productIds))}/photos/`],
      ['PUT', () => `/api/v1/admin/photos/${encodeURIComponent(id(photoIds))}/content/`],
      ['PATCH', () => `/api/v1/admin/photos/${encodeURIComponent(id(photoIds))}/`],
      ['PATCH', () => `/api/v1/admin/products/${encodeURIComponent(id(productIds))}/`],
      [
        'PUT',
        () =>
          `/api/v1/admin/stores/${encodeURIComponent(id(storeIds))}/brands/${encodeURIComponent(junk() || 'x')}/`,
      ],
      ['GET', () => `/api/v1/admin/stores/${encodeURIComponent(id(storeIds))}/sync-status/`],
      ['GET', () => `/${junk()}`],
      ['GET', () => '/api/v1/sync/product-photos/%/download/'],
    ];
    const keys = [
      'store_id',
      'since',
      'limit',
      'offset',
      'cursor',
      'filename',
      'is_primary',
      'sort_order',
      'v',
      'x',
    ];
    const jsonValue = (depth: number): unknown => {
      const r = rnd();
      if (depth > 3 || r < 0.3)
        return pick([null, true, 0, -1, 1.5, 1e308, junk(), pick(storeIds), pick(photoIds)]);
      if (r < 0.6) return Array.from({ length: Math.floor(rnd() * 4) }, () => jsonValue(depth + 1));
      const o: Record<string, unknown> = {};
      for (const k of [
        'store_id',
        'sync_batch',
        'photo_id',
        'status',
        'synced_at',
        'error',
        'username',
        'password',
        'refresh',
        'terminal_id',
        'active',
        'is_primary',
        'sort_order',
        'latency_ms',
        '__proto__',
        'constructor',
      ]) {
        if (rnd() < 0.35)
          o[k] =
            k === 'sync_batch' && rnd() < 0.5
              ? [
                  {
                    photo_id: pick(photoIds),
                    status: pick(['synced', 'failed', 'x']),
                    synced_at: junk(),
                    error: junk(),
                  },
                ]
              : jsonValue(depth + 1);
      }
      return o;
    };
    let fiveHundreds = 0;
    const statuses = new Map<number, number>();
    for (let i = 0; i < ITERATIONS; i++) {
      const [routeMethod, path] = pick(routes);
      const method =
        rnd() < 0.9 ? routeMethod : pick(['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS']);
      const query = Array.from(
        { length: Math.floor(rnd() * 5) },
        () =>
          `${pick(keys)}=${rnd() < 0.5 ? encodeURIComponent(junk()) : rnd() < 0.5 ? pick(storeIds) : junk()}`,
      ).join('&');
      const headers: Record<string, string> = {};
      const token = pick(tokens);
      if (token) headers.authorization = rnd() < 0.9 ? `Bearer ${token}` : `Token ${token}`;
      if (rnd() < 0.2)
        headers.range = pick([
          'bytes=0-10',
          'bytes=-5',
          'bytes=99999999-',
          'bytes=abc',
          'bytes=5-1',
          'bytes=0-1,3-4',
        ]);
      if (rnd() < 0.1) headers['if-none-match'] = pick(['*', '"x"', 'W/"y"', headerJunk()]);
      if (rnd() < 0.1) headers['if-range'] = headerJunk();
      if (rnd() < 0.1) headers.origin = pick(['https://a.example', 'null', headerJunk()]);
      let body: string | Uint8Array | undefined;
      if (method !== 'GET' && method !== 'HEAD' && rnd() < 0.85) {
        const kind = pick(['json', 'json', 'broken', 'bytes', 'jpeg', 'form', 'text']);
        headers['content-type'] = {
          json: 'application/json',
          broken: 'application/json',
          bytes: pick(['application/octet-stream', 'image/png', 'application/json']),
          jpeg: 'image/jpeg',
          form: 'application/x-www-form-urlencoded',
          text: pick(['text/plain', 'application/xml', 'multipart/form-data']),
        }[kind]!;
        body =
          kind === 'json'
            ? JSON.stringify(jsonValue(0))
            : kind === 'broken'
              ? JSON.stringify(jsonValue(0)).slice(0, -1) + pick(['', ',', '\u0000'])
              : kind === 'bytes'
                ? Uint8Array.from({ length: Math.floor(rnd() * 64) }, () => Math.floor(rnd() * 256))
                : kind === 'jpeg'
                  ? tinyJpeg([Math.floor(rnd() * 255), 0, 0])
                  : kind === 'form'
                    ? `username=${encodeURIComponent(junk())}&password=${junk()}&refresh=${junk()}`
                    : junk();
      }
      const target = `${s.url}${path()}${query ? `?${query}` : ''}`;
      const res = await fetch(target, {
        method,
        headers,
        ...(body === undefined
          ? {}
          : { body: body instanceof Uint8Array ? new Uint8Array(body) : body }),
      });
      const text = method === 'HEAD' ? '' : await res.text().catch(() => '');
      if (res.status >= 500) fiveHundreds++;
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
      assert.ok(
        res.status < 500,
        `#${i} ${method} ${target.slice(0, 200)} -> ${res.status} ${text.slice(0, 300)}`,
      );
      if (res.status >= 400 && /json/.test(res.headers.get('content-type') ?? '') && text) {
        const parsed = JSON.parse(text) as { status?: string; message?: unknown };
        assert.equal(
          parsed.status,
          'error',
          `#${i} ${target.slice(0, 200)}: ${text.slice(0, 200)}`,
        );
        assert.equal(typeof parsed.message, 'string');
      }
    }
    assert.equal(fiveHundreds, 0);
    // The inputs reach past validation too: successes and every client-error class occur.
    for (const code of [200, 400, 401, 403, 404])
      assert.ok(statuses.has(code), `no ${code} among ${JSON.stringify([...statuses])}`);
    const alive = await callJson(
      s,
      `/api/v1/sync/product-photos/?store_id=${storeIds[0]}&limit=1`,
      { token: (await login(s)).access },
    );
    assert.equal(alive.status, 200);
  });
});
