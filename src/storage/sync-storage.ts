/**
 * IndexedDB implementation of the engine's `SyncStorage` port plus the reads the service worker serves from.
 * Every method is one transaction; photo bytes are Blob values keyed by checksum in the same database as their
 * records, so a photo and its bytes are committed (or rolled back) together.
 */
import type {
  EngineRecord,
  ListedPage,
  RunCheckpoint,
  StateMap,
  SyncStorage,
  FailureRecord,
  OutboxEntry,
  PartialDownload,
  PartialProgress,
} from '../sync/ports';
import { compareGalleryKeys, type GalleryKey, galleryName } from '../shared/gallery-order';
import type { StatusItem, StoredPhoto } from '../shared/types';
import {
  type ChunkKey,
  chunksOf,
  DB_NAME,
  fromStored,
  type PhotoDb,
  openPhotoDb,
  type StoredRecord,
  toStored,
  withBytes,
} from './db';
import { estimateUsage, requestPersistence, type StorageUsage } from './persistence';
import { type StoreName, type Tx, inTransaction } from './transaction';
import {
  deletePartial,
  dropUnreferenced,
  type GroupMode,
  issueIn,
  queueReport,
  type VerifiedWrite,
  writeGroup,
} from './write-group';

/** A held photo's verified bytes with its record, ready to serve with `record.content_type`. */
export interface PhotoBytes {
  record: StoredPhoto;
  blob: Blob;
}

/** What the service worker's fetch route and the UI bridge read, beyond the engine's port. */
export interface PhotoReader {
  /**
   * The photo's record and bytes; undefined when it is not held (or its bytes were flagged gone before); null
   * when this read found its bytes gone (evicted, unreadable) and flagged them `bytes_missing` on every record
   * sharing them, so the engine downloads them again. Null is the one answer that wrote: the service worker's
   * storage proxies treat it as a write, and a read of a photo not held yet (a placeholder) as none.
   */
  readPhoto(id: string): Promise<PhotoBytes | null | undefined>;
  /** Held records in gallery order: product name, product id, primary first, sort order. */
  listPhotos(): Promise<StoredPhoto[]>;
  /**
   * The records (bytes missing or not) of the first `products` products in gallery order
   * (src/shared/gallery-order.ts), read from the gallery index: the first page without reading every record.
   */
  galleryHead(products: number): Promise<StoredPhoto[]>;
  /** Asks for persistent storage where this context can (a window); elsewhere reports whether it is persisted. */
  requestPersistence(): Promise<boolean>;
  /** Bytes used by this origin and its quota. */
  estimate(): Promise<StorageUsage>;
  /** Closes the connection; later calls reopen it. */
  close(): void;
  /**
   * Repairs what a bug or outside interference could leave behind (see `openSyncStorage`); one write
   * transaction over the photo stores, so reads wait for it: opened with `sweep: false`, the caller runs it
   * when nothing waits (the service worker: before its first run, after the first screen).
   */
  sweep(): Promise<void>;
}

/** The whole storage layer: the engine's port and the serving reads. */
export type PhotoStorage = SyncStorage & PhotoReader;

/** Options of `openSyncStorage`. */
export interface OpenOptions {
  /** Database name; tests use their own. */
  name?: string;
  /** Sweep while opening (default); false leaves `sweep()` to the caller. */
  sweep?: boolean;
}

/** State the store forgets on `wipe` (settings stay, the engine record is replaced). */
const STORE_STATE: (keyof StateMap)[] = ['auth', 'checkpoint'];

const PHOTO_STORES: StoreName[] = ['photos', 'bytes', 'partials', 'partial-chunks'];
const PARTIAL_STORES: StoreName[] = ['partials', 'partial-chunks'];
const CHECKPOINT_STORES: StoreName[] = ['state', 'listed-pages'];

/** The gallery index's key of a record (src/shared/gallery-order.ts). */
const galleryKey = (r: StoredPhoto): GalleryKey => [
  galleryName(r.product_name),
  r.product_sku,
  r.product_id,
];

function galleryOrder(a: StoredPhoto, b: StoredPhoto): number {
  return (
    compareGalleryKeys(galleryKey(a), galleryKey(b)) ||
    Number(b.is_primary) - Number(a.is_primary) ||
    a.sort_order - b.sort_order ||
    (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)
  );
}

