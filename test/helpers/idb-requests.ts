/**
 * Plain IndexedDB requests and transactions as promises, for the in-browser benchmarks that measure
 * IndexedDB without the `idb` wrapper (test/helpers/storage-bench.ts, bench/floor-sw.ts).
 */

/** Resolves with the request's result, rejects with its error. */
export function request<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

/** Resolves once the transaction has committed, rejects when it fails or is aborted. */
export function committed(tx: IDBTransaction): Promise<void> {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = tx.onabort = () => reject(tx.error ?? new Error('transaction aborted'));
  });
}
