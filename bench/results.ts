/** The shape of bench-results.json: every figure of every scenario plus the machine it ran on. */
import type { BundleResult } from './bundle-size';
import type { FlatCostResult } from './flat-cost';
import type { FootprintResult, IncrementalResult } from './footprint';
import type { FullSyncResult, PolitenessResult } from './full-sync';
import type { GalleryResult } from './gallery';
import type { Md5Result } from './md5-throughput';

/** Where and how the bench ran. */
export interface BenchMeta {
  date: string;
  command: string;
  quick: boolean;
  cpus: number;
  cpuModel: string;
  memoryGB: number;
  /** 1/5/15-minute load averages when the run started and when it ended. */
  loadStart: number[];
  loadEnd: number[];
  node: string;
  chromium: string;
  python: string | null;
  note: string;
  durationS: number;
}

/** The catalog of scenarios 1-5. */
export interface CatalogInfo {
  photos: number;
  imageBytes: number;
  avgPhotoBytes: number;
  serverStartS: number;
}

/** One target of issue 5 and whether this run met it (null: report-only figure). */
export interface TargetCheck {
  scenario: string;
  figure: string;
  value: string;
  target: string;
  met: boolean | null;
}

/** Everything one invocation measured; a scenario left out with --only has no field. */
export interface BenchResults {
  meta: BenchMeta;
  /** Present when a scenario of the main catalog (full-sync, politeness, footprint) ran. */
  catalog?: CatalogInfo;
  fullSync?: FullSyncResult[];
  politeness?: PolitenessResult;
  footprint?: FootprintResult;
  incrementalUnchanged?: IncrementalResult;
  incrementalChanged?: IncrementalResult;
  md5?: Md5Result;
  bundle?: BundleResult;
  /** The figures, or why the scenario failed. */
  gallery?: GalleryResult | { error: string };
  /** The figures, or why the scenario failed. */
  flatCost?: FlatCostResult | { error: string };
  targets: TargetCheck[];
}
