/**
 * Hosts the session and the sync engine inside the service worker: the boundary page commands and
 * events go through. Coalesces triggers into at most one running and one queued run (a full resync stops
 * a running ordinary run instead of waiting behind it), keeps the SW alive while a run lasts, and every
 * method that changes something broadcasts the new state to every open page itself.
 */
import type {
  AppState,
  Broadcast,
  Credentials,
  Product,
  ProductPage,
  ProductPageRequest,
  SaveSettingsResult,
  Session,
  SignInResult,
  SignInSettings,
  StorageUse,
  StoreChoice,
  TunableSettings,
} from '../shared/messages';
import { ProblemError } from '../shared/problems';
import type { PhotoMeta, StoredPhoto, SyncProgress } from '../shared/types';
import type { PhotoBytes, PhotoStorage } from '../storage';
import type { SyncEngine, SyncOptions } from '../sync/engine';
import type { SignInOutcome, SyncSession } from '../sync/session';
import { pendingRows } from '../sync/listing';
import type { HeldPhotos } from './embedding';
import type { FirstScreen, FirstScreenContent } from './first-screen';
import {
  HEAD_PRODUCTS,
  PRODUCTS_WHILE_SYNCING_MS,
  type ProductHead,
  ProductCatalog,
} from './product-catalog';
import { buildProducts, headProducts } from './products';
import { startupMark } from '../shared/timing';

/** What the host needs from the service worker. */
export interface HostDeps {
  session: SyncSession;
  engine: SyncEngine;
  storage: PhotoStorage;
  broadcast: (message: Broadcast) => void;
  /**
   * Called after sign-in, sign-out, settings and runs (the server URL relative image_urls resolve against may
   * have changed); the storage writes that change held photos call it themselves (see runtime.ts).
   */
  heldChanged: () => void;
  estimate: () => Promise<StorageUse | null>;
  /** The saved first screen a starting worker answers the first page from (first-screen.ts); none in most tests. */
  firstScreen?: Pick<FirstScreen, 'head'>;
}

/** The settings the settings screen shows and changes. */
function tunable(s: TunableSettings): TunableSettings {
  const { syncIntervalMs, concurrency, delayMs, listMethod, companyId, terminalName } = s;
  return { syncIntervalMs, concurrency, delayMs, listMethod, companyId, terminalName };
}

const PRODUCTS_DEBOUNCE_MS = 500;
/**
 * Automatic runs (the worker starting, Background Sync) wait this long after the worker started: a page
 * opening the gallery is what woke it, and its first screen (state, first products, first photos) must not
 * queue behind the run's whole-catalog reads and the storage sweep. A person's or a page timer's run does not wait.
 */
const START_UP_RUN_DELAY_MS = 2000;
/**
 * Least time between two "x of y" progress broadcasts within one download phase. Pages re-render on each:
 * at 100 ms a 2,000-photo sync cost Chromium ~4 CPU-seconds more in all (12 %) than at 500 ms
 * (`npm run bench:profile`, issue 14), and two updates a second still show the count moving.
 */
const PROGRESS_INTERVAL_MS = 500;

/** A download step between the first and the last: may be coalesced with the ones after it. */
function routineStep(progress: SyncProgress): boolean {
  const s = progress.status;
  return s.kind === 'syncing' && s.phase === 'downloading' && s.done > 0 && s.done < s.total;
}

function merge(a: SyncOptions, b: SyncOptions): SyncOptions {
  return {
    full: a.full === true || b.full === true,
    recheck: a.recheck === true || b.recheck === true,
    retryFailedNow: a.retryFailedNow === true || b.retryFailedNow === true,
    confirmDeletes: a.confirmDeletes === true || b.confirmDeletes === true,
  };
}

/** A held record whose bytes are gone: shown as pending until downloaded again. */
const missingBytes = (r: StoredPhoto): boolean => r.bytes_missing === true;

