/**
 * The sync engine: one run lists the HO (resuming a persisted checkpoint), applies deletions with
 * safety limits, commits the server-derived watermark, downloads and verifies what is missing through
 * a polite worker pool, remembers failures for later runs, and reports every outcome to the HO. Who is
 * signed in where (settings, tokens, store) is the session's (./session.ts).
 */
import {
  AbortedError,
  endsRun,
  problemOf,
  QuotaError,
  problemOfReason,
  reasonOf,
  SyncError,
} from '../shared/errors';
import { ProblemError } from '../shared/problems';
import type {
  FailureInfo,
  IsoTime,
  PhotoMeta,
  StoredPhoto,
  SyncProgress,
  SyncSettings,
  SyncStatus,
} from '../shared/types';
import type { HoClient } from './api-client';
import { backoffDelay } from './backoff';
import { type HttpContext, oneShot } from './http';
import { Feed, runPool } from './limiter';
import { continueListing, holdsCurrent, type Listed, loadListed, pendingRows } from './listing';
import { newCheckpoint } from './checkpoint';
import { flushOutbox, reportingDisabled } from './outbox';
import type {
  Clock,
  EngineRecord,
  FailureRecord,
  FetchFn,
  ListedPage,
  LockFn,
  RandomFn,
  RunCheckpoint,
  SyncStorage,
} from './ports';
import { SYNC_LOCK } from './ports';
import { checkSettings, type SyncSession } from './session';
import { parseTimestamp, toIso } from './timestamps';

/** Everything the engine gets from its runtime. */
export interface EngineDeps {
  /** Settings, tokens, API client and bookkeeping record of the signed-in terminal. */
  session: SyncSession;
  fetch: FetchFn;
  storage: SyncStorage;
  clock: Clock;
  random: RandomFn;
  lock: LockFn;
  /** Receives a snapshot after every step (the SW broadcasts it to pages). */
  onProgress?: (progress: SyncProgress) => void;
}

/** How a run is asked for. */
export interface SyncOptions {
  /** "Full resync": list without `since`, retry every failed photo now, reconcile deletions. */
  full?: boolean;
  /** With `full`: re-validate held photos with If-None-Match (304 keeps the copy). */
  recheck?: boolean;
  /** Retry failed photos now instead of waiting for their backoff ("Sync now"). */
  retryFailedNow?: boolean;
  /** Apply deletions beyond the allowed share without asking. */
  confirmDeletes?: boolean;
}

/** Status a run ends in after `err`. */
function statusFor(err: unknown): SyncStatus {
  if (err instanceof AbortedError) return { kind: 'idle' };
  const kind = err instanceof SyncError ? err.uiState : 'error';
  return { kind, problem: problemOf(err) };
}

function toInfo(f: FailureRecord): FailureInfo {
  return {
    photo_id: f.photo_id,
    reason: f.reason,
    problem: problemOfReason(f.reason),
    attempts: f.attempts,
    last_attempt_at: f.last_attempt_at,
  };
}

/**
 * What the downloads after a listing start from: the rows the downloads while listing tried (id -> checksum),
 * how many of them ended, and the records held as the listing saw them (the rows not tried are not written
 * by this run before then, so one read at the run's start serves both).
 */
interface Tried {
  attempted: ReadonlyMap<string, string>;
  done: number;
  held: ReadonlyMap<string, StoredPhoto>;
}

/** True when `a` and `b` hold the same failures, attempt for attempt. */
function sameFailures(a: Map<string, FailureRecord>, b: Map<string, FailureRecord>): boolean {
  if (a.size !== b.size) return false;
  for (const [id, f] of a) {
    const g = b.get(id);
    if (
      g?.attempts !== f.attempts ||
      g.reason !== f.reason ||
      g.last_attempt_at !== f.last_attempt_at
    )
      return false;
  }
  return true;
}

/** The sync engine of one terminal. */
export class SyncEngine {
  private readonly client: HoClient;
  private status: SyncStatus = { kind: 'idle' };
  private reporting: SyncProgress['reporting'] = 'ok';
  private bytes = 0;
  private current: AbortController | null = null;
  private held = new Set<string>();
  private expected = new Set<string>();
  private failures = new Map<string, FailureRecord>();
  /** `failures` as progress shows them, built again only after they change (not on every emit). */
  private failureInfos: FailureInfo[] | null = null;
  private isSignedIn = false;
  private currentFull = false;
  /**
   * When the HO stopped answering (a fetch failed with no response); null once anything answers.
   * `undefined` until read from the record (`loadReachability`), before any request of this engine.
   */
  private offlineSince: IsoTime | null | undefined = undefined;

