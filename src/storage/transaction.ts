/** Running one storage step as one IndexedDB transaction, with quota failures mapped to `QuotaError`. */
import type { IDBPTransaction, StoreNames } from 'idb';
import { QuotaError } from '../shared/errors';
import type { PhotoDb, PhotoSyncSchema } from './db';

/** Store names of the schema. */
export type StoreName = StoreNames<PhotoSyncSchema>;

/** A transaction of this schema; its runtime scope is the store list it was opened with. */
export type Tx<Mode extends IDBTransactionMode> = IDBPTransaction<
  PhotoSyncSchema,
  StoreName[],
  Mode
>;

/** True for the browser's "storage full" error, however it surfaces (request, commit or abort). */
export function isQuotaExceeded(err: unknown): boolean {
  return err instanceof DOMException && err.name === 'QuotaExceededError';
}

/** Aborts `tx` unless it already committed or aborted. */
export function abortQuietly(tx: { abort(): void }): void {
  try {
    tx.abort();
  } catch {
    // Already committed or aborted: nothing left to undo.
  }
}

/**
 * Runs `body` in one transaction over `stores` and waits for the commit. `body` must only await requests of
 * `tx` (anything else lets the transaction auto-commit half-way). If `body` throws, the transaction is aborted,
 * so a step is written completely or not at all. A full disk becomes `QuotaError`.
 */
export async function inTransaction<Mode extends IDBTransactionMode, T>(
  db: PhotoDb,
  stores: StoreName[],
  mode: Mode,
  body: (tx: Tx<Mode>) => Promise<T>,
): Promise<T> {
  const tx = db.transaction(stores, mode);
  const done = tx.done;
  // Observed below; without this a body failure would also surface as an unhandled rejection of `done`.
  done.catch(() => undefined);
  try {
    const result = await body(tx);
    await done;
    return result;
  } catch (err) {
    abortQuietly(tx);
    if (isQuotaExceeded(err) || isQuotaExceeded(tx.error)) {
      throw new QuotaError(`storage full: ${(err as Error).message}`, { cause: err });
    }
    throw err;
  }
}
