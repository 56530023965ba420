/** The demo seed and the benchmark catalog generator, checked through the store interfaces. */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import jpeg from 'jpeg-js';
import { DEMO, generateCatalog, seedDemo } from '../../server/src/demo/seed';
import { cachedTileJpeg, TILE_CACHE_DIR } from '../../server/src/demo/tile-cache';
import { renderTileJpeg } from '../../server/src/demo/tile-jpeg';
import { FsImageRepository } from '../../server/src/persistence/fs-image-repository';
import { openMetadataRepository } from '../../server/src/persistence/sql-metadata';
import type {
  ImageRepository,
  MetadataRepository,
  PhotoRecord,
} from '../../server/src/persistence/types';

const TILE_CACHE_MODULE = fileURLToPath(
  new URL('../../server/src/demo/tile-cache.ts', import.meta.url),
);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[1-5][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const dir = mkdtempSync(path.join(tmpdir(), 'demo-seed-'));
after(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;

async function openStores(): Promise<{ meta: MetadataRepository; images: ImageRepository }> {
  const root = path.join(dir, `run-${n++}`);
  return {
    meta: await openMetadataRepository({ sqlite: ':memory:' }),
    images: new FsImageRepository(path.join(root, 'images')),
  };
}

async function readAll(images: ImageRepository, key: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of images.read(key)) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** Map.groupBy is Node 21+. */
function groupBy<T>(items: T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) groups.set(key(item), [...(groups.get(key(item)) ?? []), item]);
  return groups;
}

const storePhotos = async (meta: MetadataRepository, store_id: string) =>
  (await meta.listPhotos({ store_id, limit: 1000 })).photos;

describe('seedDemo', () => {
  let meta: MetadataRepository;
  let images: ImageRepository;
  let byStore: PhotoRecord[][] = [];
  let photos: PhotoRecord[] = [];
  before(async () => {
    ({ meta, images } = await openStores());
    await seedDemo(meta, images);
    byStore = await Promise.all(DEMO.stores.map((s) => storePhotos(meta, s.id)));
    photos = [...new Map(byStore.flat().map((p) => [p.id, p])).values()];
  });
  after(() => meta.close());

  it('creates the two demo stores with the published ids, and no users', async () => {
    assert.match(DEMO.companyId, UUID);
    assert.deepEqual(
      (await meta.listStores())
        .map(({ id, code, name }) => ({ id, code, name }))
        .sort((a, b) => a.code.localeCompare(b.code)),
      [...DEMO.stores].sort((a, b) => a.code.localeCompare(b.code)),
    );
    for (const s of DEMO.stores) assert.match(s.id, UUID);
    assert.equal(await meta.getUser('admin'), undefined);
  });

  it('has at least 60 active products, and stores see different but overlapping sets', async () => {
    const products = await meta.listProducts();
    assert.ok(products.length >= 60, `${products.length} products`);
    assert.ok(products.every((p) => p.active));
    assert.ok((await meta.listBrands()).length >= 3);
    const [a, b] = byStore.map((list) => new Set(list.map((p) => p.product_id)));
    const shared = [...a!].filter((id) => b!.has(id));
    assert.ok(shared.length > 0, 'overlap');
    assert.ok(
      a!.size > shared.length && b!.size > shared.length,
      'each store has products the other lacks',
    );
    assert.equal(new Set([...a!, ...b!]).size, products.length, 'every product is sold somewhere');
  });

  it('gives some products 2-3 photos with exactly one primary and distinct sort orders', async () => {
    const perProduct = groupBy(photos, (p) => p.product_id);
    const counts = [...perProduct.values()].map((list) => list.length);
    assert.ok(counts.includes(2) && counts.includes(3), `photo counts ${[...new Set(counts)]}`);
    assert.ok(Math.max(...counts) <= 3);
    for (const list of perProduct.values()) {
      assert.equal(list.filter((p) => p.is_primary).length, 1);
      assert.equal(new Set(list.map((p) => p.sort_order)).size, list.length);
    }
  });

  it('shares one image between two products (same object and checksum)', async () => {
    const groups = [...groupBy(photos, (p) => p.object_key).values()].filter((g) => g.length > 1);
    assert.equal(groups.length, 1);
    const [x, y] = groups[0]!;
    assert.notEqual(x!.product_id, y!.product_id);
    assert.equal(x!.checksum, y!.checksum);
    assert.equal(x!.size, y!.size);
  });

  it('stores real JPEGs whose MD5 and size match the catalog', async () => {
    const names = new Set<string>();
    for (const p of photos) {
      const bytes = await readAll(images, p.object_key);
      assert.equal(createHash('md5').update(bytes).digest('hex'), p.checksum, p.object_key);
      assert.equal(bytes.length, p.size);
      assert.equal(p.content_type, 'image/jpeg');
      assert.deepEqual([...bytes.subarray(0, 2)], [0xff, 0xd8], 'SOI');
      const img = jpeg.decode(bytes);
      assert.ok(img.width >= 200 && img.height === img.width);
      assert.equal(
        p.object_key,
        photos.some((o) => o.object_key === p.object_key && o.product_id !== p.product_id)
          ? p.object_key
          : `products/${p.product_id}/${p.id}.jpg`,
      );
      names.add(p.product_name);
    }
    assert.ok(names.has('NASI GORENG KAMPUNG'));
    assert.equal(
      new Set(photos.map((p) => p.checksum)).size,
      photos.length - 1,
      'all distinct except the shared image',
    );
  });

  it('does nothing on a store that is not empty', async () => {
    const before = await storePhotos(meta, DEMO.stores[0].id);
    await seedDemo(meta, images);
    assert.deepEqual(await storePhotos(meta, DEMO.stores[0].id), before);
  });
});

describe('generateCatalog', () => {
  it('creates N photos with distinct checksums averaging near avgBytes, deterministic per seed', async () => {
    const runs = [await openStores(), await openStores()];
    const opts = { photos: 150, avgBytes: 30_000, seed: 7 };
    const catalogs: PhotoRecord[][] = [];
    for (const { meta, images } of runs) {
      const { storeId } = await generateCatalog(meta, images, opts);
      catalogs.push(await storePhotos(meta, storeId));
    }
    const [first, second] = catalogs;
    assert.equal(first!.length, 150);
    assert.equal(new Set(first!.map((p) => p.checksum)).size, 150);
    const avg = first!.reduce((sum, p) => sum + p.size, 0) / first!.length;
    assert.ok(Math.abs(avg - 30_000) < 30_000 * 0.1, `average ${avg}`);
    const checksums = (list: PhotoRecord[]) => list.map((p) => `${p.id}:${p.checksum}`).sort();
    assert.deepEqual(checksums(second!), checksums(first!), 'same seed, same catalog');
    const { meta, images } = runs[0]!;
    const sample = first![17]!;
    const bytes = await readAll(images, sample.object_key);
    assert.equal(createHash('md5').update(bytes).digest('hex'), sample.checksum);
    assert.ok(jpeg.decode(bytes).width > 0);
    const again = await generateCatalog(meta, images, opts);
    assert.equal(
      (await storePhotos(meta, again.storeId)).length,
      150,
      'rerun returns the finished catalog',
    );
    const other = await generateCatalog(meta, images, { ...opts, seed: 8, photos: 10 });
    const otherSums = new Set((await storePhotos(meta, other.storeId)).map((p) => p.checksum));
    assert.ok(
      first!.every((p) => !otherSums.has(p.checksum)),
      'another seed on the same database adds a distinct catalog',
    );
    for (const r of runs) await r.meta.close();
  });

  it('rejects nonsense options', async () => {
    const { meta, images } = await openStores();
    await assert.rejects(generateCatalog(meta, images, { photos: 0, avgBytes: 100_000 }), /photos/);
    await assert.rejects(generateCatalog(meta, images, { photos: 10, avgBytes: 10 }), /avgBytes/);
    await meta.close();
  });
});

describe('demo tile cache', () => {
  const spec = {
    title: 'Cache probe',
    subtitle: 'SKU 1',
    caption: 'Test',
    seed: process.pid * 1000 + Math.floor(Math.random() * 1000),
    size: 64,
    quality: 80,
  };

  it('gives exactly the bytes the renderer gives, from memory, from disk and after a torn file', () => {
    const rendered = renderTileJpeg(spec);
    assert.deepEqual(cachedTileJpeg(spec), rendered, 'first call renders');
    const files = readdirSync(TILE_CACHE_DIR).filter((f) => f.endsWith('.jpg'));
    const file = files
      .map((f) => path.join(TILE_CACHE_DIR, f))
      .find((f) => readFileSync(f).equals(rendered));
    assert.ok(file !== undefined, 'kept on disk');
    assert.deepEqual(cachedTileJpeg(spec), rendered, 'second call');
    // Another process finds the file; a torn one (no EOI) is rendered again and replaced.
    writeFileSync(file, rendered.subarray(0, rendered.length - 10));
    const fresh = spawnSync(
      process.execPath,
      [
        '--import',
        'tsx',
        '-e',
        `import('${pathToFileURL(TILE_CACHE_MODULE).href}').then((m) => process.stdout.write(m.cachedTileJpeg(${JSON.stringify(spec)}).toString('base64')))`,
      ],
      { encoding: 'utf8' },
    );
    assert.equal(fresh.status, 0, fresh.stderr);
    assert.deepEqual(Buffer.from(fresh.stdout, 'base64'), rendered, 'torn file not used');
    assert.deepEqual(readFileSync(file), rendered, 'torn file replaced');
    rmSync(file);
  });
});