/**
 * `seqs` as runs of consecutive numbers, `[first, last]` each: the outbox's keys are whole numbers, so one
 * delete of a run's key range removes exactly its reports (a batch the HO accepted is mostly one run).
 */
function consecutiveRuns(seqs: readonly number[]): [number, number][] {
  const runs: [number, number][] = [];
  for (const seq of [...new Set(seqs)].sort((x, y) => x - y)) {
    const run = runs.at(-1);
    if (run !== undefined && seq === run[1] + 1) run[1] = seq;
    else runs.push([seq, seq]);
  }
  return runs;
}

/** Photos written together at most (a group's transaction holds the photo stores for all of them). */
const MAX_GROUP = 32;

/** Flags every photo using `checksum` as missing its bytes and drops the unusable bytes entry. */
async function flagMissing(tx: Tx<'readwrite'>, checksum: string): Promise<void> {
  const photos = tx.objectStore('photos');
  const users = await photos.index('by-checksum').getAll(checksum);
  await Promise.all([
    ...users
      .filter((r) => !r.bytes_missing)
      .map((r) => photos.put(toStored({ ...r, bytes_missing: true }))),
    tx.objectStore('bytes').delete(checksum),
  ]);
}

/** True when the Blob's backing data can still be read (its last byte, which also catches truncation). */
async function readable(blob: Blob): Promise<boolean> {
  try {
    await blob.slice(Math.max(0, blob.size - 1)).arrayBuffer();
    return true;
  } catch {
    return false;
  }
}

/** Holds one connection, reopened lazily after the browser or a newer schema closed it. */
class Connection {
  private opening: Promise<PhotoDb> | undefined;

  constructor(private readonly name: string) {}

  get(): Promise<PhotoDb> {
    if (this.opening === undefined) {
      const opening = openPhotoDb(this.name, { onClosed: () => this.forget(opening) });
      opening.catch(() => this.forget(opening)); // a failed open is retried by the next call
      this.opening = opening;
    }
    return this.opening;
  }

  close(): void {
    const opening = this.opening;
    this.opening = undefined;
    opening?.then(
      (db) => db.close(),
      () => undefined,
    );
  }

  private forget(opening: Promise<PhotoDb>): void {
    if (this.opening === opening) this.opening = undefined;
  }
}

class IdbPhotoStorage implements PhotoStorage {
  /** Verified photos waiting for the write transaction under way to end (see writeVerified). */
  private readonly verified: VerifiedWrite[] = [];
  private writing = false;
  /** Whether the next write group is written as `new` photos (see `GroupMode`): what the last one found. */
  private expectNew = true;

  constructor(private readonly connection: Connection) {}

  private async run<Mode extends IDBTransactionMode, T>(
    stores: StoreName[],
    mode: Mode,
    body: (tx: Tx<Mode>) => Promise<T>,
  ): Promise<T> {
    return inTransaction(await this.connection.get(), stores, mode, body);
  }

  async getRecord(id: string): Promise<StoredPhoto | undefined> {
    const record = await (await this.connection.get()).get('photos', id);
    return record === undefined ? undefined : fromStored(record);
  }

  async listRecords(): Promise<StoredPhoto[]> {
    return (await (await this.connection.get()).getAll('photos')).map(fromStored);
  }

  async recordIds(): Promise<{ ids: string[]; missing: string[] }> {
    return this.run(['photos'], 'readonly', async (tx) => {
      const photos = tx.objectStore('photos');
      const [ids, missing] = await Promise.all([
        photos.getAllKeys(),
        photos.index('by-missing').getAllKeys(),
      ]);
      return { ids, missing };
    });
  }

  async galleryHead(products: number): Promise<StoredPhoto[]> {
    const head: StoredPhoto[] = [];
    if (products <= 0) return head;
    const index = (await this.connection.get()).transaction('photos').store.index('by-gallery');
    let seen = 0;
    let product: string | null = null;
    // A product's records are adjacent in the index (its key is the product's), so the first `products`
    // products end where the next one starts.
    for (let cursor = await index.openCursor(); cursor; cursor = await cursor.continue()) {
      const [, , productId] = cursor.key;
      if (productId !== product) {
        if (seen === products) break;
        seen++;
        product = productId;
      }
      head.push(fromStored(cursor.value));
    }
    return head;
  }

