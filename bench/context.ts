/** What every bench scenario shares: options, the running HO with its catalog, the static site, logging. */
import { DEFAULT_SETTINGS } from '../src/shared/types';
import type { BenchHo, ListedPhoto } from './ho';
import type { BenchOptions } from './options';
import type { StaticSite } from './static-site';

/** Downloads at once and pause per worker between downloads. */
export interface Politeness {
  concurrency: number;
  delayMs: number;
}

/** Scenario 1: as fast as the terminal may go. */
export const POLITENESS_OFF: Politeness = { concurrency: 5, delayMs: 0 };
/** Scenario 2: the engine's defaults (the API reference's recommendations). */
export const DEFAULT_POLITENESS: Politeness = {
  concurrency: DEFAULT_SETTINGS.concurrency,
  delayMs: DEFAULT_SETTINGS.delayMs,
};

/** Shared state of one bench invocation. */
export interface BenchContext {
  readonly opts: BenchOptions;
  readonly ho: BenchHo;
  readonly site: StaticSite;
  /** The catalog store's photos as listed before any scenario changed them. */
  readonly photos: ListedPhoto[];
  /** Longest a single sync may take before the bench gives up. */
  readonly syncTimeoutMs: number;
  log(message: string): void;
}

/** Points the app's config.json at the catalog store with `politeness`; pages opened afterwards use it. */
export async function deploySettings(
  site: StaticSite,
  storeId: string,
  politeness: Politeness,
): Promise<void> {
  await site.writeConfig({
    storeId,
    tokenPath: DEFAULT_SETTINGS.tokenPath,
    syncIntervalMs: DEFAULT_SETTINGS.syncIntervalMs,
    ...politeness,
  });
}

/** Sum of the listed photo sizes. */
export function imageBytes(photos: readonly ListedPhoto[]): number {
  return photos.reduce((sum, p) => sum + p.size, 0);
}
