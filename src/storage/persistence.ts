/** Persistent-storage request and usage estimate of this origin (StorageManager), safe in a window or a worker. */

/** Bytes used by this origin and the most it may use (0 when the browser does not say). */
export interface StorageUsage {
  usage: number;
  quota: number;
}

/** `persist()` exists only in windows; workers (the service worker) can only ask `persisted()`. */
type AnyStorageManager = StorageManager & { persist?: () => Promise<boolean> };

function storageManager(): AnyStorageManager | undefined {
  return (navigator as { storage?: AnyStorageManager }).storage;
}

/**
 * Asks the browser not to evict this origin's data under storage pressure. Returns whether the data is
 * persistent now; in a worker, where the request cannot be made, it only reports the current grant.
 */
export async function requestPersistence(): Promise<boolean> {
  const manager = storageManager();
  if (manager === undefined) return false;
  if (await manager.persisted()) return true;
  return manager.persist ? manager.persist() : false;
}

/** Current usage and quota. */
export async function estimateUsage(): Promise<StorageUsage> {
  const estimate = (await storageManager()?.estimate()) ?? {};
  return { usage: estimate.usage ?? 0, quota: estimate.quota ?? 0 };
}