  async putVerified(record: StoredPhoto, bytes: Blob, report?: StatusItem): Promise<void> {
    if (bytes.size !== record.size)
      throw new Error(`photo ${record.id}: ${bytes.size} bytes, record says ${record.size}`);
    return new Promise((resolve, reject) => {
      this.verified.push({ record, bytes, report, resolve, reject });
      this.writeVerified();
    });
  }

  /**
   * Group commit: photos verified while a write transaction runs wait and are written together in the next
   * one (the photo stores admit one write transaction at a time, and each costs the backend far more than
   * its requests). Each photo is still written whole or not at all with its report. When a group fails, its
   * photos are written one by one, so one photo's failure (a full disk aside) never fails another's.
   */
  private writeVerified(): void {
    if (this.writing || this.verified.length === 0) return;
    this.writing = true;
    const group = this.verified.splice(0, MAX_GROUP);
    const settle = async (): Promise<void> => {
      try {
        await this.putGroup(group);
        for (const item of group) item.resolve();
      } catch (err) {
        if (group.length === 1) group[0]!.reject(err);
        else for (const item of group) await this.putGroup([item]).then(item.resolve, item.reject);
      }
    };
    void settle().finally(() => {
      this.writing = false;
      this.writeVerified();
    });
  }

  /**
   * Writes verified photos (bytes, record, report) in one transaction: `new` while the last group had no held
   * photo and no unsent report, written again `held` when that guess fails (see `GroupMode`).
   */
  private async putGroup(group: readonly VerifiedWrite[]): Promise<void> {
    if (this.expectNew) {
      try {
        await this.writeGroupAs(group, 'new');
        return;
      } catch (err) {
        if (!(err instanceof DOMException && err.name === 'ConstraintError')) throw err;
        this.expectNew = false; // also for the photos of this group written one by one if it fails again
      }
    }
    this.expectNew = !(await this.writeGroupAs(group, 'held'));
  }

  /** Writes the group in one transaction; true when any of its photos was held or had an unsent report. */
  private async writeGroupAs(group: readonly VerifiedWrite[], mode: GroupMode): Promise<boolean> {
    const reports = group.some((item) => item.report !== undefined);
    return this.run(
      reports ? [...PHOTO_STORES, 'outbox'] : PHOTO_STORES,
      'readwrite',
      async (tx) => {
        let found = { held: false };
        await issueIn(tx, (raw, batch) => {
          found = writeGroup(raw, group, batch, mode);
        });
        return found.held;
      },
    );
  }

  async putMeta(record: StoredPhoto): Promise<void> {
    await this.run(['photos'], 'readwrite', async (tx) => {
      const photos = tx.objectStore('photos');
      const held = await photos.get(record.id);
      // Metadata may only change around the bytes already held; new bytes go through putVerified.
      if (held?.checksum !== record.checksum)
        throw new Error(`putMeta: photo ${record.id} is not held with checksum ${record.checksum}`);
      await photos.put(
        toStored(held.bytes_missing ? { ...record, bytes_missing: true } : withBytes(record)),
      );
    });
  }

  async deleteRecords(ids: string[]): Promise<void> {
    await this.run(PHOTO_STORES, 'readwrite', (tx) =>
      issueIn(tx, (raw, batch) => {
        const photos = raw.objectStore('photos');
        const checksums = new Set<string>();
        // Each record is read before the deletes issued below run; its bytes are counted after all of them.
        for (const id of ids)
          batch.issue(
            () => photos.get(id),
            (found: StoredRecord | undefined) => {
              if (found === undefined || checksums.has(found.checksum)) return;
              checksums.add(found.checksum);
              dropUnreferenced(raw, batch, found.checksum);
            },
          );
        for (const id of ids) {
          batch.issue(() => photos.delete(id));
          deletePartial(raw, batch, id);
        }
      }),
    );
  }

  async partialIds(): Promise<string[]> {
    return (await this.connection.get()).getAllKeys('partials');
  }

  async loadPartial(id: string): Promise<PartialDownload | undefined> {
    return this.run(PARTIAL_STORES, 'readonly', async (tx) => {
      const [header, chunks] = await Promise.all([
        tx.objectStore('partials').get(id),
        tx.objectStore('partial-chunks').getAll(chunksOf(id)),
      ]);
      if (header === undefined) return undefined;
      const held = chunks.reduce((sum, chunk) => sum + chunk.size, 0);
      // appendPartial keeps these equal; anything else is not a resumable state.
      return held === header.received ? { ...header, chunks } : undefined;
    });
  }

