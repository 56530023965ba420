/**
 * The listing phase of a run: pages through the HO list (keyset cursor when offered, else offset with
 * a one-row overlap and a `total` check so a set that changes while it is read is re-read and no row
 * is skipped), decides which rows need a download, and persists its position after every page together
 * with what that page found (a `ListedPage`), so the write per page stays the size of a page.
 */
import { InvalidResponseError, ListingUnstableError } from '../shared/errors';
import type { IsoTime, PhotoMeta, StoredPhoto } from '../shared/types';
import type { HoClient } from './api-client';
import type { HttpContext } from './http';
import type { ListPage } from './parse';
import type { ListedPage, RunCheckpoint, SyncStorage } from './ports';
import { parseTimestamp } from './timestamps';

/** What the listing needs besides the checkpoint. */
export interface ListingDeps {
  ctx: HttpContext;
  client: HoClient;
  storage: SyncStorage;
  /** Held photos by id; updated when a listed row changes only metadata. */
  held: Map<string, StoredPhoto>;
  /** Called after each page is persisted, with what it found (nothing for a pass restarted). */
  onPage(cp: RunCheckpoint, page: ListedPage | null): void;
}

/** The state of a listing: ids seen, rows that need a download (by id, in listing order), ids deleted. */
export interface Listed {
  seen: Set<string>;
  pending: Map<string, PhotoMeta>;
  deleted: Set<string>;
}

/** Replays listed pages in order into the listing's state. */
export function replayPages(pages: readonly ListedPage[]): Listed {
  const listed: Listed = { seen: new Set(), pending: new Map(), deleted: new Set() };
  for (const page of pages) {
    for (const id of page.seen) listed.seen.add(id);
    for (const id of page.settled) listed.pending.delete(id);
    for (const row of page.pending) {
      listed.pending.delete(row.id); // a row listed again moves to its latest place
      listed.pending.set(row.id, row);
    }
    for (const id of page.deleted) listed.deleted.add(id);
  }
  return listed;
}

/**
 * The listing state `cp` stands for: its listed pages replayed while listing, its `pending` once the listing
 * is complete (no pages then). One read of the pages, once per run or per product-list build.
 */
export async function loadListed(storage: SyncStorage, cp: RunCheckpoint): Promise<Listed> {
  const listed = replayPages(await storage.listedPages(cp.pages));
  for (const row of cp.pending) listed.pending.set(row.id, row);
  return listed;
}

/** Rows the persisted checkpoint still has to download (none without a checkpoint). */
export async function pendingRows(storage: SyncStorage): Promise<PhotoMeta[]> {
  const cp = await storage.getState('checkpoint');
  return cp === undefined ? [] : [...(await loadListed(storage, cp)).pending.values()];
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
  constructor(
    private readonly deps: ListingDeps,
    private cp: RunCheckpoint,
    private readonly listed: Listed,
  ) {}

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
        await this.deps.storage.putState('checkpoint', this.cp);
        this.deps.onPage(this.cp, null);
      } else {
        const found = await this.take(page, offset);
        await this.deps.storage.putListedPage(this.cp, found);
        this.deps.onPage(this.cp, found);
      }
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

  private async take(page: ListPage, offset: number): Promise<ListedPage> {
    if (page.ids.length === 0 && page.hasMore)
      throw new InvalidResponseError('has_more', 'true on an empty page');
    const { seen, deleted } = this.listed;
    const found = new Map<string, PhotoMeta | null>();
    for (const row of page.photos) {
      const needed = await this.takeRow(row);
      found.delete(row.id);
      found.set(row.id, needed ? row : null);
    }
    for (const bad of page.invalid) {
      if (bad.id === null) this.cp.unreconcilable = true;
      else seen.add(bad.id);
    }
    for (const id of page.deletedIds ?? []) deleted.add(id);
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
      pages: this.cp.pages + 1,
      seen_count: seen.size,
    };
    const rows = [...found];
    return {
      seen: [...page.photos.map((r) => r.id), ...page.invalid.flatMap((b) => b.id ?? [])],
      pending: rows.flatMap(([, row]) => row ?? []),
      settled: rows.flatMap(([id, row]) => (row === null ? [id] : [])),
      deleted: page.deletedIds ?? [],
    };
  }

  /** Takes one valid row into the listing; true when it needs a download. */
  private async takeRow(row: PhotoMeta): Promise<boolean> {
    const { seen, pending } = this.listed;
    seen.add(row.id);
    this.cp.max_updated_at = later(this.cp.max_updated_at, row.updated_at);
    pending.delete(row.id);
    const local = this.deps.held.get(row.id);
    if (holdsCurrent(local, row)) {
      if (metaChanged(local, row)) {
        const updated = { ...local, ...row };
        await this.deps.storage.putMeta(updated);
        this.deps.held.set(row.id, updated);
      }
      if (!this.cp.recheck || local.etag === null) return false;
    }
    pending.set(row.id, row);
    return true;
  }
}

/**
 * Continues the listing of `cp` to its end; returns the checkpoint in phase 'downloading' (still without its
 * `pending`) and the complete listing state.
 */
export async function continueListing(
  deps: ListingDeps,
  cp: RunCheckpoint,
): Promise<{ cp: RunCheckpoint; listed: Listed }> {
  const listed = await loadListed(deps.storage, cp);
  return { cp: await new Listing(deps, cp, listed).run(), listed };
}
