/**
 * The first screen kept in Cache Storage (src/sw/first-screen.ts): a save is read back by the next worker
 * (products and the verified photo bytes), any storage write waits until the copy is deleted, a write
 * announced during a save leaves nothing, the copy is saved again by itself once writes go quiet (one save
 * after a burst), and workers of other database versions' copies are deleted.
 */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { Product } from '../../src/shared/messages';
import {
  type CacheLike,
  type CachesLike,
  dropOtherFirstScreens,
  FIRST_SCREEN_CACHE,
  FIRST_SCREEN_PHOTOS,
  FIRST_SCREEN_QUIET_MS,
  FirstScreen,
  type FirstScreenSource,
  type QuietTimers,
  guardWrites,
} from '../../src/sw/first-screen';
import type { ReadPhoto } from '../../src/sw/photo-route';
import { photo } from '../helpers/storage-fixtures';
import { turnsUntil } from './fakes/turns';

const SCOPE = new URL('https://pos.example/app/');

/** Cache Storage in memory; every answer is a copy, as the browser's are. */
class MemoryCaches implements CachesLike {
  readonly stores = new Map<string, Map<string, Response>>();
  deletes = 0;

  async open(name: string): Promise<CacheLike> {
    let store = this.stores.get(name);
    if (store === undefined) {
      store = new Map();
      this.stores.set(name, store);
    }
    const entries = store;
    return {
      match: async (key) => entries.get(key)?.clone(),
      put: async (key, res) => void entries.set(key, res),
    };
  }

  async delete(name: string): Promise<boolean> {
    this.deletes++;
    return this.stores.delete(name);
  }

  async keys(): Promise<string[]> {
    return [...this.stores.keys()];
  }
}

const product = (i: number, held = true): Product => ({
  id: `p${i}`,
  sku: `SKU-${i}`,
  name: `Product ${i}`,
  photos: [{ id: `ph${i}`, version: 'abcd1234', held, is_primary: true, sort_order: 0 }],
});

/** Bytes of photo `id` as storage would hand them over. */
const bytesOf = (id: string): string => `verified bytes of ${id}`;

/** A photo read over the held photos `ids`, counting its calls. */
function reader(ids: Set<string>) {
  const calls = { count: 0 };
  const read: ReadPhoto = async (id) => {
    calls.count++;
    if (!ids.has(id)) return undefined;
    return {
      record: photo(id, `c-${id}`, bytesOf(id).length),
      blob: new Blob([bytesOf(id)], { type: 'image/jpeg' }),
    };
  };
  return { read, calls };
}

it('is read back by the next worker: the first products and the held primary photos as the photo route serves them', async () => {
  const caches = new MemoryCaches();
  const products = [product(1), product(2, false), product(3)];
  await new FirstScreen(caches, SCOPE).save(products, true, reader(new Set(['ph1', 'ph3'])).read);

  const next = new FirstScreen(caches, SCOPE);
  assert.deepEqual(await next.head(120), { products, complete: true });
  assert.equal(await next.holds(), true);
  const res = await next.photo('ph1');
  assert.equal(await res?.text(), bytesOf('ph1'));
  assert.equal(res?.headers.get('Content-Type'), 'image/jpeg');
  assert.equal(res?.headers.get('X-Content-Type-Options'), 'nosniff');
  // A photo listed but not held is never saved (its placeholder is the photo route's to answer).
  assert.equal(await next.photo('ph2'), null);
  assert.equal(await next.photo('elsewhere'), null);
});

it('keeps the photos of the first products only, and answers a head only when it holds as many products', async () => {
  const caches = new MemoryCaches();
  const products = Array.from({ length: FIRST_SCREEN_PHOTOS + 10 }, (_, i) => product(i));
  const { read, calls } = reader(new Set(products.map((p) => `ph${p.id.slice(1)}`)));
  await new FirstScreen(caches, SCOPE).save(products, false, read);
  assert.equal(calls.count, FIRST_SCREEN_PHOTOS);

  const next = new FirstScreen(caches, SCOPE);
  assert.notEqual(await next.photo(`ph${FIRST_SCREEN_PHOTOS - 1}`), null);
  assert.equal(await next.photo(`ph${FIRST_SCREEN_PHOTOS}`), null);
  assert.equal((await next.head(products.length))?.complete, false);
  // Not the whole catalog and fewer products than asked for: the head is storage's to read.
  assert.equal(await next.head(products.length + 1), null);
});

