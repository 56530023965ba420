/**
 * The MetadataRepository contract suite. Every metadata backend (embedded SQLite today, PostgreSQL later)
 * must pass it; it talks to the store only through the MetadataRepository interface.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import {
  ConflictError,
  InvalidInputError,
  NotFoundError,
} from '../../server/src/persistence/errors';
import type {
  MetadataRepository,
  NewPhoto,
  PhotoCursor,
  PhotoRecord,
} from '../../server/src/persistence/types';

const ISO_MS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/**
 * Company with brands A, B, C; store s1 links A+B, store s2 links B+C. Products: a1, a2 (A), b1 (B), c1 (C),
 * and inactive a3 (A). Each product gets one photo; b1's photo is seen by both stores.
 */
async function seed(meta: MetadataRepository) {
  const companyId = randomUUID();
  await meta.createCompany({ id: companyId, name: 'Contract Co' });
  const brand = async (name: string) => {
    const id = randomUUID();
    await meta.createBrand({ id, company_id: companyId, name });
    return id;
  };
  const brands = { A: await brand('A'), B: await brand('B'), C: await brand('C') };
  const store = async (code: string) => {
    const id = randomUUID();
    await meta.createStore({ id, company_id: companyId, code, name: `Store ${code}` });
    return id;
  };
  const s1 = await store('S1');
  const s2 = await store('S2');
  await meta.linkBrand(s1, brands.A);
  await meta.linkBrand(s1, brands.B);
  await meta.linkBrand(s2, brands.B);
  await meta.linkBrand(s2, brands.C);
  let sku = 1000;
  const product = async (brandId: string, name: string, active = true) => {
    const id = randomUUID();
    await meta.createProduct({ id, brand_id: brandId, sku: String(sku++), name, active });
    return id;
  };
  const products = {
    a1: await product(brands.A, 'Nasi Goreng'),
    a2: await product(brands.A, 'Mie Ayam'),
    b1: await product(brands.B, 'Es Teh'),
    c1: await product(brands.C, 'Roti Bakar'),
    a3: await product(brands.A, 'Old Menu', false),
  };
  const photos = {
    a1: await addPhoto(meta, products.a1),
    a2: await addPhoto(meta, products.a2),
    b1: await addPhoto(meta, products.b1),
    c1: await addPhoto(meta, products.c1),
    a3: await addPhoto(meta, products.a3),
  };
  return { companyId, brands, s1, s2, products, photos };
}

let objectCounter = 0;
function newPhoto(product_id: string, extra: Partial<NewPhoto> = {}): NewPhoto {
  objectCounter += 1;
  return {
    product_id,
    object_key: `products/${product_id}/${objectCounter}.jpg`,
    filename: `p${objectCounter}.jpg`,
    size: 100 + objectCounter,
    content_type: 'image/jpeg',
    checksum: objectCounter.toString(16).padStart(32, '0'),
    is_primary: false,
    sort_order: 0,
    ...extra,
  };
}

function addPhoto(
  meta: MetadataRepository,
  product_id: string,
  extra: Partial<NewPhoto> = {},
): Promise<PhotoRecord> {
  return meta.addPhoto(newPhoto(product_id, extra));
}

const ids = (photos: PhotoRecord[]) => photos.map((p) => p.id);
const byOrder = (a: PhotoRecord, b: PhotoRecord) =>
  a.updated_at < b.updated_at
    ? -1
    : a.updated_at > b.updated_at
      ? 1
      : a.id < b.id
        ? -1
        : a.id > b.id
          ? 1
          : 0;
const all = async (meta: MetadataRepository, store_id: string, since?: string) =>
  (await meta.listPhotos({ store_id, since, limit: 1000 })).photos;

/** Reads every page with the keyset cursor, letting `between` change the catalog after each page. */
async function readWithCursor(
  meta: MetadataRepository,
  store_id: string,
  limit: number,
  between: (page: number) => Promise<void> | void,
) {
  const seen: PhotoRecord[] = [];
  let cursor: PhotoCursor | undefined;
  for (let page = 0; ; page++) {
    const { photos } = await meta.listPhotos({ store_id, limit, cursor });
    seen.push(...photos);
    const last = photos.at(-1);
    if (!last || photos.length < limit) return seen;
    cursor = { updated_at: last.updated_at, id: last.id };
    await between(page);
  }
}

