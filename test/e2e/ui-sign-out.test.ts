/**
 * Sign out and change store through the settings screen: both ask first; cancelling keeps every photo;
 * confirming wipes the store's photos, bytes, tokens and state but keeps the terminal id and the settings;
 * changing store ends with exactly the new store's photos.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../helpers/chromium';
import { type HoServer, startHoServer } from '../helpers/ho-server';
import { openAppInNewContext } from '../helpers/pwa';
import {
  assertServedMatches,
  DEMO_STORE,
  HoAdmin,
  type HoPhoto,
  servedPhotos,
  signInAsDemo,
  waitUpToDate,
} from '../helpers/sync-e2e';

/** What the PWA's IndexedDB holds, read from the page. */
interface DbSnapshot {
  photoIds: string[];
  byteKeys: string[];
  /** Entries of every other store (partials, chunks, failures, outbox). */
  otherEntries: number;
  stateKeys: string[];
  terminalId: string | null;
  settings: { serverUrl?: string; storeId?: string } | null;
}

/** Reads the app's database directly (a second connection, closed again so it never blocks the SW). */
function dbSnapshot(page: Page): Promise<DbSnapshot> {
  return page.evaluate(async () => {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const open = indexedDB.open('product-photo-sync');
      open.onsuccess = () => resolve(open.result);
      open.onerror = () => reject(open.error);
    });
    try {
      const tx = db.transaction(
        ['photos', 'bytes', 'partials', 'partial-chunks', 'failures', 'outbox', 'state'],
        'readonly',
      );
      const stores = ['partials', 'partial-chunks', 'failures', 'outbox'];
      const requests: IDBRequest[] = [
        tx.objectStore('photos').getAllKeys(),
        tx.objectStore('bytes').getAllKeys(),
        tx.objectStore('state').getAllKeys(),
        tx.objectStore('state').get('engine'),
        tx.objectStore('state').get('settings'),
        ...stores.map((name) => tx.objectStore(name).count()),
      ];
      // Inline callbacks only: the test runner's transpiler would wrap named helpers in a Node-only `__name`.
      const [photoIds, byteKeys, stateKeys, engine, settings, ...others] = (await Promise.all(
        requests.map(
          (request) =>
            new Promise((resolve, reject) => {
              request.onsuccess = () => resolve(request.result);
              request.onerror = () => reject(request.error);
            }),
        ),
      )) as unknown[];
      return {
        photoIds: (photoIds as string[]).sort(),
        byteKeys: (byteKeys as string[]).sort(),
        otherEntries: (others as number[]).reduce((a, b) => a + b, 0),
        stateKeys: (stateKeys as string[]).sort(),
        terminalId: (engine as { terminal_id?: string } | undefined)?.terminal_id ?? null,
        settings: (settings as DbSnapshot['settings'] | undefined) ?? null,
      };
    } finally {
      db.close();
    }
  });
}

/** Photo ids, sorted. */
function ids(photos: HoPhoto[]): string[] {
  return photos.map((p) => p.id).sort();
}

/** Opens Settings from the title bar and asks to sign out; returns the confirmation dialog. */
async function askSignOut(page: Page) {
  await page.getByRole('button', { name: 'Settings' }).click();
  await page.getByRole('heading', { level: 2, name: 'Settings' }).waitFor();
  await page.getByRole('button', { name: 'Sign out / change store' }).click();
  const dialog = page.getByRole('alertdialog');
  await dialog.waitFor();
  assert.match(await dialog.innerText(), /deletes every photo of this store/);
  return dialog;
}

/** Confirms the sign-out and waits for the sign-in screen. */
async function confirmSignOut(page: Page): Promise<void> {
  await (await askSignOut(page))
    .getByRole('button', { name: 'Sign out and delete photos' })
    .click();
  await page.getByRole('heading', { level: 2, name: 'Set up this terminal' }).waitFor();
}

