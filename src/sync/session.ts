/**
 * The terminal's session: settings, sign-in (password or pasted token), the store it syncs (listed by the
 * server or typed and checked), the store's display name, and sign-out. Runtime-neutral: fetch, clock,
 * storage, lock, the connection probe and the app's origin are injected. Every sign-in and sign-out of
 * the app goes through `signIn`/`chooseStore`/`signOut` here: the one place to extend them.
 */
import {
  AuthError,
  HttpError,
  InvalidResponseError,
  OfflineError,
  reasonOf,
  TimeoutError,
} from '../shared/errors';
import type { Credentials, SignInSettings, StoreChoice } from '../shared/messages';
import { type Problem, ProblemError } from '../shared/problems';
import {
  DEFAULT_SETTINGS,
  isCompanyId,
  isTerminalName,
  LIST_METHODS,
  type SyncSettings,
} from '../shared/types';
import { HoClient } from './api-client';
import { type Revocation, TokenManager } from './auth';
import { EngineRecords } from './engine-record';
import { type HttpContext, oneShot } from './http';
import type { Clock, FetchFn, LockFn, ProbeFn, RandomFn, SyncStorage } from './ports';
import { SYNC_LOCK } from './ports';

/** What the session gets from its runtime. */
export interface SessionDeps {
  fetch: FetchFn;
  storage: SyncStorage;
  clock: Clock;
  random: RandomFn;
  lock: LockFn;
  /** Tells a server this runtime's own policy refuses from one that answers (CORS) or is down. */
  probe: ProbeFn;
  /** Origin the app is served from (a server on it needs no CORS). */
  appOrigin: string;
  /** Deployer defaults (config.json, the app's origin as server URL), below the user's stored settings. */
  defaults?: Partial<SyncSettings>;
}

/** What the HO says about the configured store for this token: usable, unknown, or not this account's. */
export type StoreCheck = 'ok' | 'not-found' | 'forbidden';

/**
 * Outcome of a sign-in or store choice. `storeChosen`: a store is set and checked, runs may start;
 * otherwise `stores` lists what the person picks from.
 */
export type SignInOutcome =
  | { ok: true; stores: StoreChoice[] | null; storeChosen: boolean }
  | { ok: false; problem: Problem; stores: StoreChoice[] | null };

/** Something that reacts to the session: `leaving` before sign-out takes the lock, `changed` after any change. */
export type SessionListener = (event: 'leaving' | 'changed') => void;

const NUMERIC_SETTINGS = Object.keys(DEFAULT_SETTINGS).filter(
  (k) => typeof DEFAULT_SETTINGS[k as keyof SyncSettings] === 'number',
) as (keyof SyncSettings)[];

/** Least value of the settings that must be positive (numbers not listed here must be >= 0). */
const MINIMUM: Partial<Record<keyof SyncSettings, number>> = {
  concurrency: 1,
  pageLimit: 2,
  maxAttempts: 1,
};

/** Throws a ProblemError naming the first setting that cannot work. */
export function checkSettings(s: SyncSettings): void {
  for (const key of NUMERIC_SETTINGS) {
    const v = s[key];
    if (typeof v !== 'number' || !Number.isFinite(v) || v < (MINIMUM[key] ?? 0))
      throw new ProblemError({ code: 'settings.out-of-range', setting: key });
  }
  if (s.maxDeleteShare > 1)
    throw new ProblemError({ code: 'settings.out-of-range', setting: 'maxDeleteShare' });
  if (s.serverUrl !== '' && !/^https?:\/\/[^/]/.test(s.serverUrl))
    throw new ProblemError({ code: 'settings.server-url-scheme' });
  if (!LIST_METHODS.includes(s.listMethod))
    throw new ProblemError({ code: 'settings.out-of-range', setting: 'listMethod' });
  if (!isCompanyId(s.companyId))
    throw new ProblemError({ code: 'settings.out-of-range', setting: 'companyId' });
  if (!isTerminalName(s.terminalName))
    throw new ProblemError({ code: 'settings.out-of-range', setting: 'terminalName' });
}

const refused = (problem: Problem): ProblemError => new ProblemError(problem);

/** Normalises what the user typed: trimmed, Server URL without trailing slash, unset fields left out (defaults apply). */
function cleaned(settings: SignInSettings): SignInSettings {
  const set = Object.fromEntries(
    Object.entries(settings).filter(([, v]) => v !== undefined),
  ) as SignInSettings;
  return {
    ...set,
    serverUrl: settings.serverUrl.trim().replace(/\/+$/, ''),
    storeId: settings.storeId.trim(),
  };
}

/** The session of one terminal. */
export class SyncSession {
  /** Tokens of the signed-in account, shared with the engine's requests. */
  readonly tokens: TokenManager;
  /** The HO API client, shared with the engine. */
  readonly client: HoClient;
  /** The terminal's bookkeeping record, shared with the engine. */
  readonly records: EngineRecords;
  private readonly listeners = new Set<SessionListener>();

