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

/** Pages of the product list built by `load`. */
export class ProductCatalog {
  private built: Promise<Built> | null = null;
  private stale = true;
  /** How long the last build took (ms): reading and grouping the whole catalog. */
  lastBuildMs = 0;

  constructor(private readonly load: () => Promise<Product[]>) {}

  /** The list may have changed: the next page asked for reads it again (a build under way still answers those waiting). */
  invalidate(): void {
    this.stale = true;
  }

  /** One page of the products matching the request's query. */
  async page(request: ProductPageRequest): Promise<ProductPage> {
    const { offset, limit, query } = bounded(request);
    const built = await this.current();
    const matches = this.matching(built, query);
    return {
      matches: matches.length,
      total: built.products.length,
      offset,
      products: matches.slice(offset, offset + limit),
    };
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
      const building = this.load().then((products): Built => {
        this.lastBuildMs = performance.now() - started;
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
