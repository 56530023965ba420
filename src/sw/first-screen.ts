/**
 * The gallery's first screen kept in Cache Storage: the first products and the primary photos of the first
 * few, as the worker last answered them. A freshly launched browser opens Cache Storage in a few ms where
 * opening the IndexedDB database takes 200-400 ms at 10,000 products, so a starting worker answers the
 * first page and its photos from here while the database still opens.
 *
 * The copy is only ever what IndexedDB holds: it is saved from storage reads (photos are the verified bytes
 * `readPhoto` serves) when no write was announced since the save began, and every storage write waits until
 * the copy is deleted (see `guardWrites`), so a photo replaced, deleted, wiped or signed out (any store
 * change is a write) is never served from it, not even after the worker stops between the write and a
 * later clean-up. The cache name carries the database version: a worker of another schema never reads it.
 * The copy is saved again by this module itself once storage writes go quiet (`saveWhenQuiet`): whatever
 * dropped it (a run, a connection check, a sign-in), its stream of writes ends with one save after it.
 */
import { DB_VERSION } from '../storage';
import type { FirstScreenData, Product } from '../shared/messages';
import { PLACEHOLDER_HEADER, photoPathOf } from '../shared/messages';
import { type ReadPhoto, servePhoto } from './photo-route';
import type { ProductHead } from './product-catalog';
import { READ_PHOTO, READS, wrapMethods } from './shared-reads';
import { changesList } from './write-watch';

const FIRST_SCREEN_PREFIX = 'pps-first-screen-db';

/** The cache holding the first screen (the database version in the name: see the module comment). */
export const FIRST_SCREEN_CACHE = `${FIRST_SCREEN_PREFIX}${DB_VERSION}`;

/** Primary photos kept: those of the first products, about one and a half screens of a kiosk's grid. */
export const FIRST_SCREEN_PHOTOS = 48;

/** The parts of one cache the first screen uses. */
export interface CacheLike {
  match(key: string): Promise<Response | undefined>;
  put(key: string, response: Response): Promise<void>;
}

/** The parts of Cache Storage the first screen uses (`self.caches`; a fake in unit tests). */
export interface CachesLike {
  open(name: string): Promise<CacheLike>;
  delete(name: string): Promise<boolean>;
}

/** What one save keeps: the first products (as the head answers them) and which photos are cached. */
interface Saved {
  products: Product[];
  complete: boolean;
  photos: string[];
}

/** A saved first screen read back: only its shape is trusted, not any value in it (the worker wrote it). */
function savedOf(value: unknown): Saved | null {
  const v = value as Partial<Saved> | null;
  return v !== null &&
    typeof v === 'object' &&
    Array.isArray(v.products) &&
    typeof v.complete === 'boolean' &&
    Array.isArray(v.photos) &&
    v.photos.every((id) => typeof id === 'string')
    ? (v as Saved)
    : null;
}

const NONE: Promise<Saved | null> = Promise.resolve(null);

/**
 * The copy is saved again this long after the last write announced (or after a worker starts without one):
 * after the writes a run, a connection check or a sign-in make, not between them.
 */
export const FIRST_SCREEN_QUIET_MS = 1000;

/** What a save keeps: see `FirstScreen.save`. */
export interface FirstScreenContent {
  products: readonly Product[];
  complete: boolean;
  read: ReadPhoto;
}

/**
 * What to save once writes went quiet: the content, 'later' when writes are still to come (a run goes: asked
 * again after another quiet period), or null when there is nothing to save (nobody signed in).
 */
export type FirstScreenSource = () => Promise<FirstScreenContent | 'later' | null>;

/**
 * The timers of the quiet period: setTimeout and a monotonic clock in the worker; moved by hand in unit tests.
 * A timer is never cancelled: one armed per quiet period, it re-arms for the rest when writes came since.
 */
