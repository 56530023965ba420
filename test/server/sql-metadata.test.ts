/** Runs the MetadataRepository contract on SQLite (memory and file) and PostgreSQL, plus what the migrator and the shared clock guarantee. */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import Database from 'better-sqlite3';
import { openMetadataRepository } from '../../server/src/persistence/sql-metadata';
import type { MetadataRepository } from '../../server/src/persistence/types';
import { fleetContract } from './fleet-contract';
import { MIGRATIONS } from '../../server/src/persistence/migrations';
import { metadataContract } from './metadata-contract';
import { freshDatabase } from './postgres';

const dir = mkdtempSync(path.join(tmpdir(), 'sqlite-meta-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const freshFile = () => path.join(dir, `${randomUUID()}.db`);
const open = (file: string, now?: () => number) => openMetadataRepository({ sqlite: file }, now);

metadataContract('sqlite :memory:', () => open(':memory:'));
metadataContract('sqlite file', () => open(freshFile()));
metadataContract('postgres', async () =>
  openMetadataRepository({ postgres: await freshDatabase() }),
);
fleetContract('sqlite :memory:', () => open(':memory:'));
fleetContract('postgres', async () => openMetadataRepository({ postgres: await freshDatabase() }));

/** A store with one company, brand, linked store and product; returns ids plus a photo factory. */
async function catalog(meta: MetadataRepository) {
  const company = randomUUID();
  const brand = randomUUID();
  const store = randomUUID();
  const product = randomUUID();
  await meta.createCompany({ id: company, name: 'C' });
  await meta.createBrand({ id: brand, company_id: company, name: 'B' });
  await meta.createStore({ id: store, company_id: company, code: `S-${store}`, name: 'S' });
  await meta.linkBrand(store, brand);
  await meta.createProduct({ id: product, brand_id: brand, sku: '1', name: 'P', active: true });
  const add = (m: MetadataRepository = meta) =>
    m.addPhoto({
      product_id: product,
      object_key: 'k',
      filename: 'f.jpg',
      size: 1,
      content_type: 'image/jpeg',
      checksum: 'c',
      is_primary: false,
      sort_order: 0,
    });
  return { store, add };
}

describe('SQL metadata repository on SQLite: migrations and clock', () => {
  it('migrates a new file in WAL mode once and keeps data across reopen', async () => {
    const file = freshFile();
    const first = await open(file);
    const { store, add } = await catalog(first);
    const photo = await add();
    await first.close();
    const raw = new Database(file, { readonly: true });
    assert.equal(raw.pragma('journal_mode', { simple: true }), 'wal');
    const applied = raw.prepare('SELECT name FROM kysely_migration ORDER BY name').all();
    assert.deepEqual(
      applied,
      Object.keys(MIGRATIONS).map((name) => ({ name })),
    );
    raw.close();
    const again = await open(file);
    assert.deepEqual(await again.getPhotoInScope(store, photo.id), photo);
    await again.close();
  });

  it('adopts a file created before migrations were versioned by name (user_version 1)', async () => {
    const file = freshFile();
    const legacy = await open(file);
    const { store, add } = await catalog(legacy);
    const photo = await add();
    await legacy.close();
    const raw = new Database(file);
    // What a pre-Kysely server left: the 0001 tables, user_version 1, no migration bookkeeping.
    raw.exec(`DROP TABLE kysely_migration; DROP TABLE kysely_migration_lock; DROP TABLE photo_objects;
      DROP TABLE revoked_tokens; DROP TABLE status_reports; DROP TABLE terminals; DROP TABLE retired_objects;
      DROP INDEX sync_status_fleet; DROP INDEX sync_status_failed;
      ALTER TABLE sync_status DROP COLUMN photo_version; ALTER TABLE stores DROP COLUMN photos;`);
    raw.pragma('user_version = 1');
    raw.close();
    const adopted = await open(file);
    assert.deepEqual(await adopted.getPhotoInScope(store, photo.id), photo);
    await adopted.close();
  });

  it('refuses a database written by a newer schema', async () => {
    const file = freshFile();
    await (await open(file)).close();
    const raw = new Database(file);
    raw
      .prepare('INSERT INTO kysely_migration (name, timestamp) VALUES (?, ?)')
      .run('9999-from-the-future', new Date().toISOString());
    raw.close();
    await assert.rejects(open(file), /schema is newer than this server supports/);
  });

  it('keeps write times strictly increasing when the wall clock stands still or steps back', async () => {
    let wall = Date.parse('2026-03-01T12:00:00.000Z');
    const meta = await open(':memory:', () => wall);
    const { add } = await catalog(meta);
    const a = await add();
    const b = await add();
    assert.ok(a.updated_at >= '2026-03-01T12:00:00.000Z');
    assert.ok(b.updated_at > a.updated_at, 'same wall-clock millisecond');
    wall -= 3_600_000;
    const c = await add();
    assert.ok(c.updated_at > b.updated_at, 'clock stepped back an hour');
    wall = Date.parse('2026-03-02T00:00:00.000Z');
    assert.equal(
      (await add()).updated_at,
      '2026-03-02T00:00:00.000Z',
      'follows the wall clock when it is ahead',
    );
    await meta.close();
  });

  it('shares one clock between processes writing the same file', async () => {
    const file = freshFile();
    const ahead = await open(file, () => Date.parse('2030-01-01T00:00:00.000Z'));
    const behind = await open(file, () => Date.parse('2026-01-01T00:00:00.000Z'));
    const { store, add } = await catalog(ahead);
    const fromAhead = await add();
    const { as_of } = await behind.listPhotos({ store_id: store, limit: 10 });
    assert.ok(
      as_of > fromAhead.updated_at,
      'as_of seen by the other connection is past its newest write',
    );
    const fromBehind = await add(behind);
    assert.ok(fromBehind.updated_at > fromAhead.updated_at);
    assert.ok(fromBehind.updated_at >= as_of);
    await behind.deletePhoto(fromBehind.id);
    const next = await add(ahead);
    assert.ok(
      next.updated_at > fromBehind.updated_at,
      'deleting the newest row does not rewind the clock',
    );
    await ahead.close();
    await behind.close();
  });
});
