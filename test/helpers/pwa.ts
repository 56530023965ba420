/** Browser-side checks shared by the PWA end-to-end tests. */
import type { Browser, Page } from 'playwright-core';

/** The registration that controls a page. */
export interface ControllingWorker {
  readonly scope: string;
  readonly scriptURL: string;
  readonly state: ServiceWorkerState;
}

/** Waits until a service worker controls `page` (condition, not a sleep) and describes it. */
export async function waitForServiceWorkerControl(page: Page): Promise<ControllingWorker> {
  // clients.claim() runs while the worker is still 'activating': wait until activation has finished.
  await page.waitForFunction(() => navigator.serviceWorker.controller?.state === 'activated');
  return page.evaluate(async () => {
    const registration = await navigator.serviceWorker.ready;
    const controller = navigator.serviceWorker.controller;
    if (!controller) throw new Error('service worker controller vanished');
    return { scope: registration.scope, scriptURL: controller.scriptURL, state: controller.state };
  });
}

/** True when `url` cannot be fetched from the page, i.e. the network path to it is really down. */
export function fetchFailsFromPage(page: Page, url: string): Promise<boolean> {
  return page.evaluate(
    (target) =>
      fetch(target, { cache: 'no-store' }).then(
        () => false,
        () => true,
      ),
    url,
  );
}

/** Waits for the app shell to render: the app title heading and the main landmark. */
export async function waitForAppShell(page: Page): Promise<void> {
  await page.getByRole('heading', { level: 1, name: 'Product Photo Sync' }).waitFor();
  await page.getByRole('main').waitFor();
}

/** Opens the app at `url` and waits until its service worker controls the page and the shell has rendered. */
export async function openApp(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await waitForServiceWorkerControl(page);
  await waitForAppShell(page);
}

/** Opens the app at `origin` in a fresh profile of `browser` (optionally in a UI language) once it is ready. */
export async function openAppInNewContext(
  browser: Browser,
  origin: string,
  language?: 'id',
): Promise<Page> {
  const context = await browser.newContext();
  if (language)
    await context.addInitScript((l) => localStorage.setItem('ui-language', l), language);
  const page = await context.newPage();
  await openApp(page, `${origin}/`);
  return page;
}

/**
 * Waits for an alert containing `expected`; when it does not come, fails with what the screen showed
 * instead (the main screen, another error), which a bare timeout would not tell.
 */
export async function waitForAlert(page: Page, expected: string | RegExp): Promise<void> {
  try {
    await page.getByRole('alert').filter({ hasText: expected }).waitFor();
  } catch (err) {
    const screen = await page
      .locator('main')
      .innerText()
      .catch((e: unknown) => `(unreadable: ${String(e)})`);
    throw new Error(`no alert matching ${String(expected)}; the screen shows:\n${screen}`, {
      cause: err,
    });
  }
}
