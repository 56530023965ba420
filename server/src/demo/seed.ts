/**
 * Demo data for a fresh HO: an Indonesian F&B chain with two stores selling different but
 * overlapping brands, 66 products and ~100 real JPEG product tiles, all generated locally.
 */
import type { ImageRepository, MetadataRepository } from '../persistence/types';
import { DEMO_BRANDS, SHARED_PRODUCT, photoCount } from './demo-menu';
import { stableUuid, storePhoto } from './photo-writer';
import { cachedTileJpeg } from './tile-cache';

export { generateCatalog } from './bench-catalog';

/** Fixed ids of the demo company and stores (printed by the README and on start-up). */
export const DEMO = {
  companyId: '6f1c2d3e-4a5b-4c6d-8e7f-901a2b3c4d5e',
  companyName: 'Rasa Nusantara Group',
  stores: [
    {
      id: '3d2b7c1e-9f4a-4e8b-a6c5-1f2e3d4c5b6a',
      code: 'JKT-01',
      name: 'Jakarta Thamrin Food Court',
    },
    { id: '8a7b6c5d-4e3f-4a1b-9c8d-7e6f5a4b3c2d', code: 'BDG-01', name: 'Bandung Dago' },
  ],
} as const;

const slug = (s: string) =>
  s
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');

/** Seeds the demo catalog (no users) into an empty store; does nothing when any company already exists. */
export async function seedDemo(meta: MetadataRepository, images: ImageRepository): Promise<void> {
  if (!(await meta.isEmpty())) return;
  await meta.createCompany({ id: DEMO.companyId, name: DEMO.companyName });
  for (const s of DEMO.stores) await meta.createStore({ ...s, company_id: DEMO.companyId });
  const storeId = new Map<string, string>(DEMO.stores.map((s) => [s.code, s.id]));
  const products = DEMO_BRANDS.flatMap((brand, b) => {
    const brand_id = stableUuid(`demo/brand/${brand.key}`);
    return brand.products.map((name, i) => ({
      brand,
      brand_id,
      name,
      id: stableUuid(`demo/product/${brand.key}/${slug(name)}`),
      sku: `0${b + 1}${String(18_000 + i * 37).padStart(6, '0')}`,
    }));
  });
  for (const brand of DEMO_BRANDS) {
    const brand_id = stableUuid(`demo/brand/${brand.key}`);
    await meta.createBrand({ id: brand_id, company_id: DEMO.companyId, name: brand.name });
    for (const code of brand.stores) await meta.linkBrand(storeId.get(code)!, brand_id);
  }
  const sharedSkus = products
    .filter((p) => p.name === SHARED_PRODUCT)
    .map((p) => p.sku)
    .join(' / ');
  let shared: { object_key: string; bytes: Buffer } | undefined;
  for (const [index, p] of products.entries()) {
    await meta.createProduct({
      id: p.id,
      brand_id: p.brand_id,
      sku: p.sku,
      name: p.name,
      active: true,
    });
    const count = photoCount(index);
    for (let n = 0; n < count; n++) {
      const id = stableUuid(`demo/photo/${p.id}/${n}`);
      const base = {
        id,
        product_id: p.id,
        filename: `${slug(p.name)}-${n + 1}.jpg`,
        is_primary: n === 0,
        sort_order: n,
      };
      const sharing = p.name === SHARED_PRODUCT && n === 0;
      if (sharing && shared) {
        // Same bytes, same object: a second catalog row pointing at the first product's image.
        await storePhoto(meta, images, { ...base, ...shared });
        continue;
      }
      const bytes = cachedTileJpeg({
        title: p.name,
        subtitle: sharing ? `SKU ${sharedSkus}` : `SKU ${p.sku}`,
        caption: sharing ? 'Side dish' : p.brand.name,
        badge: count > 1 ? `${n + 1}/${count}` : undefined,
        seed: index,
        variant: n,
        size: 400,
        grain: 3,
        quality: 84,
      });
      const photo = await storePhoto(meta, images, { ...base, bytes });
      if (sharing) shared = { object_key: photo.object_key, bytes };
    }
  }
}
