/** A terminal killed mid-run resumes from its persisted checkpoint: no finished photo fetched again, Range resume of a partial. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { world } from './fakes/world';

const isDownload = (url: URL): boolean => url.pathname.endsWith('/download/');

test('killed during downloads: the restarted terminal resumes without listing or re-downloading finished photos', async () => {
  const w = await world({ concurrency: 2 });
  try {
    const ids = w.ho.seed(20);
    let downloads = 0;
    w.term.killWhen = (url) => isDownload(url) && ++downloads > 8;
    void w.engine.sync();
    await w.term.died;
    const finished = [...w.storage.records.keys()];
    assert.ok(
      finished.length >= 6 && finished.length <= 8,
      `${finished.length} photos stored before the kill`,
    );

    const before = w.ho.requests.length;
    const sleepsBefore = w.clock.sleeps.length;
    w.boot();
    const p = await w.engine.sync();
    assert.equal(p.status.kind, 'idle');
    assert.deepEqual(await w.verifiedIds(), [...ids].sort());
    const after = w.ho.requests.slice(before);
    assert.equal(after[0]!.route, 'download', 'resumed straight into the pending downloads');
    const pauses = w.clock.sleeps.slice(sleepsBefore).filter((ms) => ms === 100).length;
    assert.equal(pauses, 20 - finished.length - 2, 'politeness pauses only between real downloads');
    for (const id of finished)
      assert.equal(w.ho.downloadsOf(id), 1, `finished photo ${id} fetched again`);
  } finally {
    w.close();
  }
});

test('killed during an offset listing: the restarted terminal continues from the persisted position', async () => {
  const w = await world({ pageLimit: 5 });
  try {
    w.ho.cursors = false;
    const ids = w.ho.seed(20);
    let lists = 0;
    w.term.killWhen = (url) => url.pathname.endsWith('/product-photos/') && ++lists === 3;
    void w.engine.sync();
    await w.term.died;
    // Photos of the pages read are downloaded while the listing goes on; only those can be held.
    const finished = [...w.storage.records.keys()];
    assert.ok(finished.every((id) => ids.slice(0, 10).includes(id)));
    const before = w.ho.requests.length;
    w.boot();
    await w.engine.sync();
    const resumed = w.ho.requests.slice(before).find((r) => r.route === 'list')!;
    assert.equal(
      resumed.url.searchParams.get('offset'),
      '8',
      'continues at page 3, overlapping the last row read',
    );
    assert.deepEqual(await w.verifiedIds(), [...ids].sort());
    for (const id of finished)
      assert.equal(w.ho.downloadsOf(id), 1, `finished photo ${id} fetched again`);
  } finally {
    w.close();
  }
});

test('a large download interrupted by a kill resumes with Range/If-Range from the persisted partial', async () => {
  const w = await world({ partialCheckpointBytes: 1000 });
  try {
    const [big] = w.ho.seed(1, 10_000) as [string];
    w.ho.stall(big, 6000);
    w.ho.onStall = () => w.term.kill();
    void w.engine.sync();
    await w.term.died;
    await new Promise((resolve) => setImmediate(resolve)); // the dead process finishes the chunk it holds
    const partial = w.storage.partials.get(big);
    assert.ok(
      partial !== undefined && partial.received >= 1000 && partial.received <= 6000,
      'partial persisted',
    );
    const sentBefore = w.ho.bytesSent.get(big)!;

    w.boot();
    const p = await w.engine.sync();
    assert.equal(p.status.kind, 'idle');
    const resumed = w.ho.seen('download').at(-1)!;
    assert.equal(resumed.headers.get('range'), `bytes=${partial.received}-`);
    assert.equal(resumed.headers.get('if-range'), `"${w.ho.checksum(big)}"`);
    assert.equal(
      w.ho.bytesSent.get(big)! - sentBefore,
      10_000 - partial.received,
      'only the missing bytes were sent',
    );
    assert.deepEqual(await w.verifiedIds(), [big]);
    assert.equal(w.storage.partials.size, 0, 'partial dropped once the photo is stored');
  } finally {
    w.close();
  }
});

test('a partial of a replaced photo is discarded and the new version downloaded whole', async () => {
  const w = await world({ partialCheckpointBytes: 1000 });
  try {
    const [big] = w.ho.seed(1, 8000) as [string];
    w.ho.stall(big, 4000);
    w.ho.onStall = () => w.term.kill();
    void w.engine.sync();
    await w.term.died;
    assert.ok(w.storage.partials.has(big));
    w.ho.replacePhoto(big);
    w.boot();
    await w.engine.sync({ full: true });
    assert.deepEqual(await w.verifiedIds(), [big]);
    assert.equal(w.ho.seen('download').at(-1)!.headers.get('range'), null);
  } finally {
    w.close();
  }
});

test('a timed-out body resumes with Range within the same run', async () => {
  const w = await world({ partialCheckpointBytes: 1000 });
  try {
    const [big] = w.ho.seed(1, 10_000) as [string];
    w.ho.stall(big, 5000);
    const p = await w.engine.sync();
    assert.deepEqual(p.failures, []);
    const [first, second] = w.ho.seen('download');
    assert.equal(first!.headers.get('range'), null);
    assert.match(second!.headers.get('range') ?? '', /^bytes=[1-5]000-$/);
    assert.deepEqual(await w.verifiedIds(), [big]);
  } finally {
    w.close();
  }
});

test('the If-None-Match re-check of a full resync keeps a current copy on 304', async () => {
  const w = await world();
  try {
    const ids = w.ho.seed(3);
    await w.engine.sync();
    const blobs = [...w.storage.blobs.values()];
    const p = await w.engine.sync({ full: true, recheck: true });
    assert.equal(p.status.kind, 'idle');
    const rechecks = w.ho.seen('download').slice(3);
    assert.equal(rechecks.length, 3);
    assert.ok(
      rechecks.every((r) => r.headers.get('if-none-match') === `"${w.ho.checksum(r.id!)}"`),
    );
    assert.deepEqual([...w.storage.blobs.values()], blobs, 'bytes untouched');
    assert.deepEqual(await w.verifiedIds(), [...ids].sort());
  } finally {
    w.close();
  }
});
