/**
 * Failed sign-in counts in the metadata database (table login_failures), so every server process
 * or instance sharing the database throttles the same username and address alike.
 */
import { sql } from 'kysely';
import type { FailureCounter, FailureWindow } from '../auth/login-throttle';
import type { SqlDatabase } from './database';

/** FailureCounter over the login_failures table (SQLite or PostgreSQL). */
export class SqlFailureCounter implements FailureCounter {
  constructor(private readonly database: SqlDatabase) {}

  async get(key: string, nowMs: number): Promise<FailureWindow | undefined> {
    const row = await this.database.db
      .selectFrom('login_failures')
      .select(['failures', 'reset_at_ms'])
      .where('key', '=', key)
      .where('reset_at_ms', '>', nowMs)
      .executeTakeFirst();
    return row && { failures: Number(row.failures), resetAtMs: Number(row.reset_at_ms) };
  }

  async add(key: string, nowMs: number, windowMs: number): Promise<void> {
    // One statement, so concurrent failures from several processes all count.
    await sql`INSERT INTO login_failures (key, failures, reset_at_ms) VALUES (${key}, 1, ${nowMs + windowMs})
      ON CONFLICT (key) DO UPDATE SET
        failures = CASE WHEN login_failures.reset_at_ms > ${nowMs} THEN login_failures.failures + 1 ELSE 1 END,
        reset_at_ms = CASE WHEN login_failures.reset_at_ms > ${nowMs} THEN login_failures.reset_at_ms
          ELSE excluded.reset_at_ms END`.execute(this.database.db);
    // Ended windows of other keys are dropped now and then, so the table stays small.
    if (Math.random() < 0.01)
      await this.database.db
        .deleteFrom('login_failures')
        .where('reset_at_ms', '<=', nowMs)
        .execute();
  }

  async clear(key: string): Promise<void> {
    await this.database.db.deleteFrom('login_failures').where('key', '=', key).execute();
  }
}
