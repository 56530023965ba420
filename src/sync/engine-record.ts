/**
 * The terminal's one bookkeeping record (watermark, identity, store name, reachability...), cached and
 * shared by the session and the engine so neither overwrites what the other just saved.
 */
import type { EngineRecord, SyncStorage } from './ports';

/** A record of a terminal that has never synced (its identity is added when it is first created). */
const FRESH_RECORD: Omit<EngineRecord, 'terminal_id'> = {
  watermark: null,
  last_success_at: null,
  last_reconcile_at: null,
  pending_deletion: null,
  status_disabled_until_ms: null,
};

/** Reads and writes the engine record through the storage port, creating it (with a new terminal id) when missing. */
export class EngineRecords {
  private record: EngineRecord | null = null;

  constructor(private readonly storage: SyncStorage) {}

  /** The record; created and persisted on first use. */
  async get(): Promise<EngineRecord> {
    this.record ??= (await this.storage.getState('engine')) ?? null;
    if (this.record === null)
      await this.save({ ...FRESH_RECORD, terminal_id: crypto.randomUUID() });
    return this.record as EngineRecord;
  }

  /** The record as last read or saved, without a storage read; null before the first `get`. */
  cached(): EngineRecord | null {
    return this.record;
  }

  /** Persists `record` and caches it. */
  async save(record: EngineRecord): Promise<void> {
    await this.storage.putState('engine', record);
    this.record = record;
  }

  /** Applies `patch` to the current record and persists it. */
  async update(patch: Partial<EngineRecord>): Promise<EngineRecord> {
    const next = { ...(await this.get()), ...patch };
    await this.save(next);
    return next;
  }

  /** Forgets the store (storage.wipe) keeping only the terminal's identity in a fresh record. */
  async wipe(): Promise<void> {
    const fresh: EngineRecord = { ...FRESH_RECORD, terminal_id: (await this.get()).terminal_id };
    await this.storage.wipe(fresh);
    this.record = fresh;
  }
}
