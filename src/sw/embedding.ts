/**
 * The embedding contract: what other pages of the app's origin (a POS web app, a signage page) may ask
 * the service worker for, answered from local storage only, so they show product photos with the HO
 * unreachable: `photos/<photo_id>`, `products/<product_id>/photo`, `photos/index.json`, and any
 * `image_url` the terminal holds (the exact URL the HO listed).
 */
import { PHOTO_PATH } from '../shared/messages';
import type { StoredPhoto } from '../shared/types';
import { PHOTO_SECURITY_HEADERS, photoIdOf } from './photo-route';
import { byDisplayOrder } from './products';

/** Path segment (below the scope) of a product's photo: `${scope}products/<product_id>/photo`. */
export const PRODUCTS_PATH = 'products/';
const PRODUCT_PHOTO_SUFFIX = '/photo';
/** Name of the metadata index below PHOTO_PATH. */
const INDEX_NAME = 'index.json';

/** A request of the embedding contract. */
export type EmbeddingRequest =
  | { kind: 'index' }
  | { kind: 'photo'; id: string }
  | { kind: 'product'; productId: string };

/** What `url` asks for under `scope`, or null when it is not part of the contract. */
export function embeddingRequestOf(url: URL, scope: URL): EmbeddingRequest | null {
  if (url.origin !== scope.origin) return null;
  if (url.pathname === `${scope.pathname}${PHOTO_PATH}${INDEX_NAME}`) return { kind: 'index' };
  const id = photoIdOf(url, scope);
  if (id !== null) return { kind: 'photo', id };
  const prefix = `${scope.pathname}${PRODUCTS_PATH}`;
  if (!url.pathname.startsWith(prefix) || !url.pathname.endsWith(PRODUCT_PHOTO_SUFFIX)) return null;
  let productId: string;
  try {
    productId = decodeURIComponent(url.pathname.slice(prefix.length, -PRODUCT_PHOTO_SUFFIX.length));
  } catch {
    return null;
  }
  return productId !== '' && !productId.includes('/') ? { kind: 'product', productId } : null;
}

/** The photo that stands for a product: its primary photo, else the lowest `sort_order` (then id). */
export function productPhotoOf(held: StoredPhoto[], productId: string): StoredPhoto | undefined {
  return held.filter((p) => p.product_id === productId).sort(byDisplayOrder)[0];
}

/** One entry of `photos/index.json`. */
export interface PhotoIndexEntry {
  id: string;
  product_id: string;
  product_sku: string;
  product_name: string;
  checksum: string;
  version: number;
  is_primary: boolean;
  sort_order: number;
  /** Where the service worker serves the bytes, relative to the scope: `photos/<id>`. */
  url: string;
  /** The HO's URL of the photo (also answered from local storage), or null. */
  image_url: string | null;
}

/** `photos/index.json`: every held photo's metadata, by product, the product's photo first. */
export function servePhotoIndex(held: StoredPhoto[]): Response {
  const entries: PhotoIndexEntry[] = held
    .map((p) => ({
      id: p.id,
      product_id: p.product_id,
      product_sku: p.product_sku,
      product_name: p.product_name,
      checksum: p.checksum,
      version: p.version,
      is_primary: p.is_primary,
      sort_order: p.sort_order,
      url: `${PHOTO_PATH}${encodeURIComponent(p.id)}`,
      image_url: p.image_url,
    }))
    .sort((a, b) => a.product_id.localeCompare(b.product_id) || byDisplayOrder(a, b));
  return new Response(JSON.stringify({ photos: entries }), {
    headers: {
      ...PHOTO_SECURITY_HEADERS,
      'Content-Type': 'application/json',
      'Cache-Control': 'no-store',
    },
  });
}

/** Held photos and the HO base URL their relative `image_url`s resolve against. */
export interface HeldPhotos {
  held: StoredPhoto[];
  serverUrl: string;
}

/**
 * The held photos, read once per change of them: a POS page showing fifty product photos asks fifty
 * times, and each answer must not read the whole table again. `invalidate` on every change (the engine
 * stored or dropped a photo); a read under way when that happens still answers those already waiting.
 */