  constructor(private readonly deps: SessionDeps) {
    this.tokens = new TokenManager(deps.storage);
    this.records = new EngineRecords(deps.storage);
    this.client = new HoClient(this.tokens, deps.storage, this.records);
  }

  /** Calls `listener` on every change of the session (the engine stops runs and forgets how the last one ended). */
  subscribe(listener: SessionListener): void {
    this.listeners.add(listener);
  }

  /** Effective settings: defaults, then deployer defaults, then what the user saved. */
  async settings(): Promise<SyncSettings> {
    return {
      ...DEFAULT_SETTINGS,
      ...this.deps.defaults,
      ...(await this.deps.storage.getState('settings')),
    };
  }

  /** Saves user settings (validated) and returns the effective settings. */
  async saveSettings(patch: Partial<SyncSettings>): Promise<SyncSettings> {
    const before = await this.settings();
    const saved = { ...(await this.deps.storage.getState('settings')), ...patch };
    checkSettings({ ...DEFAULT_SETTINGS, ...this.deps.defaults, ...saved });
    await this.deps.storage.putState('settings', saved);
    const after = await this.settings();
    // Another server may want another list method: what was learned from the old one no longer holds.
    if (after.serverUrl !== before.serverUrl) await this.records.update({ list_method: null });
    return after;
  }

  /** True when tokens are held, a store is chosen and no sign-in is still checking it: what runs need. */
  async signedIn(): Promise<boolean> {
    const [tokens, settings, record] = await Promise.all([
      this.tokens.current(),
      this.settings(),
      this.records.get(),
    ]);
    return tokens !== null && settings.storeId !== '' && record.sign_in_pending !== true;
  }

  /** Display name of the configured store, or null when none is known for it. */
  async storeName(): Promise<string | null> {
    const [{ storeId }, record] = await Promise.all([this.settings(), this.records.get()]);
    const label = record.store_name ?? null;
    return label !== null && label.store_id === storeId ? label.name : null;
  }

  /** Remembers the display name of the configured store (servers that list stores provide one); persisted. */
  async setStoreName(name: string | null): Promise<void> {
    const { storeId } = await this.settings();
    await this.records.update({ store_name: name === null ? null : { store_id: storeId, name } });
  }

  /** Obtains tokens with username/password or takes a pasted access token; throws AuthError when refused. */
  async authenticate(credentials: Credentials): Promise<void> {
    const ctx = await this.context();
    if (credentials.kind === 'password')
      await this.tokens.signIn(ctx, credentials.username, credentials.password);
    else await this.tokens.useAccessToken(ctx, credentials.token);
    // A new sign-in (maybe to a server that changed its deployment) probes the list method again.
    await this.records.update({ list_method: null });
    this.changed();
  }

  /** Stores this user may sync, or null when the HO does not offer the list. */
  async listStores(): Promise<StoreChoice[] | null> {
    return this.client.listStores(await this.context());
  }

  /**
   * Checks that the configured store exists and is readable with this token: one `limit=1` list
   * request (token renewed as for any request). Throws AuthError, or a typed error when the server
   * does not answer like the API (InvalidResponseError, HttpError).
   */
  async checkStore(): Promise<StoreCheck> {
    const ctx = await this.context();
    if (ctx.settings.storeId === '') throw refused({ code: 'settings.store-id-missing' });
    try {
      await this.client.listPage(ctx, { since: null, limit: 1, offset: 0, cursor: null });
      return 'ok';
    } catch (err) {
      if (err instanceof HttpError && (err.status === 400 || err.status === 404))
        return 'not-found';
      if (err instanceof HttpError && err.status === 403) return 'forbidden';
      throw err;
    }
  }

  /**
   * Signs in to the typed server and store (wiping the previous store's data when either changed).
   * When the server lists stores and none was typed, the outcome lists them to pick from.
   */
  async signIn(input: SignInSettings, credentials: Credentials): Promise<SignInOutcome> {
    const settings = cleaned(input);
    let stores: StoreChoice[] | null = null;
    let authenticated = false;
    try {
      if (settings.serverUrl === '') throw refused({ code: 'settings.server-url-missing' });
      await this.leavePreviousStore(settings);
      // A terminal renewing its session stays signed in meanwhile; any other is not until its store is checked.
      if (!(await this.signedIn())) await this.records.update({ sign_in_pending: true });
      await this.saveSettings(settings);
      await this.authenticate(credentials);
      authenticated = true;
      stores = await this.listStores();
      if (stores === null && settings.storeId === '')
        throw refused({ code: 'settings.store-id-missing' });
      if (stores !== null && settings.storeId === '') {
        await this.records.update({ sign_in_pending: false });
        return { ok: true, stores, storeChosen: false };
      }
      const store =
        stores?.find((s) => s.id.toLowerCase() === settings.storeId.toLowerCase()) ?? null;
      if (stores !== null && store === null)
        throw refused({ code: 'store.not-listed', storeId: settings.storeId });
      await this.useStore(store, stores);
      await this.records.update({ sign_in_pending: false });
      this.changed();
      return { ok: true, stores, storeChosen: true };
    } catch (err) {
      const problem = await this.classify(err, settings, credentials.kind);
      // Tokens for a store that failed its check must not leave the terminal signed in to it.
      if (authenticated) await this.abandonTokens();
      await this.records.update({ sign_in_pending: false });
      return { ok: false, problem, stores };
    }
  }

