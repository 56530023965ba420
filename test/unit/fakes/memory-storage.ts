/**
 * In-memory SyncStorage for engine tests, held to the same contract as the real IndexedDB storage
 * (src/storage; test/unit/storage-contract.ts): bytes keyed by checksum, shared by the photos that have
 * them and dropped with the last one, the same refusals.
 */
import { QuotaError } from '../../../src/shared/errors';
import type {
  EngineRecord,
  FailureRecord,
  ListedPage,
  OutboxEntry,
  PartialDownload,
  PartialProgress,
  RunCheckpoint,
  StateMap,
  SyncStorage,
} from '../../../src/sync/ports';
import type { StatusItem, StoredPhoto } from '../../../src/shared/types';

/** Storage in plain Maps, with a byte quota knob and a log of mutating calls. */
export class MemoryStorage implements SyncStorage {
  readonly records = new Map<string, StoredPhoto>();
  /** Verified bytes by checksum, shared by every record with that checksum. */
  readonly blobs = new Map<string, Blob>();
  readonly partials = new Map<string, PartialDownload>();
  readonly state = new Map<keyof StateMap, unknown>();
  /** Listed pages of the checkpoint by number. */
  readonly listed = new Map<number, ListedPage>();
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

  async recordIds(): Promise<{ ids: string[]; missing: string[] }> {
    const records = [...this.records.values()];
    return {
      ids: records.map((r) => r.id),
      missing: records.filter((r) => r.bytes_missing === true).map((r) => r.id),
    };
  }

  /** Drops the bytes of `checksum` and flags every photo using them, as the real storage does when it finds them gone. */
  loseBytes(checksum: string): void {
    this.blobs.delete(checksum);
    for (const r of this.records.values())
      if (r.checksum === checksum) this.records.set(r.id, { ...r, bytes_missing: true });
  }

  /** The bytes of a held photo, or undefined. */
  bytesOf(id: string): Blob | undefined {
    const record = this.records.get(id);
    return record === undefined ? undefined : this.blobs.get(record.checksum);
  }

  async putVerified(record: StoredPhoto, bytes: Blob, report?: StatusItem): Promise<void> {
    if (bytes.size !== record.size)
      throw new Error(`photo ${record.id}: ${bytes.size} bytes, record says ${record.size}`);
    const used = [...this.blobs.values()].reduce((n, b) => n + b.size, 0);
    if (!this.blobs.has(record.checksum) && used + bytes.size > this.quotaBytes)
      throw new QuotaError('storage quota exceeded');
    this.writes.push(`putVerified:${record.id}`);
    const previous = this.records.get(record.id);
    const { bytes_missing: _flag, ...held } = record;
    this.records.set(record.id, held);
    this.blobs.set(record.checksum, bytes);
    // Other photos with these bytes that had lost them have them again.
    for (const { bytes_missing, ...r } of this.records.values())
      if (r.checksum === record.checksum && bytes_missing === true) this.records.set(r.id, r);
    this.partials.delete(record.id);
    if (previous !== undefined) this.dropUnreferenced([previous.checksum]);
    if (report !== undefined) await this.appendOutbox(report);
  }

  async putMeta(record: StoredPhoto): Promise<void> {
    const held = this.records.get(record.id);
    if (held?.checksum !== record.checksum)
      throw new Error(`putMeta: photo ${record.id} is not held with checksum ${record.checksum}`);
    this.writes.push(`putMeta:${record.id}`);
    const { bytes_missing: _flag, ...meta } = record;
    this.records.set(record.id, held.bytes_missing ? { ...meta, bytes_missing: true } : meta);
  }

  async deleteRecords(ids: string[]): Promise<void> {
    this.writes.push(`deleteRecords:${ids.join(',')}`);
    const checksums: string[] = [];
    for (const id of ids) {
      const record = this.records.get(id);
      if (record !== undefined) checksums.push(record.checksum);
      this.records.delete(id);
      this.partials.delete(id);
    }
    this.dropUnreferenced(checksums);
  }

  /** Drops the bytes of each checksum no record references any more (the reference count is the records). */
  private dropUnreferenced(checksums: string[]): void {
    const referenced = new Set([...this.records.values()].map((r) => r.checksum));
    for (const checksum of checksums) if (!referenced.has(checksum)) this.blobs.delete(checksum);
  }

  async partialIds(): Promise<string[]> {
    return [...this.partials.keys()];
  }

  async loadPartial(id: string): Promise<PartialDownload | undefined> {
    return this.partials.get(id);
  }

  async appendPartial(progress: PartialProgress, chunk: Blob): Promise<void> {
    const offset = progress.received - chunk.size;
    const held = this.partials.get(progress.photo_id);
    if (offset > 0 && (held?.checksum !== progress.checksum || held.received !== offset))
      throw new Error(
        `appendPartial: photo ${progress.photo_id} holds no partial ending at byte ${offset} of ${progress.checksum}`,
      );
    this.writes.push(`appendPartial:${progress.photo_id}`);
    const chunks = offset > 0 ? (held?.chunks ?? []) : [];
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
    if (key === 'checkpoint') this.dropPagesFrom((value as RunCheckpoint | undefined)?.pages ?? 0);
  }

  async putListedPage(cp: RunCheckpoint, page: ListedPage): Promise<void> {
    this.writes.push('putListedPage');
    this.listed.set(cp.pages - 1, structuredClone(page));
    this.state.set('checkpoint', structuredClone(cp));
    this.dropPagesFrom(cp.pages);
  }

  async listedPages(count: number): Promise<ListedPage[]> {
    return [...this.listed]
      .filter(([n]) => n < count)
      .sort(([a], [b]) => a - b)
      .map(([, page]) => structuredClone(page));
  }

  private dropPagesFrom(count: number): void {
    for (const n of this.listed.keys()) if (n >= count) this.listed.delete(n);
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
    for (const m of [
      this.records,
      this.blobs,
      this.partials,
      this.state,
      this.failures,
      this.listed,
    ])
      m.clear();
    this.outbox.length = 0;
    if (settings !== undefined) this.state.set('settings', settings);
    this.state.set('engine', structuredClone(engine));
  }
}
