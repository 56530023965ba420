/**
 * Migration 0002: photo bytes in the database (used when the server runs on PostgreSQL; the embedded
 * default keeps files in the data dir) and the refresh-token blacklist, shared by every instance.
 */
import { type Kysely, sql } from 'kysely';
import type { MigrationContext } from './context';

/** Creates photo_objects and revoked_tokens. */
export async function up(db: Kysely<unknown>, { dialect }: MigrationContext): Promise<void> {
  const pg = dialect === 'postgres';
  await sql`CREATE TABLE photo_objects (
    object_key ${pg ? sql`text collate "C"` : sql`text`} PRIMARY KEY,
    bytes ${pg ? sql`bytea` : sql`blob`} NOT NULL,
    size INTEGER NOT NULL CHECK (size >= 0),
    mtime_ms BIGINT NOT NULL)`.execute(db);
  // Uncompressed out-of-line storage: photos do not compress, and substr() on an EXTERNAL value reads
  // only the TOAST chunks it needs, which is what lets a download stream without loading the photo.
  if (pg) await sql`ALTER TABLE photo_objects ALTER COLUMN bytes SET STORAGE EXTERNAL`.execute(db);
  await sql`CREATE TABLE revoked_tokens (
    jti ${pg ? sql`text collate "C"` : sql`text`} PRIMARY KEY,
    expires_s BIGINT NOT NULL)`.execute(db);
  await sql`CREATE INDEX revoked_tokens_expiry ON revoked_tokens(expires_s)`.execute(db);
}
