/** The storage layer of the PWA (IndexedDB: photo records, bytes and engine state), used by the service worker. */
export { DB_NAME, DB_VERSION } from './db';
export type { StorageUsage } from './persistence';
export {
  type OpenOptions,
  type PhotoBytes,
  type PhotoReader,
  type PhotoStorage,
  openSyncStorage,
} from './sync-storage';
