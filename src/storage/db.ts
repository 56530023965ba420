/**
 * The one IndexedDB database of the PWA: schema, versioned migrations and the connection. Photo bytes live here
 * as Blob values keyed by checksum (content-addressed, shared by photos with equal bytes); docs/storage.md has
 * the measurements behind that choice.
 */
import {
  type DBSchema,
  type IDBPDatabase,
  type IDBPTransaction,
  openDB,
  type StoreNames,
} from 'idb';
import { galleryName } from '../shared/gallery-order';
import { allowedImageType } from '../shared/image-types';
import type { StatusItem, StoredPhoto } from '../shared/types';
import { abortQuietly } from './transaction';
import { startupMark } from '../shared/timing';
import type {
  EngineRecord,
  FailureRecord,
  ListedPage,
  PartialProgress,
  RunCheckpoint,
  StateMap,
} from '../sync/ports';

/** Name of the database. */
export const DB_NAME = 'product-photo-sync';

/** Current schema version; `upgrade` brings any older database up to it step by step. */
export const DB_VERSION = 5;

/** Key of a partial download chunk: photo id and the byte offset the chunk starts at. */
export type ChunkKey = [photoId: string, offset: number];

/** Key range of every chunk of one photo's partial download. */
export function chunksOf(id: string): IDBKeyRange {
  return IDBKeyRange.bound([id, -Infinity], [id, Infinity]);
}

/**
 * A photo record as storage keeps it (version 5 on): the engine's record plus the fields only the indexes
 * use, which storage adds on every write and drops on every read (see `toStored`, `fromStored`).
 */
export interface StoredRecord extends StoredPhoto {
  /** `galleryName(product_name)`: the gallery index's first key part (src/shared/gallery-order.ts). */
  gallery_name: string;
  /** Present (1) exactly when `bytes_missing` is true: a boolean is no IndexedDB key, so `by-missing` indexes this. */
  missing?: 1;
}

/** The record as stored: the index fields computed from it. */
export function toStored(record: StoredPhoto): StoredRecord {
  const { missing: _m, gallery_name: _g, ...photo } = record as StoredRecord;
  const stored: StoredRecord = { ...photo, gallery_name: galleryName(record.product_name) };
  if (record.bytes_missing === true) stored.missing = 1;
  return stored;
}

/** The record as stored with present bytes: the storage-owned flag removed. */
export function withBytes(record: StoredPhoto): StoredPhoto {
  const { bytes_missing: _flag, ...rest } = record;
  return rest;
}

/** The record as the engine knows it: the index fields dropped. */
export function fromStored(record: StoredRecord): StoredPhoto {
  const { missing: _m, gallery_name: _g, ...photo } = record;
  return photo;
}

/** Key of the gallery index: [gallery name, SKU, product id] (src/shared/gallery-order.ts). */
export type GalleryIndexKey = [name: string, sku: string, productId: string];

/** Every object store, its keys, values and indexes. */
export interface PhotoSyncSchema extends DBSchema {
  /**
   * Held photos by id; `by-checksum` counts the photos that share one bytes entry, `by-gallery` gives them in
   * gallery order (the first page without reading every record), `by-missing` the few whose bytes are gone.
   */
  photos: {
    key: string;
    value: StoredRecord;
    indexes: { 'by-checksum': string; 'by-gallery': GalleryIndexKey; 'by-missing': 1 };
  };
  /** Verified photo bytes by MD5 checksum. */
  bytes: { key: string; value: Blob };
  /** Header of each interrupted download, by photo id. */
  partials: { key: string; value: PartialProgress };
  /** Bytes of interrupted downloads, one Blob per checkpoint. */
  'partial-chunks': { key: ChunkKey; value: Blob };
  /** Failed photos waiting for a retry, by photo id. */
  failures: { key: string; value: FailureRecord };
  /** Unsent status reports; the autoincrement key is the outbox order. At most one per photo. */
  outbox: { key: number; value: StatusItem; indexes: { 'by-photo': string } };
  /** Small records (settings, tokens, engine bookkeeping, run checkpoint) by name. */
  state: { key: keyof StateMap; value: StateMap[keyof StateMap] };
  /** What each page of the checkpoint's listing found, by page number from 0. */
  'listed-pages': { key: number; value: ListedPage };
}

/** An open connection. */
export type PhotoDb = IDBPDatabase<PhotoSyncSchema>;

type UpgradeTx = IDBPTransaction<PhotoSyncSchema, StoreNames<PhotoSyncSchema>[], 'versionchange'>;

/**
 * Version 3: only raster image types may be held. Records of any other type (stored by earlier versions,
 * e.g. text/html or SVG) are deleted with their partial downloads and with bytes no kept photo shares, and
 * the watermark is cleared so the next run lists everything again: they come back as failed photos.
 */
