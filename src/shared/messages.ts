/**
 * The page <-> service worker protocol: one discriminated union of commands (page -> SW, answered
 * through a MessageChannel), the reply type of each command, and one union of broadcasts (SW -> every
 * open page, over a BroadcastChannel). Runtime-neutral: no DOM, no `self`.
 */
import type { Problem } from './problems';
import type { IsoTime, SyncProgress, SyncSettings } from './types';

/** BroadcastChannel name the SW announces progress, session and product changes on. */
export const BROADCAST_CHANNEL = 'product-photo-sync';

/** Path segment (below the app base) under which the SW serves each photo: `${base}photos/<photo_id>`. */
export const PHOTO_PATH = 'photos/';

/**
 * The photo URL the gallery shows `photo` at, below the app base: the version tag changes with the bytes (and
 * once it is held) so images refresh. The worker preloads the same URLs (a preload is used only by an equal URL).
 */
export function photoPathOf(photo: Pick<ProductPhoto, 'id' | 'version' | 'held'>): string {
  return `${PHOTO_PATH}${encodeURIComponent(photo.id)}?v=${encodeURIComponent(photo.version)}${photo.held ? '' : '-pending'}`;
}

/**
 * Id of the data block (`<script type="application/json">`, never run) in which the worker's navigation answer
 * hands the page the first screen's products it kept (src/sw/shell-preload.ts), so the gallery's first render
 * does not wait for a product page's round trip. The page still asks for that page; its answer replaces these.
 */
export const FIRST_SCREEN_DATA_ID = 'pps-first-screen';

/** What that data block holds: the first products in gallery order, and whether they are all there are. */
export interface FirstScreenData {
  products: Product[];
  complete: boolean;
}

/** Response header the SW sets on the placeholder served for a photo it does not hold (yet). */
export const PLACEHOLDER_HEADER = 'X-Photo-Placeholder';

/** Settings a person or config.json may set at sign-in; the rest keep their defaults. */
export type SignInSettings = Pick<SyncSettings, 'serverUrl' | 'storeId'> &
  Partial<
    Pick<
      SyncSettings,
      | 'tokenPath'
      | 'syncIntervalMs'
      | 'concurrency'
      | 'delayMs'
      | 'terminalName'
      | 'listMethod'
      | 'companyId'
    >
  >;

/** How the user proves who they are. */
export type Credentials =
  | { kind: 'password'; username: string; password: string }
  | { kind: 'token'; token: string };

/** A store offered after sign-in (server extension `GET /api/v1/stores/`). */
export interface StoreChoice {
  id: string;
  code: string;
  name: string;
}

/** Who is signed in where; `storeId` is empty while a store still has to be chosen. */
export interface Session {
  signedIn: boolean;
  serverUrl: string;
  storeId: string;
  /** Store display name when the server listed it; null on reference-only servers. */
  storeName: string | null;
  syncIntervalMs: number;
  syncJitterMs: number;
}

/** Local storage use as the browser reports it (`navigator.storage.estimate()`); null when unavailable. */
export interface StorageUse {
  usage: number;
  quota: number;
  persisted: boolean;
}

/** Everything the main screen shows. */
export interface AppState {
  session: Session;
  /** A run is active or queued in the SW (also before the engine reports its first step). */
  running: boolean;
  progress: SyncProgress;
  storage: StorageUse | null;
  /** This service worker instance: `runsFinished` counts from 0 again after the SW restarts. */
  hostId: string;
  /** Runs finished since this SW started; a page never replaces what it shows with an older state. */
  runsFinished: number;
}

/** One photo of a product as the UI lists it. */
export interface ProductPhoto {
  id: string;
  /** First 8 hex digits of the checksum: a version tag for the photo URL so images refresh after a change. */
  version: string;
  /** False while the photo is listed but not (yet) verified locally: the SW serves a placeholder. */
  held: boolean;
  is_primary: boolean;
  sort_order: number;
}

/** A product with its photos, primary first then by `sort_order`. */
export interface Product {
  id: string;
  sku: string;
  name: string;
  photos: ProductPhoto[];
}

/** Most products one `get-products` answer carries: pages never carry the whole catalog. */
export const MAX_PRODUCT_PAGE = 200;

/** Which products a page asks for: `limit` from `offset` of those matching `query` (blank: all). */
export interface ProductPageRequest {
  offset: number;
  limit: number;
  query: string;
}

/** One page of the product list, in display order. */
export interface ProductPage {
  /** Products matching the query (the grid's size). */
  matches: number;
  /** Products in the whole catalog. */
  total: number;
  offset: number;
  products: Product[];
  /**
   * False for the first page of a worker that has not read the whole catalog yet (it came from the storage's
   * gallery index): `matches` and `total` then count only the products read so far, and a "products changed"
   * notice follows once the whole catalog is read.
   */
  complete: boolean;
}

/** Sync settings a person may change in the settings screen. */
export type TunableSettings = Pick<
  SyncSettings,
  'syncIntervalMs' | 'concurrency' | 'delayMs' | 'listMethod' | 'companyId' | 'terminalName'
