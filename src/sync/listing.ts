/**
 * The listing phase of a run: pages through the HO list (keyset cursor when offered, else offset with
 * a one-row overlap and a `total` check so a set that changes while it is read is re-read and no row
 * is skipped), decides which rows need a download, and persists its position after every page.
 */
import { InvalidResponseError, ListingUnstableError } from '../shared/errors';
import type { IsoTime, PhotoMeta, StoredPhoto } from '../shared/types';
import type { HoClient } from './api-client';
import type { HttpContext } from './http';
import type { ListPage } from './parse';
import type { RunCheckpoint, SyncStorage } from './ports';
import { parseTimestamp } from './timestamps';

/** What the listing needs besides the checkpoint. */
export interface ListingDeps {
  ctx: HttpContext;
  client: HoClient;
  storage: SyncStorage;
  /** Held photos by id; updated when a listed row changes only metadata. */
  held: Map<string, StoredPhoto>;
  /** Called after each page is persisted. */
  onPage(cp: RunCheckpoint): void;
}

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
    seen_ids: [],
    deleted_ids: [],
    sync_timestamp: null,
    max_updated_at: null,
    invalid_rows: false,
    unreconcilable: false,
  };
}

/**
 * True when `local` holds the bytes `row` lists, under the same type: only metadata may differ. A new
 * `content_type` goes through download and verification again, so bytes are never served under a type
 * their magic number was not checked against.
 */
export function holdsCurrent(local: StoredPhoto | undefined, row: PhotoMeta): local is StoredPhoto {
  return (
    local !== undefined &&
    local.checksum === row.checksum &&
    local.content_type === row.content_type &&
    !local.bytes_missing
  );
}

function metaChanged(local: StoredPhoto, row: PhotoMeta): boolean {
  return (Object.keys(row) as (keyof PhotoMeta)[]).some((k) => local[k] !== row[k]);
}

function later(a: IsoTime | null, b: IsoTime): IsoTime {
  return a !== null && (parseTimestamp(a) ?? 0) >= (parseTimestamp(b) ?? 0) ? a : b;
}

/** Mutable view of a checkpoint while pages arrive. */
class Listing {
  private readonly pending: Map<string, PhotoMeta>;
  private readonly seen: Set<string>;
  private readonly deleted: Set<string>;

  constructor(
    private readonly deps: ListingDeps,
    private cp: RunCheckpoint,
  ) {
    this.pending = new Map(cp.pending.map((p) => [p.id, p]));
    this.seen = new Set(cp.seen_ids);
    this.deleted = new Set(cp.deleted_ids);
  }

  async run(): Promise<RunCheckpoint> {
    while (this.cp.phase === 'listing') {
      const overlap = this.cp.cursor === null && this.cp.offset > 0 && this.cp.last_id !== null;
      const offset = overlap ? this.cp.offset - 1 : this.cp.offset;
      const page = await this.deps.client.listPage(this.deps.ctx, {
        since: this.cp.since,
        limit: this.deps.ctx.settings.pageLimit,
        offset,
        cursor: this.cp.cursor,
      });
      if (this.cp.cursor === null && this.setMoved(page, overlap)) {
        this.restart();
      } else {
        await this.take(page, offset);
      }
      await this.persist();
    }
    return this.cp;
  }

  /** Offset paging: the row before our position changed (shift) or `total` moved since the pass began. */
  private setMoved(page: ListPage, overlap: boolean): boolean {
    const shifted = overlap && page.ids[0] !== this.cp.last_id;
    return shifted || (this.cp.total !== null && page.total !== this.cp.total);
  }

  private restart(): void {
    if (this.cp.restarts >= this.deps.ctx.settings.maxListingRestarts) {
      throw new ListingUnstableError(
        `the photo list changed during ${this.cp.restarts + 1} passes`,
      );
    }
    this.cp = { ...this.cp, offset: 0, total: null, last_id: null, restarts: this.cp.restarts + 1 };
  }

  private async take(page: ListPage, offset: number): Promise<void> {
    if (page.ids.length === 0 && page.hasMore)
      throw new InvalidResponseError('has_more', 'true on an empty page');
    for (const row of page.photos) await this.takeRow(row);
    for (const bad of page.invalid) {
      if (bad.id === null) this.cp.unreconcilable = true;
      else this.seen.add(bad.id);
    }
    for (const id of page.deletedIds ?? []) this.deleted.add(id);
    const cursor = page.hasMore ? page.nextCursor : null;
    this.cp = {
      ...this.cp,
      phase: page.hasMore ? 'listing' : 'downloading',
      cursor,
      offset: offset + page.ids.length,
      total: this.cp.total ?? page.total,
      last_id: page.ids.at(-1) ?? this.cp.last_id,
      sync_timestamp: this.cp.sync_timestamp ?? page.syncTimestamp,
      invalid_rows: this.cp.invalid_rows || page.invalid.length > 0,
    };
  }

  private async takeRow(row: PhotoMeta): Promise<void> {
    this.seen.add(row.id);
    this.cp.max_updated_at = later(this.cp.max_updated_at, row.updated_at);
    this.pending.delete(row.id);
    const local = this.deps.held.get(row.id);
    if (holdsCurrent(local, row)) {
      if (metaChanged(local, row)) {
        const updated = { ...local, ...row };
        await this.deps.storage.putMeta(updated);
        this.deps.held.set(row.id, updated);
      }
      if (!this.cp.recheck || local.etag === null) return;
    }
    this.pending.set(row.id, row);
  }

  private async persist(): Promise<void> {
    this.cp = {
      ...this.cp,
      pending: [...this.pending.values()],
      seen_ids: [...this.seen],
      deleted_ids: [...this.deleted],
    };
    await this.deps.storage.putState('checkpoint', this.cp);
    this.deps.onPage(this.cp);
  }
}

/** Continues the listing of `cp` to its end; returns the checkpoint in phase 'downloading'. */
export function continueListing(deps: ListingDeps, cp: RunCheckpoint): Promise<RunCheckpoint> {
  return new Listing(deps, cp).run();
}
