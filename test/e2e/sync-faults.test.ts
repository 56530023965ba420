/**
 * Faults: with 20% injected HTTP 500s plus corrupted and truncated downloads, repeated syncs converge to
 * exactly the HO state, no wrong byte is ever served, and failures reach the HO as `failed` reports.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import type { HoServer } from '../helpers/ho-server';
import { openApp } from '../helpers/pwa';
import {
  assertServedMatches,
  HoAdmin,
  type HoPhoto,
  md5,
  runFromButton,
  servedPhotos,
  signInAsDemo,
  waitNotSyncing,
  waitUpToDate,
} from '../helpers/sync-e2e';
import { openTerminal, type Terminal } from '../helpers/terminal';

const MAX_ROUNDS = 15;

describe('sync under injected faults', () => {
  let ho: HoServer;
  let admin: HoAdmin;
  let terminal: Terminal;
  let page: Page;
  let photos: HoPhoto[];

  /** Every photo the SW serves is either the placeholder or exactly the HO's bytes. */
  async function assertNoWrongByte(): Promise<number> {
    const served = await servedPhotos(
      page,
      photos.map((p) => p.id),
    );
    let held = 0;
    for (const p of photos) {
      const s = served.get(p.id);
      assert.ok(s !== undefined);
      if (s.placeholder) continue;
      held++;
      assert.equal(md5(s.bytes), p.checksum, `served bytes of ${p.id} differ from the HO`);
    }
    return held;
  }

  async function failedIds(): Promise<{ id: string; reason: string }[]> {
    return page.$$eval('.failures li', (items) =>
      items.map((li) => ({
        id: li.getAttribute('data-photo-id') ?? '',
        // The reason as reported to the HO; the text shown is its translation.
        reason: li.querySelector('.reason')?.getAttribute('data-reason') ?? '',
      })),
    );
  }

  before(async () => {
    terminal = await openTerminal();
    ({ ho, page } = terminal);
    admin = new HoAdmin(ho.url);
    photos = await admin.photos();
  });

  after(async () => {
    await terminal?.dispose();
  });

  it('a first sync under faults stores only verified photos and reports its failures as failed', async () => {
    await admin.setFaults({
      error_rate: 0.2,
      error_status: 500,
      corrupt_rate: 0.3,
      truncate_rate: 0.3,
      routes: ['list', 'download'],
    });
    await openApp(page, `${ho.url}/`);
    await signInAsDemo(page);
    await page.waitForFunction(
      () => {
        const text = document.querySelector('[role="status"]')?.textContent ?? '';
        return !text.includes('Syncing') && document.querySelectorAll('.failures li').length > 0;
      },
      undefined,
      { timeout: 180_000 },
    );
    const failed = await failedIds();
    const held = await assertNoWrongByte();
    assert.equal(
      held + failed.length,
      photos.length,
      'every photo is either held or listed as failed',
    );

    const reports = new Map((await admin.statuses()).map((s) => [s.photo_id, s]));
    for (const f of failed) {
      const report = reports.get(f.id);
      assert.equal(report?.status, 'failed', `HO has a failed report for ${f.id}`);
      assert.equal(report?.error, f.reason);
    }
  });

  it('repeated "Sync now" runs converge to exactly the HO state, never serving a wrong byte', async () => {
    await admin.setFaults({ routes: ['list', 'download', 'status'] });
    let converged = false;
    for (let round = 0; round < MAX_ROUNDS && !converged; round++) {
      await runFromButton(page, 'Sync now');
      const text = await waitNotSyncing(page, 180_000);
      await assertNoWrongByte();
      converged =
        text.includes(`${photos.length} / ${photos.length} photos`) && text.includes('Up to date');
    }
    assert.ok(converged, `not converged after ${MAX_ROUNDS} runs`);
    await admin.resetFaults();
    await assertServedMatches(page, photos);

    // With the faults off, one more run delivers any reports still waiting; the HO then shows every photo synced.
    await runFromButton(page, 'Sync now');
    await waitUpToDate(page, photos.length);
    await waitNotSyncing(page);
    const reports = await admin.statuses();
    assert.deepEqual(
      reports
        .filter((r) => r.status === 'synced')
        .map((r) => r.photo_id)
        .sort(),
      photos.map((p) => p.id).sort(),
    );
  });
});