async function purgeNonImages(tx: UpgradeTx): Promise<void> {
  const photos = tx.objectStore('photos');
  const purged: StoredPhoto[] = [];
  for (let cursor = await photos.openCursor(); cursor; cursor = await cursor.continue()) {
    if (allowedImageType(String(cursor.value.content_type)) === null) purged.push(cursor.value);
  }
  if (purged.length === 0) return;
  for (const record of purged) {
    await photos.delete(record.id);
    await tx.objectStore('partials').delete(record.id);
    await tx.objectStore('partial-chunks').delete(chunksOf(record.id));
  }
  for (const checksum of new Set(purged.map((r) => r.checksum))) {
    if ((await photos.index('by-checksum').count(checksum)) === 0)
      await tx.objectStore('bytes').delete(checksum);
  }
  const state = tx.objectStore('state');
  const engine = (await state.get('engine')) as EngineRecord | undefined;
  if (engine !== undefined) await state.put({ ...engine, watermark: null }, 'engine');
}

/** A run checkpoint as versions before 4 stored it: the listing's ids and rows inside it. */
type CheckpointV3 = Omit<RunCheckpoint, 'pages' | 'seen_count'> & {
  seen_ids: string[];
  deleted_ids: string[];
};

/**
 * Version 4: the listing's ids and rows move out of the checkpoint into listed pages, so a page's write no
 * longer grows with the listing. A checkpoint in progress becomes one page holding what it had listed.
 */
async function splitCheckpoint(tx: UpgradeTx): Promise<void> {
  const state = tx.objectStore('state');
  const old = (await state.get('checkpoint')) as CheckpointV3 | undefined;
  if (old === undefined) return;
  const { seen_ids, deleted_ids, ...rest } = old;
  const listing = old.phase === 'listing';
  if (listing) {
    await tx
      .objectStore('listed-pages')
      .put({ seen: seen_ids, pending: old.pending, settled: [], deleted: deleted_ids }, 0);
  }
  const cp: RunCheckpoint = {
    ...rest,
    pending: listing ? [] : old.pending,
    pages: listing ? 1 : 0,
    seen_count: new Set(seen_ids).size,
  };
  await state.put(cp, 'checkpoint');
}

/**
 * Version 5: the gallery index (first page in gallery order as a cursor read) and the index of records missing
 * their bytes (counts without reading every record); every record gets the fields they index.
 */
async function indexGallery(tx: UpgradeTx): Promise<void> {
  const photos = tx.objectStore('photos');
  photos.createIndex('by-gallery', ['gallery_name', 'product_sku', 'product_id']);
  photos.createIndex('by-missing', 'missing');
  // Every write is issued before any answer is awaited: a cursor awaiting its update and then its continue
  // cost two round trips to the database per record, and the upgrade (which every read of a starting worker
  // waits for) took 13.9 s at 12,700 records and 25.3 s at 20,000 in Chromium; issued together, 5.5 s and
  // 9.3 s (creating the indexes after the writes instead saved nothing measurable).
  const records = await photos.getAll();
  await Promise.all(records.map((record) => photos.put(toStored(record))));
}

/** Callbacks for a connection the browser or a newer version takes away, so the holder reopens lazily. */
export interface ConnectionEvents {
  onClosed(): void;
}

/**
 * Opens (creating or migrating) the database. A connection that blocks a newer schema (a new service worker
 * version) closes itself so the upgrade can proceed.
 */
export async function openPhotoDb(name: string, events: ConnectionEvents): Promise<PhotoDb> {
  startupMark('db-open-started');
  const db: PhotoDb = await openDB<PhotoSyncSchema>(name, DB_VERSION, {
    upgrade(database, oldVersion, _newVersion, tx) {
      // Each step takes a database of exactly the previous version; never edit a released step, add one.
      if (oldVersion < 1) {
        database.createObjectStore('photos', { keyPath: 'id' });
        database.createObjectStore('bytes');
        database.createObjectStore('partials', { keyPath: 'photo_id' });
        database.createObjectStore('partial-chunks');
        database.createObjectStore('failures', { keyPath: 'photo_id' });
        database
          .createObjectStore('outbox', { autoIncrement: true })
          .createIndex('by-photo', 'photo_id', { unique: true });
        database.createObjectStore('state');
      }
      if (oldVersion < 2) {
        // Finds the photos that still reference a bytes entry, so shared bytes are deleted with their last photo.
        tx.objectStore('photos').createIndex('by-checksum', 'checksum');
      }
      // Any failure aborts the upgrade (the open fails, nothing half-purged); the next open tries again.
      const earlier: Promise<void>[] = [];
      if (oldVersion < 3) earlier.push(purgeNonImages(tx).catch(() => abortQuietly(tx)));
      if (oldVersion < 4) {
        database.createObjectStore('listed-pages');
        earlier.push(splitCheckpoint(tx).catch(() => abortQuietly(tx)));
      }
      // After the steps before it: version 3 deletes records this step's cursor would otherwise write back.
      if (oldVersion < 5)
        void Promise.all(earlier)
          .then(() => indexGallery(tx))
          .catch(() => abortQuietly(tx));
    },
    blocking() {
      db.close();
      events.onClosed();
    },
    terminated() {
      events.onClosed();
    },
  });
  startupMark('db-opened');
  return db;
}