  async appendPartial(progress: PartialProgress, chunk: Blob): Promise<void> {
    const offset = progress.received - chunk.size;
    await this.run(PARTIAL_STORES, 'readwrite', (tx) =>
      issueIn(tx, (raw, batch) => {
        const partials = raw.objectStore('partials');
        const key: ChunkKey = [progress.photo_id, offset];
        const append = (): void => {
          batch.issue(() => raw.objectStore('partial-chunks').put(chunk, key));
          batch.issue(() => partials.put(progress));
        };
        if (offset === 0) {
          deletePartial(raw, batch, progress.photo_id); // a fresh download replaces whatever was there
          append();
          return;
        }
        batch.issue(
          () => partials.get(progress.photo_id),
          (held: PartialProgress | undefined) => {
            if (held?.checksum !== progress.checksum || held.received !== offset)
              throw new Error(
                `appendPartial: photo ${progress.photo_id} holds no partial ending at byte ${offset} of ${progress.checksum}`,
              );
            append();
          },
        );
      }),
    );
  }

  async clearPartial(id: string): Promise<void> {
    await this.run(PARTIAL_STORES, 'readwrite', (tx) =>
      issueIn(tx, (raw, batch) => deletePartial(raw, batch, id)),
    );
  }

  async getState<K extends keyof StateMap>(key: K): Promise<StateMap[K] | undefined> {
    // The key decides the value type; the schema can only say "one of StateMap's values".
    return (await (await this.connection.get()).get('state', key)) as StateMap[K] | undefined;
  }

  async putState<K extends keyof StateMap>(key: K, value: StateMap[K] | undefined): Promise<void> {
    if (key === 'checkpoint') {
      await this.writeCheckpoint(value as RunCheckpoint | undefined);
      return;
    }
    await this.run(['state'], 'readwrite', async (tx) => {
      await (value === undefined
        ? tx.objectStore('state').delete(key)
        : tx.objectStore('state').put(value, key));
    });
  }

  async putListedPage(cp: RunCheckpoint, page: ListedPage): Promise<void> {
    await this.writeCheckpoint(cp, page);
  }

  async listedPages(count: number): Promise<ListedPage[]> {
    if (count <= 0) return [];
    return (await this.connection.get()).getAll('listed-pages', IDBKeyRange.bound(0, count - 1));
  }

  /** Writes (or deletes) the checkpoint with its newest page, dropping pages it does not count. */
  private async writeCheckpoint(cp: RunCheckpoint | undefined, page?: ListedPage): Promise<void> {
    const count = cp?.pages ?? 0;
    await this.run(CHECKPOINT_STORES, 'readwrite', async (tx) => {
      const pages = tx.objectStore('listed-pages');
      await Promise.all([
        cp === undefined
          ? tx.objectStore('state').delete('checkpoint')
          : tx.objectStore('state').put(cp, 'checkpoint'),
        page === undefined ? undefined : pages.put(page, count - 1),
        pages.delete(IDBKeyRange.lowerBound(count)),
      ]);
    });
  }

  async listFailures(): Promise<FailureRecord[]> {
    return (await this.connection.get()).getAll('failures');
  }

  async putFailure(failure: FailureRecord): Promise<void> {
    await this.run(['failures'], 'readwrite', async (tx) => {
      await tx.objectStore('failures').put(failure);
    });
  }

  async deleteFailures(ids: string[]): Promise<void> {
    await this.run(['failures'], 'readwrite', async (tx) => {
      await Promise.all(ids.map((id) => tx.objectStore('failures').delete(id)));
    });
  }

  async appendOutbox(item: StatusItem): Promise<void> {
    await this.run(['outbox'], 'readwrite', (tx) =>
      issueIn(tx, (raw, batch) => queueReport(raw, batch, item)),
    );
  }

  async peekOutbox(max: number): Promise<OutboxEntry[]> {
    if (max <= 0) return [];
    // Two requests, not a cursor step per report (a full sync reports every photo, issue 14).
    return this.run(['outbox'], 'readonly', async (tx) => {
      const outbox = tx.objectStore('outbox');
      const [seqs, items] = await Promise.all([
        outbox.getAllKeys(null, max),
        outbox.getAll(null, max),
      ]);
      return seqs.map((seq, i) => ({ seq, item: items[i]! }));
    });
  }

