/**
 * The PhotoWriter contract suite (plus the sweep that completes it), run against every way a server
 * stores photo bytes: files written before the row, and bytes in the database in the row's transaction.
 * It talks to the stores only through the ports.
 */
import assert from 'node:assert/strict';
import { createHash, randomUUID } from 'node:crypto';
import { describe, it } from 'node:test';
import { ConflictError, NotFoundError } from '../../server/src/persistence/errors';
import { OBJECT_GRACE_MS, sweepObjects } from '../../server/src/persistence/object-sweeper';
import type {
  ImageRepository,
  MetadataRepository,
  NewPhoto,
  PhotoRecord,
  PhotoWriter,
} from '../../server/src/persistence/types';

/** The three ports of one deployment, sharing one store. */
export interface PhotoStores {
  meta: MetadataRepository;
  images: ImageRepository;
  photos: PhotoWriter;
}

const md5 = (b: Buffer) => createHash('md5').update(b).digest('hex');

async function keys(images: ImageRepository): Promise<string[]> {
  const found: string[] = [];
  for await (const o of images.list()) found.push(o.key);
  return found.sort();
}

async function content(images: ImageRepository, key: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of images.read(key)) chunks.push(Buffer.from(c as Uint8Array));
  return Buffer.concat(chunks);
}

/** A product to hang photos on. */
async function product(meta: MetadataRepository): Promise<string> {
  const [company, brand, id] = [randomUUID(), randomUUID(), randomUUID()];
  await meta.createCompany({ id: company, name: 'C' });
  await meta.createBrand({ id: brand, company_id: company, name: 'B' });
  await meta.createProduct({ id, brand_id: brand, sku: '1', name: 'P', active: true });
  return id;
}

function photo(product_id: string, bytes: Buffer): NewPhoto {
  return {
    product_id,
    object_key: `products/${product_id}/${randomUUID()}.jpg`,
    filename: 'p.jpg',
    size: bytes.length,
    content_type: 'image/jpeg',
    checksum: md5(bytes),
    is_primary: false,
    sort_order: 0,
  };
}

function replacement(p: PhotoRecord, bytes: Buffer, expected_version = p.version) {
  return {
    expected_version,
    object_key: `products/${p.product_id}/${p.id}/${randomUUID()}.jpg`,
    filename: 'r.jpg',
    size: bytes.length,
    content_type: 'image/jpeg',
    checksum: md5(bytes),
  };
}

/** Registers the suite; `make` returns fresh, empty stores per test. */
export function photoWriterContract(name: string, make: () => Promise<PhotoStores>): void {
  describe(`PhotoWriter contract: ${name}`, () => {
    it('adds a row and its bytes together; a refused row leaves no bytes', async () => {
      const { meta, images, photos } = await make();
      const pid = await product(meta);
      const bytes = Buffer.from('first version');
      const added = await photos.addPhoto(photo(pid, bytes), bytes);
      assert.equal(md5(await content(images, added.object_key)), added.checksum);
      await assert.rejects(
        photos.addPhoto(photo(randomUUID(), bytes), bytes),
        NotFoundError,
        'unknown product',
      );
      assert.deepEqual(await keys(images), [added.object_key]);
    });

    it('of concurrent replacements from one version exactly one wins; the losers get ConflictError and leave no bytes', async () => {
      const { meta, images, photos } = await make();
      const first = Buffer.from('v1');
      const p = await photos.addPhoto(photo(await product(meta), first), first);
      const results = await Promise.allSettled(
        Array.from({ length: 8 }, (_, i) => {
          const bytes = Buffer.from(`writer ${i}`);
          return photos.replacePhoto(p.id, replacement(p, bytes), bytes);
        }),
      );
      const won = results.filter((r) => r.status === 'fulfilled');
      assert.equal(won.length, 1);
      for (const r of results)
        if (r.status === 'rejected') assert.ok(r.reason instanceof ConflictError, String(r.reason));
      const row = (await meta.getPhoto(p.id))!;
      assert.deepEqual(row, (won[0] as PromiseFulfilledResult<PhotoRecord>).value);
      assert.equal(row.version, 2);
      assert.equal(md5(await content(images, row.object_key)), row.checksum);
      // The old bytes stay for downloads still reading them; no loser's bytes were kept.
      assert.deepEqual(await keys(images), [p.object_key, row.object_key].sort());
    });

    it('sweeps retired and orphaned bytes only past the grace period, never referenced ones', async () => {
      const { meta, images, photos } = await make();
      const pid = await product(meta);
      const first = Buffer.from('one');
      const p = await photos.addPhoto(photo(pid, first), first);
      const second = Buffer.from('two');
      const r = await photos.replacePhoto(p.id, replacement(p, second), second);
      const gone = await photos.addPhoto(photo(pid, first), first);
      await meta.deletePhoto(gone.id);
      const orphan = `products/${pid}/orphan.jpg`;
      await images.put(orphan, Buffer.from('a crash between bytes and row'));

      assert.deepEqual(await sweepObjects(meta, images, Date.now()), [], 'within the grace period');
      assert.equal((await keys(images)).length, 4);
      const later = Date.now() + OBJECT_GRACE_MS + 1000;
      assert.deepEqual(
        (await sweepObjects(meta, images, later)).sort(),
        [p.object_key, gone.object_key, orphan].sort(),
      );
      assert.deepEqual(await keys(images), [r.object_key]);
      assert.deepEqual(await meta.listRetiredObjects(), [], 'swept retirements are forgotten');
      assert.equal(md5(await content(images, r.object_key)), r.checksum);
    });
  });
}
