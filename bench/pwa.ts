/** Drives the built PWA in Chromium by its final control names: sign in, wait for "N / N photos", Sync now. */
import { BROADCAST_CHANNEL, PHOTO_PATH } from '../src/shared/messages';
import type { SyncProgress } from '../src/shared/types';
import { type BenchBrowser, openProfile } from './browser';
import {
  countPattern,
  installProbes,
  type PageProbe,
  runFinished,
  statusMatch,
} from './page-probes';
import type { ChromiumProfile } from '../test/helpers/chromium';

/** The catalog store's only user. */
const ADMIN = { username: 'admin', password: 'admin' } as const;

/** Opens the app (fresh profile unless one is given) with the probes installed and waits for its service worker. */
export async function openApp(
  url: string,
  profile?: ChromiumProfile,
  beforeOpen?: (b: BenchBrowser) => Promise<void>,
): Promise<BenchBrowser> {
  const b = await openProfile(profile);
  await b.context.addInitScript(installProbes, {
    channel: BROADCAST_CHANNEL,
    photoPath: `/${PHOTO_PATH}`,
  });
  await beforeOpen?.(b);
  await b.page.goto(`${url}/`);
  await b.page.evaluate(() => navigator.serviceWorker.ready.then(() => undefined));
  return b;
}

/** A timed sign-in: page clock (performance.now()) of the click and of the status showing every photo held. */
export interface TimedSync {
  seconds: number;
  clickAt: number;
  doneAt: number;
  /** When the service worker first reported the run going (sign-in done), null if no broadcast said so. */
  syncingAt: number | null;
}

/** Fills the sign-in form for `storeId` and clicks "Sign in". */
export async function signIn(b: BenchBrowser, storeId: string): Promise<void> {
  const { page } = b;
  await page.getByLabel('Store ID').fill(storeId);
  await page.getByLabel('Username').fill(ADMIN.username);
  await page.getByLabel('Password').fill(ADMIN.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

/** Signs in to `storeId` and times the click on "Sign in" to "<total> / <total> photos". */
export async function signInAndSync(
  b: BenchBrowser,
  storeId: string,
  total: number,
  timeoutMs: number,
): Promise<TimedSync> {
  // Watching starts before the click so no change of the status text can be missed.
  const done = b.page.evaluate(statusMatch, { pattern: countPattern(total), timeoutMs });
  await signIn(b, storeId);
  const doneAt = await done;
  const clickAt = await clickTime(b, 'Sign in');
  const { syncingAt } = await probe(b);
  return { seconds: (doneAt - clickAt) / 1000, clickAt, doneAt, syncingAt };
}

/** Clicks "Sync now" and resolves with the seconds until the service worker reports the run finished, and its result. */
export async function syncNow(
  b: BenchBrowser,
  timeoutMs: number,
): Promise<{ seconds: number; progress: SyncProgress }> {
  const { page } = b;
  const previous = (await probe(b)).progress?.lastSuccessAt ?? null;
  const done = page.evaluate(runFinished, { channel: BROADCAST_CHANNEL, previous, timeoutMs });
  await page.getByRole('button', { name: 'Sync now' }).click();
  const { at, progress } = await done;
  return { seconds: (at - (await clickTime(b, 'Sync now'))) / 1000, progress };
}

/** Waits until the app shows the terminal idle with every photo held ("Up to date"). */
export async function waitIdle(b: BenchBrowser, timeoutMs: number): Promise<void> {
  await b.page.waitForFunction(
    () => {
      const p = window.__bench?.progress;
      return p !== null && p !== undefined && p.status.kind === 'idle' && p.held === p.expected;
    },
    undefined,
    { timeout: timeoutMs },
  );
}

/** The page's probe record. */
export async function probe(b: BenchBrowser): Promise<PageProbe> {
  return b.page.evaluate(() => {
    if (!window.__bench) throw new Error('bench probes not installed');
    return window.__bench;
  });
}

async function clickTime(b: BenchBrowser, button: string): Promise<number> {
  const at = (await probe(b)).clicks[button];
  if (at === undefined) throw new Error(`no click on "${button}" was recorded`);
  return at;
}
