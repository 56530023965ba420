/**
 * Catalog administration shared by the admin HTTP endpoints and the `npm run ho` CLI: photos
 * (add, replace, primary, sort order, delete), products (activate/deactivate), brand links and
 * sync-status listing. Image bytes are written before metadata points at them, and removed once
 * no photo references them any more.
 */
import { createHash, randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import { Transform } from 'node:stream';
import { InvalidInputError, NotFoundError } from './persistence/errors';
import type {
  Brand,
  ImageRepository,
  MetadataRepository,
  PhotoRecord,
  Product,
  StatusRecord,
  Store,
} from './persistence/types';

/** Image bytes given in memory (HTTP upload) or as a file path (CLI, streamed). */
export type ImageSource = { bytes: Buffer } | { path: string };

/** A new photo of a product. */
export interface AddPhotoInput {
  product_id: string;
  source: ImageSource;
  filename?: string;
  is_primary?: boolean;
  sort_order?: number;
}

const IMAGE_TYPES: { type: string; ext: string; magic: (b: Buffer) => boolean }[] = [
  {
    type: 'image/jpeg',
    ext: '.jpg',
    magic: (b) => b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff,
  },
  {
    type: 'image/png',
    ext: '.png',
    magic: (b) =>
      b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])),
  },
  {
    type: 'image/gif',
    ext: '.gif',
    magic: (b) => /^GIF8[79]a/.test(b.subarray(0, 6).toString('latin1')),
  },
  {
    type: 'image/webp',
    ext: '.webp',
    magic: (b) =>
      b.subarray(0, 4).toString('latin1') === 'RIFF' &&
      b.subarray(8, 12).toString('latin1') === 'WEBP',
  },
];

/** The image type from the first bytes; InvalidInputError for anything that is not JPEG/PNG/GIF/WebP. */
export function sniffImage(head: Buffer): { type: string; ext: string } {
  const hit = IMAGE_TYPES.find((t) => t.magic(head));
  if (!hit) throw new InvalidInputError('Not a JPEG, PNG, GIF or WebP image');
  return { type: hit.type, ext: hit.ext };
}

function checkFilename(name: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what a file name must not hold.
  if (name === '' || name.length > 255 || /[/\\\0-\x1f\x7f]/.test(name)) {
    throw new InvalidInputError(
      'filename must be 1-255 characters without slashes or control characters',
    );
  }
  return name;
}

function checkSortOrder(n: number): number {
  if (!Number.isSafeInteger(n) || n < 0 || n > 1_000_000)
    throw new InvalidInputError('sort_order must be an integer from 0 to 1000000');
  return n;
}

/** Admin operations over the two storage ports. */
export class AdminOps {
  constructor(
    private readonly meta: MetadataRepository,
    private readonly images: ImageRepository,
  ) {}

  /** Every store. */
  listStores(): Promise<Store[]> {
    return this.meta.listStores();
  }

  /** Every brand. */
  listBrands(): Promise<Brand[]> {
    return this.meta.listBrands();
  }

  /** Every product, active or not. */
  listProducts(): Promise<Product[]> {
    return this.meta.listProducts();
  }

  /** Adds a photo to a product (version 1). */
  async addPhoto(input: AddPhotoInput): Promise<PhotoRecord> {
    if (!(await this.meta.getProduct(input.product_id)))
      throw new NotFoundError(`Product ${input.product_id} not found`);
    const id = randomUUID();
    const stored = await this.storeBytes(`products/${input.product_id}/${id}`, 1, input.source);
    return this.linkOrDrop(stored.object_key, () =>
      this.meta.addPhoto({
        id,
        product_id: input.product_id,
        ...stored,
        filename: checkFilename(input.filename ?? defaultName(input.source, stored.ext)),
        is_primary: input.is_primary ?? false,
        sort_order: checkSortOrder(input.sort_order ?? 0),
      }),
    );
  }

