/** What a migration may depend on besides the database handle. */
import type { Dialect } from '../database';

/** The dialect (for the few DDL differences) and the wall clock (to seed time-dependent rows). */
export interface MigrationContext {
  dialect: Dialect;
  now: number;
}