export interface QuietTimers {
  /** Runs `fn` after `ms`. */
  after(fn: () => void, ms: number): void;
  /** The time now in ms, on the clock `after` counts (monotonic: a kiosk's wall clock may be set back). */
  now(): number;
}

const realTimers: QuietTimers = {
  after: (fn, ms) => void setTimeout(fn, ms),
  now: () => performance.now(),
};

/**
 * The first screen in Cache Storage for one worker: read once at start, dropped at the first write, saved
 * again once writes go quiet (see `saveWhenQuiet`).
 */
export class FirstScreen {
  /** The saved first screen while no write was announced since it was saved or read; null otherwise. */
  private saved: Promise<Saved | null>;
  /** Writes announced so far: a save or read begun before the latest one is not used. */
  private writes = 0;
  /** False once the cache is known to be deleted and no save has begun since. */
  private mayExist = true;
  /** Cache operations, in the order they were asked for (a delete never overtakes a save). */
  private ops: Promise<unknown> = Promise.resolve();
  /** The delete the writes announced so far wait for; null once done. */
  private deleting: Promise<void> | null = null;
  /**
   * The saved photos' answers with their bytes read, from when the page asked for the head (each used once):
   * the page asks for the photos ~40 ms later, and their own look-up and read took 60-80 ms while the database
   * opened. Not at the worker's start: the app shell's files come from Cache Storage then.
   */
  private matched = new Map<string, Promise<Response | undefined>>();
  /** The cache the saved first screen was read from, until its photos were looked up. */
  private loaded: CacheLike | null = null;
  /** What to save once writes go quiet; none until `saveWhenQuiet` (nothing is saved by itself then). */
  private source: FirstScreenSource | null = null;
  /** When the latest write was announced (`timers.now()`): the quiet period ends FIRST_SCREEN_QUIET_MS after it. */
  private lastWrite = Number.NEGATIVE_INFINITY;
  /** True while a quiet-period timer is armed: writes then only note their time (`lastWrite`). */
  private armed = false;

  private readonly headKey: string;
  private readonly photoBase: string;

  /** Starts reading what `caches` holds at once: the first page asked for comes ~150 ms later. */
  constructor(
    private readonly caches: CachesLike,
    scope: URL,
    private readonly timers: QuietTimers = realTimers,
  ) {
    this.headKey = new URL('__first-screen/head.json', scope).href;
    this.photoBase = new URL('__first-screen/photos/', scope).href;
    this.saved = this.queue(() => this.load());
  }

  private photoKey(id: string): string {
    return `${this.photoBase}${encodeURIComponent(id)}`;
  }

  private queue<T>(op: () => Promise<T>): Promise<T> {
    const next = this.ops.then(op);
    this.ops = next.catch(() => undefined);
    return next;
  }

  private async load(): Promise<Saved | null> {
    try {
      const cache = await this.caches.open(FIRST_SCREEN_CACHE);
      const res = await cache.match(this.headKey);
      const saved = res === undefined ? null : savedOf(await res.json());
      if (saved === null) this.mayExist = res !== undefined;
      else this.loaded = cache;
      return saved;
    } catch {
      return null;
    }
  }

  /**
   * From now on the copy is saved again, from what `source` answers, FIRST_SCREEN_QUIET_MS after the last write
   * announced (a burst of writes: one save after it), and as soon after the start as that when none was read.
   */
  saveWhenQuiet(source: FirstScreenSource): void {
    this.source = source;
    this.saved.then(
      (saved) => {
        if (saved === null) this.arm(FIRST_SCREEN_QUIET_MS);
      },
      () => undefined,
    );
  }

