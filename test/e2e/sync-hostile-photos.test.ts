/**
 * An HO listing an HTML "photo" and an SVG with a script (correct MD5s) next to real ones: the real ones
 * sync, the hostile ones are reported failed and never stored, and a tab opened on any photo URL runs no
 * script; every photo answer carries nosniff, a sandboxing CSP and CORP.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../helpers/chromium';
import { FAKE_HO_ACCOUNT, type FakeHoServer, startFakeHoServer } from '../helpers/fake-ho-server';
import { openAppInNewContext } from '../helpers/pwa';
import { md5, servedPhotos, signInAs, waitNotSyncing } from '../helpers/sync-e2e';

/** What a hostile photo's script does when it runs: a request the fake HO logs, and a title. */
const PAYLOAD = "fetch('/api/pwned/'+location.pathname);document.title='pwned'";
const HTML = `<!doctype html><title>photo</title><script>${PAYLOAD}</script>`;
const SVG = `<svg xmlns="http://www.w3.org/2000/svg" onload="${PAYLOAD}"><script>${PAYLOAD}</script></svg>`;

const SECURITY_HEADERS = {
  'x-content-type-options': 'nosniff',
  'content-security-policy':
    "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox",
  'cross-origin-resource-policy': 'same-origin',
};

describe('an HO serving hostile photos', () => {
  let site: FakeHoServer;
  let browser: Browser;
  let page: Page;
  let good: string[];
  let hostile: string[];

  before(async () => {
    site = await startFakeHoServer();
    const ids = site.ho.seed(5);
    good = ids.slice(0, 3);
    hostile = ids.slice(3);
    const [html, svg] = hostile as [string, string];
    site.ho.setContent(html, new TextEncoder().encode(HTML), 'text/html');
    site.ho.setContent(svg, new TextEncoder().encode(SVG), 'image/svg+xml');
    browser = await launchChromium();
    page = await openAppInNewContext(browser, site.origin);
  });

  after(async () => {
    await browser?.close();
    await site?.close();
  });

  it('syncs the real photos and reports the hostile ones failed as an unsupported image type', async () => {
    await signInAs(page, FAKE_HO_ACCOUNT);
    await page.waitForFunction(
      () => document.querySelectorAll('.failures li').length === 2,
      undefined,
      {
        timeout: 60_000,
      },
    );
    const status = await waitNotSyncing(page);
    assert.match(status, /3 \/ 5 photos/);

    const served = await servedPhotos(page, [...good, ...hostile]);
    for (const id of good) {
      const s = served.get(id);
      assert.ok(s !== undefined && !s.placeholder, `photo ${id} is held`);
      assert.equal(s.type, 'image/jpeg');
      assert.equal(md5(s.bytes), site.ho.checksum(id));
    }
    for (const id of hostile) assert.equal(served.get(id)?.placeholder, true, `${id} not stored`);

    const failures = await page.$$eval('.failures li', (items) =>
      items.map((li) => [
        li.getAttribute('data-photo-id'),
        li.querySelector('.reason')?.getAttribute('data-reason'),
      ]),
    );
    assert.deepEqual(failures.sort(), hostile.map((id) => [id, 'unsupported image type']).sort());
    const reports = site.ho.statusBatches.flatMap(
      (b) => b.body.sync_batch as { photo_id: string; status: string; error: string | null }[],
    );
    // Each run that tried a photo reports it (a later run may retry a failed one): the outcomes never vary.
    const outcomes = (id: string): string[] => [
      ...new Set(reports.filter((r) => r.photo_id === id).map((r) => `${r.status}: ${r.error}`)),
    ];
    for (const id of hostile)
      assert.deepEqual(outcomes(id), ['failed: unsupported image type'], id);
    for (const id of good) assert.deepEqual(outcomes(id), ['synced: null'], id);
  });

  it('every photo answer, the placeholder too, carries nosniff, the sandboxing CSP and CORP', async () => {
    for (const id of [good[0], hostile[0]] as string[]) {
      const headers = await page.evaluate(async (url) => {
        const res = await fetch(url);
        return Object.fromEntries(res.headers);
      }, `/photos/${id}`);
      for (const [name, value] of Object.entries(SECURITY_HEADERS))
        assert.equal(headers[name], value, `${name} of /photos/${id}`);
    }
  });

  it('a tab navigated to each photo URL runs no script', async () => {
    for (const id of [...hostile, ...good]) {
      const tab = await page.context().newPage();
      const response = await tab.goto(`${site.origin}/photos/${id}`);
      assert.equal(
        response?.headers()['content-security-policy'],
        SECURITY_HEADERS['content-security-policy'],
      );
      assert.notEqual(await tab.title(), 'pwned', `/photos/${id}`);
      await tab.close();
    }
    assert.deepEqual(
      site.ho.requests
        .filter((r) => r.url.pathname.startsWith('/api/pwned/'))
        .map((r) => r.url.pathname),
      [],
      'no photo URL ran its script',
    );
  });
});
