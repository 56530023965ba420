/** Runs the ImageRepository contract on photo bytes in the database, SQLite and PostgreSQL, plus ranged streaming in chunks. */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { SqlDatabase } from '../../server/src/persistence/database';
import { openMigratedDatabase } from '../../server/src/persistence/migrate';
import {
  READ_CHUNK_BYTES,
  SqlImageRepository,
} from '../../server/src/persistence/sql-image-repository';
import { imageRepositoryContract } from './image-repository-contract';
import { freshDatabase } from './postgres';

const open: SqlDatabase[] = [];
after(async () => {
  for (const d of open) await d.db.destroy();
});

async function repository(backend: 'sqlite' | 'postgres'): Promise<SqlImageRepository> {
  const database = await openMigratedDatabase(
    backend === 'sqlite' ? { sqlite: ':memory:' } : { postgres: await freshDatabase() },
    Date.now(),
  );
  open.push(database);
  return new SqlImageRepository(database.db);
}

imageRepositoryContract('database (sqlite)', () => repository('sqlite'));
imageRepositoryContract('database (postgres)', () => repository('postgres'));

describe('SqlImageRepository streaming', () => {
  it('streams a photo larger than one chunk, whole and by range, in chunk-sized pieces', async () => {
    const images = await repository('postgres');
    const data = Buffer.alloc(READ_CHUNK_BYTES * 2 + 123);
    for (let i = 0; i < data.length; i++) data[i] = (i * 7) % 251;
    await images.put('products/p/big.jpg', data);
    const pieces: Buffer[] = [];
    for await (const chunk of images.read('products/p/big.jpg')) pieces.push(chunk as Buffer);
    assert.ok(pieces.length >= 3, 'read in several queries, not one');
    assert.ok(pieces.every((p) => p.length <= READ_CHUNK_BYTES));
    assert.ok(Buffer.concat(pieces).equals(data));
    const start = READ_CHUNK_BYTES - 10;
    const end = READ_CHUNK_BYTES + 20;
    const ranged: Buffer[] = [];
    for await (const chunk of images.read('products/p/big.jpg', { start, end }))
      ranged.push(chunk as Buffer);
    assert.ok(Buffer.concat(ranged).equals(data.subarray(start, end + 1)));
  });
});
