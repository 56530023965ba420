/**
 * The two PhotoWriter implementations: bytes in the database written in the metadata transaction
 * (PostgreSQL deployments: no orphan or missing bytes by construction), and bytes in an image store
 * of their own written first (SQLite + files: the row never points at missing bytes; a crash between
 * the two leaves an orphan that the start-up sweep removes).
 */
import type {
  ImageRepository,
  MetadataRepository,
  NewPhoto,
  PhotoRecord,
  PhotoReplacement,
  PhotoWriter,
} from './types';

/** Bytes and row in one transaction of a metadata store that keeps photo_objects itself. */
export class SameTransactionPhotoWriter implements PhotoWriter {
  constructor(private readonly meta: MetadataRepository) {}

  addPhoto(p: NewPhoto, bytes: Buffer): Promise<PhotoRecord> {
    return this.meta.addPhoto(p, bytes);
  }

  replacePhoto(photo_id: string, r: PhotoReplacement, bytes: Buffer): Promise<PhotoRecord> {
    return this.meta.replacePhoto(photo_id, r, bytes);
  }
}

/** Bytes into `images` first, then the row; the bytes are dropped again when the row write fails. */
export class BytesFirstPhotoWriter implements PhotoWriter {
  constructor(
    private readonly meta: MetadataRepository,
    private readonly images: ImageRepository,
  ) {}

  addPhoto(p: NewPhoto, bytes: Buffer): Promise<PhotoRecord> {
    return this.linkOrDrop(p.object_key, bytes, () => this.meta.addPhoto(p));
  }

  replacePhoto(photo_id: string, r: PhotoReplacement, bytes: Buffer): Promise<PhotoRecord> {
    return this.linkOrDrop(r.object_key, bytes, () => this.meta.replacePhoto(photo_id, r));
  }

  private async linkOrDrop(
    key: string,
    bytes: Buffer,
    write: () => Promise<PhotoRecord>,
  ): Promise<PhotoRecord> {
    await this.images.put(key, bytes);
    try {
      return await write();
    } catch (e) {
      // The key is this write's own; the check only guards against a row committed despite the error.
      if (await this.meta.isObjectUnreferenced(key)) await this.images.delete(key);
      throw e;
    }
  }
}
