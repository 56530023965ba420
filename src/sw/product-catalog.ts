/**
 * The product list as pages: built once from storage (one read shared by every page asking meanwhile),
 * answered page by page (a query filtered in the worker), so no message ever carries the whole catalog
 * and a page's second screen costs no storage read. Marked stale when pages are told "products changed"
 * (at most every 2 s while syncing, less often for a costly catalog): the next page asked for rebuilds it, so pages re-read only the pages
 * they show and the worker reads the catalog at most once per notice, not once per page or per photo.
 */
import {
  MAX_PRODUCT_PAGE,
  type Product,
  type ProductPage,
  type ProductPageRequest,
} from '../shared/messages';
import { buildSearchIndex, type SearchIndex, searchProducts } from '../shared/product-search';

/** The first products in gallery order, read without reading every record (see ProductCatalog). */
export interface ProductHead {
  /** The first products in display order: at least the number asked for unless the catalog has fewer. */
  products: Product[];
  /** True when these are all the products (the catalog is that small). */
  complete: boolean;
}

/** Products the first screen's answer reads from the gallery index: the first pages the grid asks for. */
export const HEAD_PRODUCTS = 120;

/**
 * After answering the first screen from the head, the whole list is read this much later: reading and
 * grouping every record holds the worker's thread for a while, and the first screen's photos come first.
 */
export const FULL_BUILD_DELAY_MS = 500;

/** One build of the list, with what answering pages needs, computed on first use. */
interface Built {
  products: Product[];
  search?: SearchIndex;
  lastQuery?: { query: string; matches: readonly Product[] };
  names?: Map<string, string>;
}

/** Clamps a page request to whole numbers within [0, MAX_PRODUCT_PAGE]. */
function bounded(page: ProductPageRequest): ProductPageRequest {
  const whole = (n: number, max: number): number =>
    Number.isFinite(n) ? Math.min(max, Math.max(0, Math.floor(n))) : 0;
  return {
    offset: whole(page.offset, Number.MAX_SAFE_INTEGER),
    limit: whole(page.limit, MAX_PRODUCT_PAGE),
    query: typeof page.query === 'string' ? page.query : '',
  };
}

/** Pages are told "products changed" at most this often while photos arrive. */
export const PRODUCTS_WHILE_SYNCING_MS = 2000;

/** Share of the worker's time rebuilds of the list may take while photos arrive. */
const REBUILD_SHARE = 0.05;

/**
 * How long to wait between "products changed" notices while syncing, after a build of the list that took
 * `lastBuildMs`: 2 s, or longer for a catalog whose every build is costly. Each notice makes pages ask for
 * pages, hence one build, and builds grow with the catalog while a first sync's length does too: at a fixed
 * 2 s, a 20,000-photo first sync spent a third of the worker's time rebuilding (1.60x the cost per photo of
 * 2,000 photos, and 101 MB of heap; with notices every 60 s, 1.10x and 48 MB).
 */
export function productsNoticeMs(lastBuildMs: number): number {
  return Math.max(PRODUCTS_WHILE_SYNCING_MS, lastBuildMs / REBUILD_SHARE);
}

/** How the catalog reads the products, and whom it tells that a first page's counts were not final. */
export interface CatalogSource {
  /** Every product (one whole-catalog read). */
  load: () => Promise<Product[]>;
  /** The first `count` products or more (a cursor read of the gallery index). */
  head?: (count: number) => Promise<ProductHead>;
  /** The whole list is read after a first page answered from the head: pages should ask again. */
  completed?: () => void;
}

/**
 * Pages of the product list built by `load`. Until a worker has built the whole list once, the first
 * screen (no query, within HEAD_PRODUCTS) is answered from `head` (`complete: false` unless that is the
 * whole catalog), and the whole list is read FULL_BUILD_DELAY_MS later, or at once when a page needs it.
 */
export class ProductCatalog {
  private built: Promise<Built> | null = null;
  private stale = true;
  private head: Promise<ProductHead> | null = null;
  private everBuilt = false;
  private completeTimer: ReturnType<typeof setTimeout> | null = null;
  /** How long the last build took (ms): reading and grouping the whole catalog. */
  lastBuildMs = 0;

  constructor(private readonly source: CatalogSource) {}

  /** The list may have changed: the next page asked for reads it again (a build under way still answers those waiting). */
  invalidate(): void {
    this.stale = true;
    this.head = null;
  }

  /** One page of the products matching the request's query. */
  async page(request: ProductPageRequest): Promise<ProductPage> {
    const { offset, limit, query } = bounded(request);
    const head = await this.headFor(offset + limit, query);
    if (head !== null) {
      const { products, complete } = head;
      if (!complete) this.completeLater();
      return {
        matches: products.length,
        total: products.length,
        offset,
        products: products.slice(offset, offset + limit),
        complete,
      };
    }
    const built = await this.current();
    const matches = this.matching(built, query);
    return {
      matches: matches.length,
      total: built.products.length,
      offset,
      products: matches.slice(offset, offset + limit),
      complete: true,
    };
  }

  /**
   * The head, when it can answer a page ending at `end` for `query`: the worker has not built the whole
   * list yet, the page is of the first screen and the head holds it (or is the whole catalog).
   */
  private async headFor(end: number, query: string): Promise<ProductHead | null> {
    const read = this.source.head;
    if (read === undefined || this.everBuilt || query.trim() !== '' || end > HEAD_PRODUCTS)
      return null;
    if (this.head === null) {
      const head = read(HEAD_PRODUCTS);
      // A failed head read is not kept: the page is answered from the whole list instead.
      head.catch(() => {
        if (this.head === head) this.head = null;
      });
      this.head = head;
    }
    const head = await this.head.catch(() => null);
    if (head === null || this.everBuilt) return null;
    return head.complete || end <= head.products.length ? head : null;
  }

  /** Reads the whole list soon after a first page answered from the head, then says the counts changed. */
  private completeLater(): void {
    this.completeTimer ??= setTimeout(() => {
      this.completeTimer = null;
      void this.current().then(
        () => this.source.completed?.(),
        () => undefined,
      );
    }, FULL_BUILD_DELAY_MS);
  }

  /** Product name by photo id, for the ids the list holds. */
  async names(photoIds: readonly string[]): Promise<Record<string, string>> {
    const built = await this.current();
    built.names ??= new Map(
      built.products.flatMap((p) => p.photos.map((ph) => [ph.id, p.name] as const)),
    );
    const names: Record<string, string> = {};
    for (const id of photoIds) {
      const name = built.names.get(id);
      if (name !== undefined) names[id] = name;
    }
    return names;
  }

  private current(): Promise<Built> {
    if (this.stale || this.built === null) {
      this.stale = false;
      const started = performance.now();
      const building = this.source.load().then((products): Built => {
        this.lastBuildMs = performance.now() - started;
        this.everBuilt = true;
        return { products };
      });
      // A failed build is not kept: the next page tries again.
      building.catch(() => {
        if (this.built === building) this.built = null;
      });
      this.built = building;
    }
    return this.built;
  }

  private matching(built: Built, query: string): readonly Product[] {
    if (query.trim() === '') return built.products;
    if (built.lastQuery?.query !== query) {
      built.search ??= buildSearchIndex(built.products);
      built.lastQuery = { query, matches: searchProducts(built.search, query) };
    }
    return built.lastQuery.matches;
  }
}
