/** The engine's pure parts: response validation, timestamps, backoff/Retry-After, JWT exp, worker pool. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InvalidResponseError } from '../../src/shared/errors';
import { backoffDelay, nextSyncDelayMs, parseRetryAfter } from '../../src/sync/backoff';
import { jwtExpiryMs } from '../../src/sync/auth';
import { Feed, runPool } from '../../src/sync/limiter';
import { parseListPage, parsePhoto } from '../../src/sync/parse';
import { parseTimestamp } from '../../src/sync/timestamps';
import { FakeClock } from './fakes/fake-clock';
import { turnsUntil } from './fakes/turns';

const row = {
  id: '84ce2575-284b-421d-b2d4-70842d3d993b',
  product_id: '63ea9d40-0000-4000-8000-000000000000',
  product_sku: '05018970',
  product_name: 'ASAHI SALMON BOWL',
  object_key: 'products/63ea9d40/primary.jpg',
  filename: 'Menu_Image_20250922025828.jpg',
  size: 123456,
  content_type: 'image/jpeg',
  checksum: 'D695074CF6F06CF75634CD19FC003A71',
  version: 1,
  is_primary: true,
  sort_order: 0,
  updated_at: '2026-02-03T10:00:00Z',
  image_url: 'http://localhost:9000/product-images/x.jpg',
  created_at: '2026-02-03T09:00:00Z',
};

test('timestamps with or without fractions, Z or offsets, parse to the same instant', () => {
  const base = Date.parse('2026-02-03T10:00:00.000Z');
  assert.equal(parseTimestamp('2026-02-03T10:00:00Z'), base);
  assert.equal(parseTimestamp('2026-02-03T10:00:00+00:00'), base);
  assert.equal(
    parseTimestamp('2026-02-03T10:00:00.123456+00:00'),
    base + 123,
    'microseconds truncated, never rounded up',
  );
  assert.equal(parseTimestamp('2026-02-03T17:00:00+07:00'), base);
  assert.equal(parseTimestamp('2026-02-03 10:00:00'), base, 'no zone reads as UTC');
  for (const bad of [
    '2026-02-30T10:00:00Z',
    '2026-02-03T24:00:00Z',
    'yesterday',
    '2026-02-03',
    '',
  ]) {
    assert.equal(parseTimestamp(bad), null, bad);
  }
});

test('the reference example row validates and normalises; each bad field is named', () => {
  const meta = parsePhoto(row, 'photos[0]');
  assert.equal(meta.checksum, 'd695074cf6f06cf75634cd19fc003a71');
  assert.equal(meta.updated_at, '2026-02-03T10:00:00.000Z');
  assert.equal('created_at' in meta, false, 'extra fields dropped');
  const cases: [string, unknown][] = [
    ['id', '../etc'],
    ['checksum', 'xyz'],
    ['size', -1],
    ['size', '12'],
    ['version', 1.5],
    ['is_primary', 'yes'],
    ['sort_order', null],
    ['updated_at', 'soon'],
    ['product_sku', 5],
    ['image_url', 7],
  ];
  for (const [field, value] of cases) {
    assert.throws(
      () => parsePhoto({ ...row, [field]: value }, 'photos[3]'),
      (err: unknown) => err instanceof InvalidResponseError && err.field === `photos[3].${field}`,
      field,
    );
  }
  assert.equal(parsePhoto({ ...row, image_url: undefined }, 'p').image_url, null);
});

test('list pages: wrapper and flat shapes, optional extensions, bad rows isolated', () => {
  const wrapped = parseListPage({
    status: 'success',
    data: { photos: [row], total: 150, has_more: true, next_offset: 10 },
  });
  assert.equal(wrapped.photos.length, 1);
  assert.deepEqual(
    [
      wrapped.total,
      wrapped.hasMore,
      wrapped.nextOffset,
      wrapped.nextCursor,
      wrapped.deletedIds,
      wrapped.syncTimestamp,
    ],
    [150, true, 10, null, null, null],
  );
  const flat = parseListPage({
    photos: [row, { ...row, id: 'second', size: 'big' }, { nonsense: 1 }],
    deleted_ids: ['gone-1'],
    sync_timestamp: '2026-02-03T10:05:00.5+00:00',
    total: 3,
    has_more: false,
    next_offset: null,
    filter: {},
    store: { id: 's', code: 'c', name: 'n' },
  });
  assert.equal(flat.photos.length, 1);
  assert.deepEqual(
    flat.invalid.map((i) => [i.id, i.error.field]),
    [
      ['second', 'photos[1].size'],
      [null, 'photos[2].id'],
    ],
  );
  assert.deepEqual(flat.ids, [row.id, 'second', null]);
  assert.equal(flat.syncTimestamp, '2026-02-03T10:05:00.500Z');
  assert.deepEqual(flat.deletedIds, ['gone-1']);
  for (const [body, field] of [
    [{ status: 'error', message: 'x' }, 'photos'],
    [{ photos: [], total: 0 }, 'has_more'],
    [{ photos: [], has_more: false, total: -1 }, 'total'],
    [{ photos: [], has_more: false, total: 0, deleted_ids: [1] }, 'deleted_ids'],
    [{ photos: [], has_more: false, total: 0, sync_timestamp: 'now' }, 'sync_timestamp'],
    [[], 'data'],
  ] as const) {
    assert.throws(
      () => parseListPage(body),
      (err: unknown) => err instanceof InvalidResponseError && err.field === field,
      field,
    );
  }
});

test('backoff grows exponentially within [ceiling/2, ceiling]; Retry-After seconds and dates', () => {
  const s = { backoffBaseMs: 1000, backoffMaxMs: 10_000 };
  assert.deepEqual(
    [1, 2, 3, 4, 5].map((n) => backoffDelay(n, s, () => 0)),
    [500, 1000, 2000, 4000, 5000],
  );
  assert.deepEqual(
    [1, 2, 5].map((n) => backoffDelay(n, s, () => 0.999999)),
    [1000, 2000, 10_000],
  );
  assert.equal(parseRetryAfter('120', null, 0), 120_000);
  assert.equal(
    parseRetryAfter('Wed, 21 Oct 2015 07:28:30 GMT', 'Wed, 21 Oct 2015 07:28:00 GMT', 0),
    30_000,
  );
  assert.equal(
    parseRetryAfter('Wed, 21 Oct 2015 07:28:30 GMT', null, Date.parse('2015-10-21T07:28:20Z')),
    10_000,
  );
  assert.equal(parseRetryAfter('soon', null, 0), null);
  assert.equal(parseRetryAfter(null, null, 0), null);
  assert.equal(
    nextSyncDelayMs({ syncIntervalMs: 900_000, syncJitterMs: 60_000 }, () => 0.5),
    930_000,
  );
});

test('JWT exp is read without verification; anything else has no expiry', () => {
  const enc = (o: object): string => Buffer.from(JSON.stringify(o)).toString('base64url');
  assert.equal(
    jwtExpiryMs(`${enc({ alg: 'HS256' })}.${enc({ exp: 1770000000, name: 'Łukasz ✓' })}.sig`),
    1_770_000_000_000,
  );
  assert.equal(jwtExpiryMs('opaque-token'), null);
  assert.equal(jwtExpiryMs(`${enc({})}.${enc({ exp: 'x' })}.s`), null);
  assert.equal(jwtExpiryMs('a.!!!.c'), null);
});

test('worker pool: after released() the pause and the next job overlap the rest of the job', async () => {
  const clock = new FakeClock();
  try {
    const run = async (delayMs: number): Promise<number[]> => {
      const started: number[] = [];
      let alive = 0;
      let peak = 0;
      await runPool(
        [1, 2, 3],
        { concurrency: 1, delayMs, clock, signal: new AbortController().signal },
        async (_n, released) => {
          started.push(clock.now());
          peak = Math.max(peak, ++alive);
          await clock.sleep(10); // the request
          released();
          await clock.sleep(30); // local work after it (storing)
          alive--;
        },
      );
      assert.equal(
        peak,
        delayMs === 0 ? 2 : 1,
        'at most one job per worker still storing behind its next request',
      );
      return started.map((t) => t - started[0]!);
    };
    // The pause runs from the start of the request: the request (10 ms) and the storing (30 ms) overlap it.
    assert.deepEqual(await run(50), [0, 50, 100]);
    // Without a pause the next request starts at once; the third waits for the first job's end (+40).
    assert.deepEqual(await run(0), [0, 10, 40]);
  } finally {
    clock.stop();
  }
});

test('worker pool over a feed: takes items as they arrive, within its limit, and ends when the feed closes', async () => {
  const clock = new FakeClock();
  try {
    const feed = new Feed<number>();
    const done: number[] = [];
    let running = 0;
    let peak = 0;
    let ended = false;
    const pool = runPool(
      feed,
      { concurrency: 2, delayMs: 0, clock, signal: new AbortController().signal },
      async (n) => {
        peak = Math.max(peak, ++running);
        await clock.sleep(10);
        running--;
        done.push(n);
      },
    ).then(() => {
      ended = true;
    });
    feed.push([1, 2, 3]);
    assert.ok(await turnsUntil(() => done.length === 3));
    assert.deepEqual(done, [1, 2, 3]);
    assert.equal(ended, false, 'an open feed keeps the pool waiting for more');
    feed.push([4, 5]);
    feed.close();
    feed.push([6]); // after close: dropped
    await pool;
    assert.deepEqual(done, [1, 2, 3, 4, 5]);
    assert.equal(peak, 2);
  } finally {
    clock.stop();
  }
});

test('worker pool over a feed: a stopped run does not wait for items that will not come', async () => {
  const clock = new FakeClock();
  try {
    const stop = new AbortController();
    const feed = new Feed<number>();
    const pool = runPool(
      feed,
      { concurrency: 3, delayMs: 0, clock, signal: stop.signal },
      async () => undefined,
    );
    feed.push([1]);
    stop.abort();
    await pool; // resolves although the feed was never closed
  } finally {
    clock.stop();
  }
});

test('worker pool: a late timer does not lengthen the next pause', async () => {
  const clock = new FakeClock();
  try {
    // Every pause's timer fires 5 ms late, as a busy service worker's timers do.
    const late = { now: () => clock.now(), sleep: (ms: number) => clock.sleep(ms + 5) };
    const started: number[] = [];
    await runPool(
      [1, 2, 3, 4, 5],
      { concurrency: 1, delayMs: 50, clock: late, signal: new AbortController().signal },
      async () => {
        started.push(clock.now());
        await clock.sleep(10);
      },
    );
    // Each request is due 50 ms after the previous one was due: one timer's lateness, not the sum of all
    // of them (counting from the wake-up gave 0, 55, 110, 165, 220).
    assert.deepEqual(
      started.map((t) => t - started[0]!),
      [0, 55, 105, 155, 205],
    );
  } finally {
    clock.stop();
  }
});

test('worker pool: bounded concurrency, per-worker delay, first error stops new jobs', async () => {
  const clock = new FakeClock();
  try {
    let running = 0;
    let peak = 0;
    const started: number[] = [];
    await runPool(
      [...Array(9).keys()],
      { concurrency: 3, delayMs: 50, clock, signal: new AbortController().signal },
      async () => {
        started.push(clock.now());
        peak = Math.max(peak, ++running);
        await clock.sleep(10);
        running--;
      },
    );
    assert.equal(peak, 3);
    // Each worker starts a request 50 ms after the start of its previous one (the 10 ms job inside the pause).
    assert.deepEqual(
      started,
      [0, 0, 0, 50, 50, 50, 100, 100, 100].map((t) => t + started[0]!),
    );

    // A request longer than the pause: the worker's next one starts when it ends, never during it.
    const slow: number[] = [];
    let inFlight = 0;
    await runPool(
      [1, 2, 3],
      { concurrency: 1, delayMs: 50, clock, signal: new AbortController().signal },
      async () => {
        slow.push(clock.now());
        assert.equal(++inFlight, 1, 'one request per worker at a time');
        await clock.sleep(80);
        inFlight--;
      },
    );
    assert.deepEqual(
      slow.map((t) => t - slow[0]!),
      [0, 80, 160],
    );

    const seen: number[] = [];
    await assert.rejects(
      runPool(
        [1, 2, 3, 4, 5],
        { concurrency: 1, delayMs: 0, clock, signal: new AbortController().signal },
        async (n) => {
          seen.push(n);
          if (n === 2) throw new Error('boom');
        },
      ),
      /boom/,
    );
    assert.deepEqual(seen, [1, 2]);
  } finally {
    clock.stop();
  }
});
