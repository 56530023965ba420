/**
 * Tells the product list what the engine's writes change, without reading anything back: a photo stored
 * with its bytes is one photo to mark held (`stored`), a write that may change which products or photos
 * are listed is a reason to rebuild (`changed`), and the writes a sync makes per photo that change neither
 * (reports, partial downloads, failures of listed photos, state other than the run checkpoint) say nothing.
 */
import type { StatusItem, StoredPhoto } from '../shared/types';
import type { StateMap } from '../sync/ports';
import { READ_PHOTO, READS, wrapMethods } from './shared-reads';

/** What the watched writes mean for the product list. */
export interface WriteEvents {
  /** A photo and its bytes were committed. */
  stored(record: StoredPhoto): void;
  /** Records, the listing or held bytes may have changed: the list must be read again. */
  changed(): void;
}

/**
 * Writes that change neither which photos are listed nor which are held. A failure concerns a photo the
 * list already shows (listed, or held with its previous bytes), so it changes nothing shown.
 */
const UNSEEN: ReadonlySet<PropertyKey> = new Set([
  'appendOutbox',
  'removeOutbox',
  'appendPartial',
  'clearPartial',
  'putFailure',
  'deleteFailures',
]);

/**
 * True when a storage write (any method but the reads) may change which photos are listed or held: what
 * `watchWrites` reports as `stored` or `changed`.
 */
export function changesList(key: PropertyKey, args: readonly unknown[]): boolean {
  if (UNSEEN.has(key)) return false;
  return key !== 'putState' || args[0] === 'checkpoint';
}

/** Wraps `storage` so its writes are reported to `events` once they have committed. */
export function watchWrites<S extends object>(storage: S, events: WriteEvents): S {
  return wrapMethods(storage, (key, method, target) => {
    if (READS.has(key) || UNSEEN.has(key)) return method.bind(target);
    if (key === 'putVerified')
      return async (record: StoredPhoto, bytes: Blob, report?: StatusItem) => {
        await method.call(target, record, bytes, report);
        events.stored(record);
      };
    if (key === 'putState')
      return async (name: keyof StateMap, state: unknown) => {
        await method.call(target, name, state);
        if (name === 'checkpoint') events.changed();
      };
    if (key === READ_PHOTO)
      return async (...args: unknown[]) => {
        const found = await method.apply(target, args);
        // Gone bytes were flagged: the photo is no longer held. A photo not held (undefined) changed nothing.
        if (found === null) events.changed();
        return found;
      };
    return async (...args: unknown[]) => {
      try {
        return await method.apply(target, args);
      } finally {
        // Also after a failure: part of a write may have been done by another step before it failed.
        events.changed();
      }
    };
  });
}
