/**
 * The gallery's product order, the same everywhere it is computed: the storage's IndexedDB index (which
 * compares keys by UTF-16 code units, not by locale) answers the first page from it, and the service
 * worker's whole-catalog build sorts by it, so the first page read from the index and the full list agree.
 * Products sort by their folded name (lower case, no diacritics: "Café" next to "cafe", "apple" next to
 * "Apple"), then SKU, then product id, each compared by code units.
 */
import { foldText } from './product-search';

/** The name a product sorts by: stored on each photo record by storage, for its gallery index. */
export function galleryName(productName: string): string {
  return foldText(productName);
}

/** A product's position in the gallery: [gallery name, SKU, product id], compared by code units. */
export type GalleryKey = readonly [name: string, sku: string, productId: string];

/** The gallery key of a product. */
export function galleryKeyOf(p: { name: string; sku: string; id: string }): GalleryKey {
  return [galleryName(p.name), p.sku, p.id];
}

const byCodeUnits = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Compares two gallery keys as IndexedDB compares the same array keys. */
export function compareGalleryKeys(a: GalleryKey, b: GalleryKey): number {
  return byCodeUnits(a[0], b[0]) || byCodeUnits(a[1], b[1]) || byCodeUnits(a[2], b[2]);
}
