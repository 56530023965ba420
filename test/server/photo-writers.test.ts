/**
 * Runs the PhotoWriter contract on every deployment: SQLite + files (bytes first, then the row) and
 * bytes in the database on PostgreSQL and SQLite (one transaction).
 */
import { after } from 'node:test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { FsImageRepository } from '../../server/src/persistence/fs-image-repository';
import { openMigratedDatabase } from '../../server/src/persistence/migrate';
import {
  BytesFirstPhotoWriter,
  SameTransactionPhotoWriter,
} from '../../server/src/persistence/photo-writers';
import { SqlImageRepository } from '../../server/src/persistence/sql-image-repository';
import {
  SqlMetadataRepository,
  openMetadataRepository,
} from '../../server/src/persistence/sql-metadata';
import type { MetadataRepository } from '../../server/src/persistence/types';
import { type PhotoStores, photoWriterContract } from './photo-writer-contract';
import { freshDatabase } from './postgres';

const dir = mkdtempSync(path.join(tmpdir(), 'photo-writers-'));
const open: MetadataRepository[] = [];
after(async () => {
  for (const meta of open) await meta.close();
  rmSync(dir, { recursive: true, force: true });
});
let n = 0;

async function inDatabase(
  target: Parameters<typeof openMigratedDatabase>[0],
): Promise<PhotoStores> {
  const database = await openMigratedDatabase(target, Date.now());
  const meta = new SqlMetadataRepository(database);
  open.push(meta);
  return {
    meta,
    images: new SqlImageRepository(database.db),
    photos: new SameTransactionPhotoWriter(meta),
  };
}

photoWriterContract('sqlite + files, bytes first', async () => {
  const meta = await openMetadataRepository({ sqlite: path.join(dir, `${n}.db`) });
  open.push(meta);
  const images = new FsImageRepository(path.join(dir, `images-${n++}`));
  return { meta, images, photos: new BytesFirstPhotoWriter(meta, images) };
});
photoWriterContract('postgres, one transaction', async () =>
  inDatabase({ postgres: await freshDatabase() }),
);
photoWriterContract('sqlite, one transaction', () => inDatabase({ sqlite: ':memory:' }));
