/**
 * Row types of every table, as Kysely sees them. Booleans are 0/1 integers and times are canonical
 * ISO strings on both dialects, so the same query returns the same values everywhere.
 * A new table goes here and into a new file under migrations/.
 */
import type { Generated } from 'kysely';
import type {
  Brand,
  Company,
  PhotoRecord,
  StatusRecord,
  Store,
  TerminalRecord,
  User,
} from './types';

/** All tables of the database. */
export interface DatabaseSchema {
  company: Company;
  brands: Brand;
  /** photos starts at 0 (DEFAULT); terminal-summaries.ts keeps it. */
  stores: Store & { photos: Generated<number> };
  store_brands: { store_id: string; brand_id: string; is_active: number };
  products: { id: string; brand_id: string; sku: string; name: string; active: number };
  product_photos: Omit<PhotoRecord, 'product_sku' | 'product_name' | 'is_primary'> & {
    is_primary: number;
  };
  /** `disabled` is 0/1 like every boolean column. */
  users: Omit<User, 'store_ids' | 'disabled'> & { disabled: number };
  login_failures: { key: string; failures: number; reset_at_ms: number };
  user_stores: { username: string; store_id: string; position: number };
  tombstones: { store_id: string; photo_id: string; deleted_at: string };
  /** Status rows: the photo's version at report time says whether "synced" is still current. */
  sync_status: StatusRecord & { photo_version: number | null };
  /** synced and failing start at 0 (DEFAULT); terminal-summaries.ts keeps them. */
  terminals: Omit<TerminalRecord, 'synced' | 'failing'> & {
    synced: Generated<number>;
    failing: Generated<number>;
  };
  status_reports: {
    id: Generated<number>;
    store_id: string;
    terminal_id: string;
    reported_at: string;
    items: number;
    synced: number;
    failed: number;
  };
  clock: { id: number; last_ms: number };
  photo_objects: { object_key: string; bytes: Buffer; size: number; mtime_ms: number };
  revoked_tokens: { jti: string; expires_s: number };
  /** Objects no row references since `retired_ms`; the sweep deletes them after the grace period. */
  retired_objects: { object_key: string; retired_ms: number };
}