/** The engine's host in the service worker. */
export class SyncHost {
  private running: Promise<SyncProgress> | null = null;
  private queued: { opts: SyncOptions; promise: Promise<SyncProgress> } | null = null;
  private lastHeld = -1;
  private readonly hostId = crypto.randomUUID();
  private runsFinished = 0;
  private productsTimer: ReturnType<typeof setTimeout> | null = null;
  private productsDue = 0;
  private progressTimer: ReturnType<typeof setTimeout> | null = null;
  /** Whether `latest` still has to go to the pages (a routine step waits for the progress timer). */
  private unsent = false;
  /** The storage sweep, run once before the first run of this worker (retried by the next run if it failed). */
  private swept: Promise<void> | null = null;
  /** Bumped whenever the engine's progress may have changed: a progress read started before is not shared after. */
  private generation = 0;
  private progressRead: { generation: number; promise: Promise<SyncProgress> } | null = null;
  private readonly startedUp: Promise<void>;
  private readonly catalog = new ProductCatalog({
    load: () => this.readProducts(),
    head: (count) => this.readHead(count),
    // The first page's counts were the head's: pages ask again for the exact ones.
    completed: () =>
      this.deps.broadcast({ type: 'products-changed', at: new Date().toISOString() }),
  });
  /** The engine's latest progress: what pages are sent next, and whether a run waits for the HO. */
  private latest: SyncProgress | null = null;
  /** Something other than stored photos changed the list since pages were last told (see photosChanged). */
  private catalogChanged = true;

  constructor(private readonly deps: HostDeps) {
    this.startedUp = new Promise((resolve) => setTimeout(resolve, START_UP_RUN_DELAY_MS));
  }

  /**
   * Forwards an engine progress snapshot to every page (called by the engine's onProgress). The engine
   * reports every photo; routine download steps go out at most every PROGRESS_INTERVAL_MS (the latest
   * one wins), every other snapshot at once, so pages never show an older state after a newer one.
   */
  onProgress(progress: SyncProgress): void {
    this.generation++;
    this.latest = progress;
    this.unsent = true;
    if (routineStep(progress))
      this.progressTimer ??= setTimeout(() => this.sendProgress(), PROGRESS_INTERVAL_MS);
    else this.sendProgress();
    if (progress.held !== this.lastHeld) {
      this.lastHeld = progress.held;
      this.productsChanged(
        // While photos arrive, pages re-read the list at most this often (each re-read costs time in proportion
        // to the catalog, and the "x of y" progress already shows the sync moving).
        progress.status.kind === 'syncing'
          ? this.catalog.noticeDelay(PRODUCTS_WHILE_SYNCING_MS)
          : PRODUCTS_DEBOUNCE_MS,
      );
    }
  }

  /**
   * Asks for a run. While one runs, the request joins the single queued run (options merged); a full
   * resync first stops a running ordinary run (see SyncEngine.preempt).
   */
  private run(opts: SyncOptions = {}): Promise<SyncProgress> {
    if (this.running === null) return this.start(opts);
    this.deps.engine.preempt(opts);
    if (this.queued !== null) {
      this.queued.opts = merge(this.queued.opts, opts);
      return this.queued.promise;
    }
    const current = this.running.catch(() => undefined);
    const queued = { opts } as { opts: SyncOptions; promise: Promise<SyncProgress> };
    queued.promise = current.then(() => {
      this.queued = null;
      return this.start(queued.opts);
    });
    this.queued = queued;
    return queued.promise;
  }

  /** Settles when no run is active or queued: what service worker events extend their lifetime with. */
  async idle(): Promise<void> {
    while (this.running !== null || this.queued !== null)
      await (this.queued?.promise ?? this.running)?.catch(() => undefined);
  }

  /** Like runIfSignedIn, for the automatic runs of a worker starting: not before its start-up delay. */
  async runAfterStartUp(): Promise<AppState> {
    await this.startedUp;
    return this.runIfSignedIn();
  }

  /** Starts a run when a store is signed in (on SW start, sign-in, timers); resolves with the state. */
  async runIfSignedIn(opts: SyncOptions = {}): Promise<AppState> {
    if ((await this.session()).signedIn) void this.run(opts);
    return this.state();
  }

  /** Asks the HO whether it answers (pages opening between runs), unless a run is active or queued: its requests tell. */
  async checkConnection(): Promise<AppState> {
    if (this.running === null && this.queued === null && (await this.deps.session.signedIn())) {
      await this.deps.engine.checkConnection();
    }
    return this.state();
  }

  /** Signs in (see SyncSession.signIn); a chosen store starts the first run. */
  async signIn(settings: SignInSettings, credentials: Credentials): Promise<SignInResult> {
    return this.afterSignIn(await this.deps.session.signIn(settings, credentials));
  }

