/**
 * Migration 0006 (issue 9): photo objects a replacement or deletion stopped referencing, with when,
 * written in the same transaction as that change. The sweep deletes their bytes only once the grace
 * period has passed, so a download that looked the photo up just before can still stream them.
 */
import { type Kysely, sql } from 'kysely';
import type { MigrationContext } from './context';

/** Creates retired_objects. */
export async function up(db: Kysely<unknown>, { dialect }: MigrationContext): Promise<void> {
  const key = dialect === 'postgres' ? sql`text collate "C"` : sql`text`;
  await sql`CREATE TABLE retired_objects (
    object_key ${key} PRIMARY KEY,
    retired_ms BIGINT NOT NULL)`.execute(db);
}
