/**
 * The metadata repository, written once on Kysely for SQLite and PostgreSQL alike. Every write runs in
 * one transaction whose first statement locks the logical clock row, so writes are serialised across
 * processes and instances and their timestamps stay strictly increasing even when wall clocks jump or
 * disagree between machines. Multi-statement reads run in one snapshot (REPEATABLE READ on PostgreSQL,
 * a read transaction on SQLite), so `as_of` and the rows it covers agree.
 */
import { randomUUID } from 'node:crypto';
import { type Kysely, type RawBuilder, sql } from 'kysely';
import type { DatabaseTarget, SqlDatabase } from './database';
import { ConflictError, InvalidInputError, NotFoundError } from './errors';
import { isoFromMs, toIsoTime } from './iso-time';
import { openMigratedDatabase } from './migrate';
import type { DatabaseSchema } from './schema';
import type {
  Brand,
  Company,
  IsoTime,
  MetadataRepository,
  NewPhoto,
  PhotoPage,
  PhotoPageQuery,
  PhotoRecord,
  PhotoReplacement,
  Product,
  StatusItem,
  StatusRecord,
  Store,
  User,
} from './types';

type Db = Kysely<DatabaseSchema>;

interface PhotoRow extends Omit<PhotoRecord, 'is_primary'> {
  is_primary: number;
}
interface ProductRow extends Omit<Product, 'active'> {
  active: number;
}

type Table = 'company' | 'brands' | 'stores' | 'products' | 'product_photos';
const LABELS: Record<Table, string> = {
  company: 'Company',
  brands: 'Brand',
  stores: 'Store',
  products: 'Product',
  product_photos: 'Photo',
};

const PHOTO_COLUMNS = sql`ph.id, ph.product_id, p.sku AS product_sku, p.name AS product_name, ph.object_key,
  ph.filename, ph.size, ph.content_type, ph.checksum, ph.version, ph.is_primary, ph.sort_order,
  ph.created_at, ph.updated_at`;

/** Photos a store sees: active products of brands actively linked to the store. */
const inScope = (store_id: string) => sql`FROM product_photos ph
  JOIN products p ON p.id = ph.product_id AND p.active = 1
  JOIN store_brands sb ON sb.brand_id = p.brand_id AND sb.store_id = ${store_id} AND sb.is_active = 1`;

/** Tombstones (store, photo, t) for every in-scope pair matching `where`, replacing older ones. */
const tombstone = (t: IsoTime, where: RawBuilder<unknown>) => sql`
  INSERT INTO tombstones (store_id, photo_id, deleted_at)
  SELECT sb.store_id, ph.id, ${t} FROM product_photos ph
    JOIN products p ON p.id = ph.product_id AND p.active = 1
    JOIN store_brands sb ON sb.brand_id = p.brand_id AND sb.is_active = 1
  WHERE ${where}
  ON CONFLICT (store_id, photo_id) DO UPDATE SET deleted_at = excluded.deleted_at`;

function toPhoto(row: PhotoRow): PhotoRecord {
  return { ...row, is_primary: row.is_primary === 1 };
}

function toProduct(row: ProductRow): Product {
  return { ...row, active: row.active === 1 };
}

function requireInt(name: string, value: number, min?: number): void {
  if (!Number.isSafeInteger(value) || (min !== undefined && value < min)) {
    throw new InvalidInputError(
      `${name} must be an integer${min === undefined ? '' : ` >= ${min}`}, got ${value}`,
    );
  }
}

async function rows<R>(db: Db, query: RawBuilder<R>): Promise<R[]> {
  return (await query.execute(db)).rows;
}

async function exists(db: Db, table: Table, id: string): Promise<boolean> {
  return (
    (await rows(db, sql`SELECT 1 AS one FROM ${sql.table(table)} WHERE id = ${id}`)).length > 0
  );
}

async function requireRow(db: Db, table: Table, id: string): Promise<void> {
  if (!(await exists(db, table, id))) throw new NotFoundError(`${LABELS[table]} ${id} not found`);
}

