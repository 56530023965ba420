/** Chromium for the bench: every run gets its own fresh on-disk profile (as a terminal has), same binary and flags. */
import type { BrowserContext, Page } from 'playwright-core';
import { type ChromiumProfile, createChromiumProfile } from '../test/helpers/chromium';

/** tsx (esbuild keepNames) wraps named inner functions in `__name(...)`; functions sent to the page need it defined. */
const NAME_SHIM = 'globalThis.__name = globalThis.__name || ((fn) => fn);';

/** An open fresh profile with its first page. */
export interface BenchBrowser {
  readonly profile: ChromiumProfile;
  readonly context: BrowserContext;
  readonly page: Page;
}

/** Opens `profile` (new unless given) and prepares its context for bench page functions. */
export async function openProfile(profile?: ChromiumProfile): Promise<BenchBrowser> {
  const p = profile ?? (await createChromiumProfile());
  const context = await p.open();
  await context.addInitScript(NAME_SHIM);
  const page = context.pages()[0] ?? (await context.newPage());
  await page.evaluate(NAME_SHIM);
  return { profile: p, context, page };
}

/** Runs `fn` in a fresh profile and deletes the profile afterwards. */
export async function withFreshProfile<T>(fn: (b: BenchBrowser) => Promise<T>): Promise<T> {
  const b = await openProfile();
  try {
    return await fn(b);
  } finally {
    await b.profile.dispose();
  }
}