  /**
   * Arms the quiet-period timer unless one is armed (nothing without a source). One timer per quiet period,
   * not one per write: a sync announces a write per photo stored, and a clearTimeout + setTimeout each was
   * the hot path's cost. When it fires after a later write, it re-arms for what is left of the period.
   */
  private arm(ms: number): void {
    if (this.source === null || this.armed) return;
    this.armed = true;
    this.timers.after(() => {
      const left = this.lastWrite + FIRST_SCREEN_QUIET_MS - this.timers.now();
      this.armed = false;
      if (left > 0) this.arm(left);
      else this.saveFromSource().catch(() => undefined);
    }, ms);
  }

  /** Saves what the source answers, unless a copy is held or a write was announced while it read. */
  private async saveFromSource(): Promise<void> {
    const source = this.source;
    if (source === null || (await this.holds())) return;
    const at = this.writes;
    const content = await source();
    // A write announced meanwhile may have changed what the source read; it asked for a save after it.
    if (at !== this.writes) return;
    if (content === 'later') this.arm(FIRST_SCREEN_QUIET_MS);
    else if (content !== null) await this.save(content.products, content.complete, content.read);
  }

  /** True while a saved first screen can answer: one was read or saved, and no write was announced since. */
  async holds(): Promise<boolean> {
    return (await this.saved) !== null;
  }

  /** The saved first products when they hold `count` products (or all there are); null otherwise. */
  async head(count: number): Promise<ProductHead | null> {
    const at = this.writes;
    const saved = await this.saved;
    if (saved === null || at !== this.writes) return null;
    if (!saved.complete && saved.products.length < count) return null;
    this.readPhotos(saved);
    return { products: saved.products, complete: saved.complete };
  }

  /**
   * What the app shell hands the page (see shell-preload.ts): the saved first products, and the paths (below
   * the scope, as the gallery asks for them) of the saved photos among the first `preload` of them; null once
   * a write was announced. Only what to show and ask for: the photos' answers still come from `photo`.
   */
  async shell(preload: number): Promise<{ head: FirstScreenData; photos: string[] } | null> {
    const at = this.writes;
    const saved = await this.saved;
    if (saved === null || at !== this.writes) return null;
    const kept = new Set(saved.photos);
    const photos: string[] = [];
    for (const product of saved.products.slice(0, preload)) {
      const photo = (product as Partial<Product> | null)?.photos?.[0];
      if (
        typeof photo?.id === 'string' &&
        typeof photo.version === 'string' &&
        photo.held === true &&
        kept.has(photo.id)
      )
        photos.push(photoPathOf(photo));
    }
    return { head: { products: saved.products, complete: saved.complete }, photos };
  }

  /** Starts reading the saved photos' answers (once per worker; see `matched`). */
  private readPhotos(saved: Saved): void {
    const cache = this.loaded;
    this.loaded = null;
    if (cache === null) return;
    for (const id of saved.photos) {
      const read = cache
        .match(this.photoKey(id))
        .then(async (res) =>
          res === undefined
            ? undefined
            : new Response(await res.arrayBuffer(), { status: res.status, headers: res.headers }),
        );
      this.matched.set(
        id,
        read.catch(() => undefined),
      );
    }
  }

  /** The saved answer for photo `id` (its verified bytes, as the photo route answers), or null. */
  async photo(id: string): Promise<Response | null> {
    const at = this.writes;
    const saved = await this.saved;
    if (saved === null || at !== this.writes || !saved.photos.includes(id)) return null;
    const early = this.matched.get(id);
    this.matched.delete(id);
    try {
      const res =
        (await early) ??
        (await (await this.caches.open(FIRST_SCREEN_CACHE)).match(this.photoKey(id)));
      return res ?? null;
    } catch {
      return null;
    }
  }

  /** The delete writes announced so far wait for, or null when none is pending. */
  pending(): Promise<void> | null {
    return this.deleting;
  }