  /** Chooses one of the stores the server listed after sign-in. */
  async chooseStore(store: StoreChoice): Promise<SignInResult> {
    return this.afterSignIn(await this.deps.session.chooseStore(store));
  }

  /** Signs out, forgetting every photo and all state of the store. */
  async signOut(): Promise<AppState> {
    await this.deps.session.signOut(true);
    return this.announce();
  }

  /** Applies deletions that waited for a person's confirmation. */
  async confirmDeletions(): Promise<AppState> {
    await this.deps.engine.confirmDeletes();
    return this.announce();
  }

  /** The settings the settings screen shows. */
  async tunables(): Promise<TunableSettings> {
    return tunable(await this.deps.session.settings());
  }

  /** Saves the settings screen's values through the session's validation; nothing is saved when refused. */
  async saveTunables(settings: TunableSettings): Promise<SaveSettingsResult> {
    try {
      const saved = tunable(await this.deps.session.saveSettings(tunable(settings)));
      return { ok: true, settings: saved, state: await this.announce() };
    } catch (err) {
      // The session validates (the problem names the setting).
      if (err instanceof ProblemError) return { ok: false, problem: err.problem };
      throw err;
    }
  }

  /** The held photos (bytes present) and the HO base URL, for the embedding contract's routes. */
  async heldPhotos(): Promise<HeldPhotos> {
    const [records, settings] = await Promise.all([
      this.deps.storage.listRecords(),
      this.deps.session.settings(),
    ]);
    return { held: records.filter((r) => r.bytes_missing !== true), serverUrl: settings.serverUrl };
  }

  /** One held photo's verified bytes, for the photo route. */
  readPhoto(id: string): Promise<PhotoBytes | null | undefined> {
    return this.deps.storage.readPhoto(id);
  }

  /** Who is signed in where. */
  async session(): Promise<Session> {
    const { session } = this.deps;
    const [settings, signedIn, storeName] = await Promise.all([
      session.settings(),
      session.signedIn(),
      session.storeName(),
    ]);
    return {
      signedIn,
      serverUrl: settings.serverUrl,
      storeId: settings.storeId,
      storeName,
      syncIntervalMs: settings.syncIntervalMs,
      syncJitterMs: settings.syncJitterMs,
    };
  }

  /** Session, progress and storage use. */
  async state(): Promise<AppState> {
    const [session, progress, storage] = await Promise.all([
      this.session(),
      this.progress(),
      this.deps.estimate(),
    ]);
    const running = this.running !== null || this.queued !== null;
    return {
      session,
      running,
      progress,
      storage,
      hostId: this.hostId,
      runsFinished: this.runsFinished,
    };
  }

  /**
   * The engine's progress (a read of every record today): callers arriving while a read runs and nothing
   * changed since it started share it, so a page opening with several commands costs one read.
   */
  private progress(): Promise<SyncProgress> {
    const shared = this.progressRead;
    if (shared !== null && shared.generation === this.generation) return shared.promise;
    const read = { generation: this.generation, promise: this.deps.engine.progress() };
    this.progressRead = read;
    const done = (): void => {
      if (this.progressRead === read) this.progressRead = null;
    };
    read.promise.then(done, done);
    return read.promise;
  }

  /** A photo was committed with its bytes (see watchWrites): the product list marks it held, reading nothing. */
  photoStored(record: StoredPhoto): void {
    this.catalog.stored(record);
  }

  /** Listed or held photos may have changed otherwise: the list is read again when pages are next told. */
  photosChanged(): void {
    this.catalogChanged = true;
  }

  /** Broadcasts the current state and returns it (after sign-in, sign-out, store changes and runs). */
  private async announce(): Promise<AppState> {
    this.generation++;
    this.catalogChanged = true;
    const state = await this.state();
    this.deps.broadcast({ type: 'state', state });
    this.deps.heldChanged();
    this.productsChanged(PRODUCTS_DEBOUNCE_MS);
    return state;
  }

  /** One page of the product list (see ProductCatalog). */
  products(page: ProductPageRequest): Promise<ProductPage> {
    return this.catalog.page(page);
  }

  /** Product names of the given photos, for the failure list. */
  photoProducts(photoIds: string[]): Promise<Record<string, string>> {
    return this.catalog.names(photoIds);
  }