>;

/** Outcome of saving settings: the effective values, or why the engine refused them (nothing saved). */
export type SaveSettingsResult =
  | { ok: true; settings: TunableSettings; state: AppState }
  | { ok: false; problem: Problem };

/** Outcome of a sign-in or store choice. */
export type SignInResult =
  | {
      ok: true;
      state: AppState /** Stores to pick from when the server lists them and none was chosen yet. */;
      stores: StoreChoice[] | null;
    }
  | {
      ok: false;
      /** Why it did not work; the UI's message tables say it (with the fix, for CORS and the policy). */
      problem: Problem;
      stores: StoreChoice[] | null;
    };

/** Commands a page sends to the SW. */
export type Command =
  | { type: 'get-state' }
  | { type: 'get-products'; page: ProductPageRequest }
  | { type: 'get-photo-products'; photoIds: string[] }
  | { type: 'sign-in'; settings: SignInSettings; credentials: Credentials }
  | { type: 'choose-store'; store: StoreChoice }
  | { type: 'sync-now'; trigger: SyncTrigger }
  | { type: 'check-connection' }
  | { type: 'full-resync' }
  | { type: 'confirm-deletions' }
  | { type: 'retry-failed' }
  | { type: 'sign-out' }
  | { type: 'get-settings' }
  | { type: 'save-settings'; settings: TunableSettings }
  | { type: 'skip-waiting' };

/** Why a page asks for a run (logged, and decides whether failed photos are retried before their backoff). */
export type SyncTrigger = 'user' | 'timer' | 'online';

/** Reply payload of each command. */
export interface CommandReplies {
  'get-state': AppState;
  'get-products': ProductPage;
  /** Product name by photo id, for the ids the catalog knows (the failure list names its photos). */
  'get-photo-products': Record<string, string>;
  'sign-in': SignInResult;
  'choose-store': SignInResult;
  'sync-now': AppState;
  /** State after one small request told whether the HO answers (skipped while a run is active). */
  'check-connection': AppState;
  'full-resync': AppState;
  'confirm-deletions': AppState;
  'retry-failed': AppState;
  'sign-out': AppState;
  'get-settings': TunableSettings;
  'save-settings': SaveSettingsResult;
  /** Answered by the waiting worker before it activates; the page reloads on `controllerchange`. */
  'skip-waiting': null;
}

/** Command type names. */
export type CommandType = Command['type'];

/** The command of type `T`. */
export type CommandOf<T extends CommandType> = Extract<Command, { type: T }>;

/**
 * One handler per command, each typed with its own command and reply: a missing command or a wrong
 * reply type does not compile (test/unit/messages-types.test.ts shows both).
 */
export type CommandHandlers = {
  [T in CommandType]: (command: CommandOf<T>) => Promise<CommandReplies[T]>;
};

/** Runs the handler of `command` and resolves with its reply. */
export function dispatch<T extends CommandType>(
  handlers: CommandHandlers,
  command: CommandOf<T>,
): Promise<CommandReplies[T]> {
  // TypeScript cannot relate `handlers[command.type]` to `T`; the mapped type above checked each entry.
  const handler = handlers[command.type] as unknown as (
    c: CommandOf<T>,
  ) => Promise<CommandReplies[T]>;
  return handler(command);
}

/** A command as sent: `id` pairs it with its reply. */
export interface RequestEnvelope {
  id: string;
  command: Command;
}

/** The SW's answer to one request; `error` when handling threw (a bug or storage failure, not a sync failure). */
export type ReplyEnvelope<T extends CommandType = CommandType> =
  | { id: string; ok: true; result: CommandReplies[T] }
  | { id: string; ok: false; problem: Problem };

/** What the SW announces to every open page. */
export type Broadcast =
  | { type: 'progress'; progress: SyncProgress }
  | { type: 'state'; state: AppState }
  | { type: 'products-changed'; at: IsoTime };

/** True when `value` looks like a RequestEnvelope (messages from other code are ignored). */
export function isRequestEnvelope(value: unknown): value is RequestEnvelope {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Partial<RequestEnvelope>;
  return (
    typeof v.id === 'string' &&
    typeof v.command === 'object' &&
    v.command !== null &&
    typeof v.command.type === 'string'
  );
}

/** True when `value` looks like a Broadcast of this protocol. */
export function isBroadcast(value: unknown): value is Broadcast {
  if (typeof value !== 'object' || value === null) return false;
  const type = (value as { type?: unknown }).type;
  return type === 'progress' || type === 'state' || type === 'products-changed';
}

/** Compile-time exhaustiveness guard for `switch` statements over the unions above. */
export function assertNever(value: never): never {
  throw new Error(`unhandled message ${JSON.stringify(value)}`);
}

/** Tag of the one-off Background Sync registration (fires when connectivity returns). */
export const SYNC_TAG = 'photo-sync';

/** Tag of the Periodic Background Sync registration (installed PWAs where the browser grants it). */
export const PERIODIC_SYNC_TAG = 'photo-sync-periodic';