  /**
   * A storage write is about to run: nothing saved is used any more, and the write waits until the cache is
   * deleted. Rejects (and the write does not run) when the cache cannot be deleted. The copy is saved again
   * once writes go quiet (see `saveWhenQuiet`).
   */
  beforeWrite(): Promise<void> {
    this.writes++;
    this.lastWrite = this.timers.now();
    this.arm(FIRST_SCREEN_QUIET_MS);
    this.saved = NONE;
    this.matched.clear();
    this.loaded = null;
    if (this.deleting === null && this.mayExist) {
      const deleting = this.queue(async () => {
        await this.caches.delete(FIRST_SCREEN_CACHE);
        this.mayExist = false;
      });
      this.deleting = deleting;
      const done = (): void => {
        if (this.deleting === deleting) this.deleting = null;
      };
      deleting.then(done, done);
    }
    return this.deleting ?? Promise.resolve();
  }

  /**
   * Saves `products` (the first of the whole list, `complete` when that is all) and the held primary photos
   * of the first FIRST_SCREEN_PHOTOS of them, read with `read`. Nothing is kept when a write is announced
   * before it ends: that write's delete runs after it.
   */
  save(products: readonly Product[], complete: boolean, read: ReadPhoto): Promise<void> {
    const at = this.writes;
    return this.queue(async () => {
      if (at !== this.writes) return;
      this.mayExist = true;
      await this.caches.delete(FIRST_SCREEN_CACHE);
      const cache = await this.caches.open(FIRST_SCREEN_CACHE);
      const photos: string[] = [];
      for (const product of products.slice(0, FIRST_SCREEN_PHOTOS)) {
        const photo = product.photos[0];
        if (photo === undefined || !photo.held) continue;
        const res = await servePhoto(read, photo.id);
        if (at !== this.writes) return;
        if (res.headers.has(PLACEHOLDER_HEADER)) continue;
        await cache.put(this.photoKey(photo.id), res);
        photos.push(photo.id);
      }
      const saved: Saved = { products: [...products], complete, photos };
      // The head last: a save cut short leaves no head, and without one nothing is read.
      await cache.put(
        this.headKey,
        new Response(JSON.stringify(saved), { headers: { 'Content-Type': 'application/json' } }),
      );
      if (at === this.writes) this.saved = Promise.resolve(saved);
    });
  }
}

/**
 * Wraps `storage` so every write that may change the products or held photos (`changesList`, as the product
 * list hears of them) first waits for `firstScreen.beforeWrite()`. Other calls made while that delete is
 * pending wait for it too, so storage still receives every call in the order it was made (shared reads rely
 * on it); a photo read does not (a save reads photos before its own delete may run) and, when it found the
 * bytes gone and flagged them (null: a write), drops the first screen after it. A read of a photo not held
 * (undefined: a placeholder) keeps it: the gallery asks for its pending photos on every render.
 */
export function guardWrites<S extends object>(storage: S, firstScreen: FirstScreen): S {
  return wrapMethods(storage, (key, method, target) => {
    if (key === READ_PHOTO)
      return async (...args: unknown[]) => {
        const found = await method.apply(target, args);
        // Not awaited: the flagging is done, and a save reading photos must not wait for its own delete.
        if (found === null) firstScreen.beforeWrite().catch(() => undefined);
        return found;
      };
    if (key === 'close') return method.bind(target);
    const write = !READS.has(key);
    return (...args: unknown[]) => {
      const gate =
        write && changesList(key, args) ? firstScreen.beforeWrite() : firstScreen.pending();
      return gate === null
        ? method.apply(target, args)
        : gate.then(() => method.apply(target, args));
    };
  });
}

/** Deletes first screens saved by workers of other database versions (never read: see FIRST_SCREEN_CACHE). */
export async function dropOtherFirstScreens(
  caches: Pick<CacheStorage, 'keys' | 'delete'>,
): Promise<void> {
  const names = await caches.keys();
  await Promise.all(
    names
      .filter((n) => n.startsWith(FIRST_SCREEN_PREFIX) && n !== FIRST_SCREEN_CACHE)
      .map((n) => caches.delete(n)),
  );
}
