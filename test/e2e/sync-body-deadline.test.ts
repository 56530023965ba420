/**
 * The engine's deadline on photo bodies in real Chromium: a body that stops sending fails with a timeout
 * (aborting the request must fail the browser's pending body read: the deadline relies on it), while a body
 * that keeps sending is never cut, however long it takes in all (the deadline is per chunk, not per body).
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import type { PhotoMeta } from '../../src/shared/types';
import { launchChromium } from '../helpers/chromium';
import type { ReadOutcome } from '../helpers/body-deadline-harness';
import { writeHarnessSite } from '../helpers/harness-site';
import { type StaticServer, serveStatic } from '../helpers/static-server';

/** The deadline the page's reads run with; the dribbling body takes longer than this in all. */
const TIMEOUT_MS = 1500;
const CHUNKS = 30;
const CHUNK_GAP_MS = 100;
const BYTES = new Uint8Array(CHUNKS * 100).map((_, i) => (i * 7) % 256);
BYTES.set([0xff, 0xd8, 0xff, 0xe0]);

const META: PhotoMeta = {
  id: 'p1',
  product_id: 'prod-1',
  product_sku: 'SKU-1',
  product_name: 'Nasi goreng',
  object_key: 'photos/p1.jpg',
  filename: 'p1.jpg',
  version: 1,
  checksum: createHash('md5').update(BYTES).digest('hex'),
  size: BYTES.length,
  content_type: 'image/jpeg',
  image_url: null,
  is_primary: true,
  sort_order: 0,
  updated_at: '2026-01-01T00:00:00Z',
};

/** A body sending `BYTES` in chunks `gapMs` apart; with `stallAfter`, it stops sending after that many chunks. */
function body(gapMs: number, stallAfter = CHUNKS): Response {
  let sent = 0;
  const stream = new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (sent === stallAfter) return new Promise<void>(() => undefined); // never sends again
      if (sent > 0) await new Promise((r) => setTimeout(r, gapMs));
      controller.enqueue(BYTES.slice(sent * 100, ++sent * 100));
      if (sent === CHUNKS) controller.close();
    },
  });
  return new Response(stream, {
    headers: { 'Content-Type': 'image/jpeg', 'Content-Length': String(BYTES.length) },
  });
}

describe('photo body deadline in Chromium', () => {
  let dir: string;
  let server: StaticServer;
  let browser: Browser;
  let page: Page;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'pps-body-deadline-'));
    await writeHarnessSite(dir, 'test/helpers/body-deadline-harness.ts');
    server = await serveStatic(dir, '/', {
      prefix: '/api/',
      fetch: async (url) =>
        new URL(url).pathname === '/api/stall' ? body(0, 3) : body(CHUNK_GAP_MS),
    });
    browser = await launchChromium();
    page = await browser.newPage();
    await page.goto(`${server.origin}/`);
  });

  after(async () => {
    await browser?.close();
    await server?.close();
    await rm(dir, { recursive: true, force: true });
  });

  const read = (path: string): Promise<ReadOutcome> =>
    page.evaluate(([url, meta, ms]) => globalThis.readPhoto(url, meta, ms), [
      `${server.origin}${path}`,
      META,
      TIMEOUT_MS,
    ] as const);

  it('fails a body that stops sending with a timeout', { timeout: 60_000 }, async () => {
    assert.deepEqual(await read('/api/stall'), { ok: false, reason: 'timeout' });
  });

  it('reads a body that keeps sending, however long it takes in all', {
    timeout: 60_000,
  }, async () => {
    assert.deepEqual(await read('/api/dribble'), { ok: true, size: BYTES.length });
  });
});