/** Polls the HO until `check` holds for the store's status reports (a condition wait, bounded). */
async function waitForReports(
  admin: HoAdmin,
  storeId: string,
  check: (reports: Awaited<ReturnType<HoAdmin['statuses']>>) => boolean,
): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (check(await admin.statuses(storeId))) return;
    assert.ok(Date.now() < deadline, `status reports of store ${storeId} did not arrive`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

describe('sign out and change store', () => {
  let ho: HoServer;
  let browser: Browser;
  let admin: HoAdmin;
  let bdgId: string;

  before(async () => {
    ho = await startHoServer();
    browser = await launchChromium();
    admin = new HoAdmin(ho.url);
    const { stores } = await admin.call<{ stores: { id: string; code: string }[] }>(
      'GET',
      '/api/v1/admin/stores/',
    );
    const bdg = stores.find((s) => s.code === 'BDG-01');
    assert.ok(bdg !== undefined, 'the demo HO has store BDG-01');
    bdgId = bdg.id;
  });

  after(async () => {
    await browser?.close();
    await ho?.dispose();
  });

  it('asks first; cancel keeps every photo; confirming wipes photos, bytes and tokens but keeps the terminal id and settings', async () => {
    const photos = await admin.photos();
    const page = await openAppInNewContext(browser, ho.url);
    await signInAsDemo(page);
    await waitUpToDate(page, photos.length);
    const before = await dbSnapshot(page);
    assert.deepEqual(before.photoIds, ids(photos));
    assert.ok(before.stateKeys.includes('auth'), 'signed in: tokens are held');
    const terminalId = before.terminalId;
    assert.ok(terminalId !== null, 'the terminal has an id');
    // Every photo was reported by this terminal: the HO knows it by this id.
    await waitForReports(
      admin,
      DEMO_STORE.id,
      (reports) =>
        reports.filter((r) => r.terminal_id === terminalId && r.status === 'synced').length ===
        photos.length,
    );

    // Cancel: nothing changes.
    const dialog = await askSignOut(page);
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'detached' });
    await page.getByRole('button', { name: 'Sign out / change store' }).waitFor();
    assert.deepEqual(await dbSnapshot(page), before, 'cancelling kept the database as it was');
    await assertServedMatches(page, photos);
    await page.getByRole('button', { name: 'Back' }).click();
    await waitUpToDate(page, photos.length);

    // Confirm: the store is forgotten, the terminal is not.
    await confirmSignOut(page);
    const wiped = await dbSnapshot(page);
    assert.deepEqual(wiped.photoIds, [], 'no photo records');
    assert.deepEqual(wiped.byteKeys, [], 'no photo bytes');
    assert.equal(wiped.otherEntries, 0, 'no partial downloads, failures or queued reports');
    assert.ok(!wiped.stateKeys.includes('auth'), 'no tokens');
    assert.ok(!wiped.stateKeys.includes('checkpoint'), 'no run checkpoint');
    assert.equal(wiped.terminalId, terminalId, 'the terminal keeps its id');
    assert.deepEqual(
      { serverUrl: wiped.settings?.serverUrl, storeId: wiped.settings?.storeId },
      { serverUrl: ho.url, storeId: DEMO_STORE.id },
      'settings stay',
    );
    const served = await servedPhotos(page, ids(photos));
    assert.deepEqual(
      [...served].filter(([, s]) => !s.placeholder).map(([id]) => id),
      [],
      'every photo URL serves the placeholder',
    );
    assert.equal(await page.getByLabel('Server URL').inputValue(), ho.url, 'Server URL prefilled');
    assert.equal(
      await page.getByLabel('Store ID').inputValue(),
      DEMO_STORE.id,
      'Store ID prefilled',
    );
    assert.equal(await page.getByLabel('Password').inputValue(), '', 'the password is asked again');

    // Still signed out after a reload: nothing brings the old session back.
    await page.reload();
    await page.getByRole('heading', { level: 2, name: 'Set up this terminal' }).waitFor();
    assert.deepEqual((await dbSnapshot(page)).photoIds, []);
    await page.context().close();
  });

  it("changing store (confirmed) ends with exactly the new store's photos", async () => {
    const jkt = await admin.photos(DEMO_STORE.id);
    const bdg = await admin.photos(bdgId);
    const bdgIds = new Set(bdg.map((p) => p.id));
    const jktOnly = jkt.filter((p) => !bdgIds.has(p.id));
    assert.ok(
      jktOnly.length > 0 && bdg.length > jkt.length - jktOnly.length,
      'the stores share some photos and differ in others',
    );

    const page = await openAppInNewContext(browser, ho.url);
    const signInAsAdmin = async (storeCode: string): Promise<void> => {
      await page.getByLabel('Store ID').fill('');
      await page.getByLabel('Username').fill('admin');
      await page.getByLabel('Password').fill('admin');
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('radio', { name: new RegExp(`^${storeCode} · `) }).check();
      await page.getByRole('button', { name: 'Use this store' }).click();
    };
    await signInAsAdmin('JKT-01');
    await waitUpToDate(page, jkt.length);
    const { terminalId } = await dbSnapshot(page);

    await confirmSignOut(page);
    await signInAsAdmin('BDG-01');
    await waitUpToDate(page, bdg.length);

    const held = await dbSnapshot(page);
    assert.deepEqual(held.photoIds, ids(bdg), 'exactly the photos of BDG-01');
    assert.deepEqual(
      held.byteKeys,
      [...new Set(bdg.map((p) => p.checksum))].sort(),
      'exactly the bytes of BDG-01',
    );
    assert.equal(held.settings?.storeId, bdgId);
    await assertServedMatches(page, bdg);
    const served = await servedPhotos(page, ids(jktOnly));
    assert.deepEqual(
      [...served].filter(([, s]) => !s.placeholder).map(([id]) => id),
      [],
      'no photo only JKT-01 has is served',
    );
    assert.equal(held.terminalId, terminalId, 'the terminal keeps its id across the change');
    await waitForReports(
      admin,
      bdgId,
      (reports) =>
        reports.filter((r) => r.terminal_id === terminalId && r.status === 'synced').length ===
        bdg.length,
    );
    await page.context().close();
  });
});