  constructor(private readonly deps: EngineDeps) {
    this.client = deps.session.client;
    // A sign-out stops the run; any session change forgets how the last run ended.
    deps.session.subscribe((event) => {
      if (event === 'leaving') this.stop();
      else this.status = { kind: 'idle' };
    });
  }

  /** Stops the current run at the next step; what is verified stays, the checkpoint allows resuming. */
  stop(): void {
    this.current?.abort();
  }

  /**
   * Called when a run with `opts` is asked for while one may be running: a full resync stops a running
   * ordinary run (what it verified stays; the full listing supersedes its checkpoint), so a person's
   * "Full resync" starts now instead of after it.
   */
  preempt(opts: SyncOptions): void {
    if (opts.full === true && !this.currentFull) this.stop();
  }

  /** Current progress, recounted from storage. */
  async progress(): Promise<SyncProgress> {
    return this.refresh();
  }

  /**
   * Learns whether the HO answers with the smallest request (one `limit=1` list page, one attempt, a short
   * deadline), for a page opening between runs: the offline badge must not wait for the next run.
   */
  async checkConnection(): Promise<SyncProgress> {
    return this.deps.lock(SYNC_LOCK, async () => {
      await this.loadReachability();
      const probe = oneShot(await this.deps.session.settings());
      try {
        await this.client.listPage(this.context(probe, new AbortController().signal), {
          since: null,
          limit: 1,
          offset: 0,
          cursor: null,
        });
      } catch (err) {
        // Only reachability is asked (noted by the fetch wrapper); anything else is the next run's to handle and report.
        if (!(err instanceof SyncError)) throw err;
      }
      await this.saveReachability();
      return this.refresh();
    });
  }

  /** Applies deletions that waited for confirmation. */
  async confirmDeletes(): Promise<SyncProgress> {
    return this.deps.lock(SYNC_LOCK, async () => {
      const record = await this.records.get();
      if (record.pending_deletion !== null) {
        await this.deps.storage.deleteRecords(record.pending_deletion.ids);
        await this.deps.storage.deleteFailures(record.pending_deletion.ids);
        await this.records.update({ pending_deletion: null });
      }
      this.status = { kind: 'idle' };
      return this.refresh();
    });
  }

  /** Sends queued status reports (e.g. when the network comes back). */
  async flushStatus(): Promise<SyncProgress> {
    return this.deps.lock(SYNC_LOCK, async () => {
      await this.flush(
        this.context(await this.deps.session.settings(), new AbortController().signal),
      );
      return this.refresh();
    });
  }

  /** One sync run (waits for the lock); resolves with the final progress, never rejects for sync failures. */
  async sync(opts: SyncOptions = {}): Promise<SyncProgress> {
    this.preempt(opts);
    return this.deps.lock(SYNC_LOCK, async () => {
      const controller = new AbortController();
      this.current = controller;
      this.currentFull = opts.full === true;
      await this.loadReachability();
      const ctx = this.context(await this.deps.session.settings(), controller.signal);
      this.bytes = 0;
      try {
        if (!(await this.deps.session.signedIn())) {
          this.status = { kind: 'signed-out' };
          return await this.refresh();
        }
        if (ctx.settings.serverUrl === '')
          throw new ProblemError({ code: 'settings.server-url-missing' });
        checkSettings(ctx.settings);
        this.status = { kind: 'syncing', phase: 'listing', done: 0, total: 0 };
        await this.refresh();
        await this.runOnce(ctx, opts);
        const record = await this.records.get();
        this.status = record.pending_deletion
          ? {
              kind: 'needs-confirmation',
              deleteCount: record.pending_deletion.ids.length,
              localCount: record.pending_deletion.local_count,
            }
          : { kind: 'idle' };
      } catch (err) {
        this.status = statusFor(err);
      } finally {
        this.current = null;
      }
      if (this.status.kind !== 'paused-auth' && !controller.signal.aborted) await this.flush(ctx);
      await this.saveReachability();
      return this.refresh();
    });
  }

