/**
 * Large catalogs for benchmarks (e.g. 2,000 photos of ~100 KB). Rendering every photo would be slow,
 * so a few dozen textured base tiles are rendered at a size calibrated to land near the requested
 * average, and each photo is made unique by a JPEG comment carrying its id (still a valid JPEG).
 */
import { InvalidInputError } from '../persistence/errors';
import type { ImageRepository, MetadataRepository } from '../persistence/types';
import { DEMO_BRANDS, SHARED_PRODUCT } from './demo-menu';
import { stableUuid, storePhoto } from './photo-writer';
import { cachedTileJpeg } from './tile-cache';
import { prng, withJpegComment } from './tile-jpeg';

const BASE_TILES = 24;
const WRITE_CONCURRENCY = 8;
/** Observed bytes per pixel of a grainy tile at quality 80; only the first guess, calibration corrects it. */
const BYTES_PER_PIXEL_GUESS = 0.23;

/** Options of generateCatalog. */
export interface CatalogOptions {
  photos: number;
  avgBytes: number;
  /** Same seed and options -> same ids and bytes. Default 1. */
  seed?: number;
}

function renderBaseTiles(seed: number, targetBytes: number): Buffer[] {
  const render = (i: number, size: number) =>
    cachedTileJpeg({
      title: `Catalog sample ${i + 1}`,
      subtitle: `Benchmark seed ${seed}`,
      caption: 'Benchmark',
      seed: seed * 1000 + i,
      variant: i % 3,
      size,
      grain: 14,
      quality: 80,
    });
  let size = Math.round(Math.sqrt(targetBytes / BYTES_PER_PIXEL_GUESS));
  for (let attempt = 0; attempt < 4; attempt++) {
    const probe = render(0, size).length;
    if (Math.abs(probe - targetBytes) < targetBytes * 0.03) break;
    size = Math.min(4096, Math.max(48, Math.round(size * Math.sqrt(targetBytes / probe))));
  }
  return Array.from({ length: BASE_TILES }, (_, i) => render(i, size));
}

async function forEachLimited<T>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      await fn(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

/**
 * Creates a benchmark company, brand, products and `photos` photos averaging about `avgBytes`, then a
 * store that sees all of them, and returns that store. Works on a non-empty database; running again
 * with the same options returns the existing store (it is created last, so it exists only when complete).
 */
export async function generateCatalog(
  meta: MetadataRepository,
  images: ImageRepository,
  opts: CatalogOptions,
): Promise<{ storeId: string }> {
  const { photos, avgBytes, seed = 1 } = opts;
  if (!Number.isSafeInteger(photos) || photos < 1)
    throw new InvalidInputError(`photos must be a positive integer, got ${photos}`);
  if (!Number.isSafeInteger(avgBytes) || avgBytes < 2000)
    throw new InvalidInputError(`avgBytes must be an integer >= 2000, got ${avgBytes}`);
  if (!Number.isSafeInteger(seed))
    throw new InvalidInputError(`seed must be an integer, got ${seed}`);
  const ns = `bench/${seed}/${photos}/${avgBytes}`;
  const storeId = stableUuid(`${ns}/store`);
  if (await meta.getStore(storeId)) return { storeId };

  const companyId = stableUuid(`${ns}/company`);
  const brandId = stableUuid(`${ns}/brand`);
  await meta.createCompany({ id: companyId, name: `Benchmark Catalog (seed ${seed})` });
  await meta.createBrand({ id: brandId, company_id: companyId, name: 'Benchmark Kitchen' });

  const dishes = DEMO_BRANDS.flatMap((b) => b.products).filter((name) => name !== SHARED_PRODUCT);
  const rand = prng(seed);
  const plan: { id: string; product_id: string; n: number }[] = [];
  for (let j = 0; plan.length < photos; j++) {
    const product_id = stableUuid(`${ns}/product/${j}`);
    const name = `${dishes[j % dishes.length]!} ${String(j + 1).padStart(4, '0')}`;
    await meta.createProduct({
      id: product_id,
      brand_id: brandId,
      sku: `9${String(j).padStart(7, '0')}`,
      name,
      active: true,
    });
    const count = Math.min(rand() < 0.25 ? 2 : 1, photos - plan.length);
    for (let n = 0; n < count; n++)
      plan.push({ id: stableUuid(`${ns}/photo/${plan.length}`), product_id, n });
  }

  const comment = (id: string) => `product-photo-sync benchmark seed=${seed} photo=${id}`;
  const tiles = renderBaseTiles(seed, avgBytes - comment(plan[0]!.id).length - 4);
  await forEachLimited(plan, WRITE_CONCURRENCY, async ({ id, product_id, n }, i) => {
    await storePhoto(meta, images, {
      id,
      product_id,
      bytes: withJpegComment(tiles[i % tiles.length]!, comment(id)),
      filename: `bench-${String(i + 1).padStart(5, '0')}.jpg`,
      is_primary: n === 0,
      sort_order: n,
    });
  });

  await meta.createStore({
    id: storeId,
    company_id: companyId,
    code: `BENCH-${seed}-${photos}-${avgBytes}`,
    name: `Benchmark store (${photos} photos)`,
  });
  await meta.linkBrand(storeId, brandId);
  return { storeId };
}