it('a storage write waits until the copy is deleted, and nothing saved is answered after it', async () => {
  const caches = new MemoryCaches();
  await new FirstScreen(caches, SCOPE).save([product(1)], true, reader(new Set(['ph1'])).read);

  const screen = new FirstScreen(caches, SCOPE);
  const order: string[] = [];
  const storage = guardWrites(
    {
      deleteRecords: async (ids: string[]) => {
        order.push(`write ${ids.join()} (cache ${caches.stores.has(FIRST_SCREEN_CACHE)})`);
      },
      getRecord: async (id: string) => {
        order.push(`read ${id}`);
      },
    },
    screen,
  );
  await storage.getRecord('ph1');
  await storage.deleteRecords(['ph1']);
  assert.deepEqual(order, ['read ph1', 'write ph1 (cache false)']);
  assert.equal(await screen.head(1), null);
  assert.equal(await screen.photo('ph1'), null);
  assert.equal(await screen.holds(), false);
  // The next worker finds nothing either.
  assert.equal(await new FirstScreen(caches, SCOPE).head(1), null);
});

it('calls made while the delete is pending wait for it, in the order they were made; later ones wait for none', async () => {
  const caches = new MemoryCaches();
  await new FirstScreen(caches, SCOPE).save([product(1)], true, reader(new Set(['ph1'])).read);
  const screen = new FirstScreen(caches, SCOPE);
  const order: string[] = [];
  const storage = guardWrites(
    {
      deleteRecords: async (ids: string[]) => void order.push(`delete ${ids.join()}`),
      listRecords: async () => void order.push('list'),
    },
    screen,
  );
  await Promise.all([
    storage.deleteRecords(['a']),
    storage.listRecords(),
    storage.deleteRecords(['b']),
  ]);
  await storage.deleteRecords(['c']);
  assert.deepEqual(order, ['delete a', 'list', 'delete b', 'delete c']);
  assert.equal(caches.deletes, 2); // the save's own clean start, then the writes' one delete
});

it('a write that changes no product or held photo (engine bookkeeping, reports) leaves the copy', async () => {
  const caches = new MemoryCaches();
  await new FirstScreen(caches, SCOPE).save([product(1)], true, reader(new Set(['ph1'])).read);
  const screen = new FirstScreen(caches, SCOPE);
  const storage = guardWrites(
    {
      putState: async (_name: string, _value: unknown) => undefined,
      appendOutbox: async (_item: unknown) => undefined,
    },
    screen,
  );
  await storage.putState('engine', {});
  await storage.appendOutbox({});
  assert.notEqual(await screen.photo('ph1'), null);
  // The run checkpoint lists the photos to download: shown as pending products.
  await storage.putState('checkpoint', {});
  assert.equal(await screen.photo('ph1'), null);
});

it('a write announced while a save reads its photos leaves no copy', async () => {
  const caches = new MemoryCaches();
  const screen = new FirstScreen(caches, SCOPE);
  const held = reader(new Set(['ph1', 'ph2']));
  let writing: Promise<void> | undefined;
  const read: ReadPhoto = async (id) => {
    // The engine writes while the first photo is being read.
    writing ??= screen.beforeWrite();
    return held.read(id);
  };
  await screen.save([product(1), product(2)], true, read);
  await writing;
  assert.equal(caches.stores.has(FIRST_SCREEN_CACHE), false);
  assert.equal(await new FirstScreen(caches, SCOPE).head(1), null);
});

it('a photo read that found the bytes gone (null: it flagged them) drops the copy', async () => {
  const caches = new MemoryCaches();
  await new FirstScreen(caches, SCOPE).save([product(1)], true, reader(new Set(['ph1'])).read);
  const screen = new FirstScreen(caches, SCOPE);
  const storage = guardWrites({ readPhoto: async (_id: string) => null }, screen);
  assert.equal(await storage.readPhoto('ph1'), null);
  assert.equal(await screen.photo('ph1'), null);
  // Its delete is not waited for by the read; once done, the next worker finds nothing either.
  await screen.pending();
  assert.equal(await new FirstScreen(caches, SCOPE).photo('ph1'), null);
});

