/**
 * The write path of verified photos, the hottest of a sync: a group's requests issued as raw IndexedDB
 * requests (`RequestBatch`) and what each photo writes (`writeGroup`). The group commit around it is
 * `putVerified` in sync-storage.ts. The partial clean-up and the drop of unreferenced bytes live here once,
 * as raw requests, for the other writes of sync-storage.ts too.
 */
import type { StatusItem, StoredPhoto } from '../shared/types';
import { unwrap } from 'idb';
import { chunksOf, type StoredRecord, toStored, withBytes } from './db';
import type { Tx } from './transaction';

/** A verified photo waiting for its write, and its caller. */
export interface VerifiedWrite {
  record: StoredPhoto;
  bytes: Blob;
  report: StatusItem | undefined;
  resolve: () => void;
  reject: (err: unknown) => void;
}

/**
 * Raw requests of one transaction, issued without a promise per request (the `idb` wrapper's promise, listeners
 * and value wrapping per request were a measurable share of the worker's time on the write path, issue 14):
 * `done` settles once, when every request issued (also from another's success) has succeeded, or at the first
 * failure (the transaction then aborts: a failed request aborts it, a thrown one makes `inTransaction` abort).
 * Requests of a transaction run, and answer, in the order they were issued.
 */
export class RequestBatch {
  /** Requests waiting for their answer, plus one while the caller issues (see `issued`). */
  private pending = 1;
  private failed = false;
  private settle!: { resolve: () => void; reject: (err: unknown) => void };
  readonly done = new Promise<void>((resolve, reject) => {
    this.settle = { resolve, reject };
  });

  /** Issues `make()`'s request; `then` gets its result (in the request's success event) and may issue more. */
  issue<T>(make: () => IDBRequest<T>, then?: (result: T) => void): void {
    if (this.failed) return;
    let request: IDBRequest<T>;
    try {
      request = make();
    } catch (err) {
      this.fail(err); // a key or value IndexedDB refuses throws at once
      return;
    }
    this.pending++;
    request.onsuccess = () => {
      if (this.failed) return;
      try {
        then?.(request.result);
      } catch (err) {
        this.fail(err);
        return;
      }
      this.answered();
    };
    request.onerror = () => this.fail(request.error);
  }

  /** The caller has issued its first requests; `done` can settle once they are answered. */
  issued(): void {
    this.answered();
  }

  private answered(): void {
    if (--this.pending === 0 && !this.failed) this.settle.resolve();
  }

  private fail(err: unknown): void {
    if (this.failed) return;
    this.failed = true;
    this.settle.reject(err);
  }
}

/** Runs `issue`'s raw requests in `tx` (see `RequestBatch`) until every one is answered. */
export async function issueIn(
  tx: Tx<'readwrite'>,
  issue: (raw: IDBTransaction, batch: RequestBatch) => void,
): Promise<void> {
  const batch = new RequestBatch();
  issue(unwrap(tx), batch);
  batch.issued();
  await batch.done;
}

/**
 * Queues a status report, replacing an unsent one for the same photo (which moves to the end); `replaced` is
 * called when there was one.
 */
export function queueReport(
  tx: IDBTransaction,
  batch: RequestBatch,
  item: StatusItem,
  replaced?: () => void,
): void {
  const outbox = tx.objectStore('outbox');
  batch.issue(
    () => outbox.index('by-photo').getKey(item.photo_id),
    (unsent) => {
      if (unsent !== undefined) {
        replaced?.();
        batch.issue(() => outbox.delete(unsent));
      }
      batch.issue(() => outbox.add(item));
    },
  );
}

/** Deletes photo `id`'s partial download: its header and its chunks. */
export function deletePartial(tx: IDBTransaction, batch: RequestBatch, id: string): void {
  batch.issue(() => tx.objectStore('partials').delete(id));
  batch.issue(() => tx.objectStore('partial-chunks').delete(chunksOf(id)));
}

/**
 * Deletes the bytes of `checksum` when no photo references them, counted after the requests issued before
 * (requests of a transaction run in the order they were issued: the records they delete or replace are gone).
 */
export function dropUnreferenced(tx: IDBTransaction, batch: RequestBatch, checksum: string): void {
  batch.issue(
    () => tx.objectStore('photos').index('by-checksum').count(checksum),
    (users) => {
      if (users === 0) batch.issue(() => tx.objectStore('bytes').delete(checksum));
    },
  );
}

/**
 * How a group's photos are written. `new` expects none of them held and no unsent report for any (a full
 * sync's case): each photo is two adds and a put, nothing read first (the reads were two of a photo's five
 * requests, issue 14). A held record or an unsent report makes its add fail (ConstraintError), the
 * transaction abort, and the group is written again `held`: reading the previous record (whose bytes may go)
 * and the unsent report (replaced) first.
 */
export type GroupMode = 'new' | 'held';

/**
 * Issues the writes of verified photos (bytes, record, report) in `tx`, and what they need: once for the
 * group, which photos have a partial download and whether any photo lost its bytes (most have no partial and
 * share their bytes with no photo that lost them); per photo in `held` mode (see `GroupMode`), the unsent report
 * it replaces and the previous record. Every photo's first requests are issued before any answer comes, so the
 * backend runs them back to back and the transaction (which holds the photo stores and blocks the next
 * group's) is as short as it can be. Returns a flag, set once every request is answered, telling whether any
 * photo was held or had an unsent report.
 */
export function writeGroup(
  tx: IDBTransaction,
  group: readonly VerifiedWrite[],
  batch: RequestBatch,
  mode: GroupMode,
): { held: boolean } {
  const found = { held: false };
  const photos = tx.objectStore('photos');
  const bytes = tx.objectStore('bytes');
  batch.issue(
    () => tx.objectStore('partials').getAllKeys(),
    (ids) => {
      const held = new Set(ids);
      for (const { record } of group) if (held.has(record.id)) deletePartial(tx, batch, record.id);
    },
  );
  batch.issue(
    () => photos.index('by-missing').count(),
    (missing) => {
      // Other photos with these bytes that had lost them have them again.
      if (missing > 0)
        for (const { record } of group)
          batch.issue(
            () => photos.index('by-checksum').getAll(record.checksum),
            (users: StoredRecord[]) => {
              for (const r of users)
                if (r.bytes_missing && r.id !== record.id)
                  batch.issue(() => photos.put(toStored(withBytes(r))));
            },
          );
    },
  );
  for (const { record, bytes: blob, report } of group) {
    if (mode === 'new') {
      if (report !== undefined) batch.issue(() => tx.objectStore('outbox').add(report));
      batch.issue(() => bytes.put(blob, record.checksum));
      batch.issue(() => photos.add(toStored(withBytes(record))));
      continue;
    }
    if (report !== undefined)
      queueReport(tx, batch, report, () => {
        found.held = true;
      });
    batch.issue(
      () => photos.get(record.id),
      (old: StoredRecord | undefined) => {
        if (old === undefined) return;
        found.held = true;
        if (old.checksum !== record.checksum) dropUnreferenced(tx, batch, old.checksum);
      },
    );
    batch.issue(() => bytes.put(blob, record.checksum));
    batch.issue(() => photos.put(toStored(withBytes(record))));
  }
  return found;
}
