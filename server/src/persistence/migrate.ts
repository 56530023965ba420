/**
 * Applies the migrations of migrations/ at start-up with Kysely's Migrator, under a lock so that
 * several instances (or the server and the admin CLI) starting together apply each step exactly once:
 * PostgreSQL takes the Migrator's advisory lock; SQLite runs the whole migration in one
 * BEGIN IMMEDIATE transaction, which holds the file's write lock.
 */
import { type Kysely, type MigrationResultSet, Migrator, sql } from 'kysely';
import { type DatabaseTarget, type SqlDatabase, openDatabase } from './database';
import type { DatabaseSchema } from './schema';
import { MIGRATIONS } from './migrations';

/** Brings the database to the newest schema; throws when it is newer than this server (or a step fails). */
export async function migrateToLatest({ db, dialect }: SqlDatabase, now: number): Promise<void> {
  const run = (handle: Kysely<DatabaseSchema>, disableTransactions: boolean) =>
    new Migrator({
      // The migrator keeps its own bookkeeping tables, outside the typed schema.
      db: handle as unknown as Kysely<unknown>,
      disableTransactions,
      provider: {
        getMigrations: async () =>
          Object.fromEntries(
            Object.entries(MIGRATIONS).map(([name, m]) => [
              name,
              { up: (d: Kysely<unknown>) => m.up(d, { dialect, now }) },
            ]),
          ),
      },
    }).migrateToLatest();
  const result: MigrationResultSet =
    dialect === 'postgres'
      ? await run(db, false)
      : await db.connection().execute(async (conn) => {
          await sql`BEGIN IMMEDIATE`.execute(conn);
          const r = await run(conn, true);
          await sql.raw(r.error ? 'ROLLBACK' : 'COMMIT').execute(conn);
          return r;
        });
  if (!result.error) return;
  const message = (result.error as Error).message ?? String(result.error);
  if (/previously executed migration .* is missing/.test(message)) {
    throw new Error(
      `The database schema is newer than this server supports (${message}); run a newer server`,
    );
  }
  throw new Error(`Database migration failed: ${message}`);
}

/** Opens the database at `target` and migrates it; the handle is closed again if migrating fails. */
export async function openMigratedDatabase(
  target: DatabaseTarget,
  now: number,
): Promise<SqlDatabase> {
  const database = openDatabase(target);
  try {
    await migrateToLatest(database, now);
  } catch (e) {
    await database.db.destroy();
    throw e;
  }
  return database;
}
