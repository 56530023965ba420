/**
 * Schema of the embedded SQLite metadata store, as ordered migration steps keyed by
 * `PRAGMA user_version` (step i brings the file from version i to i + 1).
 */
import type { Database } from 'better-sqlite3';

/** One migration step; `now` seeds values that depend on the wall clock. */
type Migration = (db: Database, now: number) => void;

const MIGRATIONS: readonly Migration[] = [
  (db, now) => {
    db.exec(`
      CREATE TABLE company (id TEXT PRIMARY KEY, name TEXT NOT NULL);
      CREATE TABLE brands (
        id TEXT PRIMARY KEY,
        company_id TEXT NOT NULL REFERENCES company(id),
        name TEXT NOT NULL
      );
      CREATE INDEX brands_company ON brands(company_id);
      CREATE TABLE stores (
        id TEXT PRIMARY KEY,
        company_id TEXT NOT NULL REFERENCES company(id),
        code TEXT NOT NULL UNIQUE,
        name TEXT NOT NULL
      );
      CREATE TABLE store_brands (
        store_id TEXT NOT NULL REFERENCES stores(id),
        brand_id TEXT NOT NULL REFERENCES brands(id),
        is_active INTEGER NOT NULL CHECK (is_active IN (0, 1)),
        PRIMARY KEY (store_id, brand_id)
      ) WITHOUT ROWID;
      CREATE INDEX store_brands_brand ON store_brands(brand_id, is_active);
      CREATE TABLE products (
        id TEXT PRIMARY KEY,
        brand_id TEXT NOT NULL REFERENCES brands(id),
        sku TEXT NOT NULL,
        name TEXT NOT NULL,
        active INTEGER NOT NULL CHECK (active IN (0, 1))
      );
      CREATE INDEX products_brand ON products(brand_id);
      CREATE TABLE product_photos (
        id TEXT PRIMARY KEY,
        product_id TEXT NOT NULL REFERENCES products(id),
        object_key TEXT NOT NULL,
        filename TEXT NOT NULL,
        size INTEGER NOT NULL CHECK (size >= 0),
        content_type TEXT NOT NULL,
        checksum TEXT NOT NULL,
        version INTEGER NOT NULL CHECK (version >= 1),
        is_primary INTEGER NOT NULL CHECK (is_primary IN (0, 1)),
        sort_order INTEGER NOT NULL,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      );
      CREATE INDEX product_photos_listing ON product_photos(updated_at, id);
      CREATE INDEX product_photos_product ON product_photos(product_id);
      CREATE INDEX product_photos_object ON product_photos(object_key);
      CREATE TABLE users (
        username TEXT PRIMARY KEY,
        password_hash TEXT NOT NULL,
        role TEXT NOT NULL CHECK (role IN ('admin', 'store'))
      );
      CREATE TABLE user_stores (
        username TEXT NOT NULL REFERENCES users(username),
        store_id TEXT NOT NULL REFERENCES stores(id),
        position INTEGER NOT NULL,
        PRIMARY KEY (username, store_id)
      ) WITHOUT ROWID;
      CREATE TABLE tombstones (
        store_id TEXT NOT NULL REFERENCES stores(id),
        photo_id TEXT NOT NULL,
        deleted_at TEXT NOT NULL,
        PRIMARY KEY (store_id, photo_id)
      ) WITHOUT ROWID;
      CREATE INDEX tombstones_listing ON tombstones(store_id, deleted_at, photo_id);
      CREATE TABLE sync_status (
        store_id TEXT NOT NULL REFERENCES stores(id),
        photo_id TEXT NOT NULL,
        terminal_id TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('synced', 'failed')),
        synced_at TEXT,
        error TEXT,
        reported_at TEXT NOT NULL,
        PRIMARY KEY (store_id, photo_id, terminal_id)
      ) WITHOUT ROWID;
      -- The logical clock: the last time handed to a write. Kept in its own row (not derived from
      -- max(updated_at)) because deleting the newest row must never let the clock run backwards.
      CREATE TABLE clock (id INTEGER PRIMARY KEY CHECK (id = 1), last_ms INTEGER NOT NULL);
    `);
    db.prepare('INSERT INTO clock (id, last_ms) VALUES (1, ?)').run(now);
  },
  // Fleet console: the photo version each report applies to, terminals with their latest name,
  // and a short report history. Earlier reports are taken to be about the version current now.
  (db) => {
    db.exec(`
      ALTER TABLE sync_status ADD COLUMN photo_version INTEGER;
      UPDATE sync_status SET photo_version =
        (SELECT version FROM product_photos WHERE product_photos.id = sync_status.photo_id);
      CREATE INDEX sync_status_photo ON sync_status(photo_id);
      CREATE TABLE terminals (
        store_id TEXT NOT NULL REFERENCES stores(id),
        terminal_id TEXT NOT NULL,
        name TEXT,
        first_report_at TEXT NOT NULL,
        last_report_at TEXT NOT NULL,
        PRIMARY KEY (store_id, terminal_id)
      ) WITHOUT ROWID;
      INSERT INTO terminals (store_id, terminal_id, name, first_report_at, last_report_at)
        SELECT store_id, terminal_id, NULL, min(reported_at), max(reported_at)
        FROM sync_status GROUP BY store_id, terminal_id;
      CREATE TABLE status_reports (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        store_id TEXT NOT NULL,
        terminal_id TEXT NOT NULL,
        reported_at TEXT NOT NULL,
        items INTEGER NOT NULL,
        synced INTEGER NOT NULL,
        failed INTEGER NOT NULL,
        FOREIGN KEY (store_id, terminal_id) REFERENCES terminals(store_id, terminal_id)
      );
      CREATE INDEX status_reports_terminal ON status_reports(store_id, terminal_id, id);
    `);
  },
];

/** Brings the database to the newest schema; each step runs in its own write transaction, so concurrent openers agree. */
export function migrate(db: Database, now: () => number): void {
  const step = db.transaction((): boolean => {
    const version = db.pragma('user_version', { simple: true }) as number;
    if (version > MIGRATIONS.length) {
      throw new Error(
        `Database schema version ${version} is newer than this server supports (${MIGRATIONS.length})`,
      );
    }
    const migration = MIGRATIONS[version];
    if (!migration) return false;
    migration(db, now());
    db.pragma(`user_version = ${version + 1}`);
    return true;
  });
  while (step.immediate());
}
