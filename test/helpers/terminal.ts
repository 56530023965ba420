/** One POS terminal against one reference HO: the most common fixture of the browser tests. */
import type { BrowserContext, Page } from 'playwright-core';
import { type ChromiumProfile, createChromiumProfile } from './chromium';
import { type HoServer, type HoServerOptions, startHoServer } from './ho-server';

/** A running reference HO and a persistent Chromium profile (closable and reopenable) with its first page. */
export interface Terminal {
  ho: HoServer;
  profile: ChromiumProfile;
  context: BrowserContext;
  page: Page;
  /** Closes the browser, deletes the profile and stops the HO. */
  dispose(): Promise<void>;
}

/** Starts an HO with `options` and opens a fresh persistent profile (installability checks need one). */
export async function openTerminal(options: HoServerOptions = {}): Promise<Terminal> {
  const ho = await startHoServer(options);
  const profile = await createChromiumProfile();
  const context = await profile.open();
  const page = context.pages()[0] ?? (await context.newPage());
  return {
    ho,
    profile,
    context,
    page,
    dispose: async () => {
      await profile.dispose();
      await ho.dispose();
    },
  };
}
