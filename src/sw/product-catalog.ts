/**
 * The product list as pages: built once from storage (one read shared by every page asking meanwhile),
 * answered page by page (a query filtered in the worker), so no message ever carries the whole catalog
 * and a page's second screen costs no storage read. A photo stored with its bytes is marked held in the
 * built list in place (`stored`), so a sync's downloads never make the worker read the catalog again; any
 * other change marks it stale (`invalidate`) and the next page asked for rebuilds it.
 */
import {
  MAX_PRODUCT_PAGE,
  type Product,
  type ProductPage,
  type ProductPageRequest,
} from '../shared/messages';
import { buildSearchIndex, type SearchIndex, searchProducts } from '../shared/product-search';
import type { PhotoMeta } from '../shared/types';
import { photoVersion } from './products';

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
  /** Each photo of the list with its product, for `stored`. */
  photos?: Map<string, { product: Product; photo: Product['photos'][number] }>;
}

/**
 * Marks the stored photo held in `built`, in place; false when the list cannot show it so without a rebuild:
 * the photo is not listed, or its product, name or place among the product's photos changed.
 */
function markHeld(built: Built, meta: PhotoMeta): boolean {
  built.photos ??= new Map(
    built.products.flatMap((product) =>
      product.photos.map((photo) => [photo.id, { product, photo }]),
    ),
  );
  const at = built.photos.get(meta.id);
  if (
    at === undefined ||
    at.product.id !== meta.product_id ||
    at.product.name !== meta.product_name ||
    at.product.sku !== meta.product_sku ||
    at.photo.is_primary !== meta.is_primary ||
    at.photo.sort_order !== meta.sort_order
  )
    return false;
  at.photo.held = true;
  at.photo.version = photoVersion(meta);
  return true;
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

/** Pages are told "products changed" at most this often while photos arrive (longer for a slow build). */
export const PRODUCTS_WHILE_SYNCING_MS = 2000;

/**
 * While photos arrive, a notice waits at least this many times the last whole-list build: each notice makes
 * pages read the list again, so the reads take at most a tenth of the worker's time whatever the catalog's
 * size. With 2 s flat, a first sync of 20,000 photos (downloads starting while the listing goes on) read the
 * growing list every 2 s, and the worker's heap passed 64 MB (issue 14).
 */
export const BUILD_TIME_FACTOR = 10;

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
  /** The current build once it has ended and taken the photos stored meanwhile. */
  private ready: Built | null = null;
  /** Photos stored while the current build reads: it may not have seen them, so they are marked when it ends. */
  private storedDuringBuild: PhotoMeta[] = [];

  /** How long the last whole-list build took, ms. */
  private lastBuildMs = 0;

  constructor(
    private readonly source: CatalogSource,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** The delay before telling pages the list changed while photos arrive: `minMs`, or longer after a slow build. */
  noticeDelay(minMs: number): number {
    return Math.max(minMs, BUILD_TIME_FACTOR * this.lastBuildMs);
  }

  /** The list may have changed: the next page asked for reads it again (a build under way still answers those waiting). */
  invalidate(): void {
    this.stale = true;
    this.head = null;
    this.ready = null;
  }

  /**
   * A photo was stored with its verified bytes (committed): marked held in the list as built, without a
   * read. At 20,000 photos, rebuilding for every "products changed" notice of a first sync made the cost
   * per photo grow with the catalog (1.60x that of 2,000 photos) and the worker's heap pass 64 MB.
   */
  stored(meta: PhotoMeta): void {
    this.head = null; // a head read (a few pages, cheap) is read again rather than marked
    if (this.stale || this.built === null) return; // the next build reads it
    if (this.ready === null) this.storedDuringBuild.push(meta);
    else if (!markHeld(this.ready, meta)) this.invalidate();
  }

  /** One page of the products matching the request's query. */
  async page(request: ProductPageRequest): Promise<ProductPage> {
    const { offset, limit, query } = bounded(request);
    // Only a first-screen page waits for the head: any other starts (or joins) the build at once.
    const headRead = this.headFor(offset + limit, query);
    const head = headRead === null ? null : await headRead;
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
  private headFor(end: number, query: string): Promise<ProductHead | null> | null {
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
    return this.head.then(
      (head) => (!this.everBuilt && (head.complete || end <= head.products.length) ? head : null),
      () => null,
    );
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
      this.ready = null;
      this.storedDuringBuild = [];
      const started = this.now();
      const building = this.source.load().then((products): Built => {
        this.lastBuildMs = this.now() - started;
        this.everBuilt = true;
        const built: Built = { products };
        if (this.built === building) {
          const stored = this.storedDuringBuild;
          this.storedDuringBuild = [];
          if (stored.every((meta) => markHeld(built, meta))) this.ready = built;
          else this.stale = true;
        }
        return built;
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
