/**
 * Migration 0004 (issue 9): users can be disabled and carry a token generation (bumped to revoke every
 * token issued before), and failed sign-ins are counted in the database so every server process
 * sharing it throttles alike.
 */
import { type Kysely, sql } from 'kysely';
import type { MigrationContext } from './context';

/**
 * Adds the user columns and the login_failures table; parts already there are kept (a SQLite file
 * adopted from before named migrations may have them).
 */
export async function up(db: Kysely<unknown>, { dialect }: MigrationContext): Promise<void> {
  const key = dialect === 'postgres' ? sql`text collate "C"` : sql`text`;
  const columns =
    dialect === 'sqlite'
      ? (await sql<{ name: string }>`PRAGMA table_info(users)`.execute(db)).rows.map((r) => r.name)
      : [];
  const addColumn = (name: string, definition: ReturnType<typeof sql>) =>
    columns.includes(name)
      ? []
      : [
          dialect === 'postgres'
            ? sql`ALTER TABLE users ADD COLUMN IF NOT EXISTS ${sql.id(name)} ${definition}`
            : sql`ALTER TABLE users ADD COLUMN ${sql.id(name)} ${definition}`,
        ];
  for (const ddl of [
    ...addColumn('disabled', sql`INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1))`),
    ...addColumn('token_generation', sql`INTEGER NOT NULL DEFAULT 0`),
    sql`CREATE TABLE IF NOT EXISTS login_failures (
      key ${key} PRIMARY KEY,
      failures INTEGER NOT NULL,
      reset_at_ms BIGINT NOT NULL)`,
  ])
    await ddl.execute(db);
}
