/**
 * Removes photo bytes no row references, once nothing can still be reading them: objects retired by a
 * replacement or deletion, and orphans (bytes whose row write never committed: a lost race whose
 * clean-up was cut short, a crash between file and row). Run at start and periodically.
 */
import type { ImageRepository, MetadataRepository } from './types';

/**
 * How long unreferenced bytes are kept: a download that looked its photo up just before a replacement
 * (or a writer between its bytes and its row) has this long to finish. A 25 MiB photo at 1 Mbit/s
 * takes under 4 minutes.
 */
export const OBJECT_GRACE_MS = 15 * 60 * 1000;

/** Deletes every object unreferenced for longer than `graceMs` before `now`; returns the keys deleted. */
export async function sweepObjects(
  meta: MetadataRepository,
  images: ImageRepository,
  now: number,
  graceMs = OBJECT_GRACE_MS,
): Promise<string[]> {
  const cutoff = now - graceMs;
  const candidates: string[] = [];
  for await (const object of images.list())
    if (object.mtime_ms <= cutoff && (await meta.isObjectUnreferenced(object.key)))
      candidates.push(object.key);
  // Read after the reference checks: the write that unreferenced a candidate retired it in the same
  // transaction, so a replacement committed a moment ago is seen here and its old bytes are kept.
  const retired = await meta.listRetiredObjects();
  const retiredAt = new Map(retired.map((r) => [r.object_key, r.retired_ms]));
  const deleted: string[] = [];
  for (const key of candidates) {
    // Unused since its retirement, or (never referenced: an orphan) since it was written.
    if ((retiredAt.get(key) ?? cutoff) > cutoff) continue;
    await images.delete(key);
    deleted.push(key);
  }
  await meta.forgetRetiredObjects(
    retired.filter((r) => r.retired_ms <= cutoff).map((r) => r.object_key),
  );
  return deleted;
}

/**
 * Sweeps once now (awaited, so start-up begins clean), then every third of the grace period on a timer
 * that does not keep the process alive; a failed periodic sweep goes to `onError`, the next one retries.
 * Returns the function that stops the timer.
 */
export async function startSweeping(
  meta: MetadataRepository,
  images: ImageRepository,
  clock: () => number,
  onError: (e: unknown) => void,
): Promise<() => void> {
  await sweepObjects(meta, images, clock());
  const timer = setInterval(
    () => void sweepObjects(meta, images, clock()).catch(onError),
    OBJECT_GRACE_MS / 3,
  );
  timer.unref();
  return () => clearInterval(timer);
}
