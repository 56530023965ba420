/**
 * The gallery's product list, asked for page by page from the service worker: only the pages the grid
 * shows are loaded (the first screen never waits for the whole catalog), a search asks the worker for
 * the matching pages, and a "products changed" notice re-reads only the pages on screen.
 */
import { signal } from '@preact/signals';
import {
  FIRST_SCREEN_DATA_ID,
  type FirstScreenData,
  type Product,
  type ProductPage,
} from '../shared/messages';
import { send } from './bridge';
import { guarded } from './state';

/** Products per page asked for: a few screens of tiles. */
export const PRODUCT_PAGE_SIZE = 60;

/** What the gallery shows: the query, how many products match (null until answered) and the loaded pages. */
export interface ProductView {
  query: string;
  matches: number | null;
  total: number;
  /** False while the counts are those of the first products only (the worker is still reading the rest). */
  complete: boolean;
  /** Loaded pages by page number, each with the generation it was read in. */
  pages: ReadonlyMap<number, { generation: number; products: Product[] }>;
}

/**
 * The first screen the worker's navigation answer carried (src/sw/shell-preload.ts), as the pages of the
 * generation before the first read: shown at once, replaced by the answers to the pages the grid asks for.
 * Only the shape is checked: it is what the worker would answer for the first page.
 */
function firstScreenView(): ProductView {
  const view: ProductView = {
    query: '',
    matches: null,
    total: 0,
    complete: true,
    pages: new Map(),
  };
  let data: Partial<FirstScreenData> | null = null;
  try {
    data = JSON.parse(document.getElementById(FIRST_SCREEN_DATA_ID)?.textContent ?? 'null');
  } catch {
    return view;
  }
  const products = data?.products;
  if (!Array.isArray(products) || products.length === 0 || typeof data?.complete !== 'boolean')
    return view;
  const pages = new Map<number, { generation: number; products: Product[] }>();
  for (let offset = 0; offset < products.length; offset += PRODUCT_PAGE_SIZE)
    pages.set(offset / PRODUCT_PAGE_SIZE, {
      generation: -1,
      products: products.slice(offset, offset + PRODUCT_PAGE_SIZE),
    });
  return {
    ...view,
    matches: products.length,
    total: products.length,
    complete: data.complete,
    pages,
  };
}

/** The gallery's products. */
export const productView = signal<ProductView>(firstScreenView());

/** Bumped by a new query or a change notice: a page of an older generation is asked for again when shown. */
let generation = 0;
/** Bumped by a new query only: answers to an older query are dropped (older reads of this one are kept until replaced, so a slow worker still fills the screen). */
let queryVersion = 0;
/** Pages asked for in this generation. */
const asked = new Set<number>();
/** The tiles the grid shows, [first, end). */
let shown = { first: 0, end: PRODUCT_PAGE_SIZE };

const pagesOf = (first: number, end: number): number[] => {
  const pages: number[] = [];
  const last = Math.max(first, end - 1);
  for (let p = Math.floor(first / PRODUCT_PAGE_SIZE); p <= last / PRODUCT_PAGE_SIZE; p++)
    pages.push(p);
  return pages;
};

function received(page: number, gen: number, version: number, reply: ProductPage): void {
  if (version !== queryVersion) return;
  const view = productView.value;
  if ((view.pages.get(page)?.generation ?? -1) > gen) return;
  const onScreen = new Set(pagesOf(shown.first, shown.end));
  // Pages of an older read stay while on screen (until their own fresh answer), so nothing flickers.
  const pages = new Map(
    [...view.pages].filter(([p, v]) => v.generation === generation || onScreen.has(p)),
  );
  pages.set(page, { generation: gen, products: reply.products });
  productView.value = {
    ...view,
    matches: reply.matches,
    total: reply.total,
    complete: reply.complete,
    pages,
  };
}

function load(page: number): void {
  if (asked.has(page)) return;
  asked.add(page);
  const gen = generation;
  const version = queryVersion;
  const { query } = productView.value;
  void guarded(() =>
    send({
      type: 'get-products',
      page: { offset: page * PRODUCT_PAGE_SIZE, limit: PRODUCT_PAGE_SIZE, query },
    }),
  ).then((reply) => {
    if (reply !== undefined) received(page, gen, version, reply);
    // A failed page is asked for again the next time the grid moves.
    else if (gen === generation) asked.delete(page);
  });
}

/**
 * Tiles beyond the grid's window, on either side, whose pages are asked for too: rows scrolling in then find
 * their products loaded and are built once, not as empty tiles first and again when the page arrives.
 */
const AHEAD = PRODUCT_PAGE_SIZE / 2;

/** The grid shows tiles [first, end): loads the pages it needs (and those just beyond) not loaded or asked for yet. */
export function showProducts(first: number, end: number): void {
  shown = { first, end };
  const { pages, matches } = productView.value;
  // No page past the last product (unknown until the first answer: then none beyond the window).
  const last = Math.max(end, Math.min(end + AHEAD, matches ?? end));
  for (const p of pagesOf(Math.max(0, first - AHEAD), last))
    if (pages.get(p)?.generation !== generation) load(p);
}

/** Re-reads the pages on screen (the worker said the products changed). */
export function refreshProducts(): void {
  generation++;
  asked.clear();
  showProducts(shown.first, shown.end);
}

/** Shows the products matching `query` from the top. */
export function searchProducts(query: string): void {
  generation++;
  queryVersion++;
  asked.clear();
  productView.value = { ...productView.value, query, matches: null, pages: new Map() };
  showProducts(0, PRODUCT_PAGE_SIZE);
}

/** The product at `index` of the current query, when its page is loaded. */
export function productAt(view: ProductView, index: number): Product | undefined {
  return view.pages.get(Math.floor(index / PRODUCT_PAGE_SIZE))?.products[index % PRODUCT_PAGE_SIZE];
}

/** A loaded product by id (the open dialog follows refreshes). */
export function loadedProduct(view: ProductView, id: string): Product | undefined {
  for (const { products } of view.pages.values()) {
    const found = products.find((p) => p.id === id);
    if (found !== undefined) return found;
  }
  return undefined;
}
