/**
 * Sign-in and store choice: saves the settings, obtains tokens, offers the server's stores or checks a
 * typed store ID, and turns every failure into a specific error kind the UI can explain.
 */
import type {
  Credentials,
  SignInErrorKind,
  SignInResult,
  SignInSettings,
  StoreChoice,
} from '../shared/messages';
import {
  AuthError,
  HttpError,
  InvalidResponseError,
  OfflineError,
  TimeoutError,
} from '../shared/errors';
import { probeConnection } from './policy-block';
import type { SyncHost } from './sync-host';

/** A failure the UI explains by kind. */
class SignInFailure extends Error {
  constructor(
    readonly kind: SignInErrorKind,
    message: string,
    readonly allowedOrigins?: string[],
  ) {
    super(message);
  }
}

/** The result of a failed sign-in or store choice. */
function failed(failure: SignInFailure, stores: StoreChoice[] | null): SignInResult {
  const { kind, message, allowedOrigins } = failure;
  return { ok: false, error: kind, message, stores, ...(allowedOrigins ? { allowedOrigins } : {}) };
}

/** The service worker's own CSP refused the connection: says what it allows and how a deployer changes that. */
function blockedByPolicy(serverUrl: string, allowed: string[]): SignInFailure {
  const origin = new URL(serverUrl).origin;
  const may =
    allowed.length > 0
      ? `may only connect to ${allowed.join(', ')}`
      : `may not connect to ${origin}`;
  return new SignInFailure(
    'blocked-by-policy',
    `This app's security policy ${may}. Set "serverUrl" in config.json next to index.html to ${origin}, or run the reference server in proxy mode (--proxy) so the HO is the app's own origin.`,
    allowed,
  );
}

/** Maps an engine error during sign-in to what the UI says. */
async function classify(
  err: unknown,
  settings: SignInSettings,
  credentials: Credentials['kind'] | null,
): Promise<SignInFailure> {
  if (err instanceof SignInFailure) return err;
  if (err instanceof RangeError) return new SignInFailure('invalid-settings', err.message);
  if (err instanceof AuthError) {
    const what =
      credentials === 'token'
        ? 'The server refused this access token.'
        : credentials === 'password'
          ? 'Wrong username or password.'
          : 'The server refused the sign-in; sign in again.';
    return new SignInFailure('wrong-credentials', what);
  }
  if (err instanceof OfflineError || err instanceof TimeoutError) {
    // One probe tells the cases apart: refused by our own policy, answering but not to us (CORS), or down.
    const probe = await probeConnection(settings.serverUrl);
    if (probe.kind === 'blocked') return blockedByPolicy(settings.serverUrl, probe.allowed);
    if (probe.kind === 'answers' && new URL(settings.serverUrl).origin !== self.location.origin) {
      return new SignInFailure(
        'cors',
        `The server at ${settings.serverUrl} refused requests from ${self.location.origin} (CORS). Add this origin to the HO's allowed origins (CORS_ORIGINS).`,
      );
    }
    return new SignInFailure(
      'unreachable',
      `Cannot reach ${settings.serverUrl}. Check the address and the network.`,
    );
  }
  if (err instanceof InvalidResponseError || (err instanceof HttpError && err.status < 500)) {
    return new SignInFailure(
      'not-pps-server',
      `${settings.serverUrl} does not answer like a Product Photo Sync server (${err.message}).`,
    );
  }
  const detail = err instanceof Error ? err.message : String(err);
  return new SignInFailure('server-error', `The server had a problem: ${detail}`);
}

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

/** Wipes the previous store's photos and state when the server or store changes (the UI confirmed it). */
async function leavePreviousStore(host: SyncHost, next: SignInSettings): Promise<void> {
  const { engine, storage } = host.deps;
  const prev = await engine.settings();
  if (prev.serverUrl === next.serverUrl && prev.storeId === next.storeId) return;
  const holdsData =
    (await storage.listRecords()).length > 0 ||
    (await storage.getState('checkpoint')) !== undefined;
  if (holdsData) await engine.signOut(true);
}

/** Checks the store the user typed or picked, then starts the first run. */
async function useStore(
  host: SyncHost,
  store: StoreChoice | null,
  listed: StoreChoice[] | null,
): Promise<SignInResult> {
  const { engine } = host.deps;
  if (listed === null) {
    const check = await engine.checkStore();
    const { storeId } = await engine.settings();
    if (check === 'not-found')
      throw new SignInFailure('store-not-found', `Store ${storeId} was not found on this server.`);
    if (check === 'forbidden')
      throw new SignInFailure('store-forbidden', `This account may not sync store ${storeId}.`);
  }
  await engine.setStoreName(store?.name ?? null);
  const state = await host.runIfSignedIn();
  await host.announce();
  return { ok: true, state, stores: listed };
}

/** Signs in; returns the stores to pick from when the server lists them and none was typed. */
export async function signIn(
  host: SyncHost,
  input: SignInSettings,
  credentials: Credentials,
): Promise<SignInResult> {
  const settings = cleaned(input);
  let stores: StoreChoice[] | null = null;
  try {
    if (settings.serverUrl === '')
      throw new SignInFailure('invalid-settings', 'Enter the Server URL.');
    const { engine } = host.deps;
    await leavePreviousStore(host, settings);
    await engine.saveSettings(settings);
    if (credentials.kind === 'password')
      await engine.signIn(credentials.username, credentials.password);
    else await engine.useAccessToken(credentials.token);
    stores = await engine.listStores();
    if (stores === null && settings.storeId === '')
      throw new SignInFailure('invalid-settings', 'Enter the Store ID.');
    if (stores !== null && settings.storeId === '')
      return { ok: true, state: await host.announce(), stores };
    const store =
      stores?.find((s) => s.id.toLowerCase() === settings.storeId.toLowerCase()) ?? null;
    if (stores !== null && store === null) {
      throw new SignInFailure(
        'store-not-found',
        `Store ${settings.storeId} is not one of the stores this account may sync.`,
      );
    }
    return await useStore(host, store, stores);
  } catch (err) {
    return failed(await classify(err, settings, credentials.kind), stores);
  }
}

/** Chooses one of the stores the server listed after sign-in. */
export async function chooseStore(host: SyncHost, store: StoreChoice): Promise<SignInResult> {
  const { engine } = host.deps;
  const settings = await engine.settings();
  const next = { serverUrl: settings.serverUrl, storeId: store.id };
  try {
    await leavePreviousStore(host, next);
    await engine.saveSettings({ storeId: store.id });
    return await useStore(host, store, [store]);
  } catch (err) {
    return failed(await classify(err, next, null), null);
  }
}
