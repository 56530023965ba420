/**
 * The one SQL database behind the metadata (and, on PostgreSQL, the photo bytes): a Kysely instance
 * over embedded SQLite (better-sqlite3, the default) or PostgreSQL (`pg`), chosen by the URL.
 * Every query is written once against Kysely; the dialect only changes how the connection is made.
 */
import Database from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import pg from 'pg';
import type { DatabaseSchema } from './schema';

/** Which SQL engine a database runs on (the few places that differ ask this). */
export type Dialect = 'sqlite' | 'postgres';

/** An open database: the Kysely handle plus its dialect. */
export interface SqlDatabase {
  db: Kysely<DatabaseSchema>;
  dialect: Dialect;
}

/** Where the database lives: a SQLite file (or ':memory:') or a postgres:// URL. */
export type DatabaseTarget = { sqlite: string } | { postgres: string };

// PostgreSQL int8 (COUNT(*), BIGINT columns) arrives as a string by default; every such value here is
// far below 2^53, so parse it as a number once for the whole process.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));

/** Opens the database (no schema work: run `migrateToLatest` next). */
export function openDatabase(target: DatabaseTarget, poolSize = 20): SqlDatabase {
  if ('postgres' in target) {
    const pool = new pg.Pool({ connectionString: target.postgres, max: poolSize });
    // An idle client losing its connection (database restart) must not crash the process.
    pool.on('error', () => undefined);
    return { db: new Kysely({ dialect: new PostgresDialect({ pool }) }), dialect: 'postgres' };
  }
  const file = new Database(target.sqlite, { timeout: 10_000 });
  file.pragma('journal_mode = WAL');
  file.pragma('synchronous = NORMAL');
  file.pragma('foreign_keys = ON');
  return { db: new Kysely({ dialect: new SqliteDialect({ database: file }) }), dialect: 'sqlite' };
}