async function requireAbsent(db: Db, table: Table, id: string): Promise<void> {
  if (await exists(db, table, id)) throw new ConflictError(`${LABELS[table]} ${id} already exists`);
}

async function photoById(db: Db, photo_id: string): Promise<PhotoRecord | undefined> {
  const [row] = await rows(
    db,
    sql<PhotoRow>`SELECT ${PHOTO_COLUMNS} FROM product_photos ph JOIN products p ON p.id = ph.product_id
      WHERE ph.id = ${photo_id}`,
  );
  return row && toPhoto(row);
}

async function storeById(db: Db, id: string): Promise<Store | undefined> {
  return db
    .selectFrom('stores')
    .select(['id', 'company_id', 'code', 'name'])
    .where('id', '=', id)
    .executeTakeFirst();
}

async function productById(db: Db, id: string): Promise<Product | undefined> {
  const row = await db
    .selectFrom('products')
    .select(['id', 'brand_id', 'sku', 'name', 'active'])
    .where('id', '=', id)
    .executeTakeFirst();
  return row && toProduct(row);
}

async function userByName(db: Db, username: string): Promise<User | undefined> {
  const row = await db
    .selectFrom('users')
    .select(['username', 'password_hash', 'role'])
    .where('username', '=', username)
    .executeTakeFirst();
  if (!row) return undefined;
  const stores = await db
    .selectFrom('user_stores')
    .select('store_id')
    .where('username', '=', username)
    .orderBy('position')
    .execute();
  return { ...row, store_ids: stores.map((s) => s.store_id) };
}

/** A write: `stamp()` yields this transaction's single clock tick, taken on first use. */
type WriteFn<T> = (trx: Db, stamp: () => IsoTime) => Promise<T>;

/** MetadataRepository over an open SqlDatabase; `now` is injectable so tests can move the wall clock. */
export class SqlMetadataRepository implements MetadataRepository {
  private readonly db: Db;

  constructor(
    private readonly database: SqlDatabase,
    private readonly now: () => number = Date.now,
  ) {
    this.db = database.db;
  }

  // ---- catalog setup ----

  createCompany(c: Company): Promise<void> {
    return this.write(async (trx) => {
      await requireAbsent(trx, 'company', c.id);
      await trx.insertInto('company').values({ id: c.id, name: c.name }).execute();
    });
  }

  createBrand(b: Brand): Promise<void> {
    return this.write(async (trx) => {
      await requireAbsent(trx, 'brands', b.id);
      await requireRow(trx, 'company', b.company_id);
      await trx
        .insertInto('brands')
        .values({ id: b.id, company_id: b.company_id, name: b.name })
        .execute();
    });
  }

  createStore(s: Store): Promise<void> {
    return this.write(async (trx) => {
      await requireAbsent(trx, 'stores', s.id);
      await requireRow(trx, 'company', s.company_id);
      const taken = await trx
        .selectFrom('stores')
        .select('id')
        .where('code', '=', s.code)
        .executeTakeFirst();
      if (taken) throw new ConflictError(`Store code ${s.code} already exists`);
      await trx
        .insertInto('stores')
        .values({ id: s.id, company_id: s.company_id, code: s.code, name: s.name })
        .execute();
    });
  }

  createProduct(p: Product): Promise<void> {
    return this.write(async (trx) => {
      await requireAbsent(trx, 'products', p.id);
      await requireRow(trx, 'brands', p.brand_id);
      await trx
        .insertInto('products')
        .values({
          id: p.id,
          brand_id: p.brand_id,
          sku: p.sku,
          name: p.name,
          active: p.active ? 1 : 0,
        })
        .execute();
    });
  }