  /**
   * Notes whether the HO answered a request: the first failure with no response starts an offline
   * spell, any response (even an error status) ends it. Pages show it at once, also while a run retries.
   */
  private noteContact(answered: boolean): void {
    const since = answered ? null : (this.offlineSince ?? toIso(this.deps.clock.now()));
    if (since === this.offlineSince) return;
    this.offlineSince = since;
    this.emit();
  }

  /** Persists the offline spell at the end of a run, so a restarted worker shows it before its first request. */
  private async saveReachability(): Promise<void> {
    const record = await this.records.get();
    const since = this.offlineSince ?? null;
    if ((record.offline_since ?? null) !== since)
      await this.records.update({ offline_since: since });
  }

  /** Reads the offline spell a previous worker saved, once, before this engine's first request or report. */
  private async loadReachability(): Promise<void> {
    if (this.offlineSince === undefined)
      this.offlineSince = (await this.records.get()).offline_since ?? null;
  }

  private get records() {
    return this.deps.session.records;
  }

  private async runOnce(ctx: HttpContext, opts: SyncOptions): Promise<void> {
    const { storage } = this.deps;
    let cp = opts.full ? undefined : await storage.getState('checkpoint');
    // A checkpoint with its rows to download (no listed pages) is a listing already finished: download them.
    // One still holding pages stopped between its last page and `finishListing`: the listing below replays
    // the pages and finishes at once.
    if (cp?.phase === 'downloading' && cp.pages === 0) {
      await this.download(ctx, cp);
      cp = undefined;
    }
    const record = await this.records.get();
    if (cp === undefined) {
      const lastReconcile =
        record.last_reconcile_at === null ? null : parseTimestamp(record.last_reconcile_at);
      const reconcileDue =
        lastReconcile === null ||
        this.deps.clock.now() - lastReconcile >= ctx.settings.reconcileIntervalMs;
      const full = opts.full === true || record.watermark === null || reconcileDue;
      cp = newCheckpoint(
        full ? 'full' : 'incremental',
        full ? null : record.watermark,
        opts.full === true && opts.recheck === true,
      );
    }
    this.setStatus({ kind: 'syncing', phase: 'listing', done: 0, total: 0 });
    const held = new Map((await storage.listRecords()).map((r) => [r.id, r]));
    const early = this.downloadWhileListing(ctx, cp.recheck);
    let listing: { cp: RunCheckpoint; listed: Listed };
    try {
      listing = await continueListing(
        {
          ctx: early.listingCtx,
          client: this.client,
          storage,
          held,
          onPage: (p, page) => {
            this.onPage(p, page);
            early.add(page);
          },
        },
        cp,
      );
    } catch (err) {
      const full = await early.finish();
      if (endsRun(err)) throw err;
      if (full !== null) throw full;
      // Listing cut short: download what was found, commit nothing, resume the listing next run.
      const partial = await storage.getState('checkpoint');
      if (partial !== undefined) {
        const { pending } = await loadListed(storage, partial);
        await this.download(ctx, { ...partial, pending: [...pending.values()] }, early.tried(held));
      }
      throw err;
    }
    early.listed();
    const full = await early.finish();
    const ready = await this.finishListing(ctx, listing.cp, listing.listed, held, opts);
    if (full !== null) throw full;
    await this.download(ctx, ready, early.tried(held));
    if (this.failures.size === 0)
      await this.records.update({ last_success_at: toIso(this.deps.clock.now()) });
  }