/** Registers the contract tests for one backend; `make` returns a fresh, empty store per test. */
export function metadataContract(name: string, make: () => Promise<MetadataRepository>): void {
  const withStore = (fn: (meta: MetadataRepository) => Promise<void>) => async () => {
    const meta = await make();
    try {
      await fn(meta);
    } finally {
      await meta.close();
    }
  };

  describe(`MetadataRepository contract: ${name}`, () => {
    it(
      'creates, reads and lists catalog entities; isEmpty flips once a company exists',
      withStore(async (meta) => {
        assert.equal(await meta.isEmpty(), true);
        const f = await seed(meta);
        assert.equal(await meta.isEmpty(), false);
        assert.deepEqual(
          (await meta.listStores()).map((s) => s.code),
          ['S1', 'S2'],
        );
        assert.deepEqual(await meta.getStore(f.s1), {
          id: f.s1,
          company_id: f.companyId,
          code: 'S1',
          name: 'Store S1',
        });
        assert.equal(await meta.getStore(randomUUID()), undefined);
        assert.deepEqual(await meta.getProduct(f.products.a3), {
          id: f.products.a3,
          brand_id: f.brands.A,
          sku: '1004',
          name: 'Old Menu',
          active: false,
        });
        assert.equal(await meta.getProduct(randomUUID()), undefined);
        assert.deepEqual(
          (await meta.listProducts()).map((p) => p.sku),
          ['1000', '1001', '1002', '1003', '1004'],
          'inactive included',
        );
        assert.equal(
          (await meta.listProducts()).find((p) => p.id === f.products.a3)?.active,
          false,
        );
        assert.deepEqual(
          await meta.listBrands(),
          ['A', 'B', 'C'].map((name) => ({
            id: f.brands[name as 'A' | 'B' | 'C'],
            company_id: f.companyId,
            name,
          })),
        );
      }),
    );

    it(
      'rejects duplicates with ConflictError and unknown parents with NotFoundError',
      withStore(async (meta) => {
        const f = await seed(meta);
        await assert.rejects(
          async () => await meta.createCompany({ id: f.companyId, name: 'again' }),
          ConflictError,
        );
        await assert.rejects(
          async () =>
            await meta.createBrand({ id: f.brands.A, company_id: f.companyId, name: 'x' }),
          ConflictError,
        );
        await assert.rejects(
          async () =>
            await meta.createStore({
              id: randomUUID(),
              company_id: f.companyId,
              code: 'S1',
              name: 'x',
            }),
          ConflictError,
        );
        await assert.rejects(
          async () =>
            await meta.createStore({ id: f.s1, company_id: f.companyId, code: 'S9', name: 'x' }),
          ConflictError,
        );
        await assert.rejects(
          async () =>
            await meta.createProduct({
              id: f.products.a1,
              brand_id: f.brands.A,
              sku: '1',
              name: 'x',
              active: true,
            }),
          ConflictError,
        );
        await assert.rejects(
          async () =>
            await meta.createBrand({ id: randomUUID(), company_id: randomUUID(), name: 'x' }),
          NotFoundError,
        );
        await assert.rejects(
          async () =>
            await meta.createStore({
              id: randomUUID(),
              company_id: randomUUID(),
              code: 'S9',
              name: 'x',
            }),
          NotFoundError,
        );
        await assert.rejects(
          async () =>
            await meta.createProduct({
              id: randomUUID(),
              brand_id: randomUUID(),
              sku: '1',
              name: 'x',
              active: true,
            }),
          NotFoundError,
        );
        await assert.rejects(
          async () => await meta.addPhoto(newPhoto(randomUUID())),
          NotFoundError,
        );
        await assert.rejects(
          async () => await meta.addPhoto(newPhoto(f.products.a1, { id: f.photos.a1.id })),
          ConflictError,
        );
        await assert.rejects(
          async () => await meta.linkBrand(randomUUID(), f.brands.A),
          NotFoundError,
        );
        await assert.rejects(async () => await meta.linkBrand(f.s1, randomUUID()), NotFoundError);
        await assert.rejects(async () => await meta.unlinkBrand(f.s1, randomUUID()), NotFoundError);
        await assert.rejects(
          async () => await meta.setProductActive(randomUUID(), false),
          NotFoundError,
        );
        for (const write of [
          (id: string) =>
            meta.replacePhoto(id, {
              expected_version: 1,
              object_key: 'k',
              filename: 'f',
              size: 1,
              content_type: 'image/jpeg',
              checksum: 'c',
            }),
          (id: string) => meta.setPrimary(id),
          (id: string) => meta.setSortOrder(id, 1),
          (id: string) => meta.deletePhoto(id),
        ])
          await assert.rejects(async () => write(randomUUID()), NotFoundError);
        await assert.rejects(
          async () => await meta.listPhotos({ store_id: randomUUID(), limit: 10 }),
          NotFoundError,
        );
        await assert.rejects(async () => await meta.listTombstones(randomUUID()), NotFoundError);
        await assert.rejects(
          async () => await meta.recordStatus(randomUUID(), 't', []),
          NotFoundError,
        );
        await assert.rejects(async () => await meta.listStatus(randomUUID()), NotFoundError);
      }),
    );

    it(
      'rejects a brand of another company, bad paging numbers and malformed timestamps',
      withStore(async (meta) => {
        const f = await seed(meta);
        const other = randomUUID();
        await meta.createCompany({ id: other, name: 'Other Co' });
        const foreign = randomUUID();
        await meta.createBrand({ id: foreign, company_id: other, name: 'Foreign' });
        await assert.rejects(async () => await meta.linkBrand(f.s1, foreign), InvalidInputError);
        await assert.rejects(
          async () => await meta.listPhotos({ store_id: f.s1, limit: -1 }),
          InvalidInputError,
        );
        await assert.rejects(
          async () => await meta.listPhotos({ store_id: f.s1, limit: 10, offset: 1.5 }),
          InvalidInputError,
        );
        await assert.rejects(
          async () => await meta.listPhotos({ store_id: f.s1, limit: 10, since: 'yesterday' }),
          InvalidInputError,
        );
        await assert.rejects(
          async () => await meta.listTombstones(f.s1, '2026-02-30T00:00:00Z'),
          InvalidInputError,
        );
      }),
    );

    it(
      'stores users with their stores; usernames are unique; password hashes can be replaced',
      withStore(async (meta) => {
        const f = await seed(meta);
        await meta.createUser({
          username: 'admin',
          password_hash: 'h1',
          role: 'admin',
          store_ids: [],
        });
        await meta.createUser({
          username: 'kasir',
          password_hash: 'h2',
          role: 'store',
          store_ids: [f.s2, f.s1],
        });
        assert.deepEqual(await meta.getUser('kasir'), {
          username: 'kasir',
          password_hash: 'h2',
          role: 'store',
          store_ids: [f.s2, f.s1],
          disabled: false,
          token_generation: 0,
        });
        assert.deepEqual(await meta.getUser('admin'), {
          username: 'admin',
          password_hash: 'h1',
          role: 'admin',
          store_ids: [],
          disabled: false,
          token_generation: 0,
        });
        assert.equal(await meta.getUser('nobody'), undefined);
        await assert.rejects(
          async () =>
            await meta.createUser({
              username: 'kasir',
              password_hash: 'x',
              role: 'store',
              store_ids: [],
            }),
          ConflictError,
        );
        await assert.rejects(
          async () =>
            await meta.createUser({
              username: 'ghost',
              password_hash: 'x',
              role: 'store',
              store_ids: [randomUUID()],
            }),
          NotFoundError,
        );
        assert.equal(await meta.getUser('ghost'), undefined);
        await meta.setPasswordHash('kasir', 'h3');
        assert.equal((await meta.getUser('kasir'))?.password_hash, 'h3');
        assert.equal((await meta.getUser('admin'))?.password_hash, 'h1');
        await assert.rejects(async () => await meta.setPasswordHash('nobody', 'x'), NotFoundError);
      }),
    );

    it(
      'lists users; a password change or disabling bumps the token generation, a re-hash does not',
      withStore(async (meta) => {
        await meta.createUser({ username: 'b', password_hash: 'h', role: 'admin', store_ids: [] });
        await meta.createUser({ username: 'a', password_hash: 'h', role: 'admin', store_ids: [] });
        assert.deepEqual(
          (await meta.listUsers()).map((u) => u.username),
          ['a', 'b'],
        );
        const state = async () => {
          const u = (await meta.getUser('a'))!;
          return [u.password_hash, u.token_generation, u.disabled];
        };
        await meta.setPasswordHash('a', 'rehashed');
        assert.deepEqual(await state(), ['rehashed', 0, false]);
        await meta.changePassword('a', 'new');
        assert.deepEqual(await state(), ['new', 1, false]);
        await meta.setUserDisabled('a', true);
        assert.deepEqual(await state(), ['new', 2, true]);
        await meta.setUserDisabled('a', false);
        assert.deepEqual(await state(), ['new', 2, false]);
        assert.equal((await meta.getUser('b'))?.token_generation, 0);
        await assert.rejects(async () => await meta.changePassword('nobody', 'x'), NotFoundError);
        await assert.rejects(async () => await meta.setUserDisabled('nobody', true), NotFoundError);
      }),
    );

    it(
      'scopes photos to active products of brands actively linked to the store',
      withStore(async (meta) => {
        const f = await seed(meta);
        const set = async (store: string) => new Set(ids(await all(meta, store)));
        assert.deepEqual(
          await set(f.s1),
          new Set([f.photos.a1.id, f.photos.a2.id, f.photos.b1.id]),
        );
        assert.deepEqual(await set(f.s2), new Set([f.photos.b1.id, f.photos.c1.id]));
        assert.deepEqual(await meta.getPhotoInScope(f.s2, f.photos.b1.id), f.photos.b1);
        assert.equal(await meta.getPhotoInScope(f.s2, f.photos.a1.id), undefined);
        assert.equal(
          await meta.getPhotoInScope(f.s1, f.photos.a3.id),
          undefined,
          'inactive product',
        );
        assert.equal(await meta.getPhotoInScope(f.s1, randomUUID()), undefined);
        assert.deepEqual(
          await meta.photosInScope(f.s1, [
            f.photos.a1.id,
            f.photos.a3.id,
            f.photos.c1.id,
            randomUUID(),
          ]),
          new Set([f.photos.a1.id]),
        );
        assert.deepEqual(await meta.photosInScope(f.s1, []), new Set());
        assert.deepEqual(
          await meta.getPhoto(f.photos.a3.id),
          f.photos.a3,
          'admin read ignores scope',
        );
        assert.equal(await meta.getPhoto(randomUUID()), undefined);
      }),
    );

    it(
      'returns every reference field, version 1 and millisecond ISO times on a new photo',
      withStore(async (meta) => {
        const f = await seed(meta);
        const input = newPhoto(f.products.a1, {
          id: randomUUID(),
          is_primary: true,
          sort_order: 3,
        });
        const p = await meta.addPhoto(input);
        // Every field the caller gave comes back as given.
        const given = Object.fromEntries(
          Object.keys(input).map((k) => [k, p[k as keyof typeof p]]),
        );
        assert.deepEqual(given, input);
        assert.equal(p.product_sku, '1000');
        assert.equal(p.product_name, 'Nasi Goreng');
        assert.equal(p.version, 1);
        assert.match(p.created_at, ISO_MS);
        assert.equal(p.updated_at, p.created_at);
        assert.match(
          (await meta.addPhoto(newPhoto(f.products.a1))).id,
          /^[0-9a-f-]{36}$/,
          'id assigned when absent',
        );
      }),
    );

    it(
      'orders by (updated_at, id) with strictly increasing write times',
      withStore(async (meta) => {
        const f = await seed(meta);
        const photos = await all(meta, f.s1);
        assert.deepEqual(ids(photos), ids([...photos].sort(byOrder)));
        const writes = [f.photos.a1, f.photos.a2, f.photos.b1, f.photos.c1, f.photos.a3];
        for (let i = 1; i < writes.length; i++)
          assert.ok(writes[i - 1]!.updated_at < writes[i]!.updated_at);
        const touched = await meta.setSortOrder(f.photos.a1.id, 5);
        assert.ok(touched.updated_at > f.photos.a3.updated_at);
        assert.equal(
          (await all(meta, f.s1)).at(-1)!.id,
          f.photos.a1.id,
          'a changed photo moves to the end',
        );
      }),
    );

    it(
      'treats since as inclusive and counts total per store + since',
      withStore(async (meta) => {
        const f = await seed(meta);
        const page = await meta.listPhotos({
          store_id: f.s1,
          since: f.photos.a2.updated_at,
          limit: 1,
        });
        assert.deepEqual(ids(page.photos), [f.photos.a2.id]);
        assert.equal(page.total, 2, 'a2 and b1 match since; total ignores limit');
        const offsetSince = f.photos.a2.updated_at.replace('Z', '+00:00');
        assert.deepEqual(
          ids(await all(meta, f.s1, offsetSince)),
          [f.photos.a2.id, f.photos.b1.id],
          '+00:00 form accepted',
        );
        const later = await meta.listPhotos({
          store_id: f.s1,
          since: '2999-01-01T00:00:00Z',
          limit: 10,
        });
        assert.deepEqual(later.photos, []);
        assert.equal(later.total, 0);
        assert.equal((await meta.listPhotos({ store_id: f.s2, limit: 0 })).total, 2);
      }),
    );

    it(
      'pages by offset and by cursor; the cursor wins over offset',
      withStore(async (meta) => {
        const f = await seed(meta);
        for (let i = 0; i < 7; i++) await addPhoto(meta, f.products.b1, { sort_order: i + 1 });
        const full = await all(meta, f.s2);
        assert.equal(full.length, 9);
        const byOffset: PhotoRecord[] = [];
        for (let offset = 0; offset < full.length; offset += 4) {
          const page = await meta.listPhotos({ store_id: f.s2, limit: 4, offset });
          assert.equal(page.total, 9);
          byOffset.push(...page.photos);
        }
        assert.deepEqual(ids(byOffset), ids(full));
        assert.deepEqual(ids(await readWithCursor(meta, f.s2, 4, () => {})), ids(full));
        const c = full[2]!;
        const after = await meta.listPhotos({
          store_id: f.s2,
          limit: 3,
          offset: 5,
          cursor: { updated_at: c.updated_at, id: c.id },
        });
        assert.deepEqual(
          ids(after.photos),
          ids(full.slice(3, 6)),
          'rows strictly after the cursor',
        );
        assert.equal(after.total, 9);
        const sinceAndCursor = await meta.listPhotos({
          store_id: f.s2,
          since: full[1]!.updated_at,
          limit: 100,
          cursor: { updated_at: c.updated_at, id: c.id },
        });
        assert.deepEqual(ids(sinceAndCursor.photos), ids(full.slice(3)));
        assert.equal(sinceAndCursor.total, 8);
      }),
    );

    it(
      'cursor paging skips nothing while photos change between pages (offset paging would)',
      withStore(async (meta) => {
        const f = await seed(meta);
        for (let i = 0; i < 10; i++) await addPhoto(meta, f.products.a2);
        const before = await all(meta, f.s1);
        const firstPage = before.slice(0, 3);
        const unread = before.slice(3);
        const added: PhotoRecord[] = [];
        const seen = await readWithCursor(meta, f.s1, 3, async (page) => {
          if (page !== 0) return;
          await meta.setSortOrder(firstPage[0]!.id, 9); // an already-read photo changes: moves behind the unread ones
          await meta.replacePhoto(unread[2]!.id, {
            expected_version: unread[2]!.version,
            object_key: 'new',
            filename: 'n.jpg',
            size: 5,
            content_type: 'image/jpeg',
            checksum: 'abc',
          });
          await meta.deletePhoto(unread[4]!.id);
          added.push(await addPhoto(meta, f.products.b1));
        });
        const final = await all(meta, f.s1);
        const latest = new Map(seen.map((p) => [p.id, p]));
        for (const p of final)
          assert.deepEqual(latest.get(p.id), p, `final state of ${p.id} was read`);
        assert.ok(latest.has(added[0]!.id));
        // Same change between pages, read with offsets: the row shifted into the already-read range is lost.
        const offsetPage2 = (await meta.listPhotos({ store_id: f.s1, limit: 3, offset: 3 })).photos;
        await meta.setSortOrder(final[0]!.id, 1);
        const offsetPage3 = (await meta.listPhotos({ store_id: f.s1, limit: 3, offset: 6 })).photos;
        const skipped = final[6]!.id;
        assert.ok(![...offsetPage2, ...offsetPage3].some((p) => p.id === skipped));
      }),
    );

    it(
      'as_of is ISO ms, after everything read, and never after a later write',
      withStore(async (meta) => {
        const f = await seed(meta);
        const page = await meta.listPhotos({ store_id: f.s1, limit: 100 });
        assert.match(page.as_of, ISO_MS);
        for (const p of page.photos)
          assert.ok(p.updated_at < page.as_of, 'everything read is before as_of');
        const later = await meta.setSortOrder(f.photos.b1.id, 4);
        assert.ok(later.updated_at >= page.as_of);
        const added = await addPhoto(meta, f.products.a1);
        assert.deepEqual(ids(await all(meta, f.s1, page.as_of)), [later.id, added.id]);
        assert.deepEqual(ids(await all(meta, f.s2, page.as_of)), [later.id]);
      }),
    );

    it(
      'writes a tombstone per store that saw a deleted photo',
      withStore(async (meta) => {
        const f = await seed(meta);
        const { as_of } = await meta.listPhotos({ store_id: f.s1, limit: 1 });
        await meta.deletePhoto(f.photos.b1.id);
        await meta.deletePhoto(f.photos.a3.id); // never in scope: no tombstone anywhere
        assert.equal(await meta.getPhoto(f.photos.b1.id), undefined);
        assert.deepEqual(await meta.listTombstones(f.s1), [f.photos.b1.id]);
        assert.deepEqual(await meta.listTombstones(f.s2, as_of), [f.photos.b1.id]);
        assert.ok(!ids(await all(meta, f.s2)).includes(f.photos.b1.id));
        const { as_of: after } = await meta.listPhotos({ store_id: f.s1, limit: 1 });
        assert.deepEqual(
          await meta.listTombstones(f.s1, after),
          [],
          'since filters on deletion time',
        );
        await meta.deletePhoto(f.photos.c1.id);
        assert.deepEqual(await meta.listTombstones(f.s1), [f.photos.b1.id]);
        assert.deepEqual(await meta.listTombstones(f.s2), [f.photos.b1.id, f.photos.c1.id]);
      }),
    );

    it(
      'tombstones a deactivated product and revives it with a newer updated_at',
      withStore(async (meta) => {
        const f = await seed(meta);
        const extra = await addPhoto(meta, f.products.b1);
        const { as_of } = await meta.listPhotos({ store_id: f.s1, limit: 1 });
        await meta.setProductActive(f.products.b1, false);
        assert.equal((await meta.getProduct(f.products.b1))!.active, false);
        for (const s of [f.s1, f.s2]) {
          assert.deepEqual(
            new Set(await meta.listTombstones(s, as_of)),
            new Set([f.photos.b1.id, extra.id]),
          );
          assert.equal(await meta.getPhotoInScope(s, extra.id), undefined);
        }
        const { as_of: beforeRevive } = await meta.listPhotos({ store_id: f.s1, limit: 1 });
        await meta.setProductActive(f.products.b1, true);
        for (const s of [f.s1, f.s2]) {
          assert.deepEqual(
            await meta.listTombstones(s),
            [],
            'a photo back in scope is no longer reported deleted',
          );
          assert.deepEqual(
            new Set(ids(await all(meta, s, beforeRevive))),
            new Set([f.photos.b1.id, extra.id]),
          );
        }
        const { as_of: settled } = await meta.listPhotos({ store_id: f.s1, limit: 1 });
        await meta.setProductActive(f.products.b1, true);
        assert.deepEqual(
          await all(meta, f.s1, settled),
          [],
          'activating an active product changes nothing',
        );
      }),
    );

    it(
      'tombstones only the unlinking store and revives the brand on relink',
      withStore(async (meta) => {
        const f = await seed(meta);
        const { as_of } = await meta.listPhotos({ store_id: f.s1, limit: 1 });
        await meta.unlinkBrand(f.s1, f.brands.B);
        assert.deepEqual(await meta.listTombstones(f.s1, as_of), [f.photos.b1.id]);
        assert.deepEqual(await meta.listTombstones(f.s2), []);
        assert.ok(await meta.getPhotoInScope(f.s2, f.photos.b1.id));
        assert.equal(await meta.getPhotoInScope(f.s1, f.photos.b1.id), undefined);
        await meta.unlinkBrand(f.s1, f.brands.C); // never linked: nothing to do
        assert.deepEqual(await meta.listTombstones(f.s1), [f.photos.b1.id]);
        const { as_of: beforeRelink } = await meta.listPhotos({ store_id: f.s1, limit: 1 });
        await meta.linkBrand(f.s1, f.brands.B);
        assert.deepEqual(await meta.listTombstones(f.s1), []);
        assert.deepEqual(ids(await all(meta, f.s1, beforeRelink)), [f.photos.b1.id]);
        // Leaving again re-reports it, with the new deletion time.
        const { as_of: beforeSecond } = await meta.listPhotos({ store_id: f.s1, limit: 1 });
        await meta.unlinkBrand(f.s1, f.brands.B);
        assert.deepEqual(await meta.listTombstones(f.s1, beforeSecond), [f.photos.b1.id]);
      }),
    );

    it(
      'replacePhoto bumps version, bytes fields and updated_at',
      withStore(async (meta) => {
        const f = await seed(meta);
        const r = {
          object_key: 'products/x/v2.jpg',
          filename: 'v2.jpg',
          size: 4242,
          content_type: 'image/jpeg',
          checksum: 'f'.repeat(32),
        };
        const v2 = await meta.replacePhoto(f.photos.a1.id, { ...r, expected_version: 1 });
        assert.deepEqual(v2, { ...f.photos.a1, ...r, version: 2, updated_at: v2.updated_at });
        assert.ok(v2.updated_at > f.photos.a3.updated_at);
        assert.equal(
          (await meta.replacePhoto(f.photos.a1.id, { ...r, expected_version: 2 })).version,
          3,
        );
        assert.deepEqual((await meta.getPhoto(f.photos.a1.id))!.created_at, f.photos.a1.created_at);
      }),
    );

    it(
      'keeps one primary per product and bumps every photo whose flag changed',
      withStore(async (meta) => {
        const f = await seed(meta);
        const p1 = await addPhoto(meta, f.products.c1, { is_primary: true, sort_order: 0 });
        const p2 = await addPhoto(meta, f.products.c1, { sort_order: 1 });
        const { as_of } = await meta.listPhotos({ store_id: f.s2, limit: 1 });
        const now2 = await meta.setPrimary(p2.id);
        assert.equal(now2.is_primary, true);
        assert.equal((await meta.getPhoto(p1.id))!.is_primary, false);
        assert.deepEqual(
          new Set(ids(await all(meta, f.s2, as_of))),
          new Set([p1.id, p2.id]),
          'both changed rows are re-listed',
        );
        const p3 = await addPhoto(meta, f.products.c1, { is_primary: true });
        assert.equal(
          (await meta.getPhoto(p2.id))!.is_primary,
          false,
          'adding a primary demotes the old one',
        );
        assert.equal(p3.is_primary, true);
        const sorted = await meta.setSortOrder(p1.id, 7);
        assert.equal(sorted.sort_order, 7);
        assert.ok(sorted.updated_at > p3.updated_at);
      }),
    );

    it(
      'upserts sync status per (store, photo, terminal), idempotently',
      withStore(async (meta) => {
        const f = await seed(meta);
        const batch = [
          {
            photo_id: f.photos.b1.id,
            status: 'synced' as const,
            synced_at: '2026-02-03T10:05:00Z',
            error: null,
          },
          {
            photo_id: f.photos.a1.id,
            status: 'failed' as const,
            synced_at: null,
            error: 'Network timeout',
          },
        ];
        assert.equal(await meta.recordStatus(f.s1, 'till-1', batch), 2);
        assert.equal(await meta.recordStatus(f.s1, 'till-1', batch), 2);
        const once = await meta.listStatus(f.s1);
        assert.equal(once.length, 2, 'repeating a batch adds no rows');
        const a1 = once.find((r) => r.photo_id === f.photos.a1.id)!;
        assert.deepEqual(
          { ...a1, reported_at: undefined },
          { ...batch[1], store_id: f.s1, terminal_id: 'till-1', reported_at: undefined },
        );
        assert.match(a1.reported_at, ISO_MS);
        await meta.recordStatus(f.s1, 'till-2', [batch[0]!]);
        await meta.recordStatus(f.s1, 'till-1', [
          {
            photo_id: f.photos.a1.id,
            status: 'synced',
            synced_at: '2026-02-03T11:00:00Z',
            error: null,
          },
        ]);
        const rows = (await meta.listStatus(f.s1)).map(
          (r) => `${r.photo_id}|${r.terminal_id}|${r.status}|${r.error}`,
        );
        assert.deepEqual(
          new Set(rows),
          new Set([
            `${f.photos.b1.id}|till-1|synced|null`,
            `${f.photos.b1.id}|till-2|synced|null`,
            `${f.photos.a1.id}|till-1|synced|null`,
          ]),
        );
        assert.deepEqual(await meta.listStatus(f.s2), [], 'status is per store');
        await assert.rejects(
          async () =>
            await meta.recordStatus(f.s1, 'till-1', [{ ...batch[0]!, status: 'done' as 'synced' }]),
          InvalidInputError,
        );
      }),
    );

    it(
      'replacePhoto is a compare-and-set on the version read: a stale writer gets ConflictError and changes nothing',
      withStore(async (meta) => {
        const f = await seed(meta);
        const r = (object_key: string, expected_version: number) => ({
          expected_version,
          object_key,
          filename: 'r.jpg',
          size: 3,
          content_type: 'image/jpeg',
          checksum: object_key.padEnd(32, '0'),
        });
        const won = await meta.replacePhoto(f.photos.a1.id, r('winner', 1));
        await assert.rejects(
          meta.replacePhoto(f.photos.a1.id, r('loser', 1)),
          (e) =>
            e instanceof ConflictError && /changed while it was being replaced/.test(e.message),
        );
        assert.deepEqual(await meta.getPhoto(f.photos.a1.id), won);
        assert.equal(await meta.isObjectUnreferenced('loser'), true);
      }),
    );

    it(
      'lists the object a replacement or deletion stopped referencing as retired, until forgotten',
      withStore(async (meta) => {
        const f = await seed(meta);
        const before = Date.now();
        await meta.replacePhoto(f.photos.a1.id, {
          expected_version: 1,
          object_key: 'products/a1/new.jpg',
          filename: 'n.jpg',
          size: 1,
          content_type: 'image/jpeg',
          checksum: 'c',
        });
        await meta.deletePhoto(f.photos.b1.id);
        const retired = await meta.listRetiredObjects();
        assert.deepEqual(
          retired.map((x) => x.object_key).sort(),
          [f.photos.a1.object_key, f.photos.b1.object_key].sort(),
        );
        for (const x of retired) assert.ok(x.retired_ms >= before && x.retired_ms <= Date.now());
        await meta.forgetRetiredObjects([f.photos.a1.object_key]);
        assert.deepEqual(
          (await meta.listRetiredObjects()).map((x) => x.object_key),
          [f.photos.b1.object_key],
        );
      }),
    );

    it(
      'tracks whether an object key is still referenced',
      withStore(async (meta) => {
        const f = await seed(meta);
        const shared = 'products/shared/one.jpg';
        const x = await addPhoto(meta, f.products.a1, { object_key: shared });
        const y = await addPhoto(meta, f.products.c1, { object_key: shared });
        assert.equal(await meta.isObjectUnreferenced(shared), false);
        await meta.deletePhoto(x.id);
        assert.equal(
          await meta.isObjectUnreferenced(shared),
          false,
          'still used by the other product',
        );
        await meta.replacePhoto(y.id, {
          expected_version: y.version,
          object_key: 'products/shared/two.jpg',
          filename: 't.jpg',
          size: 1,
          content_type: 'image/jpeg',
          checksum: 'c',
        });
        assert.equal(await meta.isObjectUnreferenced(shared), true);
        assert.equal(await meta.isObjectUnreferenced('products/shared/two.jpg'), false);
        assert.equal(await meta.isObjectUnreferenced('never/used.jpg'), true);
      }),
    );
  });
}
