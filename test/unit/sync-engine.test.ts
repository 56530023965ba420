/** Engine runs against the fake HO: paging, incremental since, shapes, fallbacks, politeness. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { STORE } from './fakes/fake-ho';
import { world } from './fakes/world';

test('full sync pages through the list and stores every photo verified', async () => {
  const w = await world({ pageLimit: 10 });
  try {
    const ids = w.ho.seed(57);
    w.ho.cursors = false;
    const p = await w.engine.sync();
    assert.deepEqual(p.status, { kind: 'idle' });
    assert.equal(p.held, 57);
    assert.equal(p.expected, 57);
    assert.deepEqual(await w.verifiedIds(), [...ids].sort());
    const lists = w.ho.seen('list');
    assert.ok(lists.length >= 6, 'six pages of ten');
    assert.ok(
      lists.every(
        (r) =>
          r.url.searchParams.get('store_id') === STORE && r.url.searchParams.get('limit') === '10',
      ),
    );
    assert.equal(lists[0]!.url.searchParams.has('since'), false, 'the first sync lists everything');
    for (const id of ids) assert.equal(w.ho.downloadsOf(id), 1);
    assert.ok(p.lastSuccessAt !== null);
    const downloading = w.term.progress.flatMap((e) =>
      e.status.kind === 'syncing' && e.status.phase === 'downloading' ? [e.status] : [],
    );
    assert.deepEqual(downloading.at(-1), {
      kind: 'syncing',
      phase: 'downloading',
      done: 57,
      total: 57,
    });
    assert.ok(
      downloading.every((s, i) => i === 0 || s.done >= downloading[i - 1]!.done),
      'x of y only grows',
    );
    assert.equal(w.term.progress.at(-1)!.bytesDownloaded, 57 * 2500);
  } finally {
    w.close();
  }
});

test('incremental sync sends the server watermark and re-seen rows cost no download', async () => {
  const w = await world();
  try {
    const ids = w.ho.seed(8);
    await w.engine.sync();
    const firstList = w.ho.seen('list').at(-1)!;
    w.ho.replacePhoto(ids[2]!);
    w.ho.touch(ids[5]!, 7);
    const before = w.ho.requests.length;
    await w.engine.sync();
    const list = w.ho.seen('list').at(-1)!;
    // since is the HO's sync_timestamp from the previous listing (HO data clock, not the terminal's clock)
    const served = (await firstList.url.searchParams.get('since')) ?? null;
    assert.equal(served, null);
    const since = list.url.searchParams.get('since');
    assert.ok(since?.startsWith('2026-01-01'), `since from HO data, got ${since}`);
    const downloads = w.ho.requests
      .slice(before)
      .filter((r) => r.route === 'download')
      .map((r) => r.id);
    assert.deepEqual(downloads, [ids[2]], 'only the replaced photo is downloaded');
    assert.equal(
      w.storage.records.get(ids[5]!)!.sort_order,
      7,
      'metadata-only change applied without download',
    );
    assert.deepEqual(await w.verifiedIds(), [...ids].sort());

    // Without sync_timestamp, the watermark is the largest updated_at (less the overlap): rows are re-seen, not re-downloaded.
    w.ho.syncTimestamp = false;
    await w.engine.sync();
    const after = w.ho.requests.length;
    await w.engine.sync();
    const again = w.ho.requests.slice(after);
    assert.ok(again.some((r) => r.route === 'list' && r.url.searchParams.has('since')));
    assert.equal(again.filter((r) => r.route === 'download').length, 0);
  } finally {
    w.close();
  }
});

test('offset paging: rows updated or inserted between pages are never skipped', async () => {
  const w = await world({ pageLimit: 5 });
  try {
    w.ho.cursors = false;
    const ids = w.ho.seed(20);
    // Between page 2 and 3 an early row is updated (moves to the end, shifting every row after it)
    // and a new photo appears; between later pages another early row moves.
    w.ho.onList = (n) => {
      if (n === 2) {
        w.ho.replacePhoto(ids[0]!);
        w.ho.addPhoto(99);
      }
      if (n === 5) w.ho.touch(ids[1]!, 3);
    };
    const p = await w.engine.sync();
    w.ho.onList = null;
    assert.deepEqual(p.status, { kind: 'idle' });
    const expected = [...w.ho.photos.keys()].sort();
    assert.deepEqual(await w.verifiedIds(), expected, 'every photo held with current bytes');
    const offsets = w.ho.seen('list').map((r) => Number(r.url.searchParams.get('offset')));
    assert.ok(offsets.filter((o) => o === 0).length >= 2, 'the listing was re-read from the start');
    assert.ok(
      offsets.some((o) => o % 5 === 4),
      'pages overlap by one row',
    );
  } finally {
    w.close();
  }
});

test('cursor paging is used when the HO offers next_cursor', async () => {
  const w = await world({ pageLimit: 4 });
  try {
    w.ho.seed(10);
    w.ho.onList = (n) => {
      if (n === 1) w.ho.addPhoto(50);
    };
    await w.engine.sync();
    const lists = w.ho.seen('list');
    assert.equal(lists[0]!.url.searchParams.has('cursor'), false);
    assert.ok(
      lists
        .slice(1)
        .every((r) => r.url.searchParams.has('cursor') && !r.url.searchParams.has('offset')),
    );
    assert.equal(lists.length, 3, 'no restarts with keyset paging');
    assert.equal((await w.verifiedIds()).length, 11);
  } finally {
    w.close();
  }
});

for (const style of ['seconds-z', 'micro-offset', 'seconds-offset'] as const) {
  test(`flat list shape with ${style} timestamps, next_offset null, extra fields`, async () => {
    const w = await world({ pageLimit: 3 });
    try {
      Object.assign(w.ho, {
        shape: 'flat',
        timestampStyle: style,
        cursors: false,
        syncTimestamp: false,
        deletedIds: false,
      });
      const ids = w.ho.seed(7);
      await w.engine.sync();
      assert.deepEqual(await w.verifiedIds(), [...ids].sort());
      const rec = w.storage.records.get(ids[0]!)!;
      assert.match(rec.updated_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      w.ho.replacePhoto(ids[6]!);
      const before = w.ho.requests.length;
      await w.engine.sync();
      const since = w.ho.seen('list').at(-1)!.url.searchParams.get('since');
      assert.ok(since !== null);
      assert.deepEqual(
        w.ho.requests
          .slice(before)
          .filter((r) => r.route === 'download')
          .map((r) => r.id),
        [ids[6]],
      );
    } finally {
      w.close();
    }
  });
}

for (const status of [404, 405] as const) {
  test(`download route answering ${status} falls back to image_url without leaking the token`, async () => {
    const w = await world();
    try {
      w.ho.downloadRoute = status;
      const ids = w.ho.seed(20);
      await w.engine.sync();
      assert.deepEqual(await w.verifiedIds(), [...ids].sort());
      const images = w.ho.seen('image');
      assert.equal(images.length, 20);
      assert.ok(
        images.every((r) => !r.headers.has('authorization')),
        'no bearer token sent to the image host',
      );
      assert.ok(
        w.ho.seen('download').length <= 5,
        'the unrouted download endpoint is remembered after the first answers',
      );
    } finally {
      w.close();
    }
  });
}

test('concurrency never exceeds the limit and each worker starts a download delayMs after its previous one', async () => {
  const w = await world({ concurrency: 3, delayMs: 100 });
  try {
    w.ho.latencyMs = 30;
    w.ho.seed(20);
    await w.engine.sync();
    assert.equal(w.ho.maxInFlight, 3, 'three downloads in flight, never more');
    const starts = w.ho.downloadStarts;
    assert.equal(starts.length, 20);
    for (let i = 0; i + 3 < starts.length; i++) {
      assert.ok(starts[i + 3]! - starts[i]! >= 100, `four downloads within 100 ms at ${i}`);
    }
    // The pause counts from the start of the previous request: 100 ms less its 30 ms.
    assert.equal(
      w.clock.sleeps.filter((ms) => ms === 70).length,
      17,
      'one pause per download after each worker’s first',
    );
  } finally {
    w.close();
  }
});

test('defaults follow the reference: 5 concurrent, 100 ms apart, 100 per page', async () => {
  const w = await world();
  try {
    w.ho.latencyMs = 10;
    w.ho.seed(30);
    await w.engine.sync();
    assert.equal(w.ho.maxInFlight, 5);
    assert.equal(w.ho.seen('list')[0]!.url.searchParams.get('limit'), '100');
    const starts = w.ho.downloadStarts;
    for (let i = 0; i + 5 < starts.length; i++) assert.ok(starts[i + 5]! - starts[i]! >= 100);
  } finally {
    w.close();
  }
});