  /**
   * Downloads the rows a listing finds while it goes on, page by page, through the polite pool: the first
   * photos arrive after the first page, not after the last, and the HO's listing time (which grows with the
   * catalog on servers that count or skip rows per page) overlaps the downloads. Deletions and the watermark
   * still wait for the complete listing (`finishListing`). A re-check run (If-None-Match on held photos)
   * downloads nothing early. `attempted` are the rows tried here (id -> checksum), so the run does not try
   * one twice.
   * A full disk stops the early downloads, not the listing: the run ends with it after the listing's
   * deletions, which may free the space for the next run.
   * Any other error that ends the run stops the listing too and is what the run ends with.
   */
  private downloadWhileListing(ctx: HttpContext, recheck: boolean) {
    const feed = new Feed<PhotoMeta>();
    /** Photo id -> the checksum tried. */
    const attempted = new Map<string, string>();
    const failed = new AbortController();
    const listingCtx: HttpContext = {
      ...ctx,
      signal: AbortSignal.any([ctx.signal, failed.signal]),
    };
    let listingDone = false;
    let queued = 0;
    let done = 0;
    let quota: QuotaError | null = null;
    const run = (async () => {
      const partials = new Set(await this.deps.storage.partialIds());
      const { concurrency, delayMs } = ctx.settings;
      await runPool(
        feed,
        { concurrency, delayMs, clock: this.deps.clock, signal: ctx.signal },
        async (meta, released) => {
          await this.downloadOne(ctx, meta, null, partials.has(meta.id), released);
          done++;
          if (listingDone) this.showDownloading(done, queued);
          else this.emit();
        },
      );
    })().catch((err: unknown) => {
      // The rows not tried yet are left to the next run, after this listing's deletions.
      if (err instanceof QuotaError) quota = err;
      else {
        failed.abort();
        throw err;
      }
    });
    // Observed in `finish`; without this a failure before it would also surface as an unhandled rejection.
    run.catch(() => undefined);
    return {
      listingCtx,
      /** The rows tried so far and how many of them ended, for the downloads after the listing. */
      tried: (held: ReadonlyMap<string, StoredPhoto>): Tried => ({ attempted, done, held }),
      add(page: ListedPage | null): void {
        if (recheck || page === null) return;
        // A row listed again (a changed photo, an offset pass restarted) is left to the downloads after the
        // listing, so one photo never has two downloads at once.
        const fresh = page.pending.filter((row) => !attempted.has(row.id));
        for (const row of fresh) attempted.set(row.id, row.checksum);
        queued += fresh.length;
        feed.push(fresh);
      },
      listed: (): void => {
        listingDone = true;
        this.showDownloading(done, queued);
      },
      /**
       * Waits for the downloads taken so far (no more come); rethrows the error that ended them. A full
       * disk is returned instead: the run ends with it once the listing is finished and its deletions applied.
       */
      async finish(): Promise<QuotaError | null> {
        feed.close();
        await run;
        return quota;
      },
    };
  }

  private showDownloading(done: number, total: number): void {
    this.setStatus({ kind: 'syncing', phase: 'downloading', done, total });
  }

  /**
   * After a complete listing: deletions (explicit `deleted_ids`, and on full listings everything held
   * but not listed) within the allowed share, the watermark, and the retry set joined to the downloads.
   */
  private async finishListing(
    ctx: HttpContext,
    cp: RunCheckpoint,
    { seen, deleted, pending }: Listed,
    held: Map<string, unknown>,
    opts: SyncOptions,
  ): Promise<RunCheckpoint> {
    const { storage, clock } = this.deps;
    const now = clock.now();
    const record = await this.records.get();
    const explicit = new Set([...deleted].filter((id) => !seen.has(id)));
    const reconciled = cp.mode === 'full' && !cp.unreconcilable;
    const gone = (id: string): boolean => explicit.has(id) || (reconciled && !seen.has(id));
    this.setStatus({ kind: 'syncing', phase: 'reconciling', done: 0, total: 0 });

    // Deletions still waiting for confirmation carry over unless the photo is listed again; a
    // reconciled (full) listing recomputes them all.
    const waiting = new Set(
      reconciled ? [] : (record.pending_deletion?.ids ?? []).filter((id) => !seen.has(id)),
    );
    const toDelete = [...held.keys()].filter((id) => gone(id) || waiting.has(id));
    let pendingDeletion: EngineRecord['pending_deletion'] = null;
    if (
      toDelete.length > 0 &&
      opts.confirmDeletes !== true &&
      toDelete.length > ctx.settings.maxDeleteShare * held.size
    ) {
      pendingDeletion = { ids: toDelete, local_count: held.size };
    } else if (toDelete.length > 0) {
      await storage.deleteRecords(toDelete);
    }
    const staleFailures = [...this.failures.keys()].filter(gone);
    await storage.deleteFailures(staleFailures);
    for (const id of staleFailures) this.failures.delete(id);
    if (staleFailures.length > 0) this.failureInfos = null;

    const retry = [...this.failures.values()]
      .filter((f) => f.meta !== null && !pending.has(f.photo_id))
      .filter(
        (f) => opts.full === true || opts.retryFailedNow === true || f.next_retry_at_ms <= now,
      )
      .map((f) => f.meta as PhotoMeta);
    // The listing is complete: its rows to download move into the checkpoint and its pages go.
    const ready: RunCheckpoint = {
      ...cp,
      pages: 0,
      pending: [...[...pending.values()].filter((p) => !explicit.has(p.id)), ...retry],
    };
    await storage.putState('checkpoint', ready);

    const candidate =
      cp.sync_timestamp ??
      (cp.max_updated_at === null
        ? null
        : toIso((parseTimestamp(cp.max_updated_at) ?? 0) - ctx.settings.watermarkOverlapMs));
    const previous = cp.mode === 'incremental' ? record.watermark : null;
    const watermark =
      cp.invalid_rows || candidate === null
        ? record.watermark
        : previous !== null && (parseTimestamp(previous) ?? 0) > (parseTimestamp(candidate) ?? 0)
          ? previous
          : candidate;
    await this.records.save({
      ...record,
      watermark,
      pending_deletion: pendingDeletion,
      last_reconcile_at: reconciled ? toIso(now) : record.last_reconcile_at,
    });
    await this.refresh();
    return ready;
  }

