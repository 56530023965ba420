/**
 * The floor of scenario 1: what a service worker needs just to download the photos (read only, + MD5,
 * + Blob assembly; bench/floor-sw.ts), without sign-in, listing, storage or progress. The worker is
 * bundled with esbuild into the static site at a scope of its own and registered from an image document
 * of the HO's origin in a fresh profile, so the app's worker never loads.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { build } from 'esbuild';
import { REPO_ROOT } from '../test/helpers/ho-server';
import { withFreshProfile } from './browser';
import { imageBytes } from './context';
import type { FloorReply, FloorRequest, FloorVariant } from './floor-protocol';
import type { ListedPhoto } from './ho';
import { downloadUrl, openBlankOfOrigin } from './raw-fetch';
import type { StaticSite } from './static-site';

/** Where the floor worker lives in the static site; its scope is that folder, away from the app's. */
const FLOOR_DIR = 'bench-floor';
const FLOOR_SCRIPT = `/${FLOOR_DIR}/sw.js`;
const FLOOR_SCOPE = `/${FLOOR_DIR}/`;

/** Bundles bench/floor-sw.ts (with the engine's hash-wasm) into the static site. */
export async function installFloorWorker(site: StaticSite): Promise<void> {
  const out = await build({
    entryPoints: [join(REPO_ROOT, 'bench', 'floor-sw.ts')],
    bundle: true,
    format: 'iife',
    target: 'es2022',
    minify: true,
    write: false,
    logLevel: 'silent',
  });
  await mkdir(join(site.dir, FLOOR_DIR), { recursive: true });
  await writeFile(join(site.dir, FLOOR_DIR, 'sw.js'), out.outputFiles[0]!.contents);
}

/** In the page: registers the floor worker and resolves once it is activated. */
async function registerFloor({ script, scope }: { script: string; scope: string }): Promise<void> {
  const reg = await navigator.serviceWorker.register(script, { scope });
  const sw = reg.installing ?? reg.waiting ?? reg.active;
  if (sw === null) throw new Error('the floor worker did not install');
  if (sw.state === 'activated') return;
  await new Promise<void>((resolve, reject) => {
    sw.addEventListener('statechange', () => {
      if (sw.state === 'activated') resolve();
      else if (sw.state === 'redundant') reject(new Error('the floor worker became redundant'));
    });
  });
}

/** In the page: posts one run to the floor worker and waits for its answer. */
async function postRun({ scope, request }: { scope: string; request: FloorRequest }) {
  const reg = await navigator.serviceWorker.getRegistration(scope);
  if (!reg?.active) throw new Error('no active floor worker');
  const channel = new MessageChannel();
  const reply = new Promise<FloorReply>((resolve) => {
    channel.port1.onmessage = (e) => resolve(e.data as FloorReply);
  });
  reg.active.postMessage(request, [channel.port2]);
  return reply;
}

/**
 * One floor contender run: a fresh profile, the floor worker, then each of `variants` downloads every
 * photo once with `concurrency` in flight; returns the worker-timed seconds per variant.
 */
export async function floorRun(
  url: string,
  storeId: string,
  token: string,
  photos: readonly ListedPhoto[],
  concurrency: number,
  variants: readonly FloorVariant[],
  /** Told the profile directory once the browser is open (bench/profile-sync.ts reads its processes' CPU). */
  onOpen?: (userDataDir: string) => void,
): Promise<Map<FloorVariant, number>> {
  const list = photos.map((p) => ({
    url: downloadUrl(url, storeId, p.id),
    size: p.size,
    checksum: p.checksum,
    contentType: p.content_type,
  }));
  const expected = imageBytes(photos);
  return withFreshProfile(async ({ page, profile }) => {
    onOpen?.(profile.userDataDir);
    await openBlankOfOrigin(page, url);
    await page.evaluate(registerFloor, { script: FLOOR_SCRIPT, scope: FLOOR_SCOPE });
    const seconds = new Map<FloorVariant, number>();
    for (const variant of variants) {
      const request: FloorRequest = { variant, photos: list, token, concurrency };
      const r = await page.evaluate(postRun, { scope: FLOOR_SCOPE, request });
      if ('error' in r) throw new Error(`floor worker (${variant}): ${r.error}`);
      if (r.bytes !== expected || r.mismatches > 0)
        throw new Error(
          `floor worker (${variant}) read ${r.bytes} bytes (expected ${expected}), ${r.mismatches} photos did not match`,
        );
      seconds.set(variant, r.ms / 1000);
    }
    return seconds;
  });
}
