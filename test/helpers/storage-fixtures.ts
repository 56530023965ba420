/**
 * Builders of storage test data (photo records, deterministic bytes, reports, failures), shared by the
 * SyncStorage contract suite in Node (test/unit/storage-contract.ts) and the Chromium storage harness.
 */
import type { StatusItem, StoredPhoto } from '../../src/shared/types';
import type { FailureRecord } from '../../src/sync/ports';

/** A photo record with `size` taken from its bytes and everything else filled in. */
export function photo(
  id: string,
  checksum: string,
  size: number,
  overrides: Partial<StoredPhoto> = {},
): StoredPhoto {
  return {
    id,
    product_id: `prod-${id}`,
    product_sku: `SKU-${id}`,
    product_name: `Product ${id}`,
    object_key: `photos/${id}.jpg`,
    filename: `${id}.jpg`,
    size,
    content_type: 'image/jpeg',
    checksum,
    version: 1,
    is_primary: true,
    sort_order: 0,
    updated_at: '2026-01-01T00:00:00.000Z',
    image_url: null,
    etag: `"${checksum}"`,
    synced_at: '2026-01-02T00:00:00.000Z',
    ...overrides,
  };
}

/** Deterministic bytes derived from `seed` (so two photos with one checksum get equal bytes). */
export function bytesFor(seed: string, size: number): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(size);
  let h = 2166136261;
  for (const ch of seed) h = Math.imul(h ^ ch.charCodeAt(0), 16777619);
  for (let i = 0; i < size; i++) {
    h = Math.imul(h ^ i, 16777619);
    out[i] = h >>> 24;
  }
  return out;
}

/** The content a checksum stands for in these tests, as a Blob. */
export function blobFor(checksum: string, size: number, type = 'image/jpeg'): Blob {
  return new Blob([bytesFor(checksum, size)], { type });
}

/** True when `blob` holds exactly the bytes `blobFor(checksum, size)` would. */
export async function holds(blob: Blob, checksum: string, size: number): Promise<boolean> {
  const got = new Uint8Array(await blob.arrayBuffer());
  const want = bytesFor(checksum, size);
  return got.length === want.length && got.every((b, i) => b === want[i]);
}

/** A status report of photo `id`. */
export function report(id: string, status: StatusItem['status']): StatusItem {
  return {
    photo_id: id,
    status,
    synced_at: status === 'synced' ? '2026-01-01T00:00:00.000Z' : null,
    error: status === 'failed' ? 'HTTP 500' : null,
  };
}

/** A failed photo without metadata, retried after `attempts` seconds. */
export function failure(id: string, attempts: number): FailureRecord {
  return {
    photo_id: id,
    reason: 'HTTP 500',
    attempts,
    last_attempt_at: '2026-01-01T00:00:00.000Z',
    meta: null,
    next_retry_at_ms: 1000 * attempts,
  };
}
