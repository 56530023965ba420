/**
 * UI state (@preact/signals) and the actions that change it, all through the bridge: the SW's state
 * and product list, the deployer config, and the outcome of the last sign-in attempt.
 */
import { signal } from '@preact/signals';
import {
  assertNever,
  type AppState,
  type Credentials,
  type SignInResult,
  type SignInSettings,
  type StoreChoice,
  type SyncTrigger,
} from '../shared/messages';
import type { Problem } from '../shared/problems';
import { bridgeProblemOf, onBroadcast, send } from './bridge';
import type { DeployConfigResult } from './deploy-config-schema';
import { loadDeployConfig } from './deploy-config';
import { refreshProducts } from './product-pages';

/** Latest state from the SW; null until it first answered. */
export const appState = signal<AppState | null>(null);
/** config.json outcome; null while loading. */
export const deployConfig = signal<DeployConfigResult | null>(null);
/** Stores to pick from after signing in to a server that lists them. */
export const storeChoices = signal<StoreChoice[] | null>(null);
/** Why the last sign-in or store choice failed. */
export const signInError = signal<Extract<SignInResult, { ok: false }> | null>(null);
/** A bridge problem (SW missing or not answering). */
export const bridgeProblem = signal<Problem | null>(null);
/** True while a command the user started waits for its answer. */
export const busy = signal(false);

/** Runs a bridge call; a failure becomes `bridgeProblem` (and undefined), success clears it. */
export async function guarded<T>(work: () => Promise<T>): Promise<T | undefined> {
  try {
    const result = await work();
    bridgeProblem.value = null;
    return result;
  } catch (err) {
    bridgeProblem.value = bridgeProblemOf(err);
    return undefined;
  }
}

/** Product name by photo id for the given photos (the failure list); empty when the SW does not answer. */
export async function productNamesOf(photoIds: string[]): Promise<Record<string, string>> {
  return (await guarded(() => send({ type: 'get-photo-products', photoIds }))) ?? {};
}

/**
 * The one writer of `appState` for whole states (command replies, broadcasts): drops a state older than
 * the one shown.
 */
export function applyState(state: AppState): void {
  const shown = appState.value;
  // Command replies (MessageChannel) and broadcasts (BroadcastChannel) are not ordered with each other:
  // a reply computed while a run was starting can arrive after the broadcast saying that run finished.
  if (shown !== null && shown.hostId === state.hostId && state.runsFinished < shown.runsFinished)
    return;
  appState.value = state;
}

/** Starts listening to the SW and loads state, products and config.json. */
export async function connect(): Promise<void> {
  onBroadcast((message) => {
    switch (message.type) {
      case 'progress':
        if (appState.value !== null)
          appState.value = { ...appState.value, progress: message.progress };
        break;
      case 'state':
        applyState(message.state);
        break;
      case 'products-changed':
        refreshProducts();
        break;
      default:
        assertNever(message);
    }
  });
  void loadDeployConfig().then((result) => (deployConfig.value = result));
  // The first page is asked for at once, not after the state: both answers make the first screen.
  refreshProducts();
  const state = await guarded(() => send({ type: 'get-state' }));
  if (state !== undefined) applyState(state);
}

async function userCommand<T>(work: () => Promise<T>): Promise<T | undefined> {
  busy.value = true;
  try {
    return await guarded(work);
  } finally {
    busy.value = false;
  }
}

function afterSignIn(result: SignInResult | undefined): void {
  if (result === undefined) return;
  signInError.value = result.ok ? null : result;
  storeChoices.value = result.ok && !result.state.session.signedIn ? result.stores : null;
  if (result.ok) {
    applyState(result.state);
    // Only a window may ask; the browser decides (installed or engaged sites get it).
    void navigator.storage?.persist?.().catch(() => false);
  }
}

/** Signs in with the form's settings and credentials. */
export async function signIn(settings: SignInSettings, credentials: Credentials): Promise<void> {
  afterSignIn(await userCommand(() => send({ type: 'sign-in', settings, credentials })));
}

/** Picks one of the listed stores. */
export async function chooseStore(store: StoreChoice): Promise<void> {
  afterSignIn(await userCommand(() => send({ type: 'choose-store', store })));
}

/** Asks the SW for a run: a person ("Sync now", shows busy), the page timer or coming back online. */
export async function syncNow(trigger: SyncTrigger): Promise<void> {
  const run = (): Promise<AppState> => send({ type: 'sync-now', trigger });
  const state = await (trigger === 'user' ? userCommand(run) : guarded(run));
  if (state !== undefined) applyState(state);
}

/** Asks the SW for its state (the heartbeat during runs: each ask keeps the worker alive a while longer). */
export async function refreshState(): Promise<void> {
  const state = await guarded(() => send({ type: 'get-state' }));
  if (state !== undefined) applyState(state);
}

/** Asks the SW whether the HO answers (a page opening or shown again between runs), for the offline badge. */
export async function checkConnection(): Promise<void> {
  const state = await guarded(() => send({ type: 'check-connection' }));
  if (state !== undefined) applyState(state);
}

/** Runs one of the state-changing commands a person starts with a button. */
export async function command(
  type: 'full-resync' | 'retry-failed' | 'confirm-deletions' | 'sign-out',
): Promise<void> {
  const state = await userCommand(() => send({ type }));
  if (state !== undefined) applyState(state);
  if (type === 'sign-out') storeChoices.value = null;
}
