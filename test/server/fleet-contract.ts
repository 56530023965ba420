/**
 * The fleet part of the MetadataRepository contract (what the fleet console reads): every backend runs
 * it next to metadata-contract.ts. It talks to the repository only through its interface.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, it } from 'node:test';
import { REPORT_HISTORY, type MetadataRepository } from '../../server/src/persistence/types';

/** One store seeing brand A (products p1 with a primary photo, p2 with a non-primary one); brand B unlinked. */
async function seed(meta: MetadataRepository) {
  const company = randomUUID();
  const [brandA, brandB, store, p1, p2, pb] = [1, 2, 3, 4, 5, 6].map(() => randomUUID()) as [
    string,
    string,
    string,
    string,
    string,
    string,
  ];
  await meta.createCompany({ id: company, name: 'Fleet Co' });
  await meta.createBrand({ id: brandA, company_id: company, name: 'A' });
  await meta.createBrand({ id: brandB, company_id: company, name: 'B' });
  await meta.createStore({ id: store, company_id: company, code: `F-${store}`, name: 'F' });
  await meta.linkBrand(store, brandA);
  for (const [id, brand] of [
    [p1, brandA],
    [p2, brandA],
    [pb, brandB],
  ] as const)
    await meta.createProduct({
      id,
      brand_id: brand,
      sku: id.slice(0, 4),
      name: `P ${id}`,
      active: true,
    });
  const photo = (product_id: string, is_primary: boolean) =>
    meta.addPhoto({
      product_id,
      object_key: randomUUID(),
      filename: 'f.jpg',
      size: 1,
      content_type: 'image/jpeg',
      checksum: 'c'.repeat(32),
      is_primary,
      sort_order: 0,
    });
  const x = await photo(p1, true);
  const y = await photo(p2, false);
  await photo(pb, true);
  return { store, p1, p2, pb, brandB, x, y, photo };
}

/**
 * Every terminal's stored summary: [synced, failing, behind_since]; first checks that the store's
 * kept photo count agrees with the one counted from the catalog.
 */
async function summaries(meta: MetadataRepository, store: string) {
  const counted = (await meta.storeCatalogStats()).find((s) => s.store_id === store)?.photos;
  assert.equal((await meta.storePhotoCounts()).get(store), counted, 'kept photo count');
  return Object.fromEntries(
    (await meta.terminalProgress(store)).map((p) => [
      p.terminal_id,
      [p.synced, p.failing, p.behind_since],
    ]),
  );
}

const updatedAt = async (meta: MetadataRepository, id: string) =>
  (await meta.getPhoto(id))!.updated_at;

const synced = (photo_id: string) =>
  ({ photo_id, status: 'synced', synced_at: '2026-02-03T10:00:00.000Z', error: null }) as const;
const failed = (photo_id: string, error: string) =>
  ({ photo_id, status: 'failed', synced_at: null, error }) as const;