it('a read of a photo not held (a placeholder) keeps the copy: it wrote nothing', async () => {
  const caches = new MemoryCaches();
  await new FirstScreen(caches, SCOPE).save([product(1)], true, reader(new Set(['ph1'])).read);
  const screen = new FirstScreen(caches, SCOPE);
  const storage = guardWrites({ readPhoto: async (_id: string) => undefined }, screen);
  // The gallery asks for its pending photos on every render: each such read dropped the copy.
  assert.equal(await storage.readPhoto('ph2'), undefined);
  await screen.pending();
  assert.notEqual(await screen.photo('ph1'), null);
  assert.notEqual(await new FirstScreen(caches, SCOPE).head(1), null);
});

it('a head that is no saved first screen is not used', async () => {
  const caches = new MemoryCaches();
  const cache = await caches.open(FIRST_SCREEN_CACHE);
  await cache.put(
    new URL('__first-screen/head.json', SCOPE).href,
    new Response(JSON.stringify({ products: 'not a list', complete: true, photos: [] })),
  );
  assert.equal(await new FirstScreen(caches, SCOPE).head(1), null);
});

it("deletes other database versions' first screens and nothing else", async () => {
  const caches = new MemoryCaches();
  for (const name of ['pps-first-screen-db4', FIRST_SCREEN_CACHE, 'workbox-precache-v2'])
    await caches.open(name);
  await dropOtherFirstScreens(caches);
  assert.deepEqual(await caches.keys(), [FIRST_SCREEN_CACHE, 'workbox-precache-v2']);
});

it('hands the shell the saved products and the saved photos of the first ones to preload, and nothing once a write was announced', async () => {
  const caches = new MemoryCaches();
  const odd = { ...product(4), photos: [{ ...product(4).photos[0]!, id: 'ph 4&"' }] };
  const products = [product(1), product(2, false), product(3), odd, product(5)];
  await new FirstScreen(caches, SCOPE).save(
    products,
    true,
    reader(new Set(['ph1', 'ph3', 'ph 4&"', 'ph5'])).read,
  );

  const next = new FirstScreen(caches, SCOPE);
  // Held and saved photos only, at the URLs the gallery asks for (the held photo's, ids encoded).
  assert.deepEqual(await next.shell(4), {
    head: { products, complete: true },
    photos: ['photos/ph1?v=abcd1234', 'photos/ph3?v=abcd1234', 'photos/ph%204%26%22?v=abcd1234'],
  });
  await next.beforeWrite();
  assert.equal(await next.shell(4), null);
});

/**
 * `QuietTimers` moved by hand: timers run, each at its own time, when `advance` passes it, never by themselves.
 * `armed` counts every timer ever armed.
 */
function manualClock() {
  let now = 0;
  let armed = 0;
  const timers = new Set<{ at: number; fn: () => void }>();
  const quiet: QuietTimers = {
    after: (fn, ms) => {
      armed++;
      timers.add({ at: now + ms, fn });
    },
    now: () => now,
  };
  const advance = (ms: number): void => {
    const end = now + ms;
    for (;;) {
      const due = [...timers].filter((t) => t.at <= end).sort((a, b) => a.at - b.at)[0];
      if (due === undefined) break;
      timers.delete(due);
      now = due.at;
      due.fn();
    }
    now = end;
  };
  return { quiet, advance, pending: () => timers.size, armed: () => armed };
}

/** A source answering `answers` in turn (the last one from then on), counting its calls. */
function sourceOf(...answers: Awaited<ReturnType<FirstScreenSource>>[]) {
  const calls = { count: 0 };
  const source: FirstScreenSource = async () =>
    answers[Math.min(calls.count++, answers.length - 1)] ?? null;
  return { source, calls };
}

/**
 * A worker that read a saved copy (of product 1) and saves product 2 once writes go quiet, on a hand-moved clock;
 * `calls` counts the source's answers.
 */
async function quietAfterCopy() {
  const caches = new MemoryCaches();
  await new FirstScreen(caches, SCOPE).save([product(1)], true, reader(new Set(['ph1'])).read);
  const clock = manualClock();
  const screen = new FirstScreen(caches, SCOPE, clock.quiet);
  const { source, calls } = sourceOf({
    products: [product(2)],
    complete: true,
    read: reader(new Set(['ph2'])).read,
  });
  screen.saveWhenQuiet(source);
  assert.equal(await screen.holds(), true);
  return { caches, clock, screen, calls };
}

