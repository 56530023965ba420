/** Launching Debian's headless Chromium for browser tests: throwaway browsers and reopenable profiles. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, type BrowserContext, type LaunchOptions, chromium } from 'playwright-core';

/** Where the tests expect Chromium (scripts/ensure-chromium.sh installs it there). */
export const CHROMIUM_PATH = '/usr/bin/chromium';

/** Flags for a quiet, deterministic headless Chromium on a CI box. */
export const CHROMIUM_ARGS: readonly string[] = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

const launchOptions: LaunchOptions = {
  executablePath: CHROMIUM_PATH,
  headless: true,
  args: [...CHROMIUM_ARGS],
};

/**
 * Launches a headless Chromium. Each `browser.newContext()` is a fresh, empty profile (own storage, caches and
 * service workers) that disappears on close; call `browser.close()` when done.
 */
export function launchChromium(): Promise<Browser> {
  return chromium.launch(launchOptions);
}

/** A Chromium profile on disk that survives closing the browser, e.g. to test storage after a restart. */
export interface ChromiumProfile {
  /** The profile's user-data directory (a temp dir owned by this profile). */
  readonly userDataDir: string;
  /** Launches Chromium on the profile; at most one open context at a time. */
  open(): Promise<BrowserContext>;
  /** Closes the browser but keeps the profile for the next `open()`. No-op when not open. */
  close(): Promise<void>;
  /** Closes the browser and deletes the profile directory. */
  dispose(): Promise<void>;
}

/** Creates a reopenable Chromium profile in a fresh temp directory. */
export async function createChromiumProfile(): Promise<ChromiumProfile> {
  const userDataDir = await mkdtemp(join(tmpdir(), 'pps-chromium-'));
  let context: BrowserContext | undefined;
  const close = async (): Promise<void> => {
    const open = context;
    context = undefined;
    await open?.close();
  };
  return {
    userDataDir,
    async open() {
      if (context) throw new Error(`Chromium profile ${userDataDir} is already open`);
      context = await chromium.launchPersistentContext(userDataDir, launchOptions);
      return context;
    },
    close,
    async dispose() {
      await close();
      await rm(userDataDir, { recursive: true, force: true });
    },
  };
}
