/** Helpers shared by the demo seed and the benchmark catalog generator. */
import { createHash } from 'node:crypto';
import type { ImageRepository, MetadataRepository, PhotoRecord } from '../persistence/types';

/** A fixed, valid (version 5 layout) UUID derived from `name`, so generated catalogs are identical on every run. */
export function stableUuid(name: string): string {
  const h = createHash('sha1').update(`product-photo-sync/${name}`).digest('hex');
  const variant = ((parseInt(h[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** One photo to store: bytes plus the catalog fields that are not derived from them. */
export interface PhotoUpload {
  id: string;
  product_id: string;
  bytes: Buffer;
  filename: string;
  is_primary: boolean;
  sort_order: number;
  /** Defaults to products/<product_id>/<id>.jpg; pass another photo's key to share its object. */
  object_key?: string;
}

/** Writes the bytes first and the metadata second, so a photo row never points at missing or different bytes. */
export async function storePhoto(
  meta: MetadataRepository,
  images: ImageRepository,
  u: PhotoUpload,
): Promise<PhotoRecord> {
  const object_key = u.object_key ?? `products/${u.product_id}/${u.id}.jpg`;
  const { size } = await images.put(object_key, u.bytes);
  return await meta.addPhoto({
    id: u.id,
    product_id: u.product_id,
    object_key,
    filename: u.filename,
    size,
    content_type: 'image/jpeg',
    checksum: createHash('md5').update(u.bytes).digest('hex'),
    is_primary: u.is_primary,
    sort_order: u.sort_order,
  });
}