/** Registers the fleet contract for `make` (a fresh, empty repository per test). */
export function fleetContract(name: string, make: () => Promise<MetadataRepository>): void {
  describe(`fleet contract: ${name}`, () => {
    it('counts a store’s photos, and its terminals’ synced, failing and missing photos per version', async () => {
      const meta = await make();
      const { store, x, y } = await seed(meta);
      await meta.recordStatus(store, 't1', [synced(x.id), synced(y.id)], 'Kasir 1');
      await meta.recordStatus(store, 't2', [synced(x.id), failed(y.id, 'checksum mismatch')]);
      const stats = (await meta.storeCatalogStats()).find((s) => s.store_id === store);
      assert.equal(stats?.photos, 2);
      assert.equal(stats?.changed_at, y.updated_at);
      const [t1, t2] = await meta.terminalProgress(store);
      assert.deepEqual(t1, { terminal_id: 't1', synced: 2, failing: 0, behind_since: null });
      assert.deepEqual(t2, {
        terminal_id: 't2',
        synced: 1,
        failing: 1,
        behind_since: y.updated_at,
      });
      const replaced = await meta.replacePhoto(x.id, {
        expected_version: x.version,
        object_key: randomUUID(),
        filename: 'g.jpg',
        size: 2,
        content_type: 'image/jpeg',
        checksum: 'd'.repeat(32),
      });
      const after = await meta.terminalProgress(store);
      assert.equal(after[0]?.synced, 1, 'the old version no longer counts');
      assert.equal(after[0]?.behind_since, replaced.updated_at);
      const unsynced = await meta.listUnsynced(store, 't2', 10, 0);
      assert.equal(unsynced.total, 2);
      assert.deepEqual(
        unsynced.rows.map((r) => [r.photo_id, r.last_status, r.error]),
        [
          [y.id, 'failed', 'checksum mismatch'],
          [x.id, 'synced', null],
        ],
      );
      const page2 = await meta.listUnsynced(store, 't2', 1, 1);
      assert.deepEqual(
        page2.rows.map((r) => r.photo_id),
        [x.id],
      );
      assert.deepEqual(
        (await meta.listFailures(store, 't2')).map((f) => [f.photo_id, f.error]),
        [[y.id, 'checksum mismatch']],
      );
      assert.deepEqual(await meta.listFailures(store, 't1'), []);
      const gaps = await meta.listUnsyncedByAll(store, 10, 0);
      assert.deepEqual(
        gaps.rows.map((g) => g.photo_id),
        [x.id],
        'y is on t1',
      );
      await meta.close();
    });

    it('keeps terminal summaries right across reports, replacement, scope changes and deletion', async () => {
      const meta = await make();
      const { store, p2, brandB, x, y, photo, p1 } = await seed(meta);
      await meta.recordStatus(store, 't1', [synced(x.id), synced(y.id)]);
      await meta.recordStatus(store, 't2', [synced(x.id), failed(y.id, 'checksum mismatch')]);
      assert.deepEqual(await summaries(meta, store), {
        t1: [2, 0, null],
        t2: [1, 1, y.updated_at],
      });
      const y2 = await meta.replacePhoto(y.id, {
        object_key: randomUUID(),
        filename: 'y2.jpg',
        size: 2,
        content_type: 'image/jpeg',
        checksum: 'e'.repeat(32),
        expected_version: y.version,
      });
      assert.deepEqual(
        await summaries(meta, store),
        { t1: [1, 0, y2.updated_at], t2: [1, 1, y2.updated_at] },
        'a replacement puts the terminal holding the old version behind',
      );
      await meta.recordStatus(store, 't1', [synced(y.id)]);
      assert.deepEqual(
        (await summaries(meta, store)).t1,
        [2, 0, null],
        'a report of the new version',
      );
      await meta.linkBrand(store, brandB);
      const [z] = (await meta.listPhotos({ store_id: store, limit: 10 })).photos.filter(
        (p) => p.id !== x.id && p.id !== y.id,
      );
      assert.ok(z);
      assert.deepEqual(await summaries(meta, store), {
        t1: [2, 0, z.updated_at],
        t2: [1, 1, y2.updated_at],
      });
      await meta.recordStatus(store, 't1', [synced(z.id)]);
      await meta.recordStatus(store, 't2', [failed(z.id, 'storage full')]);
      assert.deepEqual(await summaries(meta, store), {
        t1: [3, 0, null],
        t2: [1, 2, y2.updated_at],
      });
      await meta.unlinkBrand(store, brandB);
      assert.deepEqual(
        await summaries(meta, store),
        { t1: [2, 0, null], t2: [1, 1, y2.updated_at] },
        'an unlinked brand’s photos neither count nor fail',
      );
      await meta.setProductActive(p2, false);
      assert.deepEqual(
        await summaries(meta, store),
        { t1: [1, 0, null], t2: [1, 0, null] },
        'a deactivated product’s photo is no longer missing',
      );
      await meta.setProductActive(p2, true);
      const y3 = await updatedAt(meta, y.id);
      assert.deepEqual(await summaries(meta, store), {
        t1: [2, 0, null],
        t2: [1, 1, y3],
      });
      await meta.deletePhoto(y.id);
      assert.deepEqual(await summaries(meta, store), { t1: [1, 0, null], t2: [1, 0, null] });
      const w = await photo(p1, true);
      assert.notEqual(await updatedAt(meta, x.id), x.updated_at, 'the old primary was bumped');
      assert.deepEqual(
        await summaries(meta, store),
        { t1: [1, 0, w.updated_at], t2: [1, 0, w.updated_at] },
        'a new photo puts every terminal behind since it was added',
      );
      await meta.close();
    });

    it('lists the newest failures of each terminal of the given stores', async () => {
      const meta = await make();
      const { store, x, y } = await seed(meta);
      await meta.recordStatus(store, 't1', [failed(x.id, 'a')]);
      await meta.recordStatus(store, 't1', [failed(y.id, 'b')]);
      await meta.recordStatus(store, 't2', [failed(x.id, 'c')]);
      assert.deepEqual(
        (await meta.latestFailures([store, randomUUID()], 1)).map((f) => [
          f.store_id,
          f.terminal_id,
          f.photo_id,
          f.error,
        ]),
        [
          [store, 't1', y.id, 'b'],
          [store, 't2', x.id, 'c'],
        ],
      );
      assert.equal((await meta.latestFailures([store], 5)).length, 3);
      assert.deepEqual(await meta.latestFailures([], 5), []);
      await meta.close();
    });

    it('keeps the latest reported name and a bounded report history, newest first', async () => {
      const meta = await make();
      const { store, x } = await seed(meta);
      await meta.recordStatus(store, 't1', [synced(x.id)], 'Kasir 1');
      await meta.recordStatus(store, 't1', [synced(x.id)]);
      assert.equal((await meta.listTerminals(store))[0]?.name, 'Kasir 1', 'no name field keeps it');
      await meta.recordStatus(store, 't1', [synced(x.id), failed(x.id, 'e')], 'Kasir Satu');
      const [terminal] = await meta.listTerminals();
      assert.equal(terminal?.name, 'Kasir Satu');
      assert.ok(terminal && terminal.first_report_at <= terminal.last_report_at);
      await meta.recordStatus(store, 't1', [], '');
      assert.equal((await meta.listTerminals(store))[0]?.name, null, 'an empty name clears it');
      const [latest, before] = await meta.listReports(store, 't1', 2);
      assert.deepEqual(latest, {
        reported_at: latest?.reported_at,
        items: 0,
        synced: 0,
        failed: 0,
      });
      assert.deepEqual(before && [before.items, before.synced, before.failed], [2, 1, 1]);
      for (let i = 0; i < REPORT_HISTORY; i++) await meta.recordStatus(store, 't1', []);
      assert.equal((await meta.listReports(store, 't1', 1000)).length, REPORT_HISTORY);
      await meta.close();
    });

    it('lists the active products a store sees that have no primary photo', async () => {
      const meta = await make();
      const { store, p2 } = await seed(meta);
      assert.deepEqual(
        (await meta.listProductsWithoutPrimary(store)).map((p) => [p.product_id, p.photos]),
        [[p2, 1]],
      );
      await meta.setProductActive(p2, false);
      assert.deepEqual(await meta.listProductsWithoutPrimary(store), []);
      await meta.close();
    });
  });
}
