/**
 * Photo bytes in the database (table photo_objects), so every instance on one PostgreSQL sees the same
 * objects with no shared disk. A put is one upsert (atomic: readers see the old bytes or the new).
 * A photo up to SNAPSHOT_READ_BYTES is read in one statement, so a reader always gets one whole version
 * even while a replacement commits; a larger object streams in substr() chunks (at most one chunk in
 * memory), and a replacement during that read fails the read rather than splice two versions.
 */
import { Readable } from 'node:stream';
import { type Kysely, sql } from 'kysely';
import { InvalidInputError } from './errors';
import { validateObjectKey } from './fs-image-repository';
import type { DatabaseSchema } from './schema';
import type { ImageRepository, ObjectInfo } from './types';

/** Bytes fetched per query while streaming. */
export const READ_CHUNK_BYTES = 256 * 1024;

/** Objects up to this size are read in one statement: one consistent snapshot of a photo. */
export const SNAPSHOT_READ_BYTES = 8 * 1024 * 1024;

/**
 * Writes one object row on `db` (a transaction when the metadata write that references it runs
 * there); `replace` overwrites an existing key, otherwise a duplicate key fails the write.
 */
export async function writeObject(
  db: Kysely<DatabaseSchema>,
  key: string,
  bytes: Buffer,
  mtime_ms: number,
  replace = false,
): Promise<ObjectInfo> {
  validateObjectKey(key);
  const info = { size: bytes.length, mtime_ms };
  const insert = db.insertInto('photo_objects').values({ object_key: key, bytes, ...info });
  await (replace
    ? insert.onConflict((oc) => oc.column('object_key').doUpdateSet({ bytes, ...info }))
    : insert
  ).execute();
  return info;
}

/** ImageRepository over the photo_objects table of an open database. */
export class SqlImageRepository implements ImageRepository {
  constructor(
    private readonly db: Kysely<DatabaseSchema>,
    private readonly now: () => number = Date.now,
  ) {}

  async put(key: string, data: Buffer | Readable): Promise<ObjectInfo> {
    const chunks: Buffer[] = [];
    for await (const chunk of Buffer.isBuffer(data) ? [data] : data) chunks.push(chunk as Buffer);
    return writeObject(this.db, key, Buffer.concat(chunks), this.now(), true);
  }

  async stat(key: string): Promise<ObjectInfo | undefined> {
    validateObjectKey(key);
    const row = await this.db
      .selectFrom('photo_objects')
      .select(['size', 'mtime_ms'])
      .where('object_key', '=', key)
      .executeTakeFirst();
    return row && { size: Number(row.size), mtime_ms: Number(row.mtime_ms) };
  }

  read(key: string, range?: { start: number; end: number }): Readable {
    validateObjectKey(key);
    if (range) {
      const { start, end } = range;
      if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end) || start < 0 || end < start) {
        throw new InvalidInputError(`Invalid byte range ${start}-${end}`);
      }
    }
    return Readable.from(this.chunks(key, range), { objectMode: false });
  }

  async delete(key: string): Promise<void> {
    validateObjectKey(key);
    await this.db.deleteFrom('photo_objects').where('object_key', '=', key).execute();
  }

  async *list(): AsyncIterable<ObjectInfo & { key: string }> {
    const all = await this.db
      .selectFrom('photo_objects')
      .select(['object_key', 'size', 'mtime_ms'])
      .orderBy('object_key')
      .execute();
    for (const o of all)
      yield { key: o.object_key, size: Number(o.size), mtime_ms: Number(o.mtime_ms) };
  }

  private async *chunks(key: string, range?: { start: number; end: number }) {
    const head = await this.db
      .selectFrom('photo_objects')
      .select([
        'size',
        sql<Buffer | null>`case when size <= ${SNAPSHOT_READ_BYTES} then bytes end`.as('whole'),
      ])
      .where('object_key', '=', key)
      .executeTakeFirst();
    if (!head) throw Object.assign(new Error(`No object ${key}`), { code: 'ENOENT' });
    const size = Number(head.size);
    const end = Math.min(range?.end ?? size - 1, size - 1);
    if (head.whole !== null) {
      for (let at = range?.start ?? 0; at <= end; at += READ_CHUNK_BYTES)
        yield Buffer.from(head.whole.subarray(at, Math.min(at + READ_CHUNK_BYTES, end + 1)));
      return;
    }
    for (let at = range?.start ?? 0; at <= end; at += READ_CHUNK_BYTES) {
      const length = Math.min(READ_CHUNK_BYTES, end - at + 1);
      const row = await this.db
        .selectFrom('photo_objects')
        // substr() is 1-based on both SQLite blobs and PostgreSQL bytea.
        .select((eb) =>
          eb.fn<Buffer>('substr', ['bytes', eb.val(at + 1), eb.val(length)]).as('part'),
        )
        .where('object_key', '=', key)
        .executeTakeFirst();
      // Deleted or replaced mid-stream: fail rather than splice two versions or end short silently.
      if (!row || row.part.length !== length) throw new Error(`Object ${key} changed while read`);
      yield Buffer.from(row.part);
    }
  }
}
