/**
 * Whole-table reads shared by concurrent callers: a page opening wakes the worker with several commands
 * at once (state, first products, the connection probe, Background Sync), and each reads every photo
 * record (~12,700 at a time on a big store). A caller arriving while such a read runs joins it, unless a
 * write was called since it started: IndexedDB runs transactions in the order they were created, so the
 * joined read saw every write called before it, which is every write called before the joiner.
 */
import type { SyncStorage } from '../sync/ports';

/**
 * Every storage method by what it does to the stored data. The engine's port is checked by the compiler: a
 * method added to it later does not compile until it is classified here; the worker's own reads (PhotoReader,
 * which the unit tests' tsconfig cannot see), and entries naming no method any more, are checked where the
 * worker opens its storage (`classified`). `listedPages`, added after the first list of reads was written, was
 * taken for a write: each product-list build (it reads the listed pages) then made the next "products changed"
 * notice build the list again, and dropped the first screen's copy (issue 14: a whole-catalog read every 2 s of
 * a 20,000-photo sync). `readPhoto` reads, but flags gone bytes when it finds them (READ_PHOTO).
 */
const METHOD_KINDS = {
  getRecord: 'read',
  listRecords: 'read',
  recordIds: 'read',
  listPhotos: 'read',
  galleryHead: 'read',
  listFailures: 'read',
  getState: 'read',
  listedPages: 'read',
  partialIds: 'read',
  loadPartial: 'read',
  peekOutbox: 'read',
  countOutbox: 'read',
  estimate: 'read',
  requestPersistence: 'read',
  close: 'read',
  readPhoto: 'read-photo',
  putVerified: 'write',
  putMeta: 'write',
  deleteRecords: 'write',
  appendPartial: 'write',
  clearPartial: 'write',
  putState: 'write',
  putListedPage: 'write',
  putFailure: 'write',
  deleteFailures: 'write',
  appendOutbox: 'write',
  removeOutbox: 'write',
  wipe: 'write',
  sweep: 'write',
} as const satisfies Record<keyof SyncStorage, 'read' | 'write'> &
  Record<string, 'read' | 'write' | 'read-photo'>;

/**
 * `storage` itself, once the compiler checked that its methods and METHOD_KINDS name the same ones: the worker
 * passes its real storage through it (its tsconfig sees src/storage; the unit tests' does not, so METHOD_KINDS
 * alone cannot be checked against PhotoReader). A method added to the storage or to PhotoReader later does not
 * compile until it is classified read or write (the parameter's type), and neither does an entry left for a
 * method renamed or removed (the constraint on S: a stale name would classify nothing, or a new method of that
 * name wrongly).
 */
export function classified<S extends Record<keyof typeof METHOD_KINDS, unknown>>(
  storage: S & Record<Exclude<keyof S, keyof typeof METHOD_KINDS>, never>,
): S {
  return storage;
}

/** The methods that only read; any other call (writes, and anything not a method of the port) counts as a write. */
export const READS: ReadonlySet<PropertyKey> = new Set(
  Object.entries(METHOD_KINDS).flatMap(([name, kind]) => (kind === 'read' ? [name] : [])),
);

/** The whole-table reads that are shared; each caller gets its own array (the records themselves are shared). */
const SHARED: ReadonlySet<PropertyKey> = new Set(['listRecords', 'listFailures']);

/**
 * `readPhoto` writes when it finds bytes gone (it flags every record sharing them), and says so by answering
 * null; undefined (a photo not held yet: the gallery's placeholders) wrote nothing.
 */
export const READ_PHOTO = 'readPhoto' satisfies keyof typeof METHOD_KINDS;

/** Any storage method, as the proxies call it. */
export type Method = (...args: unknown[]) => unknown;

/** Wraps `storage` so concurrent whole-table reads with no write between them cost one read. */
export function shareReads<S extends object>(storage: S): S {
  let writes = 0;
  const inFlight = new Map<PropertyKey, { writes: number; promise: Promise<unknown[]> }>();
  return wrapMethods(storage, (key, method, target) => {
    if (SHARED.has(key))
      return () => {
        let read = inFlight.get(key);
        if (read === undefined || read.writes !== writes) {
          const started = { writes, promise: method.call(target) as Promise<unknown[]> };
          const done = (): void => {
            if (inFlight.get(key) === started) inFlight.delete(key);
          };
          started.promise.then(done, done);
          inFlight.set(key, started);
          read = started;
        }
        return read.promise.then((rows) => [...rows]);
      };
    if (key === READ_PHOTO)
      return async (...args: unknown[]) => {
        const found = await method.apply(target, args);
        if (found === null) writes++;
        return found;
      };
    if (READS.has(key)) return method.bind(target);
    return (...args: unknown[]) => {
      writes++;
      return method.apply(target, args);
    };
  });
}

/**
 * A proxy of `storage` whose methods are what `wrap` makes of them (called at each access, with the method and
 * the storage it is to be called on); other properties pass through. The storage proxies of the worker use it.
 */
export function wrapMethods<S extends object>(
  storage: S,
  // never[]: any function, whatever its parameters, may stand in for the method.
  wrap: (key: PropertyKey, method: Method, target: S) => (...args: never[]) => unknown,
): S {
  return new Proxy(storage, {
    get(target, key) {
      const value = Reflect.get(target, key, target) as unknown;
      return typeof value === 'function' ? wrap(key, value as Method, target) : value;
    },
  });
}