  async createUser(u: User): Promise<void> {
    if (u.role !== 'admin' && u.role !== 'store')
      throw new InvalidInputError(`Unknown role ${String(u.role)}`);
    await this.write(async (trx) => {
      if (await userByName(trx, u.username))
        throw new ConflictError(`User ${u.username} already exists`);
      for (const id of u.store_ids) await requireRow(trx, 'stores', id);
      await trx
        .insertInto('users')
        .values({ username: u.username, password_hash: u.password_hash, role: u.role })
        .execute();
      for (const [i, id] of u.store_ids.entries()) {
        await trx
          .insertInto('user_stores')
          .values({ username: u.username, store_id: id, position: i })
          .onConflict((oc) => oc.doNothing())
          .execute();
      }
    });
  }

  getUser(username: string): Promise<User | undefined> {
    // Asked on every request (authentication): two plain reads, no snapshot transaction round trips.
    return userByName(this.db, username);
  }

  setPasswordHash(username: string, password_hash: string): Promise<void> {
    return this.write(async (trx) => {
      const r = await trx
        .updateTable('users')
        .set({ password_hash })
        .where('username', '=', username)
        .executeTakeFirst();
      if (Number(r.numUpdatedRows) === 0) throw new NotFoundError(`User ${username} not found`);
    });
  }

  linkBrand(store_id: string, brand_id: string): Promise<void> {
    return this.write(async (trx, stamp) => {
      const store = await storeById(trx, store_id);
      if (!store) throw new NotFoundError(`Store ${store_id} not found`);
      const brand = await trx
        .selectFrom('brands')
        .select(['id', 'company_id'])
        .where('id', '=', brand_id)
        .executeTakeFirst();
      if (!brand) throw new NotFoundError(`Brand ${brand_id} not found`);
      if (brand.company_id !== store.company_id) {
        throw new InvalidInputError(
          `Brand ${brand_id} belongs to another company than store ${store_id}`,
        );
      }
      if (await this.linkActive(trx, store_id, brand_id)) return;
      await trx
        .insertInto('store_brands')
        .values({ store_id, brand_id, is_active: 1 })
        .onConflict((oc) => oc.columns(['store_id', 'brand_id']).doUpdateSet({ is_active: 1 }))
        .execute();
      // The brand's photos come (back) into this store's scope: bump them so an incremental sync sees them.
      await sql`UPDATE product_photos SET updated_at = ${stamp()} WHERE product_id IN
        (SELECT id FROM products WHERE brand_id = ${brand_id} AND active = 1)`.execute(trx);
    });
  }

  unlinkBrand(store_id: string, brand_id: string): Promise<void> {
    return this.write(async (trx, stamp) => {
      await requireRow(trx, 'stores', store_id);
      await requireRow(trx, 'brands', brand_id);
      if (!(await this.linkActive(trx, store_id, brand_id))) return;
      await tombstone(stamp(), sql`sb.store_id = ${store_id} AND p.brand_id = ${brand_id}`).execute(
        trx,
      );
      await trx
        .updateTable('store_brands')
        .set({ is_active: 0 })
        .where('store_id', '=', store_id)
        .where('brand_id', '=', brand_id)
        .execute();
    });
  }

  setProductActive(product_id: string, active: boolean): Promise<void> {
    return this.write(async (trx, stamp) => {
      const product = await productById(trx, product_id);
      if (!product) throw new NotFoundError(`Product ${product_id} not found`);
      if (product.active === active) return;
      const t = stamp();
      if (active) {
        await trx
          .updateTable('product_photos')
          .set({ updated_at: t })
          .where('product_id', '=', product_id)
          .execute();
      } else {
        await tombstone(t, sql`p.id = ${product_id}`).execute(trx);
      }
      await trx
        .updateTable('products')
        .set({ active: active ? 1 : 0 })
        .where('id', '=', product_id)
        .execute();
    });
  }

  /** True while the catalog has no company, i.e. nothing was ever seeded (users do not count). */
  async isEmpty(): Promise<boolean> {
    return !(await this.db.selectFrom('company').select('id').limit(1).executeTakeFirst());
  }

  // ---- reads ----

  listStores(): Promise<Store[]> {
    return this.db
      .selectFrom('stores')
      .select(['id', 'company_id', 'code', 'name'])
      .orderBy('code')
      .execute();
  }

