/**
 * Migration 0001: the catalog, users, tombstones, sync status and the logical clock.
 * Text keys use the C collation on PostgreSQL so that ORDER BY and keyset comparisons on ids and
 * ISO times are plain byte order, exactly as on SQLite.
 */
import { type Kysely, sql } from 'kysely';
import type { MigrationContext } from './context';

/** Creates the initial schema (skipped on a SQLite file created before Kysely, which already has it). */
export async function up(db: Kysely<unknown>, { dialect, now }: MigrationContext): Promise<void> {
  if (dialect === 'sqlite') {
    const legacy = await sql<{ user_version: number }>`PRAGMA user_version`.execute(db);
    if ((legacy.rows[0]?.user_version ?? 0) >= 1) return;
  }
  const key = dialect === 'postgres' ? sql`text collate "C"` : sql`text`;
  const ddl = [
    sql`CREATE TABLE company (id ${key} PRIMARY KEY, name TEXT NOT NULL)`,
    sql`CREATE TABLE brands (
      id ${key} PRIMARY KEY,
      company_id ${key} NOT NULL REFERENCES company(id),
      name ${key} NOT NULL)`,
    sql`CREATE INDEX brands_company ON brands(company_id)`,
    sql`CREATE TABLE stores (
      id ${key} PRIMARY KEY,
      company_id ${key} NOT NULL REFERENCES company(id),
      code ${key} NOT NULL UNIQUE,
      name TEXT NOT NULL)`,
    sql`CREATE TABLE store_brands (
      store_id ${key} NOT NULL REFERENCES stores(id),
      brand_id ${key} NOT NULL REFERENCES brands(id),
      is_active INTEGER NOT NULL CHECK (is_active IN (0, 1)),
      PRIMARY KEY (store_id, brand_id))`,
    sql`CREATE INDEX store_brands_brand ON store_brands(brand_id, is_active)`,
    sql`CREATE TABLE products (
      id ${key} PRIMARY KEY,
      brand_id ${key} NOT NULL REFERENCES brands(id),
      sku ${key} NOT NULL,
      name ${key} NOT NULL,
      active INTEGER NOT NULL CHECK (active IN (0, 1)))`,
    sql`CREATE INDEX products_brand ON products(brand_id)`,
    sql`CREATE TABLE product_photos (
      id ${key} PRIMARY KEY,
      product_id ${key} NOT NULL REFERENCES products(id),
      object_key ${key} NOT NULL,
      filename TEXT NOT NULL,
      size INTEGER NOT NULL CHECK (size >= 0),
      content_type TEXT NOT NULL,
      checksum TEXT NOT NULL,
      version INTEGER NOT NULL CHECK (version >= 1),
      is_primary INTEGER NOT NULL CHECK (is_primary IN (0, 1)),
      sort_order INTEGER NOT NULL,
      created_at ${key} NOT NULL,
      updated_at ${key} NOT NULL)`,
    sql`CREATE INDEX product_photos_listing ON product_photos(updated_at, id)`,
    sql`CREATE INDEX product_photos_product ON product_photos(product_id)`,
    sql`CREATE INDEX product_photos_object ON product_photos(object_key)`,
    sql`CREATE TABLE users (
      username ${key} PRIMARY KEY,
      password_hash TEXT NOT NULL,
      role TEXT NOT NULL CHECK (role IN ('admin', 'store')))`,
    sql`CREATE TABLE user_stores (
      username ${key} NOT NULL REFERENCES users(username),
      store_id ${key} NOT NULL REFERENCES stores(id),
      position INTEGER NOT NULL,
      PRIMARY KEY (username, store_id))`,
    sql`CREATE TABLE tombstones (
      store_id ${key} NOT NULL REFERENCES stores(id),
      photo_id ${key} NOT NULL,
      deleted_at ${key} NOT NULL,
      PRIMARY KEY (store_id, photo_id))`,
    sql`CREATE INDEX tombstones_listing ON tombstones(store_id, deleted_at, photo_id)`,
    sql`CREATE TABLE sync_status (
      store_id ${key} NOT NULL REFERENCES stores(id),
      photo_id ${key} NOT NULL,
      terminal_id ${key} NOT NULL,
      status TEXT NOT NULL CHECK (status IN ('synced', 'failed')),
      synced_at TEXT,
      error TEXT,
      reported_at TEXT NOT NULL,
      PRIMARY KEY (store_id, photo_id, terminal_id))`,
    // The logical clock: the last time handed to a write. Kept in its own row (not derived from
    // max(updated_at)) because deleting the newest row must never let the clock run backwards.
    sql`CREATE TABLE clock (id INTEGER PRIMARY KEY CHECK (id = 1), last_ms BIGINT NOT NULL)`,
    sql`INSERT INTO clock (id, last_ms) VALUES (1, ${now})`,
  ];
  for (const statement of ddl) await statement.execute(db);
}