  async removeOutbox(seqs: number[]): Promise<void> {
    await this.run(['outbox'], 'readwrite', (tx) =>
      issueIn(tx, (raw, batch) => {
        const outbox = raw.objectStore('outbox');
        for (const [first, last] of consecutiveRuns(seqs))
          batch.issue(() => outbox.delete(IDBKeyRange.bound(first, last)));
      }),
    );
  }

  async countOutbox(): Promise<number> {
    return (await this.connection.get()).count('outbox');
  }

  async wipe(engine: EngineRecord): Promise<void> {
    const cleared: StoreName[] = [...PHOTO_STORES, 'failures', 'outbox', 'listed-pages'];
    await this.run([...cleared, 'state'], 'readwrite', async (tx) => {
      await Promise.all([
        ...cleared.map((name) => tx.objectStore(name).clear()),
        ...STORE_STATE.map((key) => tx.objectStore('state').delete(key)),
        tx.objectStore('state').put(engine, 'engine'),
      ]);
    });
  }

  async readPhoto(id: string): Promise<PhotoBytes | null | undefined> {
    const found = await this.run(['photos', 'bytes'], 'readonly', async (tx) => {
      const record = await tx.objectStore('photos').get(id);
      if (record === undefined || record.bytes_missing) return undefined;
      return { record, blob: await tx.objectStore('bytes').get(record.checksum) };
    });
    if (found === undefined) return undefined;
    const { blob } = found;
    const record = fromStored(found.record);
    if (blob !== undefined && (await readable(blob))) return { record, blob };
    await this.run(PHOTO_STORES, 'readwrite', (tx) => flagMissing(tx, record.checksum));
    return null;
  }

  async listPhotos(): Promise<StoredPhoto[]> {
    return (await this.listRecords()).sort(galleryOrder);
  }

  requestPersistence(): Promise<boolean> {
    return requestPersistence();
  }

  estimate(): Promise<StorageUsage> {
    return estimateUsage();
  }

  close(): void {
    this.connection.close();
  }

  /**
   * Repairs what a bug or outside interference could leave behind (transactions make it impossible otherwise):
   * bytes no photo references, chunks without a partial header, and records whose bytes entry is gone (flagged).
   */
  async sweep(): Promise<void> {
    await this.run(PHOTO_STORES, 'readwrite', async (tx) => {
      const referenced = new Set<string>();
      const index = tx.objectStore('photos').index('by-checksum');
      for (
        let cursor = await index.openKeyCursor(null, 'nextunique');
        cursor;
        cursor = await cursor.continue()
      )
        referenced.add(cursor.key);
      const [held, headers, chunkKeys] = await Promise.all([
        tx.objectStore('bytes').getAllKeys(),
        tx.objectStore('partials').getAllKeys(),
        tx.objectStore('partial-chunks').getAllKeys(),
      ]);
      const heldSet = new Set(held);
      const headerSet = new Set(headers);
      await Promise.all([
        ...held
          .filter((checksum) => !referenced.has(checksum))
          .map((checksum) => tx.objectStore('bytes').delete(checksum)),
        ...chunkKeys
          .filter(([id]) => !headerSet.has(id))
          .map((key) => tx.objectStore('partial-chunks').delete(key)),
        ...[...referenced]
          .filter((checksum) => !heldSet.has(checksum))
          .map((checksum) => flagMissing(tx, checksum)),
      ]);
    });
  }
}

/**
 * Opens the storage layer (creating or migrating the database) and sweeps leftovers of earlier runs. The
 * connection starts opening at once, not at the first read: opening a big store's database took 200 ms of
 * a starting worker's first screen (issue 14), and the worker starts before the page asks for anything.
 */
export async function openSyncStorage(options: OpenOptions = {}): Promise<PhotoStorage> {
  const connection = new Connection(options.name ?? DB_NAME);
  // A failed open is reported to (and retried by) the first call that needs the connection.
  connection.get().catch(() => undefined);
  const storage = new IdbPhotoStorage(connection);
  if (options.sweep !== false) await storage.sweep();
  return storage;
}
