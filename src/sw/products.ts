/** The product list the UI shows, built from held photos plus photos listed but not verified yet. */
import type { Product, ProductPhoto } from '../shared/messages';
import { compareGalleryKeys, type GalleryKey, galleryKeyOf } from '../shared/gallery-order';
import type { PhotoMeta } from '../shared/types';

/** `localeCompare` with the same default locale, without its per-call set-up (a product's photos are few). */
const collator = new Intl.Collator();

/** Order of a product's photos everywhere the SW shows them: primary first, then `sort_order`, then id. */
export function byDisplayOrder(
  a: Pick<ProductPhoto, 'id' | 'is_primary' | 'sort_order'>,
  b: Pick<ProductPhoto, 'id' | 'is_primary' | 'sort_order'>,
): number {
  return (
    Number(b.is_primary) - Number(a.is_primary) ||
    a.sort_order - b.sort_order ||
    collator.compare(a.id, b.id)
  );
}

/** The version a page puts in a photo's URL: changes with its bytes, so a browser never shows old bytes. */
export function photoVersion(meta: Pick<PhotoMeta, 'checksum'>): string {
  return meta.checksum.slice(0, 8);
}

/**
 * Groups photos by product (primary first, then `sort_order`), products in gallery order (src/shared/gallery-order.ts:
 * the order of the storage's gallery index). A photo both held and pending counts as held: the SW serves the previous
 * good version until the new one is verified.
 */
export function buildProducts(
  held: readonly PhotoMeta[],
  pending: readonly PhotoMeta[],
): Product[] {
  const products = new Map<string, Product>();
  const seen = new Set<string>();
  const add = (meta: PhotoMeta, isHeld: boolean): void => {
    if (seen.has(meta.id)) return;
    seen.add(meta.id);
    let product = products.get(meta.product_id);
    if (product === undefined) {
      product = { id: meta.product_id, sku: meta.product_sku, name: meta.product_name, photos: [] };
      products.set(meta.product_id, product);
    }
    product.photos.push({
      id: meta.id,
      version: photoVersion(meta),
      held: isHeld,
      is_primary: meta.is_primary,
      sort_order: meta.sort_order,
    });
  };
  for (const m of held) add(m, true);
  for (const m of pending) add(m, false);
  const keyed: { key: GalleryKey; product: Product }[] = [];
  for (const product of products.values()) {
    product.photos.sort(byDisplayOrder);
    keyed.push({ key: galleryKeyOf(product), product });
  }
  return keyed.sort((a, b) => compareGalleryKeys(a.key, b.key)).map((k) => k.product);
}

/**
 * The first products of the gallery from `head`, the records of its first `count` products in gallery order
 * (the storage's gallery index), and every pending photo: the products up to the last one of `head`, which
 * are exactly the first products of the whole list (every product sorting before it is in `head` or pending),
 * and whether that is the whole list (`head` held fewer products than asked for).
 */
export function headProducts<M extends PhotoMeta>(
  head: readonly M[],
  missing: (meta: M) => boolean,
  pending: readonly PhotoMeta[],
  count: number,
): { products: Product[]; complete: boolean } {
  const products = buildProducts(
    head.filter((m) => !missing(m)),
    [...head.filter(missing), ...pending],
  );
  const last = head.at(-1);
  const complete = new Set(head.map((m) => m.product_id)).size < count;
  if (complete || last === undefined) return { products, complete: true };
  const end = galleryKeyOf({ name: last.product_name, sku: last.product_sku, id: last.product_id });
  return {
    products: products.filter((p) => compareGalleryKeys(galleryKeyOf(p), end) <= 0),
    complete: false,
  };
}
