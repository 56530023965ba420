/** In-memory SyncStorage for engine tests (the real one is IndexedDB + Cache Storage in src/storage). */
import { QuotaError } from '../../../src/shared/errors';
import type {
  EngineRecord,
  FailureRecord,
  OutboxEntry,
  PartialDownload,
  PartialProgress,
  StateMap,
  SyncStorage,
} from '../../../src/sync/ports';
import type { StatusItem, StoredPhoto } from '../../../src/shared/types';

/** Storage in plain Maps, with a byte quota knob and a log of mutating calls. */
export class MemoryStorage implements SyncStorage {
  readonly records = new Map<string, StoredPhoto>();
  readonly blobs = new Map<string, Blob>();
  readonly partials = new Map<string, PartialDownload>();
  readonly state = new Map<keyof StateMap, unknown>();
  readonly failures = new Map<string, FailureRecord>();
  readonly outbox: OutboxEntry[] = [];
  /** Names of mutating calls in order. */
  readonly writes: string[] = [];
  /** Bytes of photos this storage can hold; putVerified beyond it throws QuotaError. */
  quotaBytes = Number.POSITIVE_INFINITY;
  private seq = 0;

  async getRecord(id: string): Promise<StoredPhoto | undefined> {
    return this.records.get(id);
  }

  async listRecords(): Promise<StoredPhoto[]> {
    return [...this.records.values()];
  }

  async putVerified(record: StoredPhoto, bytes: Blob, report?: StatusItem): Promise<void> {
    const used = [...this.blobs.entries()].reduce(
      (n, [id, b]) => n + (id === record.id ? 0 : b.size),
      0,
    );
    if (used + bytes.size > this.quotaBytes) throw new QuotaError('storage quota exceeded');
    this.writes.push(`putVerified:${record.id}`);
    this.records.set(record.id, record);
    this.blobs.set(record.id, bytes);
    this.partials.delete(record.id);
    if (report !== undefined) await this.appendOutbox(report);
  }

  async putMeta(record: StoredPhoto): Promise<void> {
    this.writes.push(`putMeta:${record.id}`);
    this.records.set(record.id, record);
  }

  async deleteRecords(ids: string[]): Promise<void> {
    this.writes.push(`deleteRecords:${ids.join(',')}`);
    for (const id of ids) {
      this.records.delete(id);
      this.blobs.delete(id);
      this.partials.delete(id);
    }
  }

  async partialIds(): Promise<string[]> {
    return [...this.partials.keys()];
  }

  async loadPartial(id: string): Promise<PartialDownload | undefined> {
    return this.partials.get(id);
  }

  async appendPartial(progress: PartialProgress, chunk: Blob): Promise<void> {
    this.writes.push(`appendPartial:${progress.photo_id}`);
    const chunks = this.partials.get(progress.photo_id)?.chunks ?? [];
    this.partials.set(progress.photo_id, {
      ...progress,
      md5_state: progress.md5_state.slice(),
      chunks: [...chunks, chunk],
    });
  }

  async clearPartial(id: string): Promise<void> {
    this.partials.delete(id);
  }

  async getState<K extends keyof StateMap>(key: K): Promise<StateMap[K] | undefined> {
    const v = this.state.get(key);
    return v === undefined ? undefined : (structuredClone(v) as StateMap[K]);
  }

  async putState<K extends keyof StateMap>(key: K, value: StateMap[K] | undefined): Promise<void> {
    this.writes.push(`putState:${key}`);
    if (value === undefined) this.state.delete(key);
    else this.state.set(key, structuredClone(value));
  }

  async listFailures(): Promise<FailureRecord[]> {
    return [...this.failures.values()];
  }

  async putFailure(failure: FailureRecord): Promise<void> {
    this.writes.push(`putFailure:${failure.photo_id}`);
    this.failures.set(failure.photo_id, failure);
  }

  async deleteFailures(ids: string[]): Promise<void> {
    for (const id of ids) this.failures.delete(id);
  }

  async appendOutbox(item: StatusItem): Promise<void> {
    const at = this.outbox.findIndex((e) => e.item.photo_id === item.photo_id);
    if (at >= 0) this.outbox.splice(at, 1);
    this.outbox.push({ seq: ++this.seq, item });
  }

  async peekOutbox(max: number): Promise<OutboxEntry[]> {
    return this.outbox.slice(0, max);
  }

  async removeOutbox(seqs: number[]): Promise<void> {
    const drop = new Set(seqs);
    this.outbox.splice(0, this.outbox.length, ...this.outbox.filter((e) => !drop.has(e.seq)));
  }

  async countOutbox(): Promise<number> {
    return this.outbox.length;
  }

  async wipe(engine: EngineRecord): Promise<void> {
    this.writes.push('wipe');
    const settings = this.state.get('settings');
    for (const m of [this.records, this.blobs, this.partials, this.state, this.failures]) m.clear();
    this.outbox.length = 0;
    if (settings !== undefined) this.state.set('settings', settings);
    this.state.set('engine', structuredClone(engine));
  }
}
