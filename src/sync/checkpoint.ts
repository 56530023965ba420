/** The run checkpoint a new listing starts from (its own module: the storage contract builds one too). */
import type { IsoTime } from '../shared/types';
import type { RunCheckpoint } from './ports';

/** A listing that has not read any page yet. */
export function newCheckpoint(
  mode: RunCheckpoint['mode'],
  since: IsoTime | null,
  recheck: boolean,
): RunCheckpoint {
  return {
    mode,
    since,
    phase: 'listing',
    cursor: null,
    offset: 0,
    total: null,
    last_id: null,
    restarts: 0,
    recheck,
    pending: [],
    pages: 0,
    seen_count: 0,
    sync_timestamp: null,
    max_updated_at: null,
    invalid_rows: false,
    unreconcilable: false,
  };
}