  /** New bytes for a photo: new checksum, version + 1, updated_at bumped; old bytes removed when unreferenced. */
  async replacePhoto(
    photo_id: string,
    source: ImageSource,
    filename?: string,
  ): Promise<PhotoRecord> {
    const old = await this.requirePhoto(photo_id);
    const stored = await this.storeBytes(
      `products/${old.product_id}/${old.id}`,
      old.version + 1,
      source,
    );
    const name =
      filename ??
      ('path' in source
        ? basename(source.path)
        : old.filename.slice(0, old.filename.length - extname(old.filename).length) + stored.ext);
    const updated = await this.linkOrDrop(stored.object_key, () =>
      this.meta.replacePhoto(photo_id, {
        object_key: stored.object_key,
        filename: checkFilename(name),
        size: stored.size,
        content_type: stored.content_type,
        checksum: stored.checksum,
      }),
    );
    await this.dropIfUnreferenced(old.object_key);
    return updated;
  }

  /** Makes a photo its product's primary one. */
  setPrimary(photo_id: string): Promise<PhotoRecord> {
    return this.meta.setPrimary(photo_id);
  }

  /** Changes a photo's sort order. */
  setSortOrder(photo_id: string, sort_order: number): Promise<PhotoRecord> {
    return this.meta.setSortOrder(photo_id, checkSortOrder(sort_order));
  }

  /** Deletes a photo (tombstoned for every store that saw it) and, if it was the last reference, its bytes. */
  async deletePhoto(photo_id: string): Promise<PhotoRecord> {
    const photo = await this.requirePhoto(photo_id);
    await this.meta.deletePhoto(photo_id);
    await this.dropIfUnreferenced(photo.object_key);
    return photo;
  }

  /** Activates or deactivates a product; its photos leave or re-enter every store's scope. */
  async setProductActive(product_id: string, active: boolean): Promise<Product> {
    await this.meta.setProductActive(product_id, active);
    return (await this.meta.getProduct(product_id))!;
  }

  /** Links a brand to a store. */
  linkBrand(store_id: string, brand_id: string): Promise<void> {
    return this.meta.linkBrand(store_id, brand_id);
  }

  /** Unlinks a brand from a store. */
  unlinkBrand(store_id: string, brand_id: string): Promise<void> {
    return this.meta.unlinkBrand(store_id, brand_id);
  }

  /** The latest reported state per photo and terminal of a store. */
  syncStatus(store_id: string): Promise<StatusRecord[]> {
    return this.meta.listStatus(store_id);
  }

  private async requirePhoto(photo_id: string): Promise<PhotoRecord> {
    const photo = await this.meta.getPhoto(photo_id);
    if (!photo) throw new NotFoundError(`Photo ${photo_id} not found`);
    return photo;
  }

  /** Writes the bytes under `<prefix>/v<version><ext>`, computing MD5 and size while streaming. */
  private async storeBytes(prefix: string, version: number, source: ImageSource) {
    const head = 'bytes' in source ? source.bytes : await readHead(source.path);
    const { type, ext } = sniffImage(head);
    const object_key = `${prefix}/v${version}${ext}`;
    const hash = createHash('md5');
    let size = 0;
    if ('bytes' in source) {
      hash.update(source.bytes);
      size = source.bytes.length;
      await this.images.put(object_key, source.bytes);
    } else {
      const counted = new Transform({
        transform(chunk: Buffer, _e, done) {
          hash.update(chunk);
          size += chunk.length;
          done(null, chunk);
        },
      });
      const file = createReadStream(source.path);
      file.on('error', (e) => counted.destroy(e));
      await this.images.put(object_key, file.pipe(counted));
    }
    return { object_key, size, content_type: type, checksum: hash.digest('hex'), ext };
  }

  /** Runs the metadata write that references freshly stored bytes, removing the bytes if it fails. */
  private async linkOrDrop<T>(object_key: string, write: () => Promise<T>): Promise<T> {
    try {
      return await write();
    } catch (e) {
      await this.dropIfUnreferenced(object_key);
      throw e;
    }
  }

  private async dropIfUnreferenced(object_key: string): Promise<void> {
    if (await this.meta.isObjectUnreferenced(object_key)) await this.images.delete(object_key);
  }
}

function defaultName(source: ImageSource, ext: string): string {
  return 'path' in source ? basename(source.path) : `photo${ext}`;
}

async function readHead(path: string): Promise<Buffer> {
  // biome-ignore lint/suspicious/noImplicitAnyLet: TypeScript infers the type from the assignment in the try block.
  let file;
  try {
    file = await open(path, 'r');
  } catch (e) {
    throw new InvalidInputError(
      `Cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
    );
  }
  try {
    const { buffer, bytesRead } = await file.read(Buffer.alloc(16), 0, 16, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await file.close();
  }
}
