/** Shapes shared by the storage benchmark's page side (storage-bench.ts) and its Node driver (scripts/measure-storage.ts). */

/** Where the bytes go: an IndexedDB Blob value next to the record, or a Cache Storage entry under a synthetic URL. */
export type Strategy = 'idb' | 'cache';

/** One benchmark run. */
export interface BenchOptions {
  strategy: Strategy;
  count: number;
  /** Mean size; each photo is between 80% and 120% of it. */
  meanBytes: number;
  /** Photos written at once (the engine downloads up to 5 in parallel). */
  concurrency: number;
}

/** Usage as `navigator.storage.estimate()` reports it. */
export interface Usage {
  usage: number;
  quota: number;
  details: Record<string, number>;
}

/** What one phase wrote or read. */
export interface BenchResult {
  bytes: number;
  writeMs: number;
  readMs: number;
  deleteMs: number;
  before: Usage;
  afterWrite: Usage;
  afterDelete: Usage;
  /** Bytes of the profile's storage directories on disk, from the Node side (`benchDiskBytes`). */
  diskBefore: number;
  diskAfterWrite: number;
  diskAfterDelete: number;
}