  /**
   * Downloads the checkpoint's pending photos that are not already current (a resumed run skips what it
   * finished before) and were not tried earlier in this run (`before`, whose count progress goes on from)
   * through the pool, then drops the checkpoint if the listing was complete.
   */
  private async download(ctx: HttpContext, cp: RunCheckpoint, before?: Tried): Promise<void> {
    // A resumed run's downloads (no listing before them) read what is held here.
    const {
      attempted,
      done: doneBefore,
      held,
    } = before ?? {
      attempted: new Map<string, string>(),
      done: 0,
      held: new Map((await this.deps.storage.listRecords()).map((r) => [r.id, r])),
    };
    const todo: { meta: PhotoMeta; etag: string | null }[] = [];
    for (const meta of cp.pending) {
      if (attempted.get(meta.id) === meta.checksum) continue;
      const record = held.get(meta.id);
      const current = holdsCurrent(record, meta) ? record : undefined;
      const etag = cp.recheck ? (current?.etag ?? null) : null;
      if (current === undefined || etag !== null) todo.push({ meta, etag });
      else await this.resolveFailure(meta.id);
    }
    // Counted on from the photos this run downloaded while listing.
    let done = doneBefore;
    const total = done + todo.length;
    this.showDownloading(done, total);
    const { concurrency, delayMs } = ctx.settings;
    // One read instead of a lookup per photo: only this run (it holds the lock) adds partials now.
    const partials = new Set(await this.deps.storage.partialIds());
    await runPool(
      todo,
      { concurrency, delayMs, clock: this.deps.clock, signal: ctx.signal },
      async ({ meta, etag }, released) => {
        await this.downloadOne(ctx, meta, etag, partials.has(meta.id), released);
        this.showDownloading(++done, total);
      },
    );
    if (ctx.signal.aborted) throw new AbortedError('sync stopped');
    if (cp.phase === 'downloading') await this.deps.storage.putState('checkpoint', undefined);
  }

  /**
   * Fetches, verifies and stores one photo (`etag`: re-check of a current copy with If-None-Match). A
   * photo-level failure is recorded; run-level ones (offline, auth, quota) end the run. `released` is
   * called once the HO is done with us: the worker's polite pause and next download overlap the storing.
   */
  private async downloadOne(
    ctx: HttpContext,
    meta: PhotoMeta,
    etag: string | null,
    partialHeld: boolean,
    released: () => void,
  ): Promise<void> {
    const { storage, clock } = this.deps;
    try {
      const result = await this.client.download(ctx, meta, etag, partialHeld);
      released();
      const at = toIso(clock.now());
      const report = { photo_id: meta.id, status: 'synced', synced_at: at, error: null } as const;
      if (result.kind === 'verified') {
        // The photo and its "synced" report are committed together.
        await storage.putVerified(
          { ...meta, etag: result.etag, synced_at: at },
          result.blob,
          report,
        );
        this.bytes += result.blob.size;
        this.held.add(meta.id);
      } else {
        await storage.appendOutbox(report);
      }
      await this.resolveFailure(meta.id);
    } catch (err) {
      if (endsRun(err)) throw err;
      await this.recordFailure(ctx, meta, reasonOf(err));
      if (err instanceof SyncError && err.stops === 'photo-then-run') throw err;
    }
  }