  getStore(id: string): Promise<Store | undefined> {
    return storeById(this.db, id);
  }

  getProduct(id: string): Promise<Product | undefined> {
    return productById(this.db, id);
  }

  async listProducts(): Promise<Product[]> {
    const all = await this.db
      .selectFrom('products')
      .select(['id', 'brand_id', 'sku', 'name', 'active'])
      .orderBy('sku')
      .orderBy('id')
      .execute();
    return all.map(toProduct);
  }

  listBrands(): Promise<Brand[]> {
    return this.db
      .selectFrom('brands')
      .select(['id', 'company_id', 'name'])
      .orderBy('name')
      .orderBy('id')
      .execute();
  }

  async listPhotos(q: PhotoPageQuery): Promise<PhotoPage> {
    requireInt('limit', q.limit, 0);
    const offset = q.offset ?? 0;
    requireInt('offset', offset, 0);
    // '' sorts before every timestamp, so "no since" needs no separate query.
    const since = q.since === undefined ? '' : toIsoTime(q.since);
    const cursor = q.cursor && { cu: toIsoTime(q.cursor.updated_at), ci: q.cursor.id };
    return this.read(async (db) => {
      await requireRow(db, 'stores', q.store_id);
      // One tick past the newest write in this snapshot: everything read is before it, and any write
      // committed later (even one in another process that read the wall clock before us) is at or after it.
      // The wall clock is deliberately not used: it can lag the logical clock or step backwards.
      const as_of = isoFromMs((await this.clockMs(db)) + 1);
      const scope = inScope(q.store_id);
      const [count] = await rows(
        db,
        sql<{ total: number }>`SELECT COUNT(*) AS total ${scope} WHERE ph.updated_at >= ${since}`,
      );
      const page = cursor
        ? sql<PhotoRow>`SELECT ${PHOTO_COLUMNS} ${scope}
            WHERE ph.updated_at >= ${since} AND (ph.updated_at, ph.id) > (${cursor.cu}, ${cursor.ci})
            ORDER BY ph.updated_at, ph.id LIMIT ${q.limit}`
        : sql<PhotoRow>`SELECT ${PHOTO_COLUMNS} ${scope}
            WHERE ph.updated_at >= ${since} ORDER BY ph.updated_at, ph.id LIMIT ${q.limit} OFFSET ${offset}`;
      return { photos: (await rows(db, page)).map(toPhoto), total: Number(count!.total), as_of };
    });
  }

  async getPhotoInScope(store_id: string, photo_id: string): Promise<PhotoRecord | undefined> {
    const [row] = await rows(
      this.db,
      sql<PhotoRow>`SELECT ${PHOTO_COLUMNS} ${inScope(store_id)} WHERE ph.id = ${photo_id}`,
    );
    return row && toPhoto(row);
  }

  getPhoto(photo_id: string): Promise<PhotoRecord | undefined> {
    return photoById(this.db, photo_id);
  }

  async listTombstones(store_id: string, since?: IsoTime): Promise<string[]> {
    const from = since === undefined ? '' : toIsoTime(since);
    return this.read(async (db) => {
      await requireRow(db, 'stores', store_id);
      // A tombstone stays on file after its photo comes back; scope is checked at read time instead.
      const found = await rows(
        db,
        sql<{ photo_id: string }>`SELECT t.photo_id FROM tombstones t
          WHERE t.store_id = ${store_id} AND t.deleted_at >= ${from}
            AND NOT EXISTS (SELECT 1 ${inScope(store_id)} WHERE ph.id = t.photo_id)
          ORDER BY t.deleted_at, t.photo_id`,
      );
      return found.map((r) => r.photo_id);
    });
  }

  async isObjectUnreferenced(object_key: string): Promise<boolean> {
    const hit = await this.db
      .selectFrom('product_photos')
      .select('id')
      .where('object_key', '=', object_key)
      .limit(1)
      .executeTakeFirst();
    return !hit;
  }

