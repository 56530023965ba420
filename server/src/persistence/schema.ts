/**
 * Row types of every table, as Kysely sees them. Booleans are 0/1 integers and times are canonical
 * ISO strings on both dialects, so the same query returns the same values everywhere.
 * A new table goes here and into a new file under migrations/.
 */

/** All tables of the database. */
export interface DatabaseSchema {
  company: { id: string; name: string };
  brands: { id: string; company_id: string; name: string };
  stores: { id: string; company_id: string; code: string; name: string };
  store_brands: { store_id: string; brand_id: string; is_active: number };
  products: { id: string; brand_id: string; sku: string; name: string; active: number };
  product_photos: {
    id: string;
    product_id: string;
    object_key: string;
    filename: string;
    size: number;
    content_type: string;
    checksum: string;
    version: number;
    is_primary: number;
    sort_order: number;
    created_at: string;
    updated_at: string;
  };
  users: { username: string; password_hash: string; role: 'admin' | 'store' };
  user_stores: { username: string; store_id: string; position: number };
  tombstones: { store_id: string; photo_id: string; deleted_at: string };
  sync_status: {
    store_id: string;
    photo_id: string;
    terminal_id: string;
    status: 'synced' | 'failed';
    synced_at: string | null;
    error: string | null;
    reported_at: string;
  };
  clock: { id: number; last_ms: number };
  photo_objects: { object_key: string; bytes: Buffer; size: number; mtime_ms: number };
  revoked_tokens: { jti: string; expires_s: number };
}
