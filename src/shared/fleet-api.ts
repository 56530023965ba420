/**
 * The fleet console's JSON contract (reference HO extension, admin only): what
 * GET /api/v1/admin/fleet/, the terminal detail and the store detail answer inside `data`.
 * Imported by the server (server/src/fleet) and the console (src/admin), so both sides agree.
 */

/** ISO 8601 UTC timestamp, e.g. "2026-02-03T10:00:00.123Z". */
export type FleetTime = string;

/** A terminal's state: every current photo reported synced / some missing / no report for too long. */
export type TerminalState = 'current' | 'behind' | 'silent';

/** Every state, in the order the console lists them (worst last). */
export const TERMINAL_STATES: readonly TerminalState[] = ['current', 'behind', 'silent'];

/** Orders of the fleet overview's stores. */
export const FLEET_SORTS = ['store', 'state', 'last_report'] as const;

/** One order of the fleet overview's stores. */
export type FleetSort = (typeof FLEET_SORTS)[number];

/** Largest page of any fleet listing. */
export const FLEET_MAX_LIMIT = 200;

/** One failing photo of a terminal with the latest reason it reported. */
export interface FleetFailure {
  photo_id: string;
  product_name: string | null;
  error: string | null;
  reported_at: FleetTime;
}

/** One terminal of a store as the overview shows it. */
export interface TerminalSummary {
  terminal_id: string;
  /** The name in the terminal's latest report that carried one (null: never named). */
  name: string | null;
  first_report_at: FleetTime;
  last_report_at: FleetTime;
  state: TerminalState;
  /** Current photos of the store this terminal reported synced (at their current version). */
  synced: number;
  /** Current photos not reported synced (0 when current). */
  behind_by: number;
  /** When the oldest change it lacks was made at the HO (null when current). */
  behind_since: FleetTime | null;
  /** Current photos whose latest report is a failure. */
  failing: number;
  /** Up to FAILURES_SHOWN of those failures, newest first. */
  failures: FleetFailure[];
}

/** How many failures the overview lists per terminal (the detail lists all). */
export const FAILURES_SHOWN = 3;

/** One store of the overview with its terminals. */
export interface StoreSummary {
  store_id: string;
  code: string;
  name: string;
  /** Photos the store sees now. */
  photos: number;
  terminals: TerminalSummary[];
}

/** Terminals per state over the whole filtered fleet (before the state filter). */
export type StateCounts = Record<TerminalState, number>;

/** GET /api/v1/admin/fleet/?limit&offset&store_id&state&q&sort */
export interface FleetOverview {
  stores: StoreSummary[];
  /** Stores matching the filters (all pages). */
  total: number;
  limit: number;
  offset: number;
  has_more: boolean;
  counts: StateCounts;
  /** A terminal with no report for this long is silent. */
  silent_after_s: number;
  /** Server time of the answer (states are relative to it). */
  generated_at: FleetTime;
}

/** A photo of the store a terminal has not reported synced at its current version. */
export interface UnsyncedPhoto {
  photo_id: string;
  product_name: string;
  filename: string;
  version: number;
  updated_at: FleetTime;
  /** The terminal's latest report on it: none, synced (an older version) or failed. */
  last_status: 'synced' | 'failed' | null;
  error: string | null;
  reported_at: FleetTime | null;
}

/** One status report (batch) a terminal sent. */
export interface ReportSummary {
  reported_at: FleetTime;
  items: number;
  synced: number;
  failed: number;
}

/** GET /api/v1/admin/stores/<id>/terminals/<terminal_id>/?limit&offset&reports */
export interface TerminalDetail {
  store: { store_id: string; code: string; name: string; photos: number };
  terminal: TerminalSummary;
  /** Page of the photos it lacks, oldest change first. */
  unsynced: UnsyncedPhoto[];
  total: number;
  limit: number;
  offset: number;
  has_more: boolean;
  /** Its latest reports, newest first. */
  reports: ReportSummary[];
}

/** A product of the store with no primary photo. */
export interface ProductGap {
  product_id: string;
  sku: string;
  name: string;
  photos: number;
}

/** A photo of the store no terminal has reported synced at its current version. */
export interface PhotoGap {
  photo_id: string;
  product_name: string;
  filename: string;
  updated_at: FleetTime;
}

/** GET /api/v1/admin/stores/<id>/fleet/?limit&offset */
export interface StoreDetail {
  store: { store_id: string; code: string; name: string; photos: number };
  terminals: TerminalSummary[];
  products_without_primary: ProductGap[];
  /** Page of the photos no terminal of the store has synced. */
  unsynced: PhotoGap[];
  total: number;
  limit: number;
  offset: number;
  has_more: boolean;
}