it('saves the copy again by itself once writes go quiet: a burst of writes gives one save after it', async () => {
  const { caches, clock, screen, calls } = await quietAfterCopy();
  assert.equal(clock.pending(), 0, 'a worker that read a copy saves nothing');

  // The engine writes three times, each less than the quiet period after the one before; nobody calls save.
  const storage = guardWrites({ putMeta: async (_n: number) => undefined }, screen);
  for (let i = 0; i < 3; i++) {
    await storage.putMeta(i);
    clock.advance(FIRST_SCREEN_QUIET_MS - 1);
  }
  assert.equal(calls.count, 0, 'no save between the writes');
  assert.equal(await screen.holds(), false);
  clock.advance(1);
  assert.ok(await turnsUntil(() => screen.holds()));
  assert.equal(calls.count, 1, 'one save after the burst');
  assert.equal(clock.pending(), 0);
  assert.deepEqual((await new FirstScreen(caches, SCOPE).head(1))?.products, [product(2)]);
});

it('a burst of writes arms one timer per quiet period, not one per write, and saves once, the quiet period after the last', async () => {
  const { clock, screen, calls } = await quietAfterCopy();

  // A sync storing photos: a write every 10 ms for several quiet periods, and some at the same instant.
  const storage = guardWrites({ putVerified: async (_n: number) => undefined }, screen);
  const writes = 3 * (FIRST_SCREEN_QUIET_MS / 10);
  for (let i = 0; i < writes; i++) {
    await storage.putVerified(i);
    await storage.putVerified(i);
    clock.advance(10);
  }
  // The first timer, then one re-arm each time it fired with writes since: at most one pending at a time.
  assert.ok(clock.armed() <= 4, `${clock.armed()} timers for ${2 * writes} writes`);
  assert.equal(clock.pending(), 1);
  assert.equal(calls.count, 0, 'no save between the writes');
  clock.advance(FIRST_SCREEN_QUIET_MS - 10 - 1);
  assert.ok(await turnsUntil(() => screen.pending() === null));
  assert.equal(calls.count, 0, 'nothing before the quiet period after the last write ends');
  clock.advance(1);
  assert.ok(await turnsUntil(() => screen.holds()));
  assert.equal(calls.count, 1, 'one save after the burst');
  assert.equal(clock.pending(), 0);
});

it("asks again after another quiet period while the source answers 'later', and saves nothing on null", async () => {
  const caches = new MemoryCaches();
  const clock = manualClock();
  const screen = new FirstScreen(caches, SCOPE, clock.quiet);
  const content = { products: [product(1)], complete: true, read: reader(new Set(['ph1'])).read };
  const { source, calls } = sourceOf('later', content);
  // No copy at the start: one is saved once storage is quiet, without any write.
  screen.saveWhenQuiet(source);
  assert.ok(await turnsUntil(() => clock.pending() === 1));
  clock.advance(FIRST_SCREEN_QUIET_MS);
  assert.ok(await turnsUntil(() => clock.pending() === 1));
  assert.equal(calls.count, 1);
  assert.equal(await screen.holds(), false, "'later' saved nothing");
  clock.advance(FIRST_SCREEN_QUIET_MS);
  assert.ok(await turnsUntil(() => screen.holds()));
  assert.equal(calls.count, 2);

  const nobody = sourceOf(null);
  screen.saveWhenQuiet(nobody.source);
  await screen.beforeWrite();
  clock.advance(FIRST_SCREEN_QUIET_MS);
  assert.ok(await turnsUntil(() => nobody.calls.count === 1));
  await screen.pending();
  assert.equal(clock.pending(), 0, 'null asks for nothing more');
  assert.equal(await new FirstScreen(caches, SCOPE).head(1), null);
});

it('a write announced while the source reads keeps what it answered from being saved; the save comes after that write', async () => {
  const caches = new MemoryCaches();
  const clock = manualClock();
  const screen = new FirstScreen(caches, SCOPE, clock.quiet);
  const content = { products: [product(1)], complete: true, read: reader(new Set(['ph1'])).read };
  let calls = 0;
  screen.saveWhenQuiet(async () => {
    // The first answer was read before a write that may have changed it.
    if (calls++ === 0) await screen.beforeWrite();
    return content;
  });
  assert.ok(await turnsUntil(() => clock.pending() === 1));
  clock.advance(FIRST_SCREEN_QUIET_MS);
  assert.ok(await turnsUntil(() => calls === 1 && clock.pending() === 1));
  assert.equal(await screen.holds(), false);
  clock.advance(FIRST_SCREEN_QUIET_MS);
  assert.ok(await turnsUntil(() => screen.holds()));
  assert.equal(calls, 2);
});
