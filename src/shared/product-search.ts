/**
 * Product search by name or SKU, ignoring case and diacritics ("kopi" finds "KOPI", "cafe" finds "Café"):
 * the service worker answers each gallery page of a query with it.
 */
import type { Product } from './messages';

/** Lower case without diacritics, so "Café" and "cafe" compare equal. */
export function foldText(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{Diacritic}/gu, '')
    .toLowerCase();
}

/** A product list prepared for repeated searches: the folded "name sku" of each product, computed once. */
export interface SearchIndex {
  products: readonly Product[];
  keys: readonly string[];
}

/** Folds every product's name and SKU once, so each keystroke only scans strings. */
export function buildSearchIndex(products: readonly Product[]): SearchIndex {
  return { products, keys: products.map((p) => `${foldText(p.name)}\u0000${foldText(p.sku)}`) };
}

/** Products whose name or SKU contains every word of `query`; all of them for a blank query. */
export function searchProducts(index: SearchIndex, query: string): readonly Product[] {
  const words = foldText(query)
    .split(/\s+/)
    .filter((w) => w !== '');
  if (words.length === 0) return index.products;
  return index.products.filter((_, i) => {
    const key = index.keys[i] as string;
    return words.every((w) => key.includes(w));
  });
}
