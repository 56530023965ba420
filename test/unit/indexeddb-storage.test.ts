/**
 * The real IndexedDB storage (src/storage) held to the SyncStorage contract in Node, on fake-indexeddb
 * (an implementation of the IndexedDB spec). Type-checked with the DOM (tsconfig.e2e), not tsconfig.node.
 */
import 'fake-indexeddb/auto';
import { openDB } from 'idb';
import { openSyncStorage } from '../../src/storage';
import { syncStorageContract } from './storage-contract';

let databases = 0;

syncStorageContract('IndexedDB storage (fake-indexeddb)', async () => {
  const name = `contract-${++databases}`;
  const storage = await openSyncStorage({ name });
  return {
    storage,
    bytesOf: async (id) => (await storage.readPhoto(id))?.blob,
    byteEntries: async () => {
      const db = await openDB(name);
      try {
        return await db.count('bytes');
      } finally {
        db.close();
      }
    },
    close: () => storage.close(),
  };
});
