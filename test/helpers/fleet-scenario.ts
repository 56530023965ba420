/**
 * The fleet console's story, shared by its e2e test and the screenshot script: two terminals
 * (two Chromium profiles) sync the demo store; the second is switched off mid-way (downloads in
 * flight, some photos held) while one photo fails for it; back on, it ends its run with that photo
 * failing and reports; the console (one page, never reloaded) then shows one current and one behind
 * with the reason, and both current once the fault is gone and the second terminal finished.
 */
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { createChromiumProfile } from './chromium';
import type { HoServer } from './ho-server';
import { openApp, openAppInNewContext } from './pwa';
import { HoAdmin, runFromButton, signInAsDemo, waitNotSyncing, waitUpToDate } from './sync-e2e';

/** What the caller checks (or photographs) at each stage; `console` is the same page throughout. */
export interface FleetStages {
  /** Terminal A current; terminal B, switched off mid-way and back, with one photo failed for `reason`. */
  oneBehind(console: Page, reason: string): Promise<void>;
  /** Terminal B back and finished. */
  bothCurrent(console: Page): Promise<void>;
}

/** Signs in to the fleet console at `<ho>/admin/` with the demo admin account. */
export async function openConsole(browser: Browser, hoUrl: string): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await page.goto(`${hoUrl}/admin/`);
  await page.getByLabel('Username').fill('admin');
  await page.getByLabel('Password').fill('admin');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { level: 1, name: 'Fleet overview' }).waitFor();
  return page;
}

/** Waits until the console's count of `state` terminals reads `n`. */
export async function waitCount(console: Page, state: string, n: number): Promise<void> {
  await console.waitForFunction(
    ([s, count]) => document.querySelector(`[data-testid="count-${s}"]`)?.textContent === count,
    [state, String(n)] as const,
    { timeout: 60_000 },
  );
}

/** Waits until the terminal holds some but not all of its `n` photos; returns how many it holds. */
async function waitHeldPart(page: Page, n: number): Promise<number> {
  const handle = await page.waitForFunction(
    (total) => {
      const text = document.querySelector('[role="status"]')?.textContent ?? '';
      const held = Number(new RegExp(`(\\d+) / ${total} photos`).exec(text)?.[1] ?? 0);
      return held >= 1 && held < total ? held : 0;
    },
    n,
    { timeout: 60_000 },
  );
  return (await handle.jsonValue()) as number;
}

/** The name a person gives terminal B in its settings screen; the console shows it (latest reported). */
export const TERMINAL_B_NAME = 'Kasir 2';

/** Names the terminal the way a person does: Settings, the name field, save, back. */
async function nameTerminal(page: Page, name: string): Promise<void> {
  await page.getByRole('button', { name: 'Settings' }).click();
  const form = page.getByRole('form', { name: 'Sync' });
  await form.getByLabel('Terminal name (shown to Head Office, e.g. "Kasir 1")').fill(name);
  await form.getByRole('button', { name: 'Save sync settings' }).click();
  await form.getByText('Sync settings saved.').waitFor();
  await page.getByRole('button', { name: 'Back' }).click();
}

/** Runs the story against a running demo HO; `browser` hosts the console and terminal A. */
export async function runFleetScenario(
  ho: HoServer,
  browser: Browser,
  stages: FleetStages,
): Promise<void> {
  const admin = new HoAdmin(ho.url);
  const photos = await admin.photos();
  const failing = photos[Math.floor(photos.length / 2)]!;
  const consolePage = await openConsole(browser, ho.url);
  const a = await openAppInNewContext(browser, ho.url);
  await signInAsDemo(a);
  await waitUpToDate(a, photos.length);

  // Terminal B: downloads slowed down and every download of one photo breaks off half way (truncated,
  // not corrupted: Chromium's HTTP cache would keep a corrupted body and serve it again on a 304). Slow
  // enough that B is closed long before its run could end and report: at 400 ms a loaded machine let B
  // finish (photos land in groups) between seeing part held and closing it.
  await admin.setFaults({
    latency_ms: 2000,
    truncate_rate: 1,
    routes: ['download'],
    photo_ids: [failing.id],
  });
  const profile = await createChromiumProfile();
  try {
    let context = await profile.open();
    let b = context.pages()[0] ?? (await context.newPage());
    await openApp(b, `${ho.url}/`);
    await signInAsDemo(b);
    // Switched off mid-way: some photos held, others still downloading, nothing reported yet
    // (a terminal reports when a run ends).
    const held = await waitHeldPart(b, photos.length);
    assert.ok(held >= 1 && held < photos.length);
    await profile.close();
    const terminals = new Set((await admin.statuses()).map((r) => r.terminal_id));
    assert.equal(terminals.size, 1, 'only terminal A has reported');
    await waitCount(consolePage, 'current', 1);
    await waitCount(consolePage, 'behind', 0);

    // Back on, at full speed: the run resumes and ends with the one photo failing, and B reports.
    await admin.setFaults({ latency_ms: 0 });
    context = await profile.open();
    b = context.pages()[0] ?? (await context.newPage());
    await openApp(b, `${ho.url}/`);
    await waitNotSyncing(b);
    await nameTerminal(b, TERMINAL_B_NAME);
    // Whether or not the page resumed the run by itself, a run ending now reports the failure.
    await runFromButton(b, 'Sync now');
    await waitCount(consolePage, 'behind', 1);
    // Terminal A reported it synced; B's report on it is the failure.
    const reported = (await admin.statuses()).find(
      (r) => r.photo_id === failing.id && r.status === 'failed',
    );
    assert.ok(reported, 'terminal B reported the photo failed');
    await stages.oneBehind(consolePage, reported.error ?? '');

    await admin.resetFaults();
    // The failed photo waits for its backoff; a person at the till presses "Sync now".
    await runFromButton(b, 'Sync now');
    await waitUpToDate(b, photos.length);
    await stages.bothCurrent(consolePage);
  } finally {
    await profile.dispose();
  }
}
