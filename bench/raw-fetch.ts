/**
 * The transfer limit: the same downloads with plain fetch() in the same Chromium, same concurrency, bytes
 * read and discarded. Runs in a fresh profile on a page of the HO's origin where no service worker exists.
 */
import type { Page } from 'playwright-core';
import type { ListedPhoto } from './ho';
import { withFreshProfile } from './browser';
import { imageBytes } from './context';

/** One raw run: seconds for all downloads and the bytes received (checked against the listed sizes). */
export interface RawFetchRun {
  seconds: number;
  bytes: number;
}

/** The reference's download URL of photo `id` of `storeId` on the HO at `url`. */
export function downloadUrl(url: string, storeId: string, id: string): string {
  return `${url}/api/v1/sync/product-photos/${id}/download/?store_id=${storeId}`;
}

/** Opens an image document of the HO's origin: same-origin fetches, and the app (and its SW) never loads. */
export async function openBlankOfOrigin(page: Page, url: string): Promise<void> {
  await page.goto(`${url}/favicon.png`);
}

/** Downloads every photo of `photos` once with `concurrency` fetches in flight. */
export async function rawFetchRun(
  url: string,
  storeId: string,
  token: string,
  photos: readonly ListedPhoto[],
  concurrency: number,
): Promise<RawFetchRun> {
  const urls = photos.map((p) => downloadUrl(url, storeId, p.id));
  const expected = imageBytes(photos);
  return withFreshProfile(async ({ page }) => {
    await openBlankOfOrigin(page, url);
    const run = await page.evaluate(
      async ({ urls, token, concurrency }) => {
        let next = 0;
        let bytes = 0;
        const worker = async (): Promise<void> => {
          while (next < urls.length) {
            const res = await fetch(urls[next++]!, {
              headers: { Authorization: `Bearer ${token}` },
              cache: 'no-store',
            });
            if (!res.ok || res.body === null) throw new Error(`HTTP ${res.status}`);
            const reader = res.body.getReader();
            for (;;) {
              const { done, value } = await reader.read();
              if (done) break;
              bytes += value.byteLength;
            }
          }
        };
        const start = performance.now();
        await Promise.all(Array.from({ length: concurrency }, worker));
        return { ms: performance.now() - start, bytes };
      },
      { urls, token, concurrency },
    );
    if (run.bytes !== expected)
      throw new Error(`raw fetch received ${run.bytes} bytes, expected ${expected}`);
    return { seconds: run.ms / 1000, bytes: run.bytes };
  });
}