  private async recordFailure(ctx: HttpContext, meta: PhotoMeta, reason: string): Promise<void> {
    const { storage, clock, random } = this.deps;
    const now = clock.now();
    const attempts = (this.failures.get(meta.id)?.attempts ?? 0) + 1;
    const delay = backoffDelay(
      attempts,
      {
        backoffBaseMs: ctx.settings.failureRetryBaseMs,
        backoffMaxMs: ctx.settings.failureRetryMaxMs,
      },
      random,
    );
    const failure: FailureRecord = {
      photo_id: meta.id,
      reason,
      attempts,
      last_attempt_at: toIso(now),
      meta,
      next_retry_at_ms: now + delay,
    };
    await storage.putFailure(failure);
    this.failures.set(meta.id, failure);
    this.failureInfos = null;
    await storage.appendOutbox({
      photo_id: meta.id,
      status: 'failed',
      synced_at: null,
      error: reason,
    });
  }

  private async resolveFailure(id: string): Promise<void> {
    if (!this.failures.delete(id)) return;
    this.failureInfos = null;
    await this.deps.storage.deleteFailures([id]);
  }

  private async flush(ctx: HttpContext): Promise<void> {
    try {
      await this.records.save(
        await flushOutbox(ctx, this.client, this.deps.storage, await this.records.get()),
      );
    } catch (err) {
      this.status = statusFor(err);
    }
  }

  private onPage(cp: RunCheckpoint, page: ListedPage | null): void {
    for (const p of page?.pending ?? []) this.expected.add(p.id);
    this.setStatus({
      kind: 'syncing',
      phase: 'listing',
      done: cp.seen_count,
      total: cp.total ?? cp.seen_count,
    });
  }

  private context(settings: SyncSettings, signal: AbortSignal): HttpContext {
    const { fetch: fetchFn, clock, random } = this.deps;
    // Called as a plain function: a browser's fetch invoked as a method of another object throws "Illegal invocation".
    const fetch: FetchFn = async (url, init) => {
      try {
        const res = await fetchFn(url, init);
        this.noteContact(true);
        return res;
      } catch (err) {
        // A request we aborted (run stopped, deadline) says nothing about the network.
        if (init?.signal?.aborted !== true) this.noteContact(false);
        throw err;
      }
    };
    return { fetch, clock, random, settings, signal };
  }

  /** Recounts held/expected photos and failures from storage and emits. */
  private async refresh(): Promise<SyncProgress> {
    const { storage } = this.deps;
    // Ids only: a page opening waits for this count, and reading every record took most of its first screen.
    const { ids, missing } = await storage.recordIds();
    const failures = new Map((await storage.listFailures()).map((f) => [f.photo_id, f]));
    // Pages compare the failure list by identity: keep it when nothing in it changed.
    if (!sameFailures(failures, this.failures)) {
      this.failures = failures;
      this.failureInfos = null;
    }
    const gone = new Set(missing);
    this.held = new Set(ids.filter((id) => !gone.has(id)));
    this.expected = new Set([
      ...ids,
      ...this.failures.keys(),
      ...(await pendingRows(storage)).map((p) => p.id),
    ]);
    await this.loadReachability();
    const record = await this.records.get();
    const backlog = (await storage.countOutbox()) > 0;
    this.reporting = reportingDisabled(record, this.deps.clock.now())
      ? 'disabled'
      : backlog
        ? 'backlog'
        : 'ok';
    this.isSignedIn = await this.deps.session.signedIn();
    return this.emit();
  }

  private setStatus(status: SyncStatus): void {
    this.status = status;
    this.emit();
  }

  /** The failures as progress shows them, built again only after they changed. */
  private failureList(): FailureInfo[] {
    this.failureInfos ??= [...this.failures.values()].map(toInfo);
    return this.failureInfos;
  }

  private emit(): SyncProgress {
    // Signed-out is a fact of storage (no tokens or no store), whatever the last run ended in.
    const status: SyncStatus = !this.isSignedIn
      ? { kind: 'signed-out' }
      : this.status.kind === 'signed-out'
        ? { kind: 'idle' }
        : this.status;
    const record = this.records.cached();
    const progress: SyncProgress = {
      status,
      held: this.held.size,
      expected: Math.max(this.expected.size, this.held.size),
      bytesDownloaded: this.bytes,
      failures: this.failureList(),
      lastSuccessAt: record?.last_success_at ?? null,
      lastReconcileAt: record?.last_reconcile_at ?? null,
      reporting: this.reporting,
      reportsRejected: record?.reports_rejected ?? 0,
      offlineSince: this.offlineSince ?? null,
    };
    this.deps.onProgress?.(progress);
    return progress;
  }
}