  /** Products with their photos: held ones plus those listed but still to download or failed. */
  private async readProducts(): Promise<Product[]> {
    const [records, pending] = await Promise.all([
      this.deps.storage.listRecords(),
      this.pendingPhotos(),
    ]);
    const held = records.filter((r) => !missingBytes(r));
    return buildProducts(held, [...records.filter(missingBytes), ...pending]);
  }

  /** The first `count` products or more, from the storage's gallery index and the pending photos. */
  private async readHead(count: number): Promise<ProductHead> {
    startupMark('sw-head-read');
    const saved = await this.deps.firstScreen?.head(count);
    if (saved != null) {
      startupMark('sw-head-first-screen');
      return saved;
    }
    const [head, pending] = await Promise.all([
      this.deps.storage.galleryHead(count),
      this.pendingPhotos(),
    ]);
    startupMark('sw-head-done');
    return headProducts(head, missingBytes, pending, count);
  }

  /** Photos listed but not held yet: to download, or failed (with their listing's metadata). */
  private async pendingPhotos(): Promise<PhotoMeta[]> {
    const { storage } = this.deps;
    const [listed, failures] = await Promise.all([pendingRows(storage), storage.listFailures()]);
    return [...listed, ...failures.flatMap((f) => (f.meta === null ? [] : [f.meta]))];
  }

  private async afterSignIn(outcome: SignInOutcome): Promise<SignInResult> {
    if (!outcome.ok) return outcome;
    if (outcome.storeChosen) await this.runIfSignedIn();
    return { ok: true, state: await this.announce(), stores: outcome.stores };
  }

  /** Sweeps the storage once per worker; a failed sweep does not stop the run and is tried again by the next. */
  private sweep(): Promise<void> {
    this.swept ??= this.deps.storage.sweep().catch(() => {
      this.swept = null;
    });
    return this.swept;
  }

  private start(opts: SyncOptions): Promise<SyncProgress> {
    const run = this.sweep()
      .then(() => this.deps.engine.sync(opts))
      .finally(() => {
        this.runsFinished++;
        this.running = null;
        void this.announce();
      });
    this.running = run;
    void this.announce();
    return run;
  }

  /**
   * What the first screen saves once storage writes went quiet (see FirstScreen.saveWhenQuiet): the first
   * products and their photos; 'later' while a run goes that is not waiting for the HO (its writes would drop
   * the copy again), not before the start-up delay (a page's own first screen comes first), and nothing while
   * nobody is signed in. 'later' is asked again after a quiet period, not left to the run's next write: after a
   * run's last write that drops the copy comes the report flush to the HO, whose writes (outbox, engine
   * record) keep it, and `running` is cleared only after that, so no write need follow a 'later'.
   */
  async firstScreenToSave(): Promise<FirstScreenContent | 'later' | null> {
    await this.startedUp;
    const runs = this.running !== null || this.queued !== null;
    if (runs && this.latest?.offlineSince == null) return 'later';
    if (!(await this.deps.session.signedIn())) return null;
    const page = await this.catalog.page({ offset: 0, limit: HEAD_PRODUCTS, query: '' });
    const complete = page.complete && page.total <= page.products.length;
    return { products: page.products, complete, read: (id) => this.readPhoto(id) };
  }

  private sendProgress(): void {
    if (this.progressTimer !== null) clearTimeout(this.progressTimer);
    this.progressTimer = null;
    if (this.unsent && this.latest !== null)
      this.deps.broadcast({ type: 'progress', progress: this.latest });
    this.unsent = false;
  }

  /** Tells pages to re-read the products they show within `delayMs` (an earlier pending notice stands). */
  private productsChanged(delayMs: number): void {
    const due = Date.now() + delayMs;
    if (this.productsTimer !== null) {
      if (this.productsDue <= due) return;
      clearTimeout(this.productsTimer);
    }
    this.productsDue = due;
    this.productsTimer = setTimeout(() => {
      this.productsTimer = null;
      // The list is read again when pages are told, not on every step: between two notices (at most every
      // 2 s while syncing) every page a scrolling page asks for comes from one read. Stored photos alone
      // (a sync's downloads) were marked in place and need no read.
      if (this.catalogChanged) this.catalog.invalidate();
      this.catalogChanged = false;
      this.deps.broadcast({ type: 'products-changed', at: new Date().toISOString() });
    }, delayMs);
  }
}
