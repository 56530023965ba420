/**
 * Migration 0005 (fleet overview without a cache): every store row carries how many photos it sees
 * and every terminal row its summary, kept by each write (see ../terminal-summaries.ts): photos synced
 * at their current version, photos failing, and since when it lacks one. Failures get a partial index so the overview reads only failed rows.
 * Existing terminals are summed up once here.
 */
import { type Kysely, sql } from 'kysely';
import { rebuildSummaries } from '../terminal-summaries';
import type { MigrationContext } from './context';

/** Adds stores.photos, terminals.synced, .failing, .behind_since (filled) and the sync_status_failed index. */
export async function up(db: Kysely<unknown>, { dialect }: MigrationContext): Promise<void> {
  const key = dialect === 'postgres' ? sql`text collate "C"` : sql`text`;
  const ddl = [
    sql`ALTER TABLE stores ADD COLUMN photos INTEGER NOT NULL DEFAULT 0`,
    sql`ALTER TABLE terminals ADD COLUMN synced INTEGER NOT NULL DEFAULT 0`,
    sql`ALTER TABLE terminals ADD COLUMN failing INTEGER NOT NULL DEFAULT 0`,
    sql`ALTER TABLE terminals ADD COLUMN behind_since ${key}`,
    sql`CREATE INDEX sync_status_failed ON sync_status(store_id, terminal_id, reported_at)
      WHERE status = 'failed'`,
  ];
  for (const statement of ddl) await statement.execute(db);
  await rebuildSummaries(db);
}