export class HeldPhotosCache {
  private current: Promise<HeldPhotos> | null = null;

  constructor(private readonly load: () => Promise<HeldPhotos>) {}

  /** The held photos as last read, reading them when they changed since. A failed read is tried again. */
  get(): Promise<HeldPhotos> {
    if (this.current === null) {
      const read = this.load();
      read.catch(() => {
        if (this.current === read) this.current = null;
      });
      this.current = read;
    }
    return this.current;
  }

  /** The held photos changed: the next `get` reads them again. */
  invalidate(): void {
    this.current = null;
  }
}

/** A request that is no image asks for a fresh read of the held photos this much later (see ImageUrlIndex.claims). */
export const NON_IMAGE_READ_DELAY_MS = 2000;

/**
 * The `image_url`s of the held photos, for the synchronous routing decision of a fetch event. While the
 * index is current, exactly these URLs are answered locally and everything else stays the network's.
 * Between a change of the held photos and the next read (`stale`), any image request is claimed and
 * decided against a fresh read: a photo stored a moment ago is never sent to an unreachable HO.
 */
export class ImageUrlIndex {
  private byUrl: Map<string, string> | null = null;
  private refreshLater: ReturnType<typeof setTimeout> | null = null;
  /** Bumped by every change of the held photos; a read started before the last bump is stale. */
  private generation = 0;
  private loadedGeneration = -1;
  private loading: { generation: number; map: Promise<Map<string, string>> } | null = null;

  constructor(private readonly load: () => Promise<HeldPhotos>) {}

  /** Marks the index out of date (the held photos changed); the next lookup reads them again. */
  invalidate(): void {
    this.generation++;
  }

  private get current(): boolean {
    return this.byUrl !== null && this.loadedGeneration === this.generation;
  }

  /** Reads the held photos, once per generation however many lookups wait for it. */
  private refresh(): Promise<Map<string, string>> {
    if (this.loading?.generation === this.generation) return this.loading.map;
    const generation = this.generation;
    const map = this.load().then(({ held, serverUrl }) => {
      const byUrl = new Map<string, string>();
      for (const p of held) {
        const href = p.image_url === null ? null : absolute(p.image_url, serverUrl);
        if (href !== null) byUrl.set(href, p.id);
      }
      if (generation >= this.loadedGeneration) {
        this.byUrl = byUrl;
        this.loadedGeneration = generation;
      }
      return byUrl;
    });
    this.loading = { generation, map };
    // A failed read is not kept: the next lookup tries again.
    map.catch(() => {
      if (this.loading?.map === map) this.loading = null;
    });
    return map;
  }

  /**
   * Whether a request is the terminal's to answer: a held image_url, or any image while not current. A
   * request that is no image is decided by the last read and asks for a fresh one only NON_IMAGE_READ_DELAY_MS
   * later: the page that wakes a worker fetches its config.json, and reading every record then held the worker
   * for half a second while it served that page's first screen (issue 14).
   */
  claims(href: string, destination: RequestDestination): boolean {
    if (this.current) return this.byUrl?.has(href) === true;
    if (destination !== 'image') {
      this.refreshLater ??= setTimeout(() => {
        this.refreshLater = null;
        if (!this.current && this.loading?.generation !== this.generation) void this.refresh();
      }, NON_IMAGE_READ_DELAY_MS);
      return this.byUrl?.has(href) === true;
    }
    if (this.loading?.generation !== this.generation) void this.refresh();
    return true;
  }

  /** The held photo listed with this image_url, or undefined. */
  async photoIdFor(href: string): Promise<string | undefined> {
    const map = this.current && this.byUrl !== null ? this.byUrl : await this.refresh();
    return map.get(href);
  }
}

/** `image_url` as an absolute href (as the fetch event sees it), or null when it is no URL. */
function absolute(imageUrl: string, serverUrl: string): string | null {
  try {
    return new URL(imageUrl, serverUrl === '' ? undefined : serverUrl).href;
  } catch {
    return null;
  }
}