  // ---- photo writes ----

  async addPhoto(n: NewPhoto): Promise<PhotoRecord> {
    requireInt('size', n.size, 0);
    requireInt('sort_order', n.sort_order);
    const id = n.id ?? randomUUID();
    return this.write(async (trx, stamp) => {
      await requireAbsent(trx, 'product_photos', id);
      await requireRow(trx, 'products', n.product_id);
      const t = stamp();
      if (n.is_primary) await this.unsetOtherPrimaries(trx, n.product_id, id, t);
      await trx
        .insertInto('product_photos')
        .values({
          id,
          product_id: n.product_id,
          object_key: n.object_key,
          filename: n.filename,
          size: n.size,
          content_type: n.content_type,
          checksum: n.checksum,
          version: 1,
          is_primary: n.is_primary ? 1 : 0,
          sort_order: n.sort_order,
          created_at: t,
          updated_at: t,
        })
        .execute();
      return (await photoById(trx, id))!;
    });
  }

  async replacePhoto(photo_id: string, r: PhotoReplacement): Promise<PhotoRecord> {
    requireInt('size', r.size, 0);
    return this.updatePhoto(photo_id, async (trx, _photo, t) => {
      await trx
        .updateTable('product_photos')
        .set((eb) => ({
          object_key: r.object_key,
          filename: r.filename,
          size: r.size,
          content_type: r.content_type,
          checksum: r.checksum,
          version: eb('version', '+', 1),
          updated_at: t,
        }))
        .where('id', '=', photo_id)
        .execute();
    });
  }

  setPrimary(photo_id: string): Promise<PhotoRecord> {
    return this.updatePhoto(photo_id, async (trx, photo, t) => {
      await this.unsetOtherPrimaries(trx, photo.product_id, photo.id, t);
      await trx
        .updateTable('product_photos')
        .set({ is_primary: 1, updated_at: t })
        .where('id', '=', photo_id)
        .execute();
    });
  }

  async setSortOrder(photo_id: string, sort_order: number): Promise<PhotoRecord> {
    requireInt('sort_order', sort_order);
    return this.updatePhoto(photo_id, async (trx, _photo, t) => {
      await trx
        .updateTable('product_photos')
        .set({ sort_order, updated_at: t })
        .where('id', '=', photo_id)
        .execute();
    });
  }

  deletePhoto(photo_id: string): Promise<void> {
    return this.write(async (trx, stamp) => {
      await requireRow(trx, 'product_photos', photo_id);
      await tombstone(stamp(), sql`ph.id = ${photo_id}`).execute(trx);
      await trx.deleteFrom('product_photos').where('id', '=', photo_id).execute();
    });
  }

  // ---- status reports ----

  async recordStatus(store_id: string, terminal_id: string, items: StatusItem[]): Promise<number> {
    for (const item of items) {
      if (item.status !== 'synced' && item.status !== 'failed') {
        throw new InvalidInputError(
          `Unknown sync status ${JSON.stringify(item.status)} for photo ${item.photo_id}`,
        );
      }
    }
    const reported_at = isoFromMs(this.now());
    return this.write(async (trx) => {
      await requireRow(trx, 'stores', store_id);
      // One multi-row upsert per slice keeps a 1000-item report to a few round trips (and within
      // SQLite's bound-parameter limit); within a slice the last entry for a photo wins, as item by item.
      for (let i = 0; i < items.length; i += 200) {
        const latest = new Map(items.slice(i, i + 200).map((item) => [item.photo_id, item]));
        await trx
          .insertInto('sync_status')
          .values(
            [...latest.values()].map((item) => ({
              store_id,
              photo_id: item.photo_id,
              terminal_id,
              status: item.status,
              synced_at: item.synced_at,
              error: item.error,
              reported_at,
            })),
          )
          .onConflict((oc) =>
            oc.columns(['store_id', 'photo_id', 'terminal_id']).doUpdateSet((eb) => ({
              status: eb.ref('excluded.status'),
              synced_at: eb.ref('excluded.synced_at'),
              error: eb.ref('excluded.error'),
              reported_at: eb.ref('excluded.reported_at'),
            })),
          )
          .execute();
      }
      return items.length;
    });
  }

