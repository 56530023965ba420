/** Databases as old schema versions left them, for migration tests in Chromium and on fake-indexeddb. */
import { type IDBPDatabase, openDB } from 'idb';

/**
 * Creates database `name` exactly as an old schema `version` of src/storage/db.ts left it (released steps
 * never change), for migration tests: version 1's stores, version 2's by-checksum index (version 3
 * changed data only) and version 4's listed pages.
 */
export function openOldSchema(name: string, version: 1 | 2 | 3 | 4): Promise<IDBPDatabase> {
  return openDB(name, version, {
    upgrade(db) {
      const photos = db.createObjectStore('photos', { keyPath: 'id' });
      if (version >= 2) photos.createIndex('by-checksum', 'checksum');
      db.createObjectStore('bytes');
      db.createObjectStore('partials', { keyPath: 'photo_id' });
      db.createObjectStore('partial-chunks');
      db.createObjectStore('failures', { keyPath: 'photo_id' });
      db.createObjectStore('outbox', { autoIncrement: true }).createIndex('by-photo', 'photo_id', {
        unique: true,
      });
      db.createObjectStore('state');
      if (version >= 4) db.createObjectStore('listed-pages');
    },
  });
}
