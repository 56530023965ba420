/**
 * Every schema migration, in order. To change the schema: add `NNNN-what.ts` next to 0001-initial.ts
 * (an `up(db, context)` using plain SQL that both SQLite and PostgreSQL accept, branching on
 * `context.dialect` only where they differ), list it below, add its tables to ../schema.ts and its
 * queries to the repository. Never edit a migration that has shipped.
 */
import type { Kysely } from 'kysely';
import * as initial from './0001-initial';
import * as photoObjects from './0002-photo-objects-and-revoked-tokens';
import * as fleet from './0003-fleet';
import * as userSecurity from './0004-user-security';
import * as terminalSummaries from './0005-terminal-summaries';
import * as retiredObjects from './0006-retired-objects';
import type { MigrationContext } from './context';

/** One migration step. */
export interface SchemaMigration {
  up(db: Kysely<unknown>, context: MigrationContext): Promise<void>;
}

/** Name -> migration; names sort in the order they must run. */
export const MIGRATIONS: Readonly<Record<string, SchemaMigration>> = {
  '0001-initial': initial,
  '0002-photo-objects-and-revoked-tokens': photoObjects,
  '0003-fleet': fleet,
  '0004-user-security': userSecurity,
  '0005-terminal-summaries': terminalSummaries,
  '0006-retired-objects': retiredObjects,
};
