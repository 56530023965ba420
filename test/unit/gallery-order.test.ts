/**
 * The gallery order (src/shared/gallery-order.ts) is the same in the whole-catalog build (src/sw/products.ts)
 * and in the first products read from the storage's gallery index: the first page a worker answers before
 * reading every record must be the first page of the whole list.
 */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { compareGalleryKeys, galleryKeyOf } from '../../src/shared/gallery-order';
import type { PhotoMeta, StoredPhoto } from '../../src/shared/types';
import { buildProducts, headProducts } from '../../src/sw/products';
import { photo } from '../helpers/storage-fixtures';

/** Names a locale-aware order and a raw code-unit order would both put elsewhere. */
const NAMES = [
  'kopi susu',
  'Kopi Hitam',
  'Café Latte',
  'cafe',
  'Zebra',
  'apple',
  'Apple',
  'Éclair',
  'eclair',
];

/** Photos of `count` products (some with two photos, some products sharing a name), in a scrambled order. */
function catalog(count: number): StoredPhoto[] {
  const photos: StoredPhoto[] = [];
  for (let i = 0; i < count; i++) {
    const product = {
      product_id: `p${(i * 7) % count}`,
      product_sku: `SKU-${i % 3}`,
      product_name: `${NAMES[i % NAMES.length]}${i % 4 === 0 ? '' : ` ${i % 5}`}`,
    };
    photos.push(photo(`a${i}`, `c${i}`, 10, { ...product, is_primary: true }));
    if (i % 3 === 0) photos.push(photo(`b${i}`, `d${i}`, 10, { ...product, is_primary: false }));
  }
  return photos.reverse();
}

/** The records in the storage's gallery index order (its key, then the primary key). */
function indexOrder(records: readonly StoredPhoto[]): StoredPhoto[] {
  const key = (r: StoredPhoto) =>
    galleryKeyOf({ name: r.product_name, sku: r.product_sku, id: r.product_id });
  return [...records].sort(
    (a, b) => compareGalleryKeys(key(a), key(b)) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
  );
}

/** The records of the first `n` products of `ordered`, as the storage's galleryHead reads them. */
function firstProducts(ordered: readonly StoredPhoto[], n: number): StoredPhoto[] {
  const ids: string[] = [];
  return ordered.filter((r) => {
    if (ids.at(-1) !== r.product_id) ids.push(r.product_id);
    return ids.length <= n;
  });
}

const missing = (m: PhotoMeta & { bytes_missing?: boolean }) => m.bytes_missing === true;

it('sorts products by folded name (case and diacritics aside), then SKU, then id, by code units', () => {
  const named = (id: string, name: string, sku = 'S') =>
    photo(id, `c-${id}`, 10, { product_id: id, product_name: name, product_sku: sku });
  const products = buildProducts(
    [
      named('z', 'Zebra'),
      named('a2', 'apple'),
      named('c1', 'Café'),
      named('c2', 'cafe'),
      named('a1', 'Apple'),
      named('e1', 'éclair', 'B'),
      named('e2', 'Eclair', 'A'),
      named('b', 'banana'),
    ],
    [],
  );
  assert.deepEqual(
    products.map((p) => p.id),
    ['a1', 'a2', 'b', 'c1', 'c2', 'e2', 'e1', 'z'],
  );
});

it('the first products read from the index are the first products of the whole list, pending photos included', () => {
  const records = catalog(60);
  // Some held photos lost their bytes; some photos are listed but not held yet (some of held products).
  const held = records.map((r, i) => (i % 11 === 0 ? { ...r, bytes_missing: true } : r));
  const pending: PhotoMeta[] = [
    photo('new1', 'n1', 10, { product_id: 'fresh', product_sku: 'F', product_name: 'Aardvark' }),
    photo('new2', 'n2', 10, {
      product_id: 'p0',
      product_name: held.find((r) => r.product_id === 'p0')!.product_name,
      product_sku: held.find((r) => r.product_id === 'p0')!.product_sku,
      is_primary: false,
      sort_order: 9,
    }),
    photo('new3', 'n3', 10, { product_id: 'late', product_sku: 'L', product_name: 'zzz' }),
  ];
  const whole = buildProducts(
    held.filter((r) => !missing(r)),
    [...held.filter(missing), ...pending],
  );
  const ordered = indexOrder(held);
  for (const n of [1, 2, 5, 20, 59, 60, 61, 200]) {
    const head = headProducts(firstProducts(ordered, n), missing, pending, n);
    assert.ok(head.products.length >= Math.min(n, whole.length), `at least ${n} products`);
    assert.deepEqual(head.products, whole.slice(0, head.products.length), `first ${n}`);
    assert.equal(
      head.complete,
      n > 60,
      'complete only when the index held fewer products than asked',
    );
    if (head.complete) assert.equal(head.products.length, whole.length);
  }
});
