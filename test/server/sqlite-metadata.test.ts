/** Runs the MetadataStore contract on SQLite (memory and file), plus what only a SQLite file has: schema steps, WAL, shared clock. */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import Database from 'better-sqlite3';
import { SqliteMetadataStore } from '../../server/src/store/sqlite-metadata';
import { metadataContract } from './metadata-contract';

const dir = mkdtempSync(path.join(tmpdir(), 'sqlite-meta-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const freshFile = () => path.join(dir, `${randomUUID()}.db`);

metadataContract('sqlite :memory:', () => new SqliteMetadataStore(':memory:'));
metadataContract('sqlite file', () => new SqliteMetadataStore(freshFile()));

/** A store with one company, brand, linked store and product; returns ids plus a photo factory. */
function catalog(meta: SqliteMetadataStore) {
  const company = randomUUID();
  const brand = randomUUID();
  const store = randomUUID();
  const product = randomUUID();
  meta.createCompany({ id: company, name: 'C' });
  meta.createBrand({ id: brand, company_id: company, name: 'B' });
  meta.createStore({ id: store, company_id: company, code: `S-${store}`, name: 'S' });
  meta.linkBrand(store, brand);
  meta.createProduct({ id: product, brand_id: brand, sku: '1', name: 'P', active: true });
  const add = (m: SqliteMetadataStore = meta) =>
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

describe('SqliteMetadataStore specifics', () => {
  it('creates the schema by user_version steps in WAL mode and keeps data across reopen', () => {
    const file = freshFile();
    const first = new SqliteMetadataStore(file);
    const { store, add } = catalog(first);
    const photo = add();
    first.close();
    const raw = new Database(file, { readonly: true });
    assert.equal(raw.pragma('user_version', { simple: true }), 2);
    assert.equal(raw.pragma('journal_mode', { simple: true }), 'wal');
    raw.close();
    const again = new SqliteMetadataStore(file);
    assert.deepEqual(again.getPhotoInScope(store, photo.id), photo);
    again.close();
  });

  it('refuses a database written by a newer schema', () => {
    const file = freshFile();
    new SqliteMetadataStore(file).close();
    const raw = new Database(file);
    raw.pragma('user_version = 99');
    raw.close();
    assert.throws(() => new SqliteMetadataStore(file), /schema version 99 is newer/);
  });

  it('keeps write times strictly increasing when the wall clock stands still or steps back', () => {
    let wall = Date.parse('2026-03-01T12:00:00.000Z');
    const meta = new SqliteMetadataStore(':memory:', () => wall);
    const { add } = catalog(meta);
    const a = add();
    const b = add();
    assert.ok(a.updated_at >= '2026-03-01T12:00:00.000Z');
    assert.ok(b.updated_at > a.updated_at, 'same wall-clock millisecond');
    wall -= 3_600_000;
    const c = add();
    assert.ok(c.updated_at > b.updated_at, 'clock stepped back an hour');
    wall = Date.parse('2026-03-02T00:00:00.000Z');
    assert.equal(
      add().updated_at,
      '2026-03-02T00:00:00.000Z',
      'follows the wall clock when it is ahead',
    );
    meta.close();
  });

  it('shares one clock between processes writing the same file', () => {
    const file = freshFile();
    const ahead = new SqliteMetadataStore(file, () => Date.parse('2030-01-01T00:00:00.000Z'));
    const behind = new SqliteMetadataStore(file, () => Date.parse('2026-01-01T00:00:00.000Z'));
    const { store, add } = catalog(ahead);
    const fromAhead = add();
    const { as_of } = behind.listPhotos({ store_id: store, limit: 10 });
    assert.ok(
      as_of > fromAhead.updated_at,
      'as_of seen by the other connection is past its newest write',
    );
    const fromBehind = add(behind);
    assert.ok(fromBehind.updated_at > fromAhead.updated_at);
    assert.ok(fromBehind.updated_at >= as_of);
    behind.deletePhoto(fromBehind.id);
    const next = add(ahead);
    assert.ok(
      next.updated_at > fromBehind.updated_at,
      'deleting the newest row does not rewind the clock',
    );
    ahead.close();
    behind.close();
  });
});