  /** Chooses one of the stores the server listed after sign-in. */
  async chooseStore(store: StoreChoice): Promise<SignInOutcome> {
    const settings = await this.settings();
    const next = { serverUrl: settings.serverUrl, storeId: store.id };
    try {
      await this.leavePreviousStore(next);
      await this.saveSettings({ storeId: store.id });
      await this.useStore(store, [store]);
      return { ok: true, stores: [store], storeChosen: true };
    } catch (err) {
      return { ok: false, problem: await this.classify(err, next, null), stores: null };
    }
  }

  /**
   * Stops any run, asks the HO to revoke the refresh token (one attempt, short deadline) and forgets the
   * tokens whatever it answers, also offline (nothing is queued: a later revocation would need the very
   * token that must not be kept); with `wipe` every photo and all state of the store go too.
   */
  async signOut(wipe: boolean): Promise<Revocation> {
    this.emit('leaving');
    const revocation = await this.deps.lock(SYNC_LOCK, async () => {
      const revoked = await this.tokens.revoke(await this.context(oneShot));
      await this.tokens.signOut();
      if (wipe) await this.records.wipe();
      return revoked;
    });
    this.changed();
    return revocation;
  }

  /** Forgets the tokens of a sign-in that failed after obtaining them, asking the HO to revoke them first. */
  private async abandonTokens(): Promise<void> {
    await this.tokens.revoke(await this.context(oneShot));
    await this.tokens.signOut();
    this.changed();
  }

  /** Checks the store the user typed (when the server does not list them) and remembers its name. */
  private async useStore(store: StoreChoice | null, listed: StoreChoice[] | null): Promise<void> {
    if (listed === null) {
      const check = await this.checkStore();
      const { storeId } = await this.settings();
      if (check === 'not-found') throw refused({ code: 'store.not-found', storeId });
      if (check === 'forbidden') throw refused({ code: 'store.forbidden', storeId });
    }
    // A typed store keeps the name the HO's list answer gave it (upstream sends `store.name`), if any.
    if (store !== null) await this.setStoreName(store.name);
    this.changed();
  }

  /** Wipes the previous store's photos and state when the server or store changes (the UI confirmed it). */
  private async leavePreviousStore(next: Pick<SignInSettings, 'serverUrl' | 'storeId'>) {
    const { storage } = this.deps;
    const prev = await this.settings();
    if (prev.serverUrl === next.serverUrl && prev.storeId === next.storeId) return;
    const holdsData =
      (await storage.listRecords()).length > 0 ||
      (await storage.getState('checkpoint')) !== undefined;
    if (holdsData) await this.signOut(true);
  }

  /** Maps an error during sign-in to what the UI says. */
  private async classify(
    err: unknown,
    settings: Pick<SignInSettings, 'serverUrl'>,
    credentials: Credentials['kind'] | null,
  ): Promise<Problem> {
    if (err instanceof ProblemError) return err.problem;
    if (err instanceof AuthError)
      return { code: 'auth.wrong-credentials', credentials: credentials ?? 'session' };
    const server = settings.serverUrl;
    if (err instanceof OfflineError || err instanceof TimeoutError) {
      // One probe tells the cases apart: refused by our own policy, answering but not to us (CORS), or down.
      const probe = await this.deps.probe(server);
      const origin = new URL(server).origin;
      if (probe.kind === 'blocked')
        return { code: 'http.blocked-by-policy', server: origin, allowed: probe.allowed };
      if (probe.kind === 'answers' && origin !== this.deps.appOrigin)
        return { code: 'http.cors', server, origin: this.deps.appOrigin };
      return { code: 'http.unreachable', server };
    }
    if (err instanceof InvalidResponseError || (err instanceof HttpError && err.status < 500))
      return { code: 'http.not-pps-server', server, reason: reasonOf(err) };
    return { code: 'http.server-error', reason: reasonOf(err) };
  }

  private changed(): void {
    this.emit('changed');
  }

  private emit(event: 'leaving' | 'changed'): void {
    for (const listener of this.listeners) listener(event);
  }

  /** A context for one request outside runs (sign-in, store list and check, revocation); `adjust` tunes its settings. */
  private async context(
    adjust: (s: SyncSettings) => SyncSettings = (s) => s,
  ): Promise<HttpContext> {
    const { fetch, clock, random } = this.deps;
    return {
      fetch: (url, init) => fetch(url, init),
      clock,
      random,
      settings: adjust(await this.settings()),
      signal: new AbortController().signal,
    };
  }
}
