/**
 * The service worker's product list in pages (src/sw/product-catalog.ts): no answer carries more than a
 * page, searches are answered from the same build, one storage read serves every page asked for until the
 * list changes, and stored photos are marked held without a read.
 */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { MAX_PRODUCT_PAGE, type Product } from '../../src/shared/messages';
import type { PhotoMeta } from '../../src/shared/types';
import { HEAD_PRODUCTS, ProductCatalog } from '../../src/sw/product-catalog';
import { photo } from '../helpers/storage-fixtures';

const product = (i: number, name = `Product ${String(i).padStart(5, '0')}`): Product => ({
  id: `p${i}`,
  sku: `SKU-${i}`,
  name,
  photos: [{ id: `ph${i}`, version: 'abcd1234', held: true, is_primary: true, sort_order: 0 }],
});

/** Product `i` as built from its one listed, not yet held, photo. */
const pendingProduct = (i: number): Product => ({
  ...product(i),
  photos: [{ id: `ph${i}`, version: 'abcd1234', held: false, is_primary: true, sort_order: 0 }],
});

/** The stored record of product `i`'s photo with bytes `checksum`. */
const metaOf = (i: number, checksum: string): PhotoMeta =>
  photo(`ph${i}`, checksum, 10, {
    product_id: `p${i}`,
    product_sku: `SKU-${i}`,
    product_name: `Product ${String(i).padStart(5, '0')}`,
  });

/** A catalog over a mutable list, counting its reads. */
function catalogOver(list: Product[]) {
  const counter = { reads: 0 };
  const catalog = new ProductCatalog({
    load: async () => {
      counter.reads++;
      return [...list];
    },
  });
  return { catalog, counter };
}

it('answers pages in display order with the counts, never more than a page', async () => {
  const list = Array.from({ length: 1000 }, (_, i) => product(i));
  const { catalog, counter } = catalogOver(list);
  const first = await catalog.page({ offset: 0, limit: 60, query: '' });
  assert.deepEqual(
    first.products.map((p) => p.id),
    list.slice(0, 60).map((p) => p.id),
  );
  assert.deepEqual([first.matches, first.total, first.offset], [1000, 1000, 0]);
  const last = await catalog.page({ offset: 960, limit: 60, query: '' });
  assert.deepEqual(
    last.products.map((p) => p.id),
    list.slice(960).map((p) => p.id),
  );
  const huge = await catalog.page({ offset: 0, limit: 100_000, query: '' });
  assert.equal(huge.products.length, MAX_PRODUCT_PAGE, 'a page is capped');
  const bad = await catalog.page({ offset: Number.NaN, limit: -5, query: '' });
  assert.deepEqual([bad.offset, bad.products.length], [0, 0], 'nonsense asks for nothing');
  assert.equal(counter.reads, 1, 'one read serves every page');
});

it('filters by name or SKU ignoring case and diacritics, paging the matches', async () => {
  const list = [
    product(1, 'Café Latte'),
    product(2, 'Kopi Susu'),
    product(3, 'KOPI Hitam'),
    product(4, 'Teh'),
  ];
  const { catalog } = catalogOver(list);
  const kopi = await catalog.page({ offset: 0, limit: 1, query: 'kopi' });
  assert.deepEqual([kopi.matches, kopi.total], [2, 4]);
  assert.deepEqual(
    kopi.products.map((p) => p.name),
    ['Kopi Susu'],
  );
  const second = await catalog.page({ offset: 1, limit: 1, query: 'kopi' });
  assert.deepEqual(
    second.products.map((p) => p.name),
    ['KOPI Hitam'],
  );
  assert.deepEqual(
    (await catalog.page({ offset: 0, limit: 10, query: 'cafe' })).products.map((p) => p.name),
    ['Café Latte'],
  );
  assert.deepEqual(
    (await catalog.page({ offset: 0, limit: 10, query: 'sku-4' })).products.map((p) => p.name),
    ['Teh'],
  );
});

it('reads again after a change, once for all the pages asked meanwhile', async () => {
  const list = [product(1)];
  const { catalog, counter } = catalogOver(list);
  assert.equal((await catalog.page({ offset: 0, limit: 10, query: '' })).total, 1);
  list.push(product(2));
  assert.equal(
    (await catalog.page({ offset: 0, limit: 10, query: '' })).total,
    1,
    'unchanged until told',
  );
  catalog.invalidate();
  const pages = await Promise.all([
    catalog.page({ offset: 0, limit: 1, query: '' }),
    catalog.page({ offset: 1, limit: 1, query: '' }),
  ]);
  assert.deepEqual(
    pages.map((p) => [p.total, p.products[0]?.id]),
    [
      [2, 'p1'],
      [2, 'p2'],
    ],
  );
  assert.equal(counter.reads, 2);
});

it('names the products of given photos, skipping unknown ids; a failed read is tried again', async () => {
  let fail = true;
  const catalog = new ProductCatalog({
    load: async () => {
      if (fail) throw new Error('storage unavailable');
      return [product(1, 'Kopi')];
    },
  });
  await assert.rejects(catalog.names(['ph1']), /storage unavailable/);
  fail = false;
  assert.deepEqual(await catalog.names(['ph1', 'nope']), { ph1: 'Kopi' });
});

it('a stored photo is marked held in the built list in place: no read, pages show it held at its new version', async () => {
  const list = [pendingProduct(1), pendingProduct(2)];
  const { catalog, counter } = catalogOver(list);
  assert.equal(
    (await catalog.page({ offset: 0, limit: 10, query: '' })).products[0]?.photos[0]?.held,
    false,
  );
  catalog.stored(metaOf(1, 'ffff0000cccc'));
  const page = await catalog.page({ offset: 0, limit: 10, query: '' });
  assert.deepEqual(
    page.products.map((p) => [p.id, p.photos[0]?.held, p.photos[0]?.version]),
    [
      ['p1', true, 'ffff0000'],
      ['p2', false, 'abcd1234'],
    ],
  );
  assert.equal(counter.reads, 1, 'the list was not read again');
});

