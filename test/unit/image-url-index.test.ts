/**
 * The service worker's index of held `image_url`s (src/sw/embedding.ts): which requests the terminal
 * answers from local storage. A photo stored a moment ago must be answered locally at once, not sent to
 * an HO that may already be unreachable (an e2e page loaded right after a sync once got a network error).
 */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { StoredPhoto } from '../../src/shared/types';
import { HeldPhotosCache, ImageUrlIndex, NON_IMAGE_READ_DELAY_MS } from '../../src/sw/embedding';
import { photo } from '../helpers/storage-fixtures';

const HO = 'https://ho.example';

/** An index over a mutable list of held photos, counting its reads. */
function indexOver(held: StoredPhoto[]) {
  const counter = { reads: 0 };
  const index = new ImageUrlIndex(async () => {
    counter.reads++;
    return { held: [...held], serverUrl: HO };
  });
  return { index, counter };
}

it('a photo stored after the index was read is claimed and found once the index is invalidated', async () => {
  const held = [photo('a', 'c1', 1, { image_url: '/img/a.jpg' })];
  const { index } = indexOver(held);
  assert.equal(await index.photoIdFor(`${HO}/img/a.jpg`), 'a', 'a relative image_url resolves');
  assert.equal(
    index.claims(`${HO}/img/b.jpg`, 'image'),
    false,
    'a current index claims only its URLs',
  );

  held.push(photo('b', 'c2', 1, { image_url: `${HO}/img/b.jpg` }));
  index.invalidate();
  assert.equal(index.claims(`${HO}/img/b.jpg`, 'image'), true, 'stale: any image is claimed');
  assert.equal(await index.photoIdFor(`${HO}/img/b.jpg`), 'b');
  assert.equal(index.claims(`${HO}/img/b.jpg`, ''), true, 'current again, with the new photo');
  assert.equal(index.claims(`${HO}/elsewhere.png`, 'image'), false);
  assert.equal(await index.photoIdFor(`${HO}/elsewhere.png`), undefined);
});

it('a stale index is read once per change, however many lookups wait; non-images stay the network’s', async () => {
  const { index, counter } = indexOver([photo('a', 'c1', 1, { image_url: `${HO}/a` })]);
  assert.equal(
    index.claims(`${HO}/page`, 'document'),
    false,
    'not loaded: only images are claimed',
  );
  await Promise.all([index.photoIdFor(`${HO}/a`), index.photoIdFor(`${HO}/a`)]);
  const afterFirst = counter.reads;
  assert.equal(afterFirst, 1);
  await index.photoIdFor(`${HO}/a`);
  assert.equal(counter.reads, 1, 'a current index is not read again');
  index.invalidate();
  index.invalidate();
  await Promise.all([index.photoIdFor(`${HO}/a`), index.photoIdFor(`${HO}/x`)]);
  assert.equal(counter.reads, 2);
});

it('a read that fails is tried again by the next lookup', async () => {
  let fail = true;
  const index = new ImageUrlIndex(async () => {
    if (fail) throw new Error('storage closed');
    return { held: [photo('a', 'c1', 1, { image_url: `${HO}/a` })], serverUrl: HO };
  });
  await assert.rejects(index.photoIdFor(`${HO}/a`), /storage closed/);
  fail = false;
  assert.equal(await index.photoIdFor(`${HO}/a`), 'a');
});

it('a read finished after a newer change does not make the index current', async () => {
  const held = [photo('a', 'c1', 1, { image_url: `${HO}/a` })];
  let release: () => void = () => undefined;
  let slow = true;
  const index = new ImageUrlIndex(async () => {
    const snapshot = [...held];
    if (slow) await new Promise<void>((r) => (release = r));
    return { held: snapshot, serverUrl: HO };
  });
  const first = index.photoIdFor(`${HO}/b`);
  held.push(photo('b', 'c2', 1, { image_url: `${HO}/b` }));
  index.invalidate();
  slow = false;
  release();
  assert.equal(await first, undefined, 'the old read did not see b');
  assert.equal(index.claims(`${HO}/b`, 'image'), true, 'still stale, so b is claimed');
  assert.equal(await index.photoIdFor(`${HO}/b`), 'b');
});

it('the held photos are read once per change however many embedding requests ask, and again after a failed read', async () => {
  const held = [photo('a', 'c1', 1)];
  let reads = 0;
  let fail = false;
  const cache = new HeldPhotosCache(async () => {
    reads++;
    if (fail) throw new Error('storage read failed');
    return { held: [...held], serverUrl: HO };
  });
  const answers = await Promise.all(Array.from({ length: 50 }, () => cache.get()));
  assert.equal(reads, 1, 'fifty product photos of one page: one read');
  assert.deepEqual(
    answers[49]!.held.map((p) => p.id),
    ['a'],
  );
  await cache.get();
  assert.equal(reads, 1, 'nothing changed: no read');
  held.push(photo('b', 'c2', 1));
  cache.invalidate();
  assert.deepEqual(
    (await cache.get()).held.map((p) => p.id),
    ['a', 'b'],
    'a change is seen',
  );
  assert.equal(reads, 2);
  fail = true;
  cache.invalidate();
  await assert.rejects(cache.get(), /storage read failed/);
  fail = false;
  assert.equal((await cache.get()).held.length, 2, 'a failed read is not kept');
  assert.equal(reads, 4);
});

it('a request that is no image (a page config.json as the worker starts) reads the held photos only later', async (t) => {
  t.mock.timers.enable({ apis: ['setTimeout'] });
  const { index, counter } = indexOver([photo('a', 'c1', 1, { image_url: `${HO}/a` })]);
  assert.equal(index.claims(`${HO}/config.json`, ''), false);
  assert.equal(index.claims(`${HO}/a`, ''), false, 'not read yet: the network');
  await Promise.resolve();
  assert.equal(counter.reads, 0, 'no read at once');
  t.mock.timers.tick(NON_IMAGE_READ_DELAY_MS);
  assert.equal(counter.reads, 1, 'one read later, however many such requests came');
  await index.photoIdFor(`${HO}/a`);
  assert.equal(index.claims(`${HO}/a`, ''), true, 'then decided by the read');
  // An image request still starts the read at once, and is claimed meanwhile.
  index.invalidate();
  assert.equal(index.claims(`${HO}/b`, 'image'), true);
  assert.equal(counter.reads, 2);
});
