/**
 * Migration 0003 (fleet console): the photo version each status report applies to, terminals with
 * their latest reported name, and a short history of reports. Reports stored before this are taken
 * to be about the version current now, and their terminals are listed unnamed.
 */
import { type Kysely, sql } from 'kysely';
import type { MigrationContext } from './context';

/** Adds sync_status.photo_version, terminals and status_reports. */
export async function up(db: Kysely<unknown>, { dialect }: MigrationContext): Promise<void> {
  const key = dialect === 'postgres' ? sql`text collate "C"` : sql`text`;
  const serial =
    dialect === 'postgres'
      ? sql`BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY`
      : sql`INTEGER PRIMARY KEY AUTOINCREMENT`;
  const ddl = [
    sql`ALTER TABLE sync_status ADD COLUMN photo_version INTEGER`,
    sql`UPDATE sync_status SET photo_version =
      (SELECT version FROM product_photos WHERE product_photos.id = sync_status.photo_id)`,
    // Covers the fleet's per-store read (status and version of every row of a store) as one range.
    sql`CREATE INDEX sync_status_fleet
      ON sync_status(store_id, terminal_id, photo_id, status, photo_version)`,
    sql`CREATE TABLE terminals (
      store_id ${key} NOT NULL REFERENCES stores(id),
      terminal_id ${key} NOT NULL,
      name TEXT,
      first_report_at ${key} NOT NULL,
      last_report_at ${key} NOT NULL,
      PRIMARY KEY (store_id, terminal_id))`,
    sql`INSERT INTO terminals (store_id, terminal_id, name, first_report_at, last_report_at)
      SELECT store_id, terminal_id, NULL, min(reported_at), max(reported_at)
      FROM sync_status GROUP BY store_id, terminal_id`,
    sql`CREATE TABLE status_reports (
      id ${serial},
      store_id ${key} NOT NULL,
      terminal_id ${key} NOT NULL,
      reported_at ${key} NOT NULL,
      items INTEGER NOT NULL,
      synced INTEGER NOT NULL,
      failed INTEGER NOT NULL,
      FOREIGN KEY (store_id, terminal_id) REFERENCES terminals(store_id, terminal_id))`,
    sql`CREATE INDEX status_reports_terminal ON status_reports(store_id, terminal_id, id)`,
  ];
  for (const statement of ddl) await statement.execute(db);
}