  listStatus(store_id: string): Promise<StatusRecord[]> {
    return this.read(async (db) => {
      await requireRow(db, 'stores', store_id);
      return db
        .selectFrom('sync_status')
        .select([
          'store_id',
          'photo_id',
          'terminal_id',
          'status',
          'synced_at',
          'error',
          'reported_at',
        ])
        .where('store_id', '=', store_id)
        .orderBy('photo_id')
        .orderBy('terminal_id')
        .execute();
    });
  }

  async close(): Promise<void> {
    await this.db.destroy();
  }

  // ---- internals ----

  /**
   * Runs `fn` in a write transaction. Its first statement locks the clock row (PostgreSQL: row lock;
   * SQLite: takes the file's write lock before any read, so no snapshot can go stale), so the tick
   * computed from it is above every committed write and every `as_of` already handed out.
   */
  private write<T>(fn: WriteFn<T>): Promise<T> {
    return this.db.transaction().execute(async (trx) => {
      const locked = await rows(
        trx,
        sql<{ last_ms: number }>`UPDATE clock SET last_ms = last_ms WHERE id = 1 RETURNING last_ms`,
      );
      const last = Number(locked[0]!.last_ms);
      let ms: number | undefined;
      const stamp = () => {
        // Never before the wall clock, always after every time already written or handed out.
        ms ??= Math.max(this.now(), last + 1);
        return isoFromMs(ms);
      };
      const result = await fn(trx, stamp);
      if (ms !== undefined)
        await trx.updateTable('clock').set({ last_ms: ms }).where('id', '=', 1).execute();
      return result;
    });
  }

  /** Runs `fn` on one consistent snapshot. */
  private read<T>(fn: (db: Db) => Promise<T>): Promise<T> {
    const tx = this.db.transaction();
    return this.database.dialect === 'postgres'
      ? tx.setIsolationLevel('repeatable read').setAccessMode('read only').execute(fn)
      : tx.execute(fn);
  }

  private async clockMs(db: Db): Promise<number> {
    const row = await db
      .selectFrom('clock')
      .select('last_ms')
      .where('id', '=', 1)
      .executeTakeFirst();
    return Number(row!.last_ms);
  }

  private updatePhoto(
    photo_id: string,
    change: (trx: Db, photo: PhotoRecord, t: IsoTime) => Promise<void>,
  ): Promise<PhotoRecord> {
    return this.write(async (trx, stamp) => {
      const photo = await photoById(trx, photo_id);
      if (!photo) throw new NotFoundError(`Photo ${photo_id} not found`);
      await change(trx, photo, stamp());
      return (await photoById(trx, photo_id))!;
    });
  }

  private async unsetOtherPrimaries(
    trx: Db,
    product_id: string,
    keep_id: string,
    t: IsoTime,
  ): Promise<void> {
    await trx
      .updateTable('product_photos')
      .set({ is_primary: 0, updated_at: t })
      .where('product_id', '=', product_id)
      .where('id', '<>', keep_id)
      .where('is_primary', '=', 1)
      .execute();
  }

  private async linkActive(trx: Db, store_id: string, brand_id: string): Promise<boolean> {
    const hit = await trx
      .selectFrom('store_brands')
      .select('store_id')
      .where('store_id', '=', store_id)
      .where('brand_id', '=', brand_id)
      .where('is_active', '=', 1)
      .executeTakeFirst();
    return !!hit;
  }
}

/** Opens the database at `target`, brings its schema up to date and returns the repository over it. */
export async function openMetadataRepository(
  target: DatabaseTarget,
  now: () => number = Date.now,
): Promise<SqlMetadataRepository> {
  return new SqlMetadataRepository(await openMigratedDatabase(target, now()), now);
}