it('a photo stored while the list is read is marked when the read ends (the read may not have seen it)', async () => {
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  let reads = 0;
  const catalog = new ProductCatalog({
    load: async () => {
      reads++;
      await gate;
      return [pendingProduct(1)];
    },
  });
  const first = catalog.page({ offset: 0, limit: 10, query: '' });
  catalog.stored(metaOf(1, 'eeee1111'));
  release();
  await first;
  const page = await catalog.page({ offset: 0, limit: 10, query: '' });
  assert.equal(page.products[0]?.photos[0]?.held, true);
  assert.equal(reads, 1);
});

it('a stored photo the list cannot show in place (not listed, product renamed) makes the next page read again', async () => {
  const list = [pendingProduct(1)];
  const { catalog, counter } = catalogOver(list);
  await catalog.page({ offset: 0, limit: 10, query: '' });
  catalog.stored(metaOf(9, 'eeee1111'));
  list.push(pendingProduct(9));
  assert.equal((await catalog.page({ offset: 0, limit: 10, query: '' })).total, 2);
  assert.equal(counter.reads, 2);
  catalog.stored({ ...metaOf(1, 'eeee1111'), product_name: 'Renamed' });
  await catalog.page({ offset: 0, limit: 10, query: '' });
  assert.equal(counter.reads, 3);
  // Stored before any list was built: the first build reads it anyway.
  const fresh = catalogOver([pendingProduct(1)]);
  fresh.catalog.stored(metaOf(1, 'eeee1111'));
  await fresh.catalog.page({ offset: 0, limit: 10, query: '' });
  assert.equal(fresh.counter.reads, 1);
});

it("a worker's first screen is answered from the head, then the whole list is read once and pages are told", async () => {
  const list = Array.from({ length: 1000 }, (_, i) => product(i));
  const reads = { whole: 0, head: 0 };
  let completed!: () => void;
  const told = new Promise<void>((resolve) => (completed = resolve));
  const catalog = new ProductCatalog({
    load: async () => {
      reads.whole++;
      return [...list];
    },
    head: async (count) => {
      reads.head++;
      return { products: list.slice(0, count + 3), complete: false };
    },
    completed,
  });
  const first = await catalog.page({ offset: 0, limit: 60, query: '' });
  assert.deepEqual(
    first.products.map((p) => p.id),
    list.slice(0, 60).map((p) => p.id),
  );
  assert.equal(first.complete, false, 'the counts are those of the head');
  assert.equal(first.matches, HEAD_PRODUCTS + 3);
  const second = await catalog.page({ offset: 60, limit: 60, query: '' });
  assert.deepEqual([second.complete, reads.head, reads.whole], [false, 1, 0], 'one head read');
  await told;
  assert.equal(reads.whole, 1, 'the whole list read once, after the head');
  const exact = await catalog.page({ offset: 0, limit: 60, query: '' });
  assert.deepEqual([exact.complete, exact.matches, exact.total], [true, 1000, 1000]);
  // Once built, a change re-reads the whole list, not the head (counts never go back to partial).
  catalog.invalidate();
  const again = await catalog.page({ offset: 0, limit: 60, query: '' });
  assert.deepEqual([again.complete, reads.head, reads.whole], [true, 1, 2]);
});

it('a page beyond the head, a search or a failed head read is answered from the whole list; a small catalog is its head', async () => {
  const list = Array.from({ length: 300 }, (_, i) => product(i));
  let failHead = true;
  const catalog = new ProductCatalog({
    load: async () => [...list],
    head: async (count) => {
      if (failHead) throw new Error('index unavailable');
      return { products: list.slice(0, count), complete: false };
    },
  });
  const fallback = await catalog.page({ offset: 0, limit: 60, query: '' });
  assert.deepEqual([fallback.complete, fallback.total], [true, 300], 'a failed head read');
  const small = new ProductCatalog({
    load: async () => assert.fail('a complete head needs no whole read'),
    head: async () => ({ products: list.slice(0, 5), complete: true }),
  });
  const page = await small.page({ offset: 0, limit: 60, query: '' });
  assert.deepEqual([page.complete, page.matches, page.products.length], [true, 5, 5]);
  failHead = false;
  const fresh = () =>
    new ProductCatalog({
      load: async () => [...list],
      head: async (count) => ({ products: list.slice(0, count), complete: false }),
    });
  const beyond = await fresh().page({ offset: HEAD_PRODUCTS, limit: 60, query: '' });
  assert.deepEqual([beyond.complete, beyond.total], [true, 300]);
  const search = await fresh().page({ offset: 0, limit: 60, query: 'Product 00029' });
  assert.deepEqual([search.complete, search.matches], [true, 1]);
});

it('waits longer between "products changed" notices after a slow build, so re-reading takes a bounded share', async () => {
  let clock = 0;
  let buildMs = 50;
  const catalog = new ProductCatalog(
    {
      load: async () => {
        clock += buildMs; // the read and grouping of every record
        return [product(1)];
      },
    },
    () => clock,
  );
  assert.equal(catalog.noticeDelay(2000), 2000, 'before any build');
  await catalog.page({ offset: 0, limit: 10, query: '' });
  assert.equal(catalog.noticeDelay(2000), 2000, 'a 50 ms build keeps the 2 s floor');
  buildMs = 700; // a catalog of tens of thousands of rows
  catalog.invalidate();
  await catalog.page({ offset: 0, limit: 10, query: '' });
  assert.equal(catalog.noticeDelay(2000), 7000);
});
